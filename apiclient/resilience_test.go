package apiclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// waitRecorder replaces Client.sleep: it records the waits instead of sleeping.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitRecorder) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waitRecorder) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// newStoreClient starts an apitest store (static token "t", shape B) and a client
// whose waits are recorded, not slept.
func newStoreClient(t *testing.T, mod ...func(*Options)) (*apitest.Store, *Client, *waitRecorder) {
	t.Helper()
	store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: 5, Token: "t"})
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	o := Options{Site: srv.URL, Token: "t", Timeout: 5 * time.Second}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w := &waitRecorder{}
	c.sleep = w.sleep
	return store, c, w
}

func countRoute(store *apitest.Store, rt apitest.Route) int {
	n := 0
	for _, r := range store.Requests() {
		if r.Route == rt {
			n++
		}
	}
	return n
}

// retryLog collects RetryInfo values from a hook.
type retryLog struct {
	mu    sync.Mutex
	infos []RetryInfo
}

func (l *retryLog) add(i RetryInfo) { l.mu.Lock(); l.infos = append(l.infos, i); l.mu.Unlock() }
func (l *retryLog) list() []RetryInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RetryInfo(nil), l.infos...)
}

// isNetError reports a *NetError in err's chain.
func isNetError(err error) bool {
	var ne *NetError
	return errors.As(err, &ne)
}

// netErrorKindOf is the kind of the *NetError in err's chain; ok is false when there is none.
func netErrorKindOf(err error) (NetErrorKind, bool) {
	var ne *NetError
	if errors.As(err, &ne) {
		return ne.Kind, true
	}
	return NetOther, false
}

func TestRetry500ThenError(t *testing.T) {
	var onRetry retryLog
	store, c, w := newStoreClient(t, func(o *Options) { o.OnRetry = onRetry.add })
	store.Inject(apitest.RouteList, apitest.Fault{Status: 500, Body: `{"message": "db down"}`})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	if StatusCode(err) != 500 || !IsAmbiguous(err) || isNetError(err) {
		t.Fatalf("err = %v", err)
	}
	if n := countRoute(store, apitest.RouteList); n != 3 {
		t.Errorf("%d requests, want 3 (default MaxReadRetries 2)", n)
	}
	waits := w.list()
	if len(waits) != 2 {
		t.Fatalf("waits = %v", waits)
	}
	// Backoff with jitter: [250ms, 500ms], then [500ms, 1s].
	if waits[0] < 250*time.Millisecond || waits[0] > 500*time.Millisecond ||
		waits[1] < 500*time.Millisecond || waits[1] > time.Second {
		t.Errorf("waits = %v", waits)
	}
	if len(onRetry.list()) != 2 {
		t.Errorf("OnRetry calls = %+v", onRetry.list())
	}

	// The same with plain httptest, and the other transient statuses; 501 is not retried.
	for _, tt := range []struct {
		status, calls int
	}{{500, 3}, {502, 3}, {503, 3}, {504, 3}, {429, 3}, {501, 1}, {400, 1}, {404, 1}} {
		var calls atomic.Int32
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, tt.status, `{}`)
		})
		_, err := c.GetCustomer(context.Background(), 1)
		if StatusCode(err) != tt.status || int(calls.Load()) != tt.calls {
			t.Errorf("status %d: err = %v, calls = %d, want %d", tt.status, err, calls.Load(), tt.calls)
		}
	}
}

func TestRetryCounts(t *testing.T) {
	for _, tt := range []struct{ retries, calls int }{{0, 3}, {-1, 1}, {1, 2}, {4, 5}} {
		var calls atomic.Int32
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, 503, `{}`)
		}, func(o *Options) { o.MaxReadRetries = tt.retries })
		if _, err := c.CountCustomers(context.Background()); StatusCode(err) != 503 || int(calls.Load()) != tt.calls {
			t.Errorf("MaxReadRetries %d: err = %v, calls = %d, want %d", tt.retries, err, calls.Load(), tt.calls)
		}
	}
}

