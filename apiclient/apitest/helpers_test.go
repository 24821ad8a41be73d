package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// testServer runs a store behind httptest for one test.
func testServer(t testing.TB, opts Options) (*Store, *httptest.Server) {
	t.Helper()
	s := New(opts)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// answer is a decoded response.
type answer struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// call sends one request; header pairs are name, value, name, value...
func call(t testing.TB, method, url string, body any, header ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &a.JSON); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, url, raw, err)
		}
	}
	return a
}

func get(t testing.TB, url string, header ...string) answer {
	t.Helper()
	return call(t, http.MethodGet, url, nil, header...)
}

// list GETs /admin/customers with a raw query and checks for 200.
func list(t testing.TB, base, query string, header ...string) ([]map[string]any, map[string]any) {
	t.Helper()
	a := get(t, base+"/api/v4/admin/customers?"+query, header...)
	if a.Status != 200 {
		t.Fatalf("list %q: status %d: %s", query, a.Status, a.Raw)
	}
	var out []map[string]any
	for _, c := range a.JSON["customers"].([]any) {
		out = append(out, c.(map[string]any))
	}
	return out, a.JSON["pagination"].(map[string]any)
}

// wantError checks the [B] error envelope.
func wantError(t testing.TB, a answer, status int, field string) {
	t.Helper()
	if a.Status != status {
		t.Fatalf("status %d, want %d: %s", a.Status, status, a.Raw)
	}
	if a.JSON["status"] != "error" || a.JSON["code"] != float64(status) || a.JSON["message"] == "" || a.JSON["error"] == "" {
		t.Fatalf("not an error envelope: %s", a.Raw)
	}
	errs, _ := a.JSON["errors"].([]any)
	if field == "" {
		return
	}
	for _, e := range errs {
		if e.(map[string]any)["field"] == field {
			return
		}
	}
	t.Fatalf("no error for field %q: %s", field, a.Raw)
}

// num reads a JSON number that may be a string.
func num(t testing.TB, v any) int64 {
	t.Helper()
	switch v := v.(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	case string:
		var n int64
		if err := json.Unmarshal([]byte(v), &n); err != nil {
			t.Fatalf("not a number: %q", v)
		}
		return n
	}
	t.Fatalf("not a number: %#v", v)
	return 0
}
