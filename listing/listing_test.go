package listing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

const testToken = "list-tok"

// served is an apitest store behind a middleware that can change the store
// before a given list request is answered (drift), with a client over HTTP.
type served struct {
	store  *apitest.Store
	client *apiclient.Client
	lists  atomic.Int64
	mu     sync.Mutex
	before func(n int64) // called with the 1-based number of each list request
}

func serve(t *testing.T, opts apitest.Options) *served {
	t.Helper()
	opts.Token = testToken
	s := &served{store: apitest.New(opts)}
	h := s.store.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/v4/admin/customers" {
			n := s.lists.Add(1)
			s.mu.Lock()
			f := s.before
			s.mu.Unlock()
			if f != nil {
				f(n)
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: testToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	return s
}

func (s *served) onList(f func(n int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = f
}

// remove deletes customer id through the store's own handler.
func (s *served) remove(t *testing.T, id int64) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodDelete, fmt.Sprintf("/api/v4/admin/customers/%d", id), nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	s.store.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Errorf("delete %d: %d %s", id, rec.Code, rec.Body)
	}
}

// collect runs a listing and returns the ids in the order emitted.
func collect(t *testing.T, store Store, opts Options) ([]int64, Result, error) {
	t.Helper()
	var ids []int64
	res, err := Run(context.Background(), store, opts, func(cs []apiclient.Customer) error {
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return nil
	})
	return ids, res, err
}

func TestRunListsEveryCustomerOnceInOrder(t *testing.T) {
	for _, shape := range []apitest.Shape{apitest.ShapeA, apitest.ShapeB} {
		for _, conc := range []int{1, 4, 16} {
			t.Run(fmt.Sprintf("shape%s/conc%d", shape, conc), func(t *testing.T) {
				s := serve(t, apitest.Options{Shape: shape, Customers: 237})
				ids, res, err := collect(t, s.client, Options{Concurrency: conc})
				if err != nil {
					t.Fatal(err)
				}
				if want := s.store.IDs(); !slices.Equal(ids, want) {
					t.Fatalf("got %d ids, want the store's %d in order", len(ids), len(want))
				}
				if res.Rows != 237 || res.Total != 237 || res.Restarts != 0 || res.Unstable || res.More {
					t.Fatalf("result %+v", res)
				}
				// 12 pages, plus at most conc-1 overshooting the end before
				// the total was known.
				if res.Requests < 12 || res.Requests > 12+conc-1 {
					t.Errorf("%d requests for 12 pages", res.Requests)
				}
			})
		}
	}
}

func TestRunDescendingOrderAndFilter(t *testing.T) {
	s := serve(t, apitest.Options{Shape: apitest.ShapeB, Customers: 120})
	ids, _, err := collect(t, s.client, Options{Query: apiclient.ListOptions{OrderBy: "id", Direction: "desc"}})
	if err != nil {
		t.Fatal(err)
	}
	want := s.store.IDs()
	slices.Reverse(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("desc: got %v…", ids[:min(5, len(ids))])
	}
	var pending []int64
	_, err = Run(context.Background(), s.client, Options{Query: apiclient.ListOptions{Status: "pending"}},
		func(cs []apiclient.Customer) error {
			for _, c := range cs {
				if c.Status != "pending" {
					t.Errorf("customer %d has status %q", c.ID, c.Status)
				}
				pending = append(pending, c.ID)
			}
			return nil
		})
	if err != nil || len(pending) == 0 {
		t.Fatalf("pending: %d, %v", len(pending), err)
	}
}