func TestRetry429RetryAfter(t *testing.T) {
	store, c, w := newStoreClient(t)
	id := store.IDs()[0]
	store.Inject(apitest.RouteGet, apitest.Fault{Status: 429, Body: `{"message": "slow down"}`,
		Header: http.Header{"Retry-After": {"1"}}, Times: 1})
	cu, err := c.GetCustomer(context.Background(), id)
	if err != nil || cu.ID != id {
		t.Fatalf("GetCustomer = %+v, %v", cu, err)
	}
	if waits := w.list(); len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("waits = %v, want [1s]", waits)
	}
	if n := countRoute(store, apitest.RouteGet); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// Beyond the 30s cap: returned at once, not waited for.
	store.ResetRequests()
	store.Inject(apitest.RouteGet, apitest.Fault{Status: 503, Header: http.Header{"Retry-After": {"31"}}, Times: 1})
	_, err = c.GetCustomer(context.Background(), id)
	var e *Error
	if StatusCode(err) != 503 || !errors.As(err, &e) || e.RetryAfter != 31*time.Second {
		t.Fatalf("err = %v", err)
	}
	if n := countRoute(store, apitest.RouteGet); n != 1 || len(w.list()) != 1 {
		t.Errorf("%d requests, waits %v", n, w.list())
	}
	store.ClearFaults()

	// A caller whose deadline ends before the wait gets the error at once.
	store.Inject(apitest.RouteGet, apitest.Fault{Status: 429, Header: http.Header{"Retry-After": {"20"}}, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.GetCustomer(ctx, id); !IsRateLimited(err) || len(w.list()) != 1 {
		t.Errorf("err = %v, waits %v", err, w.list())
	}
}

func TestRetryNetworkErrors(t *testing.T) {
	// Dropped connections on a read are retried.
	store, c, _ := newStoreClient(t)
	store.Inject(apitest.RouteCount, apitest.Fault{DropConnection: true, Times: 2})
	n, err := c.CountCustomers(context.Background())
	if err != nil || n != 5 {
		t.Fatalf("count = %d, %v", n, err)
	}
	if got := countRoute(store, apitest.RouteCount); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}

	// Always dropped: a reset NetError after 3 tries, ambiguous. (Idle connections are
	// closed first: net/http itself retries a GET once when a reused one drops.)
	c.rc.GetClient().CloseIdleConnections()
	store.ResetRequests()
	store.Inject(apitest.RouteCount, apitest.Fault{DropConnection: true})
	_, err = c.CountCustomers(context.Background())
	if k, ok := netErrorKindOf(err); !ok || k != NetReset || !IsAmbiguous(err) {
		t.Fatalf("err = %v (kind %v %v)", err, k, ok)
	}
	if !strings.Contains(err.Error(), "reset or closed before a complete answer") {
		t.Errorf("message: %v", err)
	}
	if got := countRoute(store, apitest.RouteCount); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
	store.ClearFaults()

	// A hijacked and closed connection from plain httptest.
	var calls atomic.Int32
	c2, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
			return
		}
		writeJSON(w, 200, `{"total": 4}`)
	})
	if n, err := c2.CountCustomers(context.Background()); err != nil || n != 4 || calls.Load() != 2 {
		t.Fatalf("count = %d, %v, calls %d", n, err, calls.Load())
	}
}

