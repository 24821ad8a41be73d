package apitest

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Request is one recorded request, in arrival order.
type Request struct {
	Route  Route
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	// Status is the answer's status; 0 while unanswered or when the
	// connection was dropped.
	Status int
	Time   time.Time
}

// maxRequests bounds the log of a long demo or benchmark; the oldest half is
// dropped when it is reached.
const maxRequests = 100_000

type requestLog struct {
	mu   sync.Mutex
	reqs []Request
	base int // index of reqs[0] since the store began, so resets don't confuse late status updates
}

// Requests returns a copy of the recorded requests (at most the latest
// 100,000 or so).
func (s *Store) Requests() []Request {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	out := slices.Clone(s.log.reqs)
	for i := range out {
		out[i].Query = cloneValues(out[i].Query)
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (s *Store) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.base += len(s.log.reqs)
	s.log.reqs = nil
}

func (l *requestLog) add(rt Route, r *http.Request, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) >= maxRequests {
		half := len(l.reqs) / 2
		l.base += half
		l.reqs = slices.Clone(l.reqs[half:])
	}
	l.reqs = append(l.reqs, Request{
		Route: rt, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		Header: r.Header.Clone(), Time: now,
	})
	return l.base + len(l.reqs) - 1
}

func (l *requestLog) setStatus(n, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := n - l.base; i >= 0 && i < len(l.reqs) {
		l.reqs[i].Status = status
	}
}

// statusWriter records the status as soon as it is written, before the
// client can possibly see the answer.
type statusWriter struct {
	http.ResponseWriter
	log   *requestLog
	n     int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.log.setStatus(w.n, code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
