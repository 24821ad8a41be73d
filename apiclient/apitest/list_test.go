package apitest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestListShapeA(t *testing.T) {
	s, ts := testServer(t, Options{Shape: ShapeA, Customers: 25})
	cs, p := list(t, ts.URL, "")
	if len(cs) != 10 {
		t.Fatalf("default page has %d customers, want 10", len(cs))
	}
	if p["records"] != float64(25) || p["limit"] != "10" || p["offset"] != "0" || p["previous_page"] != nil {
		t.Fatalf("pagination %v", p)
	}
	next, ok := p["next_page"].(string)
	if !ok || !strings.HasPrefix(next, ts.URL+"/api/v4/admin/customers?") {
		t.Fatalf("next_page %v", p["next_page"])
	}
	u, _ := url.Parse(next)
	if u.Query().Get("offset") != "10" {
		t.Fatalf("next_page %s", next)
	}
	c := cs[0]
	for _, k := range []string{"id", "display_id", "first_name", "last_name", "email", "status", "company", "company_name", "store_credit", "credit_limit", "allow_credit_limit", "created_at", "addresses", "is_in_trash"} {
		if _, ok := c[k]; !ok {
			t.Errorf("shape A record lacks %q", k)
		}
	}
	for _, k := range []string{"customer_id", "internal_id", "name", "updated_at"} {
		if _, ok := c[k]; ok {
			t.Errorf("shape A record has [B] key %q", k)
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05", c["created_at"].(string)); err != nil {
		t.Errorf("created_at %q: %v", c["created_at"], err)
	}
	if _, ok := c["addresses"].([]any)[0].(map[string]any)["address_line1"]; !ok {
		t.Error("shape A address lacks address_line1")
	}
	if num(t, c["id"]) != s.IDs()[0] {
		t.Errorf("first id %v", c["id"])
	}

	// Follow next_page to the end.
	var ids []int64
	for next := ts.URL + "/api/v4/admin/customers?limit=7"; next != ""; {
		a := get(t, next)
		for _, c := range a.JSON["customers"].([]any) {
			ids = append(ids, num(t, c.(map[string]any)["id"]))
		}
		next, _ = a.JSON["pagination"].(map[string]any)["next_page"].(string)
	}
	if !slices.Equal(ids, s.IDs()) {
		t.Fatalf("walking next_page gave %v", ids)
	}
	_, p = list(t, ts.URL, "offset=20")
	if p["next_page"] != nil || p["previous_page"] == nil {
		t.Errorf("last page pagination %v", p)
	}
}

func TestListShapeB(t *testing.T) {
	_, ts := testServer(t, Options{Shape: ShapeB, Customers: 45})
	cs, p := list(t, ts.URL, "limit=20")
	want := map[string]any{"total": 45.0, "limit": 20.0, "offset": 0.0, "count": 20.0, "current_page": 1.0, "total_pages": 3.0, "has_next": true, "has_previous": false, "previous_page": nil, "next_page": 2.0}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("pagination %s = %v, want %v", k, p[k], v)
		}
	}
	c := cs[0]
	for _, k := range []string{"customer_id", "internal_id", "name", "first_name", "email", "status", "created_at", "updated_at", "customer_groups", "gender", "note", "is_in_trash", "addresses"} {
		if _, ok := c[k]; !ok {
			t.Errorf("shape B record lacks %q", k)
		}
	}
	for _, k := range []string{"id", "display_id", "company"} {
		if _, ok := c[k]; ok {
			t.Errorf("shape B record has [A] key %q", k)
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if _, err := time.Parse(time.RFC3339, c[k].(string)); err != nil {
			t.Errorf("%s %q: %v", k, c[k], err)
		}
	}
	if _, ok := c["addresses"].([]any)[0].(map[string]any)["address_line_1"]; !ok {
		t.Error("shape B address lacks address_line_1")
	}
	cs, p = list(t, ts.URL, "limit=20&page=3")
	if len(cs) != 5 || p["has_next"] != false || p["next_page"] != nil || p["current_page"] != 3.0 || p["previous_page"] != 2.0 {
		t.Errorf("last page: %d customers, pagination %v", len(cs), p)
	}
	cs, p = list(t, ts.URL, "offset=100")
	if len(cs) != 0 || p["has_next"] != false {
		t.Errorf("past the end: %d customers, %v", len(cs), p)
	}
}

func TestListLimits(t *testing.T) {
	_, ts := testServer(t, Options{Shape: ShapeB, Customers: 100})
	cs, p := list(t, ts.URL, "limit=500")
	if len(cs) != 20 || p["limit"] != 20.0 {
		t.Errorf("limit 500: %d customers, pagination limit %v", len(cs), p["limit"])
	}
	_, ts = testServer(t, Options{Shape: ShapeA, Customers: 100, MaxLimit: 5})
	cs, p = list(t, ts.URL, "limit=50")
	if len(cs) != 5 || p["limit"] != "5" {
		t.Errorf("MaxLimit 5: %d customers, pagination limit %v", len(cs), p["limit"])
	}
	cs, _ = list(t, ts.URL, "")
	if len(cs) != 5 {
		t.Errorf("default limit above MaxLimit: %d customers", len(cs))
	}
}