func TestPerTryTimeoutRetriedButNotCallerContext(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-r.Context().Done()
	}, func(o *Options) { o.Timeout = 30 * time.Millisecond })
	_, err := c.GetCustomer(context.Background(), 1)
	if k, ok := netErrorKindOf(err); !ok || k != NetTimeout || !errors.Is(err, context.DeadlineExceeded) || !IsAmbiguous(err) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "no answer from 127.0.0.1") || !strings.Contains(err.Error(), "within 30ms") {
		t.Errorf("message: %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3", calls.Load())
	}

	// The caller's deadline: not a NetError, not retried.
	calls.Store(0)
	var retries retryLog
	c.timeout = 10 * time.Second
	c.onRetry = retries.add
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = c.GetCustomer(ctx, 1)
	if !errors.Is(err, context.DeadlineExceeded) || isNetError(err) || calls.Load() != 1 || len(retries.list()) != 0 {
		t.Fatalf("err = %v, calls %d, retries %v", err, calls.Load(), retries.list())
	}

	// Cancelled while waiting to retry: the cancellation is returned.
	calls.Store(0)
	c.timeout = 30 * time.Millisecond
	ctx2, cancel2 := context.WithCancel(context.Background())
	c.sleep = func(ctx context.Context, d time.Duration) error { cancel2(); return sleepCtx(ctx, d) }
	_, err = c.GetCustomer(ctx2, 1)
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Fatalf("err = %v, calls %d", err, calls.Load())
	}
}

func TestDeleteNeverRetried(t *testing.T) {
	var onRetry retryLog
	store, c, w := newStoreClient(t, func(o *Options) { o.OnRetry = onRetry.add })
	id := store.IDs()[0]
	for _, f := range []apitest.Fault{
		{Status: 500, Body: `{"message": "boom"}`},
		{Status: 503, Header: http.Header{"Retry-After": {"1"}}},
		{Status: 429},
		{DropConnection: true},
	} {
		store.ResetRequests()
		store.Inject(apitest.RouteDelete, f)
		err := c.DeleteCustomer(context.Background(), id)
		if err == nil {
			t.Fatalf("fault %+v: delete succeeded", f)
		}
		if n := countRoute(store, apitest.RouteDelete); n != 1 {
			t.Errorf("fault %+v: %d DELETE requests, want 1", f, n)
		}
		wantAmbiguous := f.Status != 429
		if IsAmbiguous(err) != wantAmbiguous {
			t.Errorf("fault %+v: IsAmbiguous = %v for %v", f, !wantAmbiguous, err)
		}
		store.ClearFaults()
	}
	if !store.Exists(id) {
		t.Error("customer deleted")
	}
	if len(w.list()) != 0 || len(onRetry.list()) != 0 {
		t.Errorf("waits %v, retries %v", w.list(), onRetry.list())
	}

	// Nothing listening: one attempt.
	c2, err := New(Options{Site: "http://" + closedAddr(t), Token: "t", OnRetry: onRetry.add})
	if err != nil {
		t.Fatal(err)
	}
	c2.sleep = w.sleep
	if err := c2.DeleteCustomer(context.Background(), 1); !isNetError(err) || IsAmbiguous(err) || len(onRetry.list()) != 0 {
		t.Fatalf("err = %v, retries %v", err, onRetry.list())
	}
}

func TestRetryNotify(t *testing.T) {
	var opt retryLog
	store, c, w := newStoreClient(t, func(o *Options) { o.OnRetry = opt.add })
	store.Inject(apitest.RouteList, apitest.Fault{Status: 503, Times: 2})
	if _, err := c.ListCustomers(context.Background(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	waits := w.list()
	infos := opt.list()
	if len(infos) != 2 {
		t.Fatalf("%d calls", len(infos))
	}
	for i, info := range infos {
		if info.Attempt != i+1 || info.Max != 3 || info.Method != "GET" || info.Path != "/admin/customers" ||
			info.Wait != waits[i] || StatusCode(info.Err) != 503 {
			t.Errorf("call %d: %+v (waits %v)", i, info, waits)
		}
	}

	// Network errors are reported too.
	var netInfos retryLog
	c2, err := New(Options{Site: "http://" + closedAddr(t), Token: "t", OnRetry: netInfos.add})
	if err != nil {
		t.Fatal(err)
	}
	c2.sleep = w.sleep
	_, err = c2.CountCustomers(context.Background())
	infos = netInfos.list()
	if len(infos) != 2 || !isNetError(infos[0].Err) || infos[1].Attempt != 2 {
		t.Errorf("infos = %+v, err %v", infos, err)
	}
}

func TestRetryWaitJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		for attempt, want := range map[int]time.Duration{1: 500 * time.Millisecond, 2: time.Second, 3: 2 * time.Second, 10: 8 * time.Second} {
			d, ok := retryWait(attempt, errors.New("x"))
			if !ok || d < want/2 || d > want {
				t.Fatalf("attempt %d: wait %v", attempt, d)
			}
			if attempt == 1 {
				seen[d] = true
			}
		}
	}
	if len(seen) < 5 {
		t.Errorf("no jitter: %v", seen)
	}
	if d, ok := retryWait(1, &Error{StatusCode: 429, RetryAfter: 30 * time.Second}); !ok || d != 30*time.Second {
		t.Errorf("Retry-After 30s: %v %v", d, ok)
	}
	if _, ok := retryWait(1, &Error{StatusCode: 429, RetryAfter: 31 * time.Second}); ok {
		t.Error("Retry-After 31s accepted")
	}
}

