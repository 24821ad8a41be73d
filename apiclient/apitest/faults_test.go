package apitest

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestInjectTimes(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 5})
	s.Inject(RouteList, Fault{Status: 503, Body: `{"error":{"code":503,"message":"down"}}`, Header: http.Header{"Retry-After": {"2"}}, Times: 2})
	for i := range 2 {
		a := get(t, ts.URL+customersPath)
		if a.Status != 503 || a.Header.Get("Retry-After") != "2" || a.JSON["error"] == nil {
			t.Fatalf("request %d: %d %v %s", i, a.Status, a.Header, a.Raw)
		}
	}
	if a := get(t, ts.URL+customersPath); a.Status != 200 {
		t.Fatalf("after the fault: %d", a.Status)
	}
	// Other routes are untouched.
	s.Inject(RouteDelete, Fault{Status: 500, Times: 1})
	if a := get(t, ts.URL+customersPath+"/count"); a.Status != 200 {
		t.Fatalf("count hit the delete fault: %d", a.Status)
	}
	if a := call(t, "DELETE", ts.URL+customersPath+"/1001", nil); a.Status != 500 || !s.Exists(1001) {
		t.Fatalf("delete fault: %d, exists %v", a.Status, s.Exists(1001))
	}
}

func TestInjectQueueAndClear(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 5})
	s.Inject(RouteGet, Fault{Status: 429, Times: 1})
	s.Inject(RouteGet, Fault{Status: 502, Body: "<html>bad gateway</html>", Times: 1})
	s.Inject(RouteGet, Fault{Status: 500})
	u := ts.URL + customersPath + "/1001"
	for _, want := range []int{429, 502, 500, 500, 500} {
		if a := get(t, u); a.Status != want {
			t.Fatalf("got %d, want %d", a.Status, want)
		}
	}
	s.ClearFaults()
	if a := get(t, u); a.Status != 200 {
		t.Fatalf("after ClearFaults: %d", a.Status)
	}
	// A 200 with a body that is not what the client expects.
	s.Inject(RouteGet, Fault{Body: "not json", Times: 1})
	if a := get(t, u); a.Status != 200 || string(a.Raw) != "not json" {
		t.Fatalf("200 fault: %d %q", a.Status, a.Raw)
	}
}

func TestDelayAndLatency(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 5})
	s.Inject(RouteCount, Fault{Delay: 80 * time.Millisecond, Header: http.Header{"X-Slow": {"1"}}, Times: 1})
	start := time.Now()
	a := get(t, ts.URL+customersPath+"/count")
	if d := time.Since(start); d < 80*time.Millisecond || a.Status != 200 || a.JSON["total"] != 5.0 || a.Header.Get("X-Slow") != "1" {
		t.Fatalf("delay-only fault: %v %d %s", d, a.Status, a.Raw)
	}
	s.SetLatency(RouteCount, 60*time.Millisecond)
	start = time.Now()
	get(t, ts.URL+customersPath+"/count")
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("latency %v", d)
	}
	s.SetLatency(RouteCount, 0)
	start = time.Now()
	get(t, ts.URL+customersPath+"/count")
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Logf("latency removed but request took %v (slow machine?)", d)
	}
}

func TestDropConnection(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 5})
	s.Inject(RouteDelete, Fault{DropConnection: true, Times: 1})
	req, _ := http.NewRequest("DELETE", ts.URL+customersPath+"/1001", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	if !s.Exists(1001) {
		t.Fatal("dropped delete still deleted")
	}
	if a := call(t, "DELETE", ts.URL+customersPath+"/1001", nil); a.Status != 204 {
		t.Fatalf("after the drop: %d", a.Status)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Status != 0 || reqs[1].Status != 204 {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestTokenFault(t *testing.T) {
	s, ts := testServer(t, oauthOpts)
	s.Inject(RouteToken, Fault{Status: 500, Times: 1})
	wantStatus := []int{500, 200}
	for _, want := range wantStatus {
		if a := token(t, ts.URL, credentials(oauthOpts)); a.Status != want {
			t.Fatalf("token: %d, want %d", a.Status, want)
		}
	}
	if s.TokenRequests() != 2 {
		t.Errorf("TokenRequests %d: want faulted requests counted too", s.TokenRequests())
	}
}

func TestRequestsRecorded(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 5, Token: "tk"})
	get(t, ts.URL+customersPath+"?limit=3&order_by=email", "Authorization", "Bearer tk")
	call(t, "DELETE", ts.URL+customersPath+"/1002", nil, "Authorization", "Bearer tk")
	get(t, ts.URL+"/nowhere")
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Route != RouteList || r.Method != "GET" || r.Path != customersPath || r.Query.Get("limit") != "3" ||
		r.Header.Get("Authorization") != "Bearer tk" || r.Status != 200 || r.Time.IsZero() {
		t.Errorf("list request %+v", r)
	}
	if reqs[1].Route != RouteDelete || reqs[1].Status != 204 || reqs[2].Route != RouteUnknown || reqs[2].Status != 200 {
		t.Errorf("requests %+v", reqs[1:])
	}
	reqs[0].Query.Set("limit", "99") // a copy
	if s.Requests()[0].Query.Get("limit") != "3" {
		t.Error("Requests shares its maps")
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Fatal("ResetRequests kept requests")
	}
	get(t, ts.URL+customersPath+"/count")
	if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Status != 401 {
		t.Fatalf("after reset: %+v", reqs)
	}
}

// Run with -race: hooks and handlers from many goroutines.
func TestConcurrent(t *testing.T) {
	s, ts := testServer(t, Options{Customers: 200, Shape: ShapeB})
	ids := s.IDs()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(ids); i += 8 {
				method, u, want := "GET", fmt.Sprintf("%s%s?order_by=email&offset=%d", ts.URL, customersPath, i%50), 200
				if i%3 == 0 {
					method, u, want = "DELETE", fmt.Sprintf("%s%s/%d", ts.URL, customersPath, ids[i]), 204
				}
				req, _ := http.NewRequest(method, u, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("%s %s: %d", method, u, resp.StatusCode)
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			s.SetLatency(RouteList, 0)
			s.Inject(RouteCount, Fault{Status: 500, Times: 1})
			s.ClearFaults()
			s.Requests()
			s.IDs()
			s.Len()
			s.Deleted()
		}
	})
	wg.Wait()
	want := (len(ids) + 2) / 3
	if len(s.Deleted()) != want || s.Len() != len(ids)-want {
		t.Fatalf("deleted %d (want %d), len %d", len(s.Deleted()), want, s.Len())
	}
	_, p := list(t, ts.URL, "order_by=email")
	if p["total"] != float64(len(ids)-want) {
		t.Fatalf("total %v after concurrent deletes", p["total"])
	}
}