func TestListPageAndOffset(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 50})
	ids := s.IDs()
	cs, _ := list(t, ts.URL, "limit=5&page=3")
	if num(t, cs[0]["id"]) != ids[10] {
		t.Errorf("page 3 starts at %v, want %d", cs[0]["id"], ids[10])
	}
	cs, _ = list(t, ts.URL, "limit=5&page=3&offset=1")
	if num(t, cs[0]["id"]) != ids[1] {
		t.Errorf("offset does not win over page: %v", cs[0]["id"])
	}
	// Pages need not be aligned to the limit.
	cs, _ = list(t, ts.URL, "limit=4&offset=3")
	if num(t, cs[0]["id"]) != ids[3] || len(cs) != 4 {
		t.Errorf("offset 3: %v", cs)
	}
}

// Every order walks all live customers exactly once, sorted as asked.
func TestListOrdering(t *testing.T) {
	for _, shape := range []Shape{ShapeA, ShapeB} {
		s, ts := testServer(t, Options{Shape: shape, Customers: 73})
		idKey := map[Shape]string{ShapeA: "id", ShapeB: "customer_id"}[shape]
		s.SetField(s.IDs()[5], "first_name", "ÉMILE") // case-insensitive, non-ASCII
		for _, key := range []string{"id", "customer_id", "first_name", "last_name", "email", "created_at", "status"} {
			for _, dir := range []string{"", "asc", "desc"} {
				var got []map[string]any
				for off := 0; ; off += 20 {
					cs, _ := list(t, ts.URL, fmt.Sprintf("order_by=%s&direction=%s&limit=20&offset=%d", key, dir, off))
					if len(cs) == 0 {
						break
					}
					got = append(got, cs...)
				}
				if len(got) != s.Len() {
					t.Fatalf("%s %s: walked %d of %d", key, dir, len(got), s.Len())
				}
				field := key
				if key == "id" || key == "customer_id" {
					field = idKey
				}
				seen := map[int64]bool{}
				for i, c := range got {
					id := num(t, c[idKey])
					if seen[id] {
						t.Fatalf("%s %s: %d twice", key, dir, id)
					}
					seen[id] = true
					if i == 0 {
						continue
					}
					a, b := sortValue(got[i-1][field]), sortValue(c[field])
					if dir == "desc" {
						a, b = b, a
					}
					if a > b {
						t.Fatalf("%s %s: %q before %q", key, dir, a, b)
					}
				}
			}
		}
	}
}

func sortValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprintf("%020.0f", v)
	case string:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
		return strings.ToLower(v)
	}
	return fmt.Sprint(v)
}

func TestListFilters(t *testing.T) {
	s, ts := testServer(t, Options{Shape: ShapeB, Customers: 400})
	id := s.IDs()[17]
	rec, _ := s.Record(id)
	email := rec["email"].(string)

	cs, p := list(t, ts.URL, "email="+url.QueryEscape(strings.ToUpper(email)))
	if len(cs) != 1 || num(t, cs[0]["customer_id"]) != id || p["total"] != 1.0 {
		t.Fatalf("email filter %q: %d customers, %v", email, len(cs), p)
	}
	cs, _ = list(t, ts.URL, "email="+url.QueryEscape(email[1:]))
	if len(cs) != 0 {
		t.Errorf("email filter is not exact: %d customers", len(cs))
	}

	s.SetField(id, "first_name", "Zoëlle")
	s.SetField(id, "last_name", "Quux")
	for _, q := range []string{"zoËl", "QUU", "zoëlle quux", email[:strings.Index(email, "@")+2]} {
		cs, _ := list(t, ts.URL, "limit=20&search="+url.QueryEscape(q))
		found := false
		for _, c := range cs {
			found = found || num(t, c["customer_id"]) == id
			hay := strings.ToLower(fmt.Sprint(c["first_name"], " ", c["last_name"], " ", c["email"]))
			if !strings.Contains(hay, strings.ToLower(q)) {
				t.Errorf("search %q matched %s", q, hay)
			}
		}
		if !found {
			t.Errorf("search %q did not find customer %d", q, id)
		}
	}

	want := 0
	for _, id := range s.IDs() {
		if r, _ := s.Record(id); r["status"] == "pending" {
			want++
		}
	}
	_, p = list(t, ts.URL, "status=pending")
	if p["total"] != float64(want) || want == 0 {
		t.Errorf("status=pending total %v, want %d", p["total"], want)
	}
	a := get(t, ts.URL+"/api/v4/admin/customers/count?status=pending")
	if a.JSON["total"] != float64(want) {
		t.Errorf("count?status=pending = %v, want %d", a.JSON["total"], want)
	}
	// Filters page like everything else.
	all := map[int64]bool{}
	for off := 0; off < want; off += 20 {
		cs, _ := list(t, ts.URL, fmt.Sprintf("status=pending&direction=desc&limit=20&offset=%d", off))
		for _, c := range cs {
			all[num(t, c["customer_id"])] = true
		}
	}
	if len(all) != want {
		t.Errorf("paging status=pending gave %d, want %d", len(all), want)
	}
}