// closedAddr is a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestConnectionRefused(t *testing.T) {
	addr := closedAddr(t)
	var retries retryLog
	c, err := New(Options{Site: "http://" + addr, Token: "t", OnRetry: retries.add})
	if err != nil {
		t.Fatal(err)
	}
	w := &waitRecorder{}
	c.sleep = w.sleep
	_, err = c.ListCustomers(context.Background(), ListOptions{})
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != NetConnRefused || ne.Host != addr {
		t.Fatalf("err = %v (%T)", err, err)
	}
	want := "cannot reach " + addr + ": connection refused — check the site URL and that the store is up"
	if ne.Error() != want || err.Error() != "GET /admin/customers: "+want {
		t.Errorf("Error() = %q", err.Error())
	}
	if IsAmbiguous(err) || StatusCode(err) != 0 || len(retries.list()) != 2 {
		t.Errorf("ambiguous %v, status %d, retries %d", IsAmbiguous(err), StatusCode(err), len(retries.list()))
	}
}

func TestDNSFailure(t *testing.T) {
	c, err := New(Options{Site: "https://shop.wcadmin-test.invalid", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(context.Context, time.Duration) error { return nil }
	_, err = c.GetCustomer(context.Background(), 1)
	if k, ok := netErrorKindOf(err); !ok || k != NetDNS || IsAmbiguous(err) {
		t.Fatalf("err = %v (kind %v)", err, k)
	}
	if !strings.Contains(err.Error(), "cannot find shop.wcadmin-test.invalid: the host name does not resolve") {
		t.Errorf("message: %v", err)
	}
}

func TestWrongContentType(t *testing.T) {
	store, c, _ := newStoreClient(t)
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	page := `<!DOCTYPE html><html><body><form action="/login">Sign in</form></body></html>`
	store.Inject(apitest.RouteList, apitest.Fault{Status: 200, Body: page, Header: html})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeWrongContentType || e.StatusCode != 200 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(e.Message, "expected JSON but the store answered with text/html") ||
		!strings.Contains(e.Message, "check the site URL") {
		t.Errorf("message: %s", e.Message)
	}
	if n := countRoute(store, apitest.RouteList); n != 1 {
		t.Errorf("%d requests (not retried), want 1", n)
	}

	// On a DELETE: the outcome is unknown (IsAmbiguous); the message only says what
	// came back, so a caller that settles the outcome is not contradicted (NIT-3).
	store.Inject(apitest.RouteDelete, apitest.Fault{Status: 200, Body: page, Header: html, Times: 1})
	err = c.DeleteCustomer(context.Background(), store.IDs()[0])
	if !errors.As(err, &e) || e.Code != CodeWrongContentType || !IsAmbiguous(err) || strings.Contains(err.Error(), "unknown") {
		t.Fatalf("delete: err = %v", err)
	}
	store.ClearFaults()

	// JSON under a wrong label is accepted; text/plain garbage is a wrong content type.
	for _, tt := range []struct {
		ct, body, code string
	}{
		{"text/html", `{"total": 2}`, ""},
		{"", `{"total": 2}`, ""},
		{"application/vnd.api+json", `{"total": 2}`, ""},
		{"text/plain", `Service Unavailable`, CodeWrongContentType},
		{"application/json", `{"total": 2`, CodeInvalidResponse},
		{"", `<html>`, CodeInvalidResponse},
	} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = []string{tt.ct}
			io.WriteString(w, tt.body)
		})
		_, err := c.CountCustomers(context.Background())
		var e *Error
		if (tt.code == "" && err != nil) || (tt.code != "" && (!errors.As(err, &e) || e.Code != tt.code)) {
			t.Errorf("%q %q: err = %v", tt.ct, tt.body, err)
		}
	}
}

