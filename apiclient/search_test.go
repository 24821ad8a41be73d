package apiclient_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// The list and count filters (search, email, status) against the in-memory
// store, in its three search modes.
func TestSearchStatusAndCountFilters(t *testing.T) {
	ctx := context.Background()
	store, c := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 300}, apiclient.Options{Token: "t"})
	id := store.IDs()[123]
	store.SetField(id, "first_name", "Zebedee")
	store.SetField(id, "email", "zeb.quux@example.org")

	p, err := c.ListCustomers(ctx, apiclient.ListOptions{Limit: 20, Search: "ZEBED"})
	if err != nil || len(p.Customers) == 0 {
		t.Fatalf("search: %v, %d customers", err, len(p.Customers))
	}
	found := false
	for _, cu := range p.Customers {
		found = found || cu.ID == id
		hay := strings.ToLower(cu.FullName() + " " + cu.Email)
		if !strings.Contains(hay, "zebed") {
			t.Errorf("search matched %q", hay)
		}
	}
	if !found {
		t.Errorf("search did not find %d", id)
	}
	n, err := c.CountMatching(ctx, apiclient.CountOptions{Search: "zebed"})
	if err != nil || n != p.Total {
		t.Errorf("count search=zebed: %d, %v; list total %d", n, err, p.Total)
	}
	n, err = c.CountMatching(ctx, apiclient.CountOptions{Email: "ZEB.QUUX@example.org"})
	if err != nil || n != 1 {
		t.Errorf("count email: %d, %v", n, err)
	}

	pending := 0
	for _, id := range store.IDs() {
		if r, _ := store.Record(id); r["status"] == "pending" {
			pending++
		}
	}
	p, err = c.ListCustomers(ctx, apiclient.ListOptions{Limit: 20, Status: "pending"})
	if err != nil || p.Total != pending || pending == 0 {
		t.Fatalf("status=pending: total %d, want %d (%v)", p.Total, pending, err)
	}
	for _, cu := range p.Customers {
		if cu.Status != "pending" {
			t.Errorf("status filter let %q through", cu.Status)
		}
	}
	if n, err := c.CountMatching(ctx, apiclient.CountOptions{Status: "pending"}); err != nil || n != pending {
		t.Errorf("count status=pending: %d, %v, want %d", n, err, pending)
	}
	if n, err := c.CountCustomers(ctx); err != nil || n != 300 {
		t.Errorf("count: %d, %v", n, err)
	}
	q := store.Requests()
	if last := q[len(q)-1]; len(last.Query) != 0 {
		t.Errorf("plain count sent %v", last.Query)
	}
	if _, err := c.CountMatching(ctx, apiclient.CountOptions{Status: "deleted"}); err == nil {
		t.Error("count accepted an invalid status")
	}
}

func TestSearchRejectedAndIgnored(t *testing.T) {
	ctx := context.Background()
	_, c := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 50, Search: apitest.SearchRejected}, apiclient.Options{Token: "t"})
	_, err := c.ListCustomers(ctx, apiclient.ListOptions{Limit: 20, Search: "smith"})
	if !apiclient.IsUnknownParameter(err, "search") {
		t.Fatalf("search on a store without it: %v", err)
	}
	if apiclient.IsUnknownParameter(err, "status") {
		t.Error("the refusal of search is read as one of status")
	}
	var e *apiclient.Error
	if !errors.As(err, &e) || e.Code != apiclient.CodeUnknownParameter {
		t.Errorf("error %#v", err)
	}
	if _, err := c.CountMatching(ctx, apiclient.CountOptions{Search: "smith"}); !apiclient.IsUnknownParameter(err, "search") {
		t.Errorf("count: %v", err)
	}
	// Everything else still works there.
	if _, err := c.ListCustomers(ctx, apiclient.ListOptions{Limit: 20, Email: "x@example.com", Status: "active"}); err != nil {
		t.Fatal(err)
	}

	_, c = startStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 50, Search: apitest.SearchIgnored}, apiclient.Options{Token: "t"})
	p, err := c.ListCustomers(ctx, apiclient.ListOptions{Limit: 20, Search: "no-such-customer-anywhere"})
	if err != nil || len(p.Customers) != 20 || p.Total != 50 {
		t.Fatalf("an ignoring store should answer the unfiltered page: %d rows, total %d, %v", len(p.Customers), p.Total, err)
	}
}

func TestIsUnknownParameter(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&apiclient.Error{StatusCode: 400, Code: "unknown_parameter"}, true},
		{&apiclient.Error{StatusCode: 400, Code: "validation_failed", Fields: []apiclient.FieldError{{Field: "search", Code: "unknown_parameter"}}}, true},
		{&apiclient.Error{StatusCode: 400, Code: "unknown_parameter", Fields: []apiclient.FieldError{{Field: "foo", Code: "unknown_parameter"}}}, false},
		{&apiclient.Error{StatusCode: 400, Code: "validation_failed"}, false},
		{&apiclient.Error{StatusCode: 500, Code: "unknown_parameter"}, false},
		{errors.New("unknown_parameter"), false},
		{nil, false},
	} {
		if got := apiclient.IsUnknownParameter(tt.err, "search"); got != tt.want {
			t.Errorf("%v: %v, want %v", tt.err, got, tt.want)
		}
	}
}