func TestListBadParameters(t *testing.T) {
	_, ts := testServer(t, Options{Customers: 10})
	for query, field := range map[string]string{
		"foo=1":             "foo",
		"limit=1&per_page=": "per_page",
		"sort=email":        "sort",
		"order_by=name":     "order_by",
		"order_by=id%20asc": "order_by",
		"direction=up":      "direction",
		"limit=abc":         "limit",
		"limit=0":           "limit",
		"limit=-3":          "limit",
		"offset=-1":         "offset",
		"offset=x":          "offset",
		"page=0":            "page",
		"status=deleted":    "status",
	} {
		a := get(t, ts.URL+"/api/v4/admin/customers?"+query)
		wantError(t, a, 400, field)
		want := "validation_failed"
		if !listParams[field] {
			want = "unknown_parameter" // an unknown name, as the API documents
		}
		if a.JSON["error"] != want {
			t.Errorf("%s: error %v, want %s", query, a.JSON["error"], want)
		}
	}
	wantError(t, get(t, ts.URL+"/api/v4/admin/customers/count?limit=5"), 400, "limit")
	wantError(t, get(t, ts.URL+"/api/v4/admin/customers/1001?expand=all"), 400, "expand")
	// Case-insensitive direction is fine.
	list(t, ts.URL, "direction=DESC")
}

func TestListSkipsTrash(t *testing.T) {
	s, ts := testServer(t, Options{Shape: ShapeA, Customers: 12})
	ids := s.IDs()
	for _, id := range ids[:3] {
		if a := call(t, "DELETE", fmt.Sprintf("%s/api/v4/admin/customers/%d", ts.URL, id), nil); a.Status != 204 {
			t.Fatal(a.Status)
		}
	}
	cs, p := list(t, ts.URL, "limit=20&order_by=email")
	if len(cs) != 9 || p["records"] != 9.0 {
		t.Fatalf("after 3 deletes: %d listed, %v", len(cs), p)
	}
	for _, c := range cs {
		if slices.Contains(ids[:3], num(t, c["id"])) {
			t.Fatalf("trashed customer %v listed", c["id"])
		}
	}
}

// Cached orders must follow SetField, Add and delete.
func TestCachedOrdersFollowChanges(t *testing.T) {
	s, ts := testServer(t, Options{Shape: ShapeB, Customers: 60})
	first := func(q string) int64 {
		t.Helper()
		cs, _ := list(t, ts.URL, q)
		return num(t, cs[0]["customer_id"])
	}
	for _, q := range []string{"order_by=email", "order_by=last_name&direction=desc", "order_by=created_at"} {
		list(t, ts.URL, q) // build the caches
	}
	id := s.IDs()[30]
	s.SetField(id, "email", "0000@example.com")
	if got := first("order_by=email"); got != id {
		t.Fatalf("after SetField email, first is %d, want %d", got, id)
	}
	s.SetField(id, "last_name", "龘龘") // sorts after every seeded name, byte-wise
	if got := first("order_by=last_name&direction=desc"); got != id {
		t.Fatalf("after SetField last_name, first is %d, want %d", got, id)
	}
	s.SetField(id, "created_at", time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC))
	if got := first("order_by=created_at"); got != id {
		t.Fatalf("after SetField created_at, first is %d, want %d", got, id)
	}
	added := s.Add(map[string]any{"email": "+first@example.com"})
	if got := first("order_by=email"); got != added {
		t.Fatalf("after Add, first by email is %d, want %d", got, added)
	}
	call(t, "DELETE", fmt.Sprintf("%s/api/v4/admin/customers/%d", ts.URL, added), nil)
	if got := first("order_by=email"); got != id {
		t.Fatalf("after delete, first by email is %d, want %d", got, id)
	}
	// Generated emails of added customers stay unique.
	r, _ := s.Record(s.Add(nil))
	_, p := list(t, ts.URL, "email="+url.QueryEscape(r["email"].(string)))
	if p["total"] != 1.0 {
		t.Errorf("added customer's email %v is not unique", r["email"])
	}
	// Changing a trashed customer is allowed and keeps it out of lists.
	s.SetField(added, "email", "0@example.com")
	if got := first("order_by=email"); got != id {
		t.Fatalf("trashed customer came back: %d", got)
	}
}
