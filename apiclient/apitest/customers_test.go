package apitest

import (
	"fmt"
	"slices"
	"testing"
)

func TestGetCustomer(t *testing.T) {
	for _, shape := range []Shape{ShapeA, ShapeB} {
		s, ts := testServer(t, Options{Shape: shape, Customers: 30})
		id := s.IDs()[4]
		a := get(t, fmt.Sprintf("%s/api/v4/admin/customers/%d", ts.URL, id))
		if a.Status != 200 {
			t.Fatalf("GET: %d %s", a.Status, a.Raw)
		}
		c := a.JSON["customer"].(map[string]any)
		idKey := map[Shape]string{ShapeA: "id", ShapeB: "customer_id"}[shape]
		if num(t, c[idKey]) != id || c["is_in_trash"] != false {
			t.Fatalf("GET %d gave %v", id, c)
		}
		wantError(t, get(t, ts.URL+"/api/v4/admin/customers/999999"), 404, "id")
		for _, bad := range []string{"abc", "-5", "%2B5", "1e3", "12a", "1.5"} {
			a := get(t, ts.URL+"/api/v4/admin/customers/"+bad)
			wantError(t, a, 400, "id")
			if a.JSON["message"] != "invalid customer id" {
				t.Errorf("%s: message %v", bad, a.JSON["message"])
			}
		}
	}
}

func TestDeleteAndTrash(t *testing.T) {
	s, ts := testServer(t, Options{Shape: ShapeB, Customers: 30})
	ids := s.IDs()
	url := func(id int64) string { return fmt.Sprintf("%s/api/v4/admin/customers/%d", ts.URL, id) }

	a := call(t, "DELETE", url(ids[2]), nil)
	if a.Status != 204 || len(a.Raw) != 0 {
		t.Fatalf("DELETE: %d %q", a.Status, a.Raw)
	}
	if s.Exists(ids[2]) || s.Len() != 29 || slices.Contains(s.IDs(), ids[2]) {
		t.Fatal("deleted customer still live")
	}
	a = get(t, url(ids[2]))
	if a.Status != 200 || a.JSON["customer"].(map[string]any)["is_in_trash"] != true {
		t.Fatalf("GET trashed: %d %s", a.Status, a.Raw)
	}
	if r, ok := s.Record(ids[2]); !ok || r["is_in_trash"] != true {
		t.Fatalf("Record of trashed: %v", r)
	}
	a = call(t, "DELETE", url(ids[2]), nil)
	wantError(t, a, 404, "")
	if a.JSON["message"] != "Customer already in trash" {
		t.Errorf("second delete message %v", a.JSON["message"])
	}
	a = call(t, "DELETE", url(999999), nil)
	wantError(t, a, 404, "id")
	if a.JSON["message"] != "Customer not found" {
		t.Errorf("unknown delete message %v", a.JSON["message"])
	}
	wantError(t, call(t, "DELETE", ts.URL+"/api/v4/admin/customers/x1", nil), 400, "id")

	call(t, "DELETE", url(ids[0]), nil)
	if got := s.Deleted(); !slices.Equal(got, []int64{ids[2], ids[0]}) {
		t.Errorf("Deleted() = %v", got)
	}
	if a := get(t, ts.URL+"/api/v4/admin/customers/count"); a.JSON["total"] != 28.0 {
		t.Errorf("count after 2 deletes: %v", a.JSON["total"])
	}
}

// The contract's danger: a path built from the display id deletes another
// customer. The store must make that mistake visible.
func TestDisplayIDInPathHitsAnotherCustomer(t *testing.T) {
	for _, shape := range []Shape{ShapeA, ShapeB} {
		s, ts := testServer(t, Options{Shape: shape, Customers: 50})
		key := map[Shape]string{ShapeA: "display_id", ShapeB: "internal_id"}[shape]
		for _, id := range s.IDs() {
			r, _ := s.Record(id)
			other := r[key].(int64)
			if !s.Exists(other) {
				continue
			}
			call(t, "DELETE", fmt.Sprintf("%s/api/v4/admin/customers/%d", ts.URL, other), nil)
			if !s.Exists(id) || s.Exists(other) {
				t.Fatalf("shape %v: deleting by %s %d did not hit customer %d", shape, key, other, other)
			}
			break
		}
		if len(s.Deleted()) != 1 {
			t.Fatalf("shape %v: no display id equals another id", shape)
		}
	}
}

func TestCount(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 37})
	a := get(t, ts.URL+"/api/v4/admin/customers/count")
	if a.Status != 200 || a.JSON["total"] != 37.0 {
		t.Fatalf("count: %d %s", a.Status, a.Raw)
	}
	r, _ := s.Record(s.IDs()[0])
	a = get(t, ts.URL+"/api/v4/admin/customers/count?email="+r["email"].(string))
	if a.JSON["total"] != 1.0 {
		t.Errorf("count by email: %s", a.Raw)
	}
}

func TestUnknownRoutes(t *testing.T) {
	_, ts := testServer(t, Options{Token: "secret"})
	for _, r := range [][2]string{
		{"POST", "/api/v4/admin/customers"},
		{"PUT", "/api/v4/admin/customers/1001"},
		{"PATCH", "/api/v4/admin/customers/1001"},
		{"GET", "/api/v4/admin/customers/1001/addresses"},
		{"DELETE", "/api/v4/admin/customers"},
		{"GET", "/api/v4/admin/products"},
		{"GET", "/api/v4/oauth2/token"},
		{"GET", "/api/v3/admin/customers"},
		{"GET", "/"},
	} {
		a := call(t, r[0], ts.URL+r[1], nil)
		if a.Status != 200 || a.JSON["isSuccess"] != false || a.JSON["message"] == "" {
			t.Errorf("%s %s: %d %s", r[0], r[1], a.Status, a.Raw)
		}
	}
	// A trailing slash still routes.
	a := get(t, ts.URL+"/api/v4/admin/customers/", "Authorization", "Bearer secret")
	if a.Status != 200 || a.JSON["customers"] == nil {
		t.Errorf("trailing slash: %d %s", a.Status, a.Raw)
	}
}
