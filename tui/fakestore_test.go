package tui

import (
	"context"
	"fmt"
	"net/http"
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
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists++
	if s.listErr != nil {
		return apiclient.Page{}, s.listErr
	}
	lo := min(o.Offset, len(s.customers))
	hi := min(lo+o.Limit, len(s.customers))
	page := append([]apiclient.Customer(nil), s.customers[lo:hi]...)
	return apiclient.Page{Customers: page, Offset: lo, Total: len(s.customers),
		HasMore: hi < len(s.customers), NextOffset: hi}, nil
}

func (s *fakeStore) GetCustomer(ctx context.Context, id int64) (apiclient.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.customers {
		if c.ID == id {
			return c, nil
		}
	}
	return apiclient.Customer{}, &apiclient.Error{StatusCode: http.StatusNotFound, Message: "Customer not found"}
}

func (s *fakeStore) DeleteCustomer(ctx context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deletes = append(s.deletes, id)
	if s.deleteErr != nil {
		return s.deleteErr
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
