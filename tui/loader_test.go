package tui

import (
	"context"
	"sync"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
)

// inflightStore wraps a Store and measures how many list requests are in
// flight over time (the integral of in-flight over wall time).
type inflightStore struct {
	Store
	mu       sync.Mutex
	inflight int
	last     time.Time
	area     time.Duration // sum of in-flight × time
	start    time.Time
	lists    int
}

func (s *inflightStore) tick(delta int) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.last.IsZero() {
		s.area += time.Duration(s.inflight) * now.Sub(s.last)
	}
	s.last = now
	s.inflight += delta
	if delta > 0 {
		s.lists++
	}
}

// reset starts a new measurement window.
func (s *inflightStore) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.area, s.lists, s.start, s.last = 0, 0, time.Now(), time.Now()
}

// mean is the mean number of list requests in flight since reset.
func (s *inflightStore) mean(end time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	area := s.area + time.Duration(s.inflight)*end.Sub(s.last)
	return float64(area) / float64(end.Sub(s.start))
}

func (s *inflightStore) ListCustomers(ctx context.Context, o apiclient.ListOptions) (apiclient.Page, error) {
	s.tick(1)
	defer s.tick(-1)
	return s.Store.ListCustomers(ctx, o)
}
