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
	if o.Email != "" {
		var found []apiclient.Customer
		for _, c := range s.customers {
			if strings.EqualFold(c.Email, o.Email) {
				found = append(found, c)
			}
		}
		return apiclient.Page{Customers: found, Total: len(found), NextOffset: len(found)}, nil
	}
	limit := o.Limit
	if s.shortEvery > 0 && (o.Offset/max(o.Limit, 1))%s.shortEvery == s.shortEvery-1 {
		limit = max(o.Limit/2, 1)
	}
	lo := min(o.Offset, len(s.customers))
	hi := min(lo+limit, len(s.customers))
	page := append([]apiclient.Customer(nil), s.customers[lo:hi]...)
	total := len(s.customers)
	if s.noTotal {
		total = -1
	}
	return apiclient.Page{Customers: page, Offset: lo, Total: total,
		HasMore: hi < len(s.customers), NextOffset: hi}, nil
}

func (s *fakeStore) GetCustomer(ctx context.Context, id int64) (apiclient.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
