package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const shapeAPage = `{
  "customers": [
    {"id": 1234, "display_id": 17, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
     "status": "active", "company": true, "company_name": "Engines Ltd", "store_credit": 12.5, "credit_limit": "100.00",
     "allow_credit_limit": "true", "created_at": "2024-05-01T10:00:00", "addresses": [], "is_in_trash": false},
    {"id": "1235", "display_id": "18", "first_name": null, "last_name": "Solo", "email": null, "status": null,
     "company": 1, "company_name": null, "store_credit": null, "credit_limit": 0, "allow_credit_limit": null,
     "created_at": "not a date"},
    {"id": null, "display_id": 99, "first_name": "No", "last_name": "Id"},
    {"display_id": 100, "first_name": "Missing", "last_name": "Id"},
    {"id": 0, "first_name": "Zero"},
    {"id": "abc", "first_name": "Text"},
    null
  ],
  "pagination": {"records": "42", "limit": "10", "offset": "0", "next_page": null, "previous_page": null}
}`

const shapeBPage = `{
  "customers": [
    {"customer_id": 77, "internal_id": 1001, "name": "Grace Hopper", "first_name": "Grace", "last_name": "Hopper",
     "email": "grace@example.com", "status": "approval_awaiting", "company_name": "Navy",
     "store_credit": "3.10", "credit_limit": null, "allow_credit_limit": false,
     "created_at": "2024-05-01T10:00:00+02:00", "updated_at": "2024-06-01T08:30:00Z",
     "gender": null, "customer_groups": [], "custom_properties": null},
    {"customer_id": "78", "internal_id": "1002", "first_name": "Only", "last_name": null, "company": "false",
     "is_in_trash": true}
  ],
  "pagination": {"total": 22, "limit": 20, "offset": 20, "count": 2, "current_page": 2, "total_pages": 2,
    "has_next": false, "has_previous": true, "previous_page": 1, "next_page": null}
}`

func TestDecodeShapes(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []Customer // Raw not compared
		total   int
		offset  int
		next    int
		more    bool
		skipped int
	}{
		{
			name: "A", body: shapeAPage, total: 42, offset: 0, next: 7, more: true, skipped: 5,
			want: []Customer{
				{ID: 1234, DisplayID: "17", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
					Status: "active", Company: true, CompanyName: "Engines Ltd", StoreCredit: "12.5", CreditLimit: "100.00",
					AllowCreditLimit: true, CreatedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
				{ID: 1235, DisplayID: "18", LastName: "Solo", Company: true, CreditLimit: "0"},
			},
		},
		{
			name: "B", body: shapeBPage, total: 22, offset: 20, next: 22, more: false,
			want: []Customer{
				{ID: 77, DisplayID: "1001", Name: "Grace Hopper", FirstName: "Grace", LastName: "Hopper",
					Email: "grace@example.com", Status: "approval_awaiting", CompanyName: "Navy", StoreCredit: "3.10",
					CreatedAt: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC),
					UpdatedAt: time.Date(2024, 6, 1, 8, 30, 0, 0, time.UTC)},
				{ID: 78, DisplayID: "1002", FirstName: "Only", InTrash: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, tt.body)
			})
			p, err := c.ListCustomers(context.Background(), ListOptions{Limit: 20, Offset: 20})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != tt.total || p.Offset != tt.offset || p.NextOffset != tt.next || p.HasMore != tt.more || p.Skipped != tt.skipped {
				t.Errorf("page = total %d offset %d next %d more %v skipped %d, want %d %d %d %v %d",
					p.Total, p.Offset, p.NextOffset, p.HasMore, p.Skipped, tt.total, tt.offset, tt.next, tt.more, tt.skipped)
			}
			if len(p.Customers) != len(tt.want) {
				t.Fatalf("%d customers, want %d", len(p.Customers), len(tt.want))
			}
			for i, got := range p.Customers {
				if !json.Valid(got.Raw) || !strings.HasPrefix(string(got.Raw), "{") {
					t.Errorf("customer %d: Raw = %s", i, got.Raw)
				}
				got.Raw = nil
				if !got.CreatedAt.Equal(tt.want[i].CreatedAt) || !got.UpdatedAt.Equal(tt.want[i].UpdatedAt) {
					t.Errorf("customer %d: times %v %v, want %v %v", i, got.CreatedAt, got.UpdatedAt, tt.want[i].CreatedAt, tt.want[i].UpdatedAt)
				}
				got.CreatedAt, got.UpdatedAt = tt.want[i].CreatedAt, tt.want[i].UpdatedAt
				if !reflect.DeepEqual(got, tt.want[i]) {
					t.Errorf("customer %d:\n got %+v\nwant %+v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestDecodeRawIsRecord(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"customers": [{"id": 5, "x": {"y": [1, 2]}}]}`)
	})
	p, err := c.ListCustomers(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Customers[0].Raw) != `{"id": 5, "x": {"y": [1, 2]}}` {
		t.Errorf("Raw = %s", p.Customers[0].Raw)
	}
}

func TestAmbiguousIDsRefused(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"customers": [{"id": 5, "customer_id": 6}]}`)
	})
	_, err := c.ListCustomers(context.Background(), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "refusing to guess") {
		t.Fatalf("err = %v", err)
	}
	// Both keys with the same value are fine.
	c2, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"customers": [{"id": "6", "customer_id": 6}]}`)
	})
	p, err := c2.ListCustomers(context.Background(), ListOptions{})
	if err != nil || p.Customers[0].ID != 6 {
		t.Fatalf("p = %+v, err = %v", p, err)
	}
}

