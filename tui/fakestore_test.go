package tui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
)

// fakeStore is an in-memory Store for Update tests: no HTTP, fully scripted.
type fakeStore struct {
	mu        sync.Mutex
	customers []apiclient.Customer
	deletes   []int64
	lists     int
	deleteErr error
	listErr   error
	getErr    error

	onList       func(apiclient.ListOptions) // called on every list request (outside the lock)
	afterList    func()
	shortEvery   int                  // every n-th page answers half a page (a quirk the API allows)
	noTotal      bool                 // pages do not say the total ([A] stores without records)
	counts       int                  // GET /admin/customers/count calls
	deleteErrFor map[int64]error      // per-customer DELETE failures
	deleteHook   func(id int64) error // runs before every DELETE; an error is returned as is

	// The store search (search.go).
	searchMode string                                                   // "": search= filters; "reject": 400 unknown_parameter; "ignore": unfiltered pages
	searches   []apiclient.ListOptions                                  // list requests with search= or email=
	gets       []int64                                                  // GET /admin/customers/{id}
	countOpts  []apiclient.CountOptions                                 // counts with a filter
	listCtx    func(ctx context.Context, o apiclient.ListOptions) error // runs first on every list request; an error is returned as is
}

func newFakeStore(n int) *fakeStore {
	s := &fakeStore{}
	for i := 0; i < n; i++ {
		id := int64(1001 + i*3)
		s.customers = append(s.customers, apiclient.Customer{
			ID:        id,
			DisplayID: fmt.Sprint(5000 + i),
			FirstName: fmt.Sprintf("First%d", i),
			LastName:  fmt.Sprintf("Last%d", i),
			Email:     fmt.Sprintf("user%d@example.com", i),
			Status:    "active",
			CreatedAt: time.Date(2024, 1, 1+i%28, 10, 0, 0, 0, time.UTC),
		})
	}
	return s
}

func (s *fakeStore) ListCustomers(ctx context.Context, o apiclient.ListOptions) (apiclient.Page, error) {
	if s.listCtx != nil {
		if err := s.listCtx(ctx, o); err != nil {
			return apiclient.Page{}, err
		}
	}
	if s.onList != nil {
		s.onList(o)
	}
	if s.afterList != nil {
		defer s.afterList()
		time.Sleep(time.Millisecond) // let concurrent requests overlap
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists++
	if s.listErr != nil {
		return apiclient.Page{}, s.listErr
	}
	if o.Email != "" || o.Search != "" {
		s.searches = append(s.searches, o)
	}
	if o.Search != "" {
		switch s.searchMode {
		case "reject":
			return apiclient.Page{}, &apiclient.Error{StatusCode: http.StatusBadRequest, Method: "GET", Path: "/admin/customers",
				Message: "unknown query parameter", Code: apiclient.CodeUnknownParameter,
				Fields: []apiclient.FieldError{{Field: "search", Code: apiclient.CodeUnknownParameter}}}
		case "ignore":
			o.Search = ""
		}
	}
	if o.Email != "" {
		var found []apiclient.Customer
		for _, c := range s.customers {
			if strings.EqualFold(c.Email, o.Email) && (o.Status == "" || c.Status == o.Status) {
				found = append(found, c)
			}
		}
		return apiclient.Page{Customers: found, Total: len(found), NextOffset: len(found)}, nil
	}
	customers := s.customers
	if o.Search != "" || o.Status != "" {
		customers = s.matching(apiclient.CountOptions{Search: o.Search, Status: o.Status})
	}
	return s.page(customers, o), nil
}

// matching is the customers a search and status filter select.
func (s *fakeStore) matching(f apiclient.CountOptions) []apiclient.Customer {
	var out []apiclient.Customer
	q := strings.ToLower(f.Search)
	for _, c := range s.customers {
		if f.Status != "" && c.Status != f.Status {
			continue
		}
		if f.Email != "" && !strings.EqualFold(c.Email, f.Email) {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(c.FullName()+" "+c.Email), q) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func (s *fakeStore) page(customers []apiclient.Customer, o apiclient.ListOptions) apiclient.Page {
	limit := o.Limit
	if s.shortEvery > 0 && (o.Offset/max(o.Limit, 1))%s.shortEvery == s.shortEvery-1 {
		limit = max(o.Limit/2, 1)
	}
	lo := min(o.Offset, len(customers))
	hi := min(lo+limit, len(customers))
	page := append([]apiclient.Customer(nil), customers[lo:hi]...)
	total := len(customers)
	if s.noTotal {
		total = -1
	}
	return apiclient.Page{Customers: page, Offset: lo, Total: total,
		HasMore: hi < len(customers), NextOffset: hi}
}

// CountMatching is GET /admin/customers/count with filters.
func (s *fakeStore) CountMatching(ctx context.Context, f apiclient.CountOptions) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts++
	s.countOpts = append(s.countOpts, f)
	return len(s.matching(f)), nil
}

func (s *fakeStore) searchCalls() []apiclient.ListOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]apiclient.ListOptions(nil), s.searches...)
}

func (s *fakeStore) GetCustomer(ctx context.Context, id int64) (apiclient.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets = append(s.gets, id)
	if s.getErr != nil && len(s.deletes) > 0 {
		return apiclient.Customer{}, s.getErr // only the check after a DELETE fails
	}
	for _, c := range s.customers {
		if c.ID == id {
			return c, nil
		}
	}
	return apiclient.Customer{}, &apiclient.Error{StatusCode: http.StatusNotFound, Message: "Customer not found"}
}

func (s *fakeStore) DeleteCustomer(ctx context.Context, id int64) error {
	if s.deleteHook != nil {
		if err := s.deleteHook(id); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletes = append(s.deletes, id)
	if s.deleteErr != nil {
		return s.deleteErr
	}
	if err := s.deleteErrFor[id]; err != nil {
		return err
	}
	for i, c := range s.customers {
		if c.ID == id {
			s.customers = append(s.customers[:i], s.customers[i+1:]...)
			return nil
		}
	}
	return &apiclient.Error{StatusCode: http.StatusNotFound, Method: "DELETE", Message: "Customer already in trash"}
}

func (s *fakeStore) deleted() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.deletes...)
}

func (s *fakeStore) listCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists
}

func (s *fakeStore) CountCustomers(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts++
	return len(s.customers), nil
}

var errConflict = &apiclient.Error{StatusCode: http.StatusConflict, Message: "customer has open orders"}