func TestRunMaxStopsAtTheFirstN(t *testing.T) {
	s := serve(t, apitest.Options{Shape: apitest.ShapeA, Customers: 100})
	ids, res, err := collect(t, s.client, Options{Max: 45, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, s.store.IDs()[:45]) || !res.More {
		t.Fatalf("got %d ids (more %v)", len(ids), res.More)
	}
	if res.Requests > 3+3 {
		t.Errorf("%d requests for 45 customers", res.Requests)
	}
	ids, res, _ = collect(t, s.client, Options{Max: 100})
	if len(ids) != 100 || res.More {
		t.Fatalf("Max = the total: %d ids, more %v", len(ids), res.More)
	}
}

// shortStore answers at most cap records per page, whatever the limit, and
// says so only through its next-page signals (like a store with a lower cap).
type shortStore struct {
	ids []int64
	cap int
}

func (s *shortStore) ListCustomers(_ context.Context, o apiclient.ListOptions) (apiclient.Page, error) {
	p := apiclient.Page{Offset: o.Offset, Total: len(s.ids)}
	end := min(o.Offset+min(o.Limit, s.cap), len(s.ids))
	for i := o.Offset; i < end; i++ {
		p.Customers = append(p.Customers, apiclient.Customer{ID: s.ids[i]})
	}
	p.NextOffset = o.Offset + len(p.Customers)
	p.HasMore = p.NextOffset < len(s.ids)
	return p, nil
}

func TestRunShortPagesLeaveNoGap(t *testing.T) {
	st := &shortStore{cap: 7}
	for i := range 103 {
		st.ids = append(st.ids, int64(10+i))
	}
	ids, res, err := collect(t, st, Options{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, st.ids) {
		t.Fatalf("got %d ids, want %d in order", len(ids), len(st.ids))
	}
	if res.Restarts != 0 {
		t.Fatalf("result %+v", res)
	}
}

// The store's first customer is deleted elsewhere after page 1 was read:
// every later row moves up one, and a listing that went on would skip the
// row that moved onto page 1. The listing restarts and misses nothing.
func TestRunRestartsWhenACustomerIsDeletedWhileListing(t *testing.T) {
	for _, shape := range []apitest.Shape{apitest.ShapeA, apitest.ShapeB} {
		t.Run("shape"+shape.String(), func(t *testing.T) {
			s := serve(t, apitest.Options{Shape: shape, Customers: 100})
			first := s.store.IDs()[0]
			var once sync.Once
			s.onList(func(n int64) {
				if n == 3 {
					once.Do(func() { s.remove(t, first) })
				}
			})
			ids, res, err := collect(t, s.client, Options{Concurrency: 1})
			if err != nil {
				t.Fatal(err)
			}
			checkOnceEach(t, ids, s.store.IDs(), first)
			if res.Restarts != 1 || res.Unstable || len(res.Drifts) != 1 || res.Drifts[0] != (Drift{100, 99}) {
				t.Fatalf("result %+v", res)
			}
		})
	}
}

func TestRunRestartsWhenACustomerIsCreatedWhileListing(t *testing.T) {
	for _, conc := range []int{1, 4} {
		t.Run(fmt.Sprint("conc", conc), func(t *testing.T) {
			s := serve(t, apitest.Options{Shape: apitest.ShapeB, Customers: 100})
			s.onList(func(n int64) {
				if n == 3 {
					s.store.Add(map[string]any{"customer_id": 5, "email": "new@example.com"}) // sorts first
				}
			})
			ids, res, err := collect(t, s.client, Options{Concurrency: conc})
			if err != nil {
				t.Fatal(err)
			}
			checkOnceEach(t, ids, s.store.IDs())
			if !slices.Contains(ids, 5) || res.Restarts != 1 || res.Unstable {
				t.Fatalf("new customer listed: %v; result %+v", slices.Contains(ids, 5), res)
			}
			// Serially, page 1 was read before the change: the new customer is
			// found by the second pass, after the first pass's customers.
			if conc == 1 && ids[0] == 5 {
				t.Errorf("the new customer came first: the first pass's rows were not kept")
			}
		})
	}
}

// checkOnceEach: every live id is listed, nothing twice; listed ids not in
// live must be in gone.
func checkOnceEach(t *testing.T, ids, live []int64, gone ...int64) {
	t.Helper()
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("customer %d listed twice", id)
		}
		seen[id] = true
	}
	for _, id := range live {
		if !seen[id] {
			t.Errorf("customer %d is missing", id)
		}
	}
	for id := range seen {
		if !slices.Contains(live, id) && !slices.Contains(gone, id) {
			t.Errorf("customer %d listed but never in the store", id)
		}
	}
}

