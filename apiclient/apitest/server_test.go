package apitest

import (
	"net/http"
	"strings"
	"testing"
)

func TestStartAndClose(t *testing.T) {
	s := New(Options{Customers: 5, Shape: ShapeB})
	srv, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || strings.HasSuffix(srv.URL, "/") {
		t.Fatalf("URL %q", srv.URL)
	}
	cs, p := list(t, srv.URL, "")
	if len(cs) != 5 || p["total"] != 5.0 {
		t.Fatalf("list over Start: %d %v", len(cs), p)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if resp, err := http.Get(srv.URL + customersPath); err == nil {
		resp.Body.Close()
		t.Fatal("server still answers after Close")
	}
	if _, err := s.Start("256.0.0.1:0"); err == nil {
		t.Fatal("Start on a bad address succeeded")
	}
}
