package apitest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const customersPath = "/api/v4/admin/customers"

func TestNoAuthConfigured(t *testing.T) {
	_, ts := testServer(t, Options{Customers: 3})
	if a := get(t, ts.URL+customersPath); a.Status != 200 {
		t.Fatalf("no auth configured: %d", a.Status)
	}
	if a := get(t, ts.URL+customersPath, "Authorization", "Bearer whatever"); a.Status != 200 {
		t.Fatalf("no auth configured, random token: %d", a.Status)
	}
}

func TestStaticToken(t *testing.T) {
	_, ts := testServer(t, Options{Customers: 3, Token: "tok-1"})
	u := ts.URL + customersPath
	a := get(t, u)
	wantError(t, a, 401, "")
	if a.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	wantError(t, get(t, u, "Authorization", "Bearer nope"), 401, "")
	wantError(t, get(t, u, "Authorization", "tok-1"), 401, "")
	wantError(t, get(t, u, "access_token", "tok-1"), 401, "")
	for _, h := range []string{"Bearer tok-1", "bearer tok-1"} {
		if a := get(t, u, "Authorization", h); a.Status != 200 {
			t.Errorf("%q: %d", h, a.Status)
		}
	}
	wantError(t, call(t, "DELETE", ts.URL+customersPath+"/1001", nil), 401, "")

	_, ts = testServer(t, Options{Customers: 3, Token: "tok-1", AcceptAccessTokenHeader: true})
	if a := get(t, ts.URL+customersPath, "access_token", "tok-1"); a.Status != 200 {
		t.Errorf("access_token header with the option: %d", a.Status)
	}
}

var oauthOpts = Options{
	Customers: 5, ClientID: "cid", ClientSecret: "csecret",
	Username: "admin", Password: "pa:ss", RedirectURI: "https://shop.example.com/cb",
}

func credentials(o Options) map[string]string {
	return map[string]string{
		"grant_type":    "client_credentials",
		"auth_string":   base64.StdEncoding.EncodeToString([]byte(o.Username + ":" + o.Password)),
		"redirect_uri":  o.RedirectURI,
		"client_id":     o.ClientID,
		"client_secret": o.ClientSecret,
	}
}

func token(t *testing.T, base string, body map[string]string) answer {
	t.Helper()
	return call(t, "POST", base+"/api/v4/oauth2/token", body)
}

func TestOAuthClientCredentials(t *testing.T) {
	s, ts := testServer(t, oauthOpts)
	a := token(t, ts.URL, credentials(oauthOpts))
	if a.Status != 200 {
		t.Fatalf("token: %d %s", a.Status, a.Raw)
	}
	at, _ := a.JSON["access_token"].(string)
	if at == "" || a.JSON["refresh_token"] == "" || a.JSON["expires_in"] != 3600.0 {
		t.Fatalf("token answer %s", a.Raw)
	}
	if a := get(t, ts.URL+customersPath, "Authorization", "Bearer "+at); a.Status != 200 {
		t.Fatalf("with the issued token: %d", a.Status)
	}
	wantError(t, get(t, ts.URL+customersPath), 401, "")

	for field, bad := range map[string]string{
		"client_id":     "other",
		"client_secret": "wrong",
		"redirect_uri":  "https://evil.example/cb",
		"auth_string":   base64.StdEncoding.EncodeToString([]byte("admin:wrong")),
	} {
		body := credentials(oauthOpts)
		body[field] = bad
		wantError(t, token(t, ts.URL, body), 401, "")
	}
	body := credentials(oauthOpts)
	body["auth_string"] = "not base64!"
	wantError(t, token(t, ts.URL, body), 401, "")
	body = credentials(oauthOpts)
	body["grant_type"] = "password"
	wantError(t, token(t, ts.URL, body), 400, "grant_type")
	a = call(t, "POST", ts.URL+"/api/v4/oauth2/token", "just a string")
	wantError(t, a, 400, "")
	if n := s.TokenRequests(); n != 8 {
		t.Errorf("TokenRequests = %d, want 8", n)
	}
}

func TestOAuthWithoutClientIDAcceptsAnyCredentials(t *testing.T) {
	_, ts := testServer(t, Options{Customers: 2, Token: "static"})
	a := token(t, ts.URL, map[string]string{"grant_type": "client_credentials"})
	if a.Status != 200 {
		t.Fatalf("%d %s", a.Status, a.Raw)
	}
	if a := get(t, ts.URL+customersPath, "Authorization", "Bearer "+a.JSON["access_token"].(string)); a.Status != 200 {
		t.Fatalf("issued token refused: %d", a.Status)
	}
}

