package apiclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oauthServer issues tokens tok-1, tok-2, ... and accepts only the newest one.
type oauthServer struct {
	t           *testing.T
	mu          sync.Mutex
	grants      []string            // grant_type of every token call
	bodies      []map[string]string // token request bodies
	valid       string
	n           int
	expiresIn   any
	tokenStatus int           // 200 when 0
	refreshFail int           // status for refresh_token grants, 0 = ok
	credsFail   int           // status for client_credentials grants, 0 = ok
	tokenDelay  time.Duration // slow token endpoint (concurrency test)
	apiCalls    atomic.Int32
	deletes     atomic.Int32
	reject      atomic.Int32 // answer this many API calls with 401 regardless
}

func (s *oauthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v4/oauth2/token" {
		s.token(w, r)
		return
	}
	s.apiCalls.Add(1)
	s.mu.Lock()
	valid := s.valid
	s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	if s.reject.Load() > 0 {
		s.reject.Add(-1)
		writeJSON(w, 401, `{"message": "Token revoked"}`)
		return
	}
	if valid == "" || auth != "Bearer "+valid {
		writeJSON(w, 401, `{"message": "Invalid token"}`)
		return
	}
	if r.Method == http.MethodDelete {
		s.deletes.Add(1)
		w.WriteHeader(204)
		return
	}
	writeJSON(w, 200, `{"customers": [{"id": 1}], "pagination": {"total": 1}}`)
}

func (s *oauthServer) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		s.t.Errorf("token request %s %q", r.Method, r.Header.Get("Content-Type"))
	}
	if r.Header.Get("Authorization") != "" {
		s.t.Errorf("token request carries Authorization")
	}
	var body map[string]string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.t.Errorf("token body: %v", err)
	}
	if s.tokenDelay > 0 {
		time.Sleep(s.tokenDelay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grants = append(s.grants, body["grant_type"])
	s.bodies = append(s.bodies, body)
	fail := 0
	switch body["grant_type"] {
	case "refresh_token":
		fail = s.refreshFail
		if body["refresh_token"] != fmt.Sprintf("ref-%d", s.n) {
			fail = 400
		}
	case "client_credentials":
		fail = s.credsFail
	}
	if fail != 0 {
		writeJSON(w, fail, `{"error": "invalid_grant", "message": "bad credentials"}`)
		return
	}
	s.n++
	s.valid = fmt.Sprintf("tok-%d", s.n)
	exp, _ := json.Marshal(s.expiresIn)
	if s.expiresIn == nil {
		exp = []byte("3600")
	}
	status := s.tokenStatus
	if status == 0 {
		status = 200
	}
	writeJSON(w, status, fmt.Sprintf(`{"access_token": %q, "refresh_token": "ref-%d", "expires_in": %s}`, s.valid, s.n, exp))
}

func (s *oauthServer) grantList() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.grants, ",")
}

func newOAuthClient(t *testing.T, s *oauthServer, mod ...func(*Options)) *Client {
	t.Helper()
	s.t = t
	return func() *Client {
		c, _ := newTestClient(t, s.ServeHTTP, append([]func(*Options){func(o *Options) {
			o.Token = ""
			o.OAuth = &OAuth{ClientID: "cid", ClientSecret: "csecret", Username: "admin@shop", Password: "p:w", RedirectURI: "https://app/cb"}
		}}, mod...)...)
		return c
	}()
}

func TestOAuthTokenRequest(t *testing.T) {
	for _, status := range []int{200, 201} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := &oauthServer{tokenStatus: status}
			c := newOAuthClient(t, s)
			if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if g := s.grantList(); g != "client_credentials" {
				t.Fatalf("grants = %s (token must be cached)", g)
			}
			want := map[string]string{
				"grant_type":    "client_credentials",
				"auth_string":   base64.StdEncoding.EncodeToString([]byte("admin@shop:p:w")),
				"redirect_uri":  "https://app/cb",
				"client_id":     "cid",
				"client_secret": "csecret",
			}
			if fmt.Sprint(s.bodies[0]) != fmt.Sprint(want) {
				t.Errorf("body = %v, want %v", s.bodies[0], want)
			}
		})
	}
}

func TestOAuthBadCredentials(t *testing.T) {
	s := &oauthServer{credsFail: 401}
	c := newOAuthClient(t, s)
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "POST /oauth2/token: 401") {
		t.Fatalf("err = %v", err)
	}
	if e := err.(*Error); e.Body != "" {
		t.Errorf("token error keeps body %q", e.Body)
	}
	if s.apiCalls.Load() != 0 {
		t.Error("API called without a token")
	}
}

func TestOAuthBadTokenAnswers(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"no token", `{"refresh_token": "x"}`, "no access_token"},
		{"isSuccess false", `{"isSuccess": false, "message": "client disabled"}`, "client disabled"},
		{"html", `<html/>`, "not a JSON object"},
		{"header injection", `{"access_token": "a\r\nX-Evil: 1"}`, "not a usable header value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) },
				func(o *Options) { o.Token = ""; o.OAuth = &OAuth{ClientID: "c"} })
			_, err := c.ListCustomers(context.Background(), ListOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestOAuth401RenewsAndRetriesOnce(t *testing.T) {
	s := &oauthServer{}
	c := newOAuthClient(t, s)
	ctx := context.Background()
	if err := c.DeleteCustomer(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Server revokes the token: one 401, renew (refresh grant), retry succeeds.
	s.reject.Store(1)
	s.apiCalls.Store(0)
	if err := c.DeleteCustomer(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if s.apiCalls.Load() != 2 || s.deletes.Load() != 2 {
		t.Errorf("api calls %d deletes %d", s.apiCalls.Load(), s.deletes.Load())
	}
	if g := s.grantList(); g != "client_credentials,refresh_token" {
		t.Errorf("grants = %s", g)
	}
	// Two 401s in a row: renewed once, retried once, then the 401 is returned.
	s.reject.Store(2)
	s.apiCalls.Store(0)
	err := c.DeleteCustomer(ctx, 3)
	if !IsUnauthorized(err) || s.apiCalls.Load() != 2 || s.deletes.Load() != 2 {
		t.Fatalf("err = %v, api calls %d, deletes %d", err, s.apiCalls.Load(), s.deletes.Load())
	}
	if g := s.grantList(); g != "client_credentials,refresh_token,refresh_token" {
		t.Errorf("grants = %s", g)
	}
}

func TestStaticToken401NotRetried(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/api/v4/oauth2/token" {
			t.Error("token endpoint called with a static token")
		}
		writeJSON(w, 401, `{"message": "expired"}`)
	})
	err := c.DeleteCustomer(context.Background(), 1)
	if !IsUnauthorized(err) || calls.Load() != 1 {
		t.Fatalf("err = %v, calls = %d", err, calls.Load())
	}
}

