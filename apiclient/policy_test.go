package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// IsTransient is the retry policy: the read loop retries exactly when it says so.
func TestIsTransientIsTheRetryPolicy(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("GET /admin/customers: %w", err) }
	api := func(status int, code string) error { return wrap(&Error{StatusCode: status, Code: code}) }
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{api(429, ""), true},
		{api(500, ""), true},
		{api(502, ""), true},
		{api(503, ""), true},
		{api(504, ""), true},
		{api(599, ""), true},
		{api(501, ""), false},
		{api(505, ""), false},
		{api(511, ""), false},
		{api(600, ""), false},
		{api(400, ""), false},
		{api(401, ""), false},
		{api(404, ""), false},
		{api(302, ""), false},
		{api(200, ""), false},
		{api(503, CodeTooLarge), false},
		{api(500, CodeWrongContentType), false},
		{api(500, CodeInvalidResponse), false},
		{api(503, CodeNotSuccess), false},
		{api(503, CodeStatusError), false},
		{wrap(&NetError{Kind: NetConnRefused}), true},
		{wrap(&NetError{Kind: NetReset}), true},
		{wrap(&NetError{Kind: NetTimeout}), true},
		{wrap(&NetError{Kind: NetTLS}), false},
		{wrap(&NetError{Kind: NetOther}), false},
		{wrap(&NetError{Kind: NetDNS, Err: &net.DNSError{Name: "x.invalid", IsNotFound: true}}), false},
		{wrap(&NetError{Kind: NetDNS, Err: &net.DNSError{Name: "shop.example", IsTemporary: true}}), true},
		{wrap(context.DeadlineExceeded), false},
		{wrap(context.Canceled), false},
	} {
		if got := IsTransient(tt.err); got != tt.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tt.err, got, tt.want)
		}
		if got := retryable(context.Background(), tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v (same as IsTransient)", tt.err, got, tt.want)
		}
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if retryable(done, api(503, "")) {
		t.Error("retryable after the caller's context ended")
	}
}

// The read loop really does retry a 502 and gives up at once on a 501.
func TestRetryFollowsIsTransient(t *testing.T) {
	for _, tt := range []struct {
		status int
		calls  int32
	}{{502, 3}, {501, 1}, {505, 1}, {511, 1}, {429, 3}, {400, 1}} {
		var calls atomic.Int32
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, tt.status, `{"message": "x"}`)
		})
		_, err := c.CountCustomers(context.Background())
		if StatusCode(err) != tt.status || calls.Load() != tt.calls || IsTransient(err) != (tt.calls > 1) {
			t.Errorf("%d: err %v, %d calls, want %d", tt.status, err, calls.Load(), tt.calls)
		}
	}
}

// What a DELETE comes back with on the wire, and whether it may have happened.
func TestDeleteAmbiguityOnTheWire(t *testing.T) {
	answer := func(status int, hdr ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			writeJSON(w, status, `{"message": "answer"}`)
		}
	}
	for _, tt := range []struct {
		name      string
		h         http.HandlerFunc
		timeout   time.Duration
		ambiguous bool
		status    int
		kind      NetErrorKind // when a NetError is expected
	}{
		{name: "reset", h: func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		}, ambiguous: true, kind: NetReset},
		{name: "timeout", h: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			timeout: 50 * time.Millisecond, ambiguous: true, kind: NetTimeout},
		{name: "301", h: answer(301, "Location", "https://elsewhere.example/"), ambiguous: true, status: 301},
		{name: "302", h: answer(302, "Location", "/login"), ambiguous: true, status: 302},
		{name: "307", h: answer(307, "Location", "/api/v4/admin/customers/1"), ambiguous: true, status: 307},
		{name: "500", h: answer(500), ambiguous: true, status: 500},
		{name: "503", h: answer(503), ambiguous: true, status: 503},
		{name: "400", h: answer(400), status: 400},
		{name: "403", h: answer(403), status: 403},
		{name: "404", h: answer(404), status: 404},
		{name: "409", h: answer(409), status: 409},
		{name: "429", h: answer(429), status: 429},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var deletes atomic.Int32
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				deletes.Add(1)
				tt.h(w, r)
			}, func(o *Options) { o.Timeout = tt.timeout })
			err := c.DeleteCustomer(context.Background(), 1)
			if err == nil || IsAmbiguous(err) != tt.ambiguous || StatusCode(err) != tt.status || deletes.Load() != 1 {
				t.Fatalf("err = %v: ambiguous %v, status %d, %d requests", err, IsAmbiguous(err), StatusCode(err), deletes.Load())
			}
			if k, ok := netErrorKindOf(err); tt.status == 0 && (!ok || k != tt.kind) {
				t.Errorf("kind %v, want %v", k, tt.kind)
			}
		})
	}

	t.Run("refused", func(t *testing.T) {
		c, err := New(Options{Site: "http://" + closedAddr(t), Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		err = c.DeleteCustomer(context.Background(), 1)
		if k, ok := netErrorKindOf(err); !ok || k != NetConnRefused || IsAmbiguous(err) {
			t.Fatalf("err = %v: ambiguous %v", err, IsAmbiguous(err))
		}
	})
}

// A DELETE answered 200 {"status":"error"}: the store refused it. It is not blamed
// on the site URL (CodeNotSuccess is the unroutable-URL answer) and is not ambiguous.
func TestDeleteStatusErrorBody(t *testing.T) {
	for _, tt := range []struct {
		body, code, msg string
	}{
		{`{"status": "error", "message": "Customer has open orders"}`, CodeStatusError, "Customer has open orders"},
		{`{"status": "error", "code": 400, "message": "cannot delete", "error": "validation_failed"}`, CodeStatusError, "cannot delete"},
		{`{"status": "failed"}`, CodeStatusError, "the store answered that the operation failed"},
		{`{"success": false, "message": "locked"}`, CodeStatusError, "locked"},
		{`{"isSuccess": false, "message": "Requested URL not found"}`, CodeNotSuccess, "Requested URL not found"},
		{`{"isSuccess": false, "status": "error"}`, CodeNotSuccess, "server answered isSuccess: false"},
	} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
		err := c.DeleteCustomer(context.Background(), 1)
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 200 || e.Code != tt.code || e.Message != tt.msg ||
			!errors.Is(err, ErrNotSuccess) || IsAmbiguous(err) || IsTransient(err) {
			t.Errorf("%s: err = %#v", tt.body, err)
		}
	}
}