func TestMalformedJSON(t *testing.T) {
	store, c, _ := newStoreClient(t)
	store.Inject(apitest.RouteList, apitest.Fault{Status: 200, Body: `{"customers": [{"id": 1},`})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidResponse || !strings.Contains(e.Message, "the store answered with malformed JSON") {
		t.Fatalf("err = %v", err)
	}
	if isNetError(err) || IsTransient(err) {
		t.Errorf("classified as network/transient: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	big := `{"customers": [], "pad": "` + strings.Repeat("x", 11<<20) + `"}`
	store, c, _ := newStoreClient(t)
	store.Inject(apitest.RouteList, apitest.Fault{Status: 200, Body: big, Times: 1})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeTooLarge || e.StatusCode != 200 || !strings.Contains(err.Error(), "larger than 10 MB") {
		t.Fatalf("err = %v", err)
	}
	// Error answers are capped too (and not retried).
	store.ResetRequests()
	store.Inject(apitest.RouteGet, apitest.Fault{Status: 500, Body: big, Times: 1})
	_, err = c.GetCustomer(context.Background(), store.IDs()[0])
	if !errors.As(err, &e) || e.Code != CodeTooLarge || e.StatusCode != 500 || countRoute(store, apitest.RouteGet) != 1 {
		t.Fatalf("err = %v", err)
	}
	// A DELETE answered with a huge body: outcome unknown.
	store.Inject(apitest.RouteDelete, apitest.Fault{Status: 200, Body: big, Times: 1})
	err = c.DeleteCustomer(context.Background(), store.IDs()[0])
	if !errors.As(err, &e) || e.Code != CodeTooLarge || !IsAmbiguous(err) {
		t.Fatalf("delete: err = %v", err)
	}

	// A gzip bomb is capped after decompression.
	var zipped bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zipped, gzip.BestSpeed)
	zw.Write([]byte(`{"total": 1, "pad": "`))
	zw.Write(bytes.Repeat([]byte("0"), 11<<20))
	zw.Close()
	c2, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(zipped.Bytes())
	})
	if _, err := c2.CountCustomers(context.Background()); !errors.As(err, &e) || e.Code != CodeTooLarge {
		t.Fatalf("gzip: err = %v", err)
	}
}

func TestTokenRejectedMessages(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, `{"message": "Token expired"}`)
	})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "Token expired — the access token was rejected (expired or revoked) — get a new access token") {
		t.Fatalf("static: %v", err)
	}

	s := &oauthServer{}
	oc := newOAuthClient(t, s)
	if err := oc.DeleteCustomer(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	s.reject.Store(2)
	err = oc.DeleteCustomer(context.Background(), 2)
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "the access token was rejected (expired or revoked) even after renewing it") {
		t.Fatalf("oauth: %v", err)
	}

	bad := &oauthServer{credsFail: 401}
	_, err = newOAuthClient(t, bad).ListCustomers(context.Background(), ListOptions{})
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "the store rejected the OAuth credentials — check the client id") {
		t.Fatalf("bad credentials: %v", err)
	}
}

func TestOAuthTokenWrongContentType(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>secret-echo</html>")
	}, func(o *Options) { o.Token = ""; o.OAuth = &OAuth{ClientID: "c"} })
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeWrongContentType || e.Body != "" || e.Path != "/oauth2/token" {
		t.Fatalf("err = %v", err)
	}
}