func TestTimes(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{`"2024-05-01T10:00:00"`, utc(2024, 5, 1, 10, 0, 0)},
		{`"2024-05-01 10:00:00"`, utc(2024, 5, 1, 10, 0, 0)},
		{`"2024-05-01T10:00:00Z"`, utc(2024, 5, 1, 10, 0, 0)},
		{`"2024-05-01T10:00:00.123Z"`, time.Date(2024, 5, 1, 10, 0, 0, 123e6, time.UTC)},
		{`"2024-05-01T12:00:00+02:00"`, utc(2024, 5, 1, 10, 0, 0)},
		{`"2024-05-01T12:00:00+0200"`, utc(2024, 5, 1, 10, 0, 0)},
		{`"2024-05-01"`, utc(2024, 5, 1, 0, 0, 0)},
		{`null`, time.Time{}},
		{``, time.Time{}},
		{`"yesterday"`, time.Time{}},
		{`"0000-00-00 00:00:00"`, time.Time{}},
		{`{}`, time.Time{}},
	} {
		if got := flexTime(json.RawMessage(tt.in)); !got.Equal(tt.want) {
			t.Errorf("flexTime(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFlexNumbers(t *testing.T) {
	for _, tt := range []struct {
		in string
		n  int64
		ok bool
	}{
		{`12`, 12, true}, {`"12"`, 12, true}, {`" 12 "`, 12, true}, {`12.0`, 12, true}, {`"12.5"`, 0, false},
		{`null`, 0, false}, {`""`, 0, false}, {`true`, 0, false}, {`[1]`, 0, false}, {`-3`, -3, true},
		{`9007199254740993`, 9007199254740993, true}, {`1e3`, 1000, true}, {`"0x10"`, 0, false},
	} {
		n, ok := flexInt64(json.RawMessage(tt.in))
		if n != tt.n || ok != tt.ok {
			t.Errorf("flexInt64(%s) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
		}
	}
	for _, tt := range []struct {
		in     string
		v, set bool
	}{
		{`true`, true, true}, {`"true"`, true, true}, {`1`, true, true}, {`"1"`, true, true}, {`"yes"`, true, true},
		{`false`, false, true}, {`0`, false, true}, {`"false"`, false, true}, {`null`, false, false}, {``, false, false},
		{`"maybe"`, false, false},
	} {
		v, set := flexBool(json.RawMessage(tt.in))
		if v != tt.v || set != tt.set {
			t.Errorf("flexBool(%s) = %v, %v", tt.in, v, set)
		}
	}
}

func TestPagination(t *testing.T) {
	tests := []struct {
		name   string
		opts   ListOptions
		body   string
		total  int
		offset int
		next   int
		more   bool
	}{
		{"B has_next", ListOptions{Limit: 20}, `{"customers":[{"customer_id":1},{"customer_id":2}],"pagination":{"total":"5","limit":20,"offset":0,"has_next":true,"next_page":2}}`, 5, 0, 2, true},
		{"B short page no next", ListOptions{Limit: 50, Offset: 40}, `{"customers":[{"customer_id":41}],"pagination":{"total":41,"limit":20,"offset":40,"has_next":false,"next_page":null}}`, 41, 40, 41, false},
		{"B limit capped, total says more", ListOptions{Limit: 50}, `{"customers":[{"customer_id":1},{"customer_id":2}],"pagination":{"total":40,"limit":20,"offset":0,"has_next":false,"next_page":null}}`, 40, 0, 2, true},
		{"A next_page url", ListOptions{Limit: 2}, `{"customers":[{"id":1},{"id":2}],"pagination":{"limit":"2","offset":"0","next_page":"https://x/api/v4/admin/customers?offset=2"}}`, -1, 0, 2, true},
		{"A records string, end", ListOptions{Limit: 2, Offset: 2}, `{"customers":[{"id":3}],"pagination":{"records":"3","limit":"2","offset":"2","next_page":null}}`, 3, 2, 3, false},
		{"A offset from request when absent", ListOptions{Offset: 10}, `{"customers":[{"id":11}],"pagination":{"records":12}}`, 12, 10, 11, true},
		{"empty page ends even with has_next", ListOptions{Offset: 10}, `{"customers":[],"pagination":{"total":50,"has_next":true,"next_page":3}}`, 50, 10, 10, false},
		{"customers null", ListOptions{}, `{"customers":null,"pagination":null}`, -1, 0, 0, false},
		{"no pagination, full page", ListOptions{Limit: 2}, `{"customers":[{"id":1},{"id":2}]}`, -1, 0, 2, true},
		{"no pagination, short page", ListOptions{Limit: 3}, `{"customers":[{"id":1},{"id":2}]}`, -1, 0, 2, false},
		{"skipped records still advance", ListOptions{Limit: 3}, `{"customers":[{"id":1},{"display_id":2},{"id":3}],"pagination":{"total":"6"}}`, 6, 0, 3, true},
		{"pagination nulls", ListOptions{Offset: 5}, `{"customers":[{"id":6}],"pagination":{"total":null,"records":null,"offset":null,"has_next":null,"next_page":null}}`, -1, 5, 6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
			p, err := c.ListCustomers(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != tt.total || p.Offset != tt.offset || p.NextOffset != tt.next || p.HasMore != tt.more {
				t.Errorf("got total %d offset %d next %d more %v; want %d %d %d %v",
					p.Total, p.Offset, p.NextOffset, p.HasMore, tt.total, tt.offset, tt.next, tt.more)
			}
		})
	}
}

func TestListQuery(t *testing.T) {
	var got url.Values
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		writeJSON(w, 200, `{"customers":[]}`)
	})
	ctx := context.Background()
	if _, err := c.ListCustomers(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("zero options sent %v", got)
	}
	o := ListOptions{Limit: 20, Offset: 40, OrderBy: "email", Direction: "DESC", Email: "a+b@x.com", Search: "o'neil & co", Status: "pending"}
	if _, err := c.ListCustomers(ctx, o); err != nil {
		t.Fatal(err)
	}
	want := url.Values{"limit": {"20"}, "offset": {"40"}, "order_by": {"email"}, "direction": {"desc"},
		"email": {"a+b@x.com"}, "search": {"o'neil & co"}, "status": {"pending"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v, want %v", got, want)
	}
	if _, err := c.ListCustomers(ctx, ListOptions{Direction: "sideways"}); err == nil {
		t.Error("bad direction accepted")
	}
	if _, err := c.ListCustomers(ctx, ListOptions{Offset: -1}); err == nil {
		t.Error("negative offset accepted")
	}
}

func TestListBadBodies(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"html", `<html>login</html>`, "malformed JSON"},
		{"no customers", `{"data": []}`, `no "customers" field`},
		{"customers object", `{"customers": {"id": 1}}`, "not a list"},
		{"record not object", `{"customers": [5]}`, "not a JSON object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
			_, err := c.ListCustomers(context.Background(), ListOptions{})
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidResponse || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestGetCustomer(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		id         int64
		wantErr    string
		wantName   string
	}{
		{"A", `{"customer": {"id": 12, "display_id": 3, "first_name": "Ada", "last_name": "L"}}`, 12, "", "Ada L"},
		{"B", `{"customer": {"customer_id": "12", "internal_id": 3, "name": "Grace H", "is_in_trash": true}}`, 12, "", "Grace H"},
		{"no id in record", `{"customer": {"first_name": "Anon"}}`, 12, "", "Anon"},
		{"other customer", `{"customer": {"customer_id": 13}}`, 12, "asked for customer 12, got customer 13", ""},
		{"missing", `{"customers": []}`, 12, `no "customer" field`, ""},
		{"null", `{"customer": null}`, 12, "not an object", ""},
		{"isSuccess false", `{"isSuccess": false, "message": "No route"}`, 12, "No route", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var path string
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				path = r.URL.Path
				writeJSON(w, 200, tt.body)
			})
			cu, err := c.GetCustomer(context.Background(), tt.id)
			if path != "/api/v4/admin/customers/12" {
				t.Errorf("path = %q", path)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cu.ID != 12 || cu.FullName() != tt.wantName {
				t.Errorf("got %+v", cu)
			}
		})
	}
}

