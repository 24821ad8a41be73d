package tui

import (
	"bytes"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// The store search over real HTTP: the client against the in-memory store.
func newHTTPSearchModel(t *testing.T, so apitest.Options) (*Model, *apitest.Store, *bytes.Buffer) {
	t.Helper()
	store := apitest.New(so)
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: "tok", MaxReadRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	m := New(Options{Store: c, Host: "shop.example.com", Now: func() time.Time { return frozen }, Log: log.New(&logBuf, "", 0)})
	t.Cleanup(m.Close)
	run(t, m, m.Init())
	send(t, m, winSize(100, 30))
	store.ResetRequests()
	return m, store, &logBuf
}

func listQueries(s *apitest.Store, key string) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Route == apitest.RouteList && r.Query.Has(key) {
			out = append(out, r.Query.Get(key))
		}
	}
	return out
}

func TestSearchHTTP(t *testing.T) {
	t.Run("served", func(t *testing.T) {
		m, store, _ := newHTTPSearchModel(t, apitest.Options{Shape: apitest.ShapeB, Customers: 400})
		id := store.IDs()[350]
		store.SetField(id, "first_name", "Quintessa")
		typeFilter(t, m, "quintes")
		settleSearch(t, m)
		if got := listQueries(store, "search"); len(got) != 1 || got[0] != "quintes" {
			t.Fatalf("search requests %v", got)
		}
		if m.table.Visible() != 1 || selectedID(t, m) != id || !m.search.outside[id] {
			t.Fatalf("visible %d, outside %v", m.table.Visible(), m.search.outside)
		}
	})
	t.Run("rejected", func(t *testing.T) {
		m, store, logBuf := newHTTPSearchModel(t, apitest.Options{Shape: apitest.ShapeB, Customers: 400, Search: apitest.SearchRejected})
		rec, _ := store.Record(store.IDs()[300])
		typeFilter(t, m, "smith")
		settleSearch(t, m)
		press(t, m, "esc")
		typeFilter(t, m, "jones")
		settleSearch(t, m)
		press(t, m, "esc")
		typeFilter(t, m, rec["email"].(string))
		settleSearch(t, m)
		if got := listQueries(store, "search"); len(got) != 1 {
			t.Fatalf("search requests %v", got)
		}
		if got := listQueries(store, "email"); len(got) != 1 || m.table.Visible() != 1 {
			t.Fatalf("email requests %v, %d visible", got, m.table.Visible())
		}
		if n := strings.Count(logBuf.String(), "This store rejects search="); n != 1 {
			t.Errorf("told %d times", n)
		}
	})
	t.Run("ignored", func(t *testing.T) {
		m, store, logBuf := newHTTPSearchModel(t, apitest.Options{Shape: apitest.ShapeA, Customers: 400, Search: apitest.SearchIgnored})
		loaded := m.table.Len()
		typeFilter(t, m, "zzzz-nobody")
		settleSearch(t, m)
		if m.table.Len() != loaded || m.table.Visible() != 0 || m.search.support != searchIgnored {
			t.Fatalf("%d rows (was %d), %d visible, support %v", m.table.Len(), loaded, m.table.Visible(), m.search.support)
		}
		press(t, m, "esc")
		typeFilter(t, m, "yyyy-nobody")
		settleSearch(t, m)
		if got := listQueries(store, "search"); len(got) != 1 {
			t.Fatalf("search requests %v", got)
		}
		if n := strings.Count(logBuf.String(), "This store ignores search="); n != 1 {
			t.Errorf("told %d times", n)
		}
	})
	t.Run("status", func(t *testing.T) {
		m, store, _ := newHTTPSearchModel(t, apitest.Options{Shape: apitest.ShapeB, Customers: 400})
		want := 0
		for _, id := range store.IDs() {
			if r, _ := store.Record(id); r["status"] == "pending" {
				want++
			}
		}
		press(t, m, "f", "f", "f") // active, inactive, pending
		header := strings.SplitN(m.View(), "\n", 2)[0]
		if !strings.Contains(header, "status: pending") || !strings.Contains(header, fmt.Sprintf("/ %d customers", want)) {
			t.Fatalf("header %q (want %d pending)", header, want)
		}
		counted := false
		for _, r := range store.Requests() {
			counted = counted || (r.Route == apitest.RouteCount && r.Query.Get("status") == "pending")
		}
		if !counted {
			t.Error("no count with status=pending")
		}
		for _, c := range m.table.all {
			if c.Status != "pending" {
				t.Fatalf("a %s customer listed", c.Status)
			}
		}
	})
}