func TestStaticTokenWithOAuthFallback(t *testing.T) {
	s := &oauthServer{}
	c := newOAuthClient(t, s, func(o *Options) { o.Token = "old-token" })
	if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	// old-token was tried, rejected, and replaced via client credentials (no refresh token known).
	if g := s.grantList(); g != "client_credentials" || s.apiCalls.Load() != 2 {
		t.Errorf("grants = %s, api calls = %d", g, s.apiCalls.Load())
	}
}

func TestConcurrentRequestsShareOneTokenFetch(t *testing.T) {
	s := &oauthServer{tokenDelay: 50 * time.Millisecond}
	c := newOAuthClient(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			_, err := c.ListCustomers(context.Background(), ListOptions{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if g := s.grantList(); g != "client_credentials" {
		t.Errorf("grants = %s, want exactly one token fetch", g)
	}

	// 20 concurrent 401s after a revocation also renew only once.
	s.mu.Lock()
	s.valid = "revoked-everywhere"
	s.mu.Unlock()
	var wg2 sync.WaitGroup
	var failed atomic.Int32
	for i := 0; i < 20; i++ {
		wg2.Go(func() {
			if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
				failed.Add(1)
			}
		})
	}
	wg2.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d requests failed", failed.Load())
	}
	if g := s.grantList(); g != "client_credentials,refresh_token" {
		t.Errorf("grants = %s, want one renewal", g)
	}
}

func TestWaiterCancelDoesNotBreakFetch(t *testing.T) {
	s := &oauthServer{tokenDelay: 100 * time.Millisecond}
	c := newOAuthClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.ListCustomers(ctx, ListOptions{}); err == nil {
		t.Fatal("cancelled caller succeeded")
	}
	// A patient caller gets the token the first fetch is still bringing.
	if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if g := s.grantList(); g != "client_credentials" {
		t.Errorf("grants = %s", g)
	}
}

func TestTokenExpiryRenewal(t *testing.T) {
	for _, tt := range []struct {
		name      string
		expiresIn any
		renewAt   time.Duration // renewal happens at or after this age
	}{
		{"1h renews 30s early", 3600, 3570 * time.Second},
		{"100s renews at 10%", "100", 90 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &oauthServer{expiresIn: tt.expiresIn}
			c := newOAuthClient(t, s)
			now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			var mu sync.Mutex
			c.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
			ctx := context.Background()
			if _, err := c.ListCustomers(ctx, ListOptions{}); err != nil {
				t.Fatal(err)
			}
			advance(tt.renewAt - time.Second)
			if _, err := c.ListCustomers(ctx, ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if g := s.grantList(); g != "client_credentials" {
				t.Fatalf("renewed too early: %s", g)
			}
			advance(time.Second)
			if _, err := c.ListCustomers(ctx, ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if g := s.grantList(); g != "client_credentials,refresh_token" {
				t.Fatalf("grants = %s", g)
			}
			if s.apiCalls.Load() != 3 {
				t.Errorf("api calls = %d (renewal must happen before a 401)", s.apiCalls.Load())
			}
		})
	}
}

func TestRefreshFallsBackToClientCredentials(t *testing.T) {
	for _, status := range []int{400, 401} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := &oauthServer{expiresIn: 60, refreshFail: status}
			c := newOAuthClient(t, s)
			now := time.Now()
			c.now = func() time.Time { return now }
			if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Hour)
			if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if g := s.grantList(); g != "client_credentials,refresh_token,client_credentials" {
				t.Errorf("grants = %s", g)
			}
		})
	}
	// A 5xx from refresh is returned, not papered over.
	s := &oauthServer{expiresIn: 60, refreshFail: 503}
	c := newOAuthClient(t, s)
	now := time.Now()
	c.now = func() time.Time { return now }
	if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if _, err := c.ListCustomers(context.Background(), ListOptions{}); StatusCode(err) != 503 {
		t.Errorf("err = %v", err)
	}
}

func TestOAuthAccessTokenHeader(t *testing.T) {
	var got atomic.Value
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v4/oauth2/token" {
			writeJSON(w, 201, `{"access_token": "AT", "expires_in": "3600"}`)
			return
		}
		got.Store(r.Header.Get("access_token") + "|" + r.Header.Get("Authorization"))
		w.WriteHeader(204)
	}, func(o *Options) {
		o.Token = ""
		o.OAuth = &OAuth{ClientID: "c"}
		o.TokenHeader = TokenAccessTokenHeader
	})
	if err := c.DeleteCustomer(context.Background(), 9); err != nil {
		t.Fatal(err)
	}
	if got.Load() != "AT|" {
		t.Errorf("headers = %v", got.Load())
	}
}