func TestIsAmbiguous(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("DELETE /admin/customers/1: %w", err) }
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("connection reset by peer"), true}, // unknown here: check, don't assume
		{wrap(&NetError{Kind: NetTimeout}), true},
		{wrap(&NetError{Kind: NetReset}), true},
		{wrap(&NetError{Kind: NetOther}), true},
		{wrap(&NetError{Kind: NetConnRefused}), false},
		{wrap(&NetError{Kind: NetDNS}), false},
		{wrap(&NetError{Kind: NetTLS}), false},
		{wrap(&Error{StatusCode: 500}), true},
		{wrap(&Error{StatusCode: 503}), true},
		{wrap(&Error{StatusCode: 404}), false},
		{wrap(&Error{StatusCode: 429}), false},
		{wrap(&Error{StatusCode: 401}), false},
		{wrap(&Error{StatusCode: 200, Code: CodeTooLarge}), true},
		{wrap(&Error{StatusCode: 200, Code: CodeWrongContentType}), true},
		{wrap(&Error{StatusCode: 200, Code: CodeInvalidResponse}), true},
		{wrap(&Error{StatusCode: 200, Code: CodeNotSuccess}), false},
		{wrap(&Error{StatusCode: 200, Code: CodeStatusError}), false},
		{wrap(&Error{StatusCode: 0, Code: CodeTooLarge}), true},
		{wrap(&Error{StatusCode: 301}), true},
		{wrap(&Error{StatusCode: 302}), true},
		{wrap(&Error{StatusCode: 307}), true},
		{wrap(&Error{StatusCode: 308}), true},
		{wrap(&Error{StatusCode: 400}), false},
		{wrap(&Error{StatusCode: 409}), false},
		{wrap(&Error{StatusCode: 502}), true},
		{wrap(&Error{StatusCode: 500, Path: tokenPath}), false},
		{wrap(&NetError{Kind: NetTimeout, tokenRequest: true}), false},
		{wrap(&NetError{Kind: NetReset, tokenRequest: true}), false},
		{&unsentError{wrap(context.Canceled)}, false},
		{&unsentError{wrap(context.DeadlineExceeded)}, false},
		{wrap(context.Canceled), true},
		{wrap(context.DeadlineExceeded), true},
	} {
		if got := IsAmbiguous(tt.err); got != tt.want {
			t.Errorf("IsAmbiguous(%v) = %v", tt.err, got)
		}
	}
	if k, ok := netErrorKindOf(errors.New("x")); ok || k != NetOther {
		t.Error("netErrorKindOf on a plain error")
	}
	if isNetError(nil) || !isNetError(wrap(&NetError{})) {
		t.Error("isNetError")
	}
	for k := NetOther; k <= NetReset; k++ {
		if strings.HasPrefix(k.String(), "NetErrorKind(") {
			t.Errorf("kind %d has no name", k)
		}
		if msg := (&NetError{Kind: k, Host: "shop.example.com", Err: errors.New("boom")}).Error(); !strings.Contains(msg, "shop.example.com") || !strings.Contains(msg, " — ") {
			t.Errorf("kind %v: message %q", k, msg)
		}
	}
}

func TestClassifyNetError(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want NetErrorKind
	}{
		{&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, NetDNS},
		{&net.OpError{Op: "dial", Err: errors.New("connect: connection refused")}, NetConnRefused},
		{io.EOF, NetReset},
		{io.ErrUnexpectedEOF, NetReset},
		{errors.New("read tcp: connection reset by peer"), NetReset},
		{context.DeadlineExceeded, NetTimeout},
		{errors.New("http: server gave HTTP response to HTTPS client"), NetTLS},
		{errors.New("tls: first record does not look like a TLS handshake"), NetTLS},
		{errors.New("proxyconnect tcp: something odd"), NetOther},
	} {
		if got := classifyNetError(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if !strings.Contains((&NetError{Kind: NetTLS, Host: "h", Err: errors.New("http: server gave HTTP response to HTTPS client")}).Error(), "use http://") {
		t.Error("plain HTTP server message")
	}
}