// Without restarts the same deletion makes the listing miss a customer:
// the drift is real, and reported as Unstable.
func TestRunWithoutRestartsReportsUnstable(t *testing.T) {
	s := serve(t, apitest.Options{Shape: apitest.ShapeB, Customers: 100})
	first := s.store.IDs()[0]
	var once sync.Once
	s.onList(func(n int64) {
		if n == 3 {
			once.Do(func() { s.remove(t, first) })
		}
	})
	ids, res, err := collect(t, s.client, Options{Concurrency: 1, MaxRestarts: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unstable || res.Restarts != 0 {
		t.Fatalf("result %+v", res)
	}
	missing := 0
	for _, id := range s.store.IDs() {
		if !slices.Contains(ids, id) {
			missing++
		}
	}
	if missing == 0 {
		t.Fatal("nothing missing: the test does not exercise a shift")
	}
}

// A store that changes all the time: after MaxRestarts the listing
// completes its pass and says it is Unstable.
func TestRunStoreThatKeepsChangingIsUnstable(t *testing.T) {
	s := serve(t, apitest.Options{Shape: apitest.ShapeB, Customers: 60})
	s.onList(func(n int64) {
		if n%2 == 0 {
			s.store.Add(map[string]any{"email": fmt.Sprintf("c%d@example.com", n)})
		}
	})
	ids, res, err := collect(t, s.client, Options{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unstable || res.Restarts != MaxRestarts || len(ids) == 0 {
		t.Fatalf("result %+v, %d ids", res, len(ids))
	}
	checkNoDuplicates(t, ids)
}

func checkNoDuplicates(t *testing.T, ids []int64) {
	t.Helper()
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("customer %d listed twice", id)
		}
		seen[id] = true
	}
}

func TestRunStopsOnErrorsAndCancel(t *testing.T) {
	s := serve(t, apitest.Options{Shape: apitest.ShapeB, Customers: 200})
	s.store.Inject(apitest.RouteList, apitest.Fault{Status: 401, Body: `{"status":"error","message":"no"}`})
	_, _, err := collect(t, s.client, Options{})
	if !apiclient.IsUnauthorized(err) {
		t.Fatalf("err %v", err)
	}
	s.store.ClearFaults()

	wantErr := errors.New("disk full")
	calls := 0
	res, err := Run(context.Background(), s.client, Options{}, func([]apiclient.Customer) error { calls++; return wantErr })
	if !errors.Is(err, wantErr) || calls != 1 || res.Rows != 0 {
		t.Fatalf("emit error: %v, %d calls, %+v", err, calls, res)
	}

	s.store.SetLatency(apitest.RouteList, 20*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	rows := 0
	_, err = Run(ctx, s.client, Options{}, func(cs []apiclient.Customer) error {
		rows += len(cs)
		if rows >= 40 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || rows >= 200 {
		t.Fatalf("cancel: %v after %d rows", err, rows)
	}
}

func TestWatch(t *testing.T) {
	w := NewWatch()
	page := func(n, total int, more bool) apiclient.Page {
		return apiclient.Page{Customers: make([]apiclient.Customer, n), Total: total, HasMore: more}
	}
	if w.File(0, page(20, 100, true)) || w.Total() != 100 {
		t.Fatal("first total is not a drift")
	}
	if !w.File(20, page(20, 99, true)) || w.Total() != 99 {
		t.Fatal("a changed total is a drift")
	}
	if w.File(40, page(20, -1, true)) || w.Total() != 99 {
		t.Fatal("no total: no drift")
	}
	// The page says more follows past a total it already reached: totals are ignored.
	if w.File(80, page(20, 99, true)) || !w.Bad() || w.Total() != -1 || w.File(100, page(20, 5, true)) {
		t.Fatal("a contradictory total must switch totals off")
	}
	if got := Dedupe([]apiclient.Customer{{ID: 1}, {ID: 2}, {ID: 1}, {ID: 3}, {ID: 2}}); len(got) != 3 {
		t.Fatalf("dedupe: %v", got)
	}
}