// Failing to get a token, or the caller giving up first, sends no DELETE: not ambiguous.
func TestDeleteNotSentIsNotAmbiguous(t *testing.T) {
	for _, status := range []int{500, 401, 503} {
		s := &oauthServer{credsFail: status}
		c := newOAuthClient(t, s)
		err := c.DeleteCustomer(context.Background(), 1)
		if StatusCode(err) != status || IsAmbiguous(err) || s.deletes.Load() != 0 || s.apiCalls.Load() != 0 {
			t.Errorf("token %d: err = %v, ambiguous %v, %d API calls", status, err, IsAmbiguous(err), s.apiCalls.Load())
		}
	}

	// The token endpoint hangs past the per-try timeout: a NetError, not ambiguous.
	s := &oauthServer{tokenDelay: 300 * time.Millisecond}
	c := newOAuthClient(t, s, func(o *Options) { o.Timeout = 50 * time.Millisecond })
	err := c.DeleteCustomer(context.Background(), 1)
	if k, ok := netErrorKindOf(err); !ok || k != NetTimeout || IsAmbiguous(err) || s.apiCalls.Load() != 0 {
		t.Errorf("token timeout: err = %v, ambiguous %v", err, IsAmbiguous(err))
	}

	// The caller's context ends while waiting for the token.
	s2 := &oauthServer{tokenDelay: 300 * time.Millisecond}
	c2 := newOAuthClient(t, s2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err = c2.DeleteCustomer(ctx, 1)
	if !errors.Is(err, context.DeadlineExceeded) || IsAmbiguous(err) || s2.apiCalls.Load() != 0 {
		t.Errorf("waiting for the token: err = %v, ambiguous %v", err, IsAmbiguous(err))
	}

	// Cancelled before the request went out.
	var calls atomic.Int32
	c3, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	done, cancel3 := context.WithCancel(context.Background())
	cancel3()
	err = c3.DeleteCustomer(done, 1)
	if !errors.Is(err, context.Canceled) || IsAmbiguous(err) || calls.Load() != 0 {
		t.Errorf("cancelled first: err = %v, ambiguous %v, %d calls", err, IsAmbiguous(err), calls.Load())
	}

	// An invalid id.
	if err := c3.DeleteCustomer(context.Background(), 0); err == nil || IsAmbiguous(err) || calls.Load() != 0 {
		t.Errorf("id 0: err = %v, ambiguous %v", err, IsAmbiguous(err))
	}
}

func TestOperationBudget(t *testing.T) {
	tries := time.Duration(defaultReadRetries + 1)
	for _, perTry := range []time.Duration{-time.Second, 0, 300 * time.Millisecond, 15 * time.Second, time.Minute} {
		eff := perTry
		if eff <= 0 {
			eff = DefaultTimeout
		}
		got := OperationBudget(perTry)
		// Every try timing out plus the longest backoff before each retry.
		if want := tries*eff + (tries-1)*backoffMax; got != want {
			t.Errorf("OperationBudget(%s) = %s, want %s", perTry, got, want)
		}
		// At least as generous as the console's old 3*perTry + 10s.
		if got < 3*eff+10*time.Second {
			t.Errorf("OperationBudget(%s) = %s < 3*%s + 10s", perTry, got, eff)
		}
		// Room for every backoff the client can pick (jitter included).
		var waits time.Duration
		for attempt := 1; attempt < int(tries); attempt++ {
			for range 20 {
				if w, _ := retryWait(attempt, errors.New("x")); w > backoffMax {
					t.Fatalf("backoff %s beyond backoffMax", w)
				}
			}
			waits += backoffMax
		}
		if got < tries*eff+waits {
			t.Errorf("OperationBudget(%s) = %s leaves no room for the waits", perTry, got)
		}
	}
	if !strings.Contains(fmt.Sprint(OperationBudget(15*time.Second)), "1m1s") {
		t.Errorf("OperationBudget(15s) = %s, want 1m1s", OperationBudget(15*time.Second))
	}
}
