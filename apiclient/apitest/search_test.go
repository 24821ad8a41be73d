package apitest

import (
	"testing"
)

func TestSearchModes(t *testing.T) {
	_, ts := testServer(t, Options{Shape: ShapeB, Customers: 60, Search: SearchRejected})
	for _, path := range []string{"/api/v4/admin/customers?search=smith", "/api/v4/admin/customers/count?search=smith"} {
		a := get(t, ts.URL+path)
		wantError(t, a, 400, "search")
		if a.JSON["error"] != "unknown_parameter" {
			t.Errorf("%s: error %v", path, a.JSON["error"])
		}
	}
	if a := get(t, ts.URL+"/api/v4/admin/customers/count?status=active"); a.Status != 200 {
		t.Errorf("status filter refused too: %s", a.Raw)
	}

	_, ts = testServer(t, Options{Shape: ShapeA, Customers: 60, Search: SearchIgnored})
	cs, p := list(t, ts.URL, "limit=20&search=no-such-customer")
	if len(cs) != 20 || p["records"] != 60.0 {
		t.Errorf("ignored search: %d rows, %v", len(cs), p)
	}
	if a := get(t, ts.URL+"/api/v4/admin/customers/count?search=no-such-customer"); a.JSON["total"] != 60.0 {
		t.Errorf("ignored search count: %s", a.Raw)
	}

	_, ts = testServer(t, Options{Shape: ShapeB, Customers: 60})
	if cs, p := list(t, ts.URL, "limit=20&search=no-such-customer"); len(cs) != 0 || p["total"] != 0.0 {
		t.Errorf("served search: %d rows, %v", len(cs), p)
	}
}

// Count takes the list's filters together, and agrees with the list.
func TestCountCombinedFilters(t *testing.T) {
	s, ts := testServer(t, Options{Shape: ShapeB, Customers: 300})
	for _, q := range []string{"status=active", "search=an", "search=an&status=pending", "email=nobody@example.com"} {
		_, p := list(t, ts.URL, "limit=20&"+q)
		a := get(t, ts.URL+"/api/v4/admin/customers/count?"+q)
		if a.Status != 200 || a.JSON["total"] != p["total"] {
			t.Errorf("%s: count %s, list total %v", q, a.Raw, p["total"])
		}
	}
	if s.Len() != 300 {
		t.Fatal(s.Len())
	}
}
