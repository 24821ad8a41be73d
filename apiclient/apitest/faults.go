package apitest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Route names an endpoint for latency, faults and the request log.
type Route string

const (
	RouteList   Route = "list"
	RouteGet    Route = "get"
	RouteCount  Route = "count"
	RouteDelete Route = "delete"
	RouteToken  Route = "token"
	// RouteUnknown is recorded for requests no route matched.
	RouteUnknown Route = "unknown"
)

// Fault replaces (or delays) the answer to matching requests.
type Fault struct {
	// Status and Body are the answer; Status 0 with a Body means 200. With
	// neither (and no DropConnection) the fault only delays the real answer.
	Status int
	Body   string
	// Header is added to the answer (e.g. Retry-After), real or faulted.
	Header http.Header
	// Delay is waited before answering (or before dropping).
	Delay time.Duration
	// Times is how many requests the fault applies to; 0 means every request
	// until ClearFaults.
	Times int
	// DropConnection closes the connection without any answer. Note that
	// net/http's client silently retries a GET whose reused keep-alive
	// connection closes before any answer, so a Times 1 drop on a GET may
	// never reach the caller; DELETE is not retried.
	DropConnection bool
}

type faultState struct {
	mu      sync.Mutex
	latency map[Route]time.Duration
	queue   map[Route][]Fault
}

// SetLatency delays every request to r by d (0 removes the delay).
func (s *Store) SetLatency(r Route, d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.latency == nil {
		s.faults.latency = map[Route]time.Duration{}
	}
	s.faults.latency[r] = d
}

// Inject queues f for the next requests to r. Faults apply in the order
// queued; a fault with Times 0 stays at the head until ClearFaults.
func (s *Store) Inject(r Route, f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.queue == nil {
		s.faults.queue = map[Route][]Fault{}
	}
	f.Header = f.Header.Clone()
	s.faults.queue[r] = append(s.faults.queue[r], f)
}

// ClearFaults drops every queued fault (latencies stay).
func (s *Store) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.queue = nil
}

// next takes the fault for one request to r, and the route's latency.
func (fs *faultState) next(r Route) (Fault, bool, time.Duration) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	lat := fs.latency[r]
	q := fs.queue[r]
	if len(q) == 0 {
		return Fault{}, false, lat
	}
	f := q[0]
	if f.Times > 0 {
		q[0].Times--
		if q[0].Times == 0 {
			fs.queue[r] = q[1:]
		}
	}
	return f, true, lat
}

// apply serves the fault; it reports false when the real handler should
// still answer (a delay-only fault, possibly with extra headers).
func (f Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if !sleep(r.Context(), f.Delay) {
		return true // the client gave up
	}
	for k, v := range f.Header {
		w.Header()[k] = append([]string(nil), v...)
	}
	if f.DropConnection {
		drop(w)
		return true
	}
	if f.Status == 0 && f.Body == "" {
		return false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if w.Header().Get("Content-Type") == "" {
		if b := strings.TrimSpace(f.Body); strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
	}
	w.WriteHeader(status)
	io.WriteString(w, f.Body)
	return true
}

// drop closes the connection without writing anything. Without a hijackable
// connection (httptest.ResponseRecorder) it aborts the handler instead,
// which net/http also turns into a closed connection.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