func refresh(o Options, rt string) map[string]string {
	return map[string]string{
		"grant_type": "refresh_token", "refresh_token": rt,
		"client_id": o.ClientID, "client_secret": o.ClientSecret, "redirect_uri": o.RedirectURI,
	}
}

func TestOAuthRefresh(t *testing.T) {
	_, ts := testServer(t, oauthOpts)
	first := token(t, ts.URL, credentials(oauthOpts))
	rt := first.JSON["refresh_token"].(string)

	bad := refresh(oauthOpts, rt)
	bad["client_secret"] = "wrong"
	wantError(t, token(t, ts.URL, bad), 401, "")

	a := token(t, ts.URL, refresh(oauthOpts, rt))
	if a.Status != 200 || a.JSON["access_token"] == first.JSON["access_token"] || a.JSON["refresh_token"] == rt {
		t.Fatalf("refresh: %d %s", a.Status, a.Raw)
	}
	if g := get(t, ts.URL+customersPath, "Authorization", "Bearer "+a.JSON["access_token"].(string)); g.Status != 200 {
		t.Fatalf("refreshed token: %d", g.Status)
	}
	// Refresh tokens rotate: the used one is gone.
	wantError(t, token(t, ts.URL, refresh(oauthOpts, rt)), 401, "refresh_token")
	wantError(t, token(t, ts.URL, refresh(oauthOpts, "made-up")), 401, "refresh_token")
	wantError(t, token(t, ts.URL, refresh(oauthOpts, "")), 401, "refresh_token")
}

func TestRevokeTokens(t *testing.T) {
	opts := oauthOpts
	opts.Token = "static"
	s, ts := testServer(t, opts)
	a := token(t, ts.URL, credentials(opts))
	at, rt := a.JSON["access_token"].(string), a.JSON["refresh_token"].(string)
	s.RevokeTokens()
	wantError(t, get(t, ts.URL+customersPath, "Authorization", "Bearer "+at), 401, "")
	if g := get(t, ts.URL+customersPath, "Authorization", "Bearer static"); g.Status != 200 {
		t.Errorf("static token after RevokeTokens: %d", g.Status)
	}
	a = token(t, ts.URL, refresh(opts, rt))
	if a.Status != 200 {
		t.Fatalf("refresh after revoke: %d %s", a.Status, a.Raw)
	}
	if g := get(t, ts.URL+customersPath, "Authorization", "Bearer "+a.JSON["access_token"].(string)); g.Status != 200 {
		t.Errorf("new token after revoke: %d", g.Status)
	}
}

func TestTokenExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	opts := oauthOpts
	opts.TokenTTL = 90 * time.Second
	opts.Now = clock
	_, ts := testServer(t, opts)
	a := token(t, ts.URL, credentials(opts))
	if a.JSON["expires_in"] != 90.0 {
		t.Fatalf("expires_in %v", a.JSON["expires_in"])
	}
	auth := "Bearer " + a.JSON["access_token"].(string)
	advance(89 * time.Second)
	if g := get(t, ts.URL+customersPath, "Authorization", auth); g.Status != 200 {
		t.Fatalf("before expiry: %d", g.Status)
	}
	advance(time.Second)
	g := get(t, ts.URL+customersPath, "Authorization", auth)
	wantError(t, g, 401, "")
	if g.JSON["message"] != "access token expired" {
		t.Errorf("message %v", g.JSON["message"])
	}

	// Sub-second TTLs are announced as at least one second.
	opts.TokenTTL = 50 * time.Millisecond
	opts.Now = nil
	_, ts = testServer(t, opts)
	a = token(t, ts.URL, credentials(opts))
	if a.JSON["expires_in"] != 1.0 {
		t.Errorf("expires_in for 50ms: %v", a.JSON["expires_in"])
	}
	time.Sleep(60 * time.Millisecond)
	wantError(t, get(t, ts.URL+customersPath, "Authorization", "Bearer "+a.JSON["access_token"].(string)), 401, "")
}

func TestTokenFormBody(t *testing.T) {
	_, ts := testServer(t, oauthOpts)
	form := url.Values{}
	for k, v := range credentials(oauthOpts) {
		form.Set(k, v)
	}
	resp, err := http.Post(ts.URL+"/api/v4/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("form token request: %d", resp.StatusCode)
	}
}