func TestInvalidIDsSendNothing(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	for _, id := range []int64{0, -1} {
		if err := c.DeleteCustomer(context.Background(), id); err == nil {
			t.Errorf("DeleteCustomer(%d) succeeded", id)
		}
		if _, err := c.GetCustomer(context.Background(), id); err == nil {
			t.Errorf("GetCustomer(%d) succeeded", id)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent", calls.Load())
	}
}

// The path is built from id/customer_id only, never display_id/internal_id.
func TestPathNeverUsesDisplayID(t *testing.T) {
	var paths []string
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		switch r.Method {
		case http.MethodGet:
			if r.URL.Path == "/api/v4/admin/customers" {
				writeJSON(w, 200, `{"customers":[{"id": 500, "display_id": 7},{"customer_id": "501", "internal_id": "8"},{"display_id": 9}]}`)
				return
			}
			writeJSON(w, 200, `{"customer": {"customer_id": 500, "internal_id": 7}}`)
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	ctx := context.Background()
	p, err := c.ListCustomers(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cu := range p.Customers {
		if err := c.DeleteCustomer(ctx, cu.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetCustomer(ctx, 500); err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /api/v4/admin/customers", "DELETE /api/v4/admin/customers/500",
		"DELETE /api/v4/admin/customers/501", "GET /api/v4/admin/customers/500"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %q", paths)
	}
}

func TestDelete(t *testing.T) {
	for _, tt := range []struct {
		name       string
		status     int
		body       string
		ok         bool
		notSuccess bool
		notFound   bool
	}{
		{"204", 204, "", true, false, false},
		{"200 empty", 200, "", true, false, false},
		{"200 json", 200, `{"status": "success", "message": "deleted"}`, true, false, false},
		{"202 isSuccess true", 202, `{"isSuccess": true}`, true, false, false},
		{"200 isSuccess false", 200, `{"isSuccess": false, "message": "Invalid request"}`, false, true, false},
		{"200 isSuccess false string", 200, `{"isSuccess": "false"}`, false, true, false},
		{"200 status error", 200, `{"status": "error", "message": "nope"}`, false, true, false},
		{"200 html", 200, `<html>maintenance</html>`, false, false, false},
		{"404 in trash", 404, `{"status": "error", "code": 404, "message": "Customer already in trash"}`, false, false, true},
		{"404 plain", 404, `not found`, false, false, true},
		{"409", 409, `{"message": "conflict"}`, false, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if r.Method != http.MethodDelete || r.URL.Path != "/api/v4/admin/customers/12" || r.ContentLength > 0 {
					t.Errorf("request %s %s (%d bytes)", r.Method, r.URL.Path, r.ContentLength)
				}
				writeJSON(w, tt.status, tt.body)
			})
			err := c.DeleteCustomer(context.Background(), 12)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if errors.Is(err, ErrNotSuccess) != tt.notSuccess || IsNotFound(err) != tt.notFound {
				t.Errorf("err = %v: ErrNotSuccess %v, IsNotFound %v", err, errors.Is(err, ErrNotSuccess), IsNotFound(err))
			}
			if calls.Load() != 1 {
				t.Errorf("%d calls", calls.Load())
			}
		})
	}
}

func TestDeleteNotFoundMessage(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"status": "error", "code": 404, "message": "Customer already in trash"}`)
	})
	err := c.DeleteCustomer(context.Background(), 12)
	if got := err.Error(); got != "DELETE /admin/customers/12: 404 Not Found: Customer already in trash" {
		t.Errorf("Error() = %q", got)
	}
}

func TestNotSuccessEverywhere(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"isSuccess": false, "message": "Requested URL not found"}`)
	})
	ctx := context.Background()
	_, err1 := c.ListCustomers(ctx, ListOptions{})
	_, err2 := c.GetCustomer(ctx, 1)
	_, err3 := c.CountCustomers(ctx)
	err4 := c.DeleteCustomer(ctx, 1)
	for i, err := range []error{err1, err2, err3, err4} {
		var e *Error
		if !errors.Is(err, ErrNotSuccess) || !errors.As(err, &e) || e.StatusCode != 200 || e.Code != CodeNotSuccess ||
			e.Message != "Requested URL not found" {
			t.Errorf("call %d: err = %#v", i, err)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		body string
		n    int
		err  bool
	}{
		{`{"total": 42}`, 42, false},
		{`{"total": "42"}`, 42, false},
		{`{"count": 7}`, 7, false},
		{`{"total": null}`, 0, true},
		{`[]`, 0, true},
	} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v4/admin/customers/count" {
				t.Errorf("path %q", r.URL.Path)
			}
			writeJSON(w, 200, tt.body)
		})
		n, err := c.CountCustomers(context.Background())
		if n != tt.n || (err != nil) != tt.err {
			t.Errorf("%s: %d, %v", tt.body, n, err)
		}
	}
}
