package apiclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newTestClient starts h and a client with a static token pointing at it.
func newTestClient(t *testing.T, h http.HandlerFunc, mod ...func(*Options)) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	o := Options{Site: srv.URL, Token: "tok-static", Version: "1.2.3"}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(context.Context, time.Duration) error { return nil }
	return c, srv
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func TestNewSite(t *testing.T) {
	tests := []struct {
		site, base, host, err string
	}{
		{site: "https://shop.example.com", base: "https://shop.example.com/api/v4", host: "shop.example.com"},
		{site: "https://shop.example.com/", base: "https://shop.example.com/api/v4", host: "shop.example.com"},
		{site: "https://shop.example.com/api/v4", base: "https://shop.example.com/api/v4", host: "shop.example.com"},
		{site: "https://shop.example.com/api/v4/", base: "https://shop.example.com/api/v4", host: "shop.example.com"},
		{site: "  HTTPS://Shop.Example.com:8443/API/V4/ ", base: "https://shop.example.com:8443/api/v4", host: "shop.example.com:8443"},
		{site: "http://127.0.0.1:8080", base: "http://127.0.0.1:8080/api/v4", host: "127.0.0.1:8080"},
		{site: "https://example.com/store", base: "https://example.com/store/api/v4", host: "example.com"},
		{site: "", err: "no site URL"},
		{site: "shop.example.com", err: "no scheme"},
		{site: "ftp://shop.example.com", err: "scheme must be http or https"},
		{site: "https://", err: "no host"},
		{site: "https:///api/v4", err: "no host"},
		{site: "https://user:pw@shop.example.com", err: "user name or password"},
		{site: "https://shop.example.com/?x=1", err: "query"},
		{site: "https://shop example.com", err: "site URL"},
	}
	for _, tt := range tests {
		t.Run(tt.site, func(t *testing.T) {
			c, err := New(Options{Site: tt.site, Token: "t"})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.base || c.Host() != tt.host {
				t.Errorf("BaseURL/Host = %q %q, want %q %q", c.BaseURL(), c.Host(), tt.base, tt.host)
			}
		})
	}
}

func TestNewOptionErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    Options
		err  string
	}{
		{"no credentials", Options{Site: "https://x.test"}, "no credentials"},
		{"oauth without client id", Options{Site: "https://x.test", OAuth: &OAuth{}}, "client id"},
		{"bad header", Options{Site: "https://x.test", Token: "t", TokenHeader: 7}, "token header"},
		{"newline token", Options{Site: "https://x.test", Token: "t\nX-Evil: 1"}, "line break"},
		{"negative timeout", Options{Site: "https://x.test", Token: "t", Timeout: -1}, "timeout"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	for _, tt := range []struct {
		name       string
		header     TokenHeader
		wantAuth   string
		wantAccess string
		version    string
		wantUA     string
	}{
		{"bearer", TokenBearer, "Bearer tok-static", "", "1.2.3", "wcadmin/1.2.3"},
		{"access_token", TokenAccessTokenHeader, "", "tok-static", "", "wcadmin/dev"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got http.Header
			var rawAccessKey bool
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Clone()
				writeJSON(w, 200, `{"total": 3}`)
			}, func(o *Options) { o.TokenHeader = tt.header; o.Version = tt.version })
			// Check the header name goes out verbatim (lower case), as the old SDK sent it.
			c.rc.SetTransport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
				//lint:ignore SA1008 the header must go out verbatim (lower case), so look it up verbatim
				_, rawAccessKey = r.Header["access_token"]
				return http.DefaultTransport.RoundTrip(r)
			}))
			n, err := c.CountCustomers(context.Background())
			if err != nil || n != 3 {
				t.Fatalf("CountCustomers = %d, %v", n, err)
			}
			if a := got.Get("Authorization"); a != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", a, tt.wantAuth)
			}
			if a := got.Get("access_token"); a != tt.wantAccess {
				t.Errorf("access_token = %q, want %q", a, tt.wantAccess)
			}
			if rawAccessKey != (tt.wantAccess != "") {
				t.Errorf("verbatim access_token header sent = %v", rawAccessKey)
			}
			if ua := got.Get("User-Agent"); ua != tt.wantUA {
				t.Errorf("User-Agent = %q, want %q", ua, tt.wantUA)
			}
			if acc := got.Get("Accept"); acc != "application/json" {
				t.Errorf("Accept = %q", acc)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransportOption(t *testing.T) {
	var seen string
	c, err := New(Options{Site: "https://shop.example.com/api/v4/", Token: "t",
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			seen = r.Method + " " + r.URL.String()
			return &http.Response{StatusCode: 204, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: r}, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCustomer(context.Background(), 1234); err != nil {
		t.Fatal(err)
	}
	if seen != "DELETE https://shop.example.com/api/v4/admin/customers/1234" {
		t.Errorf("request = %q", seen)
	}
}

func TestSiteWithAndWithoutPrefix(t *testing.T) {
	for _, suffix := range []string{"", "/", "/api/v4", "/api/v4/"} {
		t.Run(suffix, func(t *testing.T) {
			var path string
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				path = r.URL.Path
				writeJSON(w, 200, `{"customers": [], "pagination": {"total": 0}}`)
			}, func(o *Options) { o.Site += suffix })
			if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if path != "/api/v4/admin/customers" {
				t.Errorf("path = %q", path)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, func(o *Options) { o.Timeout = 50 * time.Millisecond })
	defer close(release)
	start := time.Now()
	_, err := c.GetCustomer(context.Background(), 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("timeout not applied")
	}

	// The caller's context applies too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetCustomer(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
}

func TestResponseBodyLimit(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		io.WriteString(w, `{"customers": [`)
		chunk := bytes.Repeat([]byte(`{"id": 1},`), 1024)
		for i := 0; i < (MaxResponseBytes/len(chunk))+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func TestNoRedirects(t *testing.T) {
	var gets atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets.Add(1)
			writeJSON(w, 200, `{"customer": {"id": 5}}`)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	})
	err := c.DeleteCustomer(context.Background(), 5)
	if StatusCode(err) != 301 || !strings.Contains(err.Error(), "redirected to") {
		t.Fatalf("err = %v", err)
	}
	if gets.Load() != 0 {
		t.Error("redirect was followed (DELETE turned into GET)")
	}
}

func TestReadRetries(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if n <= 2 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 503, `{"message": "busy"}`)
			return
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(204)
			return
		}
		writeJSON(w, 200, `{"total": 9}`)
	})
	var waits []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	n, err := c.CountCustomers(context.Background())
	if err != nil || n != 9 {
		t.Fatalf("count = %d, %v", n, err)
	}
	if calls.Load() != 3 || len(waits) != 2 || waits[0] != time.Second {
		t.Errorf("calls = %d, waits = %v", calls.Load(), waits)
	}

	// DELETE: never retried.
	calls.Store(0)
	err = c.DeleteCustomer(context.Background(), 3)
	if StatusCode(err) != 503 || calls.Load() != 1 {
		t.Fatalf("delete: err = %v, calls = %d", err, calls.Load())
	}

	// GET with retries disabled; and a long Retry-After is returned, not waited for.
	for _, tt := range []struct {
		retries int
		after   string
	}{{-1, "1"}, {0, "3600"}} {
		calls.Store(0)
		c2, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Retry-After", tt.after)
			writeJSON(w, 429, `{"message": "slow down"}`)
		}, func(o *Options) { o.MaxReadRetries = tt.retries })
		_, err := c2.CountCustomers(context.Background())
		if !IsRateLimited(err) || calls.Load() != 1 {
			t.Errorf("retries %d after %s: err = %v, calls = %d", tt.retries, tt.after, err, calls.Load())
		}
	}
}

func TestDebugLogRedacts(t *testing.T) {
	var buf syncBuffer
	var srvURL string
	c, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v4/oauth2/token":
			writeJSON(w, 200, `{"access_token": "SECRET-ACCESS", "refresh_token": "SECRET-REFRESH", "expires_in": 3600}`)
		default:
			writeJSON(w, 404, `{"message": "nope"}`)
		}
	}, func(o *Options) {
		o.Token = ""
		o.OAuth = &OAuth{ClientID: "cid", ClientSecret: "SECRET-CLIENT", Username: "u", Password: "SECRET-PASSWORD"}
		o.DebugLog = &buf
	})
	srvURL = srv.URL
	_, err := c.GetCustomer(context.Background(), 7)
	if !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	c.tokenHeader = TokenAccessTokenHeader
	_, _ = c.GetCustomer(context.Background(), 7)
	log := buf.String()
	for _, secret := range []string{"SECRET", "c2VjcmV0", "dTpTRUNSRVQt"} {
		if strings.Contains(log, secret) {
			t.Errorf("log leaks %q:\n%s", secret, log)
		}
	}
	for _, want := range []string{"-> POST " + srvURL + "/api/v4/oauth2/token body=[REDACTED]", "Authorization: Bearer [REDACTED]", "access_token: [REDACTED]", "<- 404 GET", `nope`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "\n"); n != 6 {
		t.Errorf("%d log lines, want 6:\n%s", n, log)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
