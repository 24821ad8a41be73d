package apitest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

var bench100k = map[Shape]*Store{}

// store100k seeds once per shape: seeding is not what is measured.
func store100k(b *testing.B, shape Shape) *Store {
	if s := bench100k[shape]; s != nil {
		return s
	}
	s := New(Options{Customers: 100_000, Shape: shape})
	bench100k[shape] = s
	return s
}

// BenchmarkList100k measures one list page served by the handler (no
// network) from a 100,000-customer store.
func BenchmarkList100k(b *testing.B) {
	for _, bc := range []struct {
		name, query string
		shape       Shape
	}{
		{"first-page-A", "limit=20", ShapeA},
		{"first-page-B", "limit=20", ShapeB},
		{"deep-offset", "limit=20&offset=99000", ShapeA},
		{"order-email-desc", "limit=20&order_by=email&direction=desc&offset=5000", ShapeB},
		{"order-created", "limit=20&order_by=created_at&page=300", ShapeB},
		{"search", "limit=20&search=smith", ShapeB},
		{"email", "email=nobody@example.com", ShapeA},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := store100k(b, bc.shape).Handler()
			req := httptest.NewRequest("GET", customersPath+"?"+bc.query, nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code, w.Body.String())
				}
			}
		})
	}
}

// BenchmarkList100kHTTP adds a real loopback round trip.
func BenchmarkList100kHTTP(b *testing.B) {
	srv, err := store100k(b, ShapeB).Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	u := srv.URL + customersPath + "?limit=20&offset=40000"
	for b.Loop() {
		resp, err := http.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkDelete100k deletes with a few cached orders to keep in step.
func BenchmarkDelete100k(b *testing.B) {
	s := New(Options{Customers: 100_000})
	h := s.Handler()
	for _, key := range []string{"email", "created_at"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", customersPath+"?order_by="+key, nil))
	}
	ids := s.IDs()
	i := 0
	for b.Loop() {
		if i == len(ids) {
			b.Skip("ran out of customers")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("DELETE", fmt.Sprintf("%s/%d", customersPath, ids[i]), nil))
		if w.Code != 204 {
			b.Fatal(w.Code)
		}
		i++
	}
}
