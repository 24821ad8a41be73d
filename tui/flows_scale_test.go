package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// teatest flows for finding and bulk cleanup, at the smallest supported
// terminal (80x24). Each golden file holds the screen the flow ends on.

func startFlow80(t *testing.T, s *fakeStore) *teatest.TestModel {
	t.Helper()
	m := New(Options{Store: s, Deleter: testDeleter(t, s), Host: "shop.example.com",
		Now: func() time.Time { return frozen }, Concurrency: 2})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, probed{m}, teatest.WithInitialTermSize(80, 24))
	waitScreen(t, tm, "user0@example.com")
	return tm
}

func typeText(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(keyMsg(string(r)))
	}
}

func TestFlowFilter(t *testing.T) {
	s := newFakeStore(60)
	tm := startFlow80(t, s)
	keys(tm, "/")
	typeText(tm, "user1")
	waitScreen(t, tm, "matches of")
	keys(tm, "enter", "j")
	golden.RequireEqual(t, []byte(finalView(t, tm).View()))
}

func TestFlowDetail(t *testing.T) {
	s := newFakeStore(10)
	s.customers[2].CompanyName = "Acme Pty Ltd"
	s.customers[2].StoreCredit, s.customers[2].CreditLimit = "12.50", "500"
	s.customers[2].Raw = []byte(`{"id":1007,"email":"user2@example.com","timezone":"Australia/Sydney",` +
		`"addresses":[{"type":"shipping","first_name":"First2","last_name":"Last2","address_line_1":"12 Harbour St",` +
		`"city":"Sydney","state":{"code":"NSW"},"post_code":"2000","country":{"name":"Australia"}}]}`)
	tm := startFlow80(t, s)
	keys(tm, "j", "j", "enter")
	waitScreen(t, tm, "12 Harbour St")
	golden.RequireEqual(t, []byte(finalView(t, tm).View()))
}

func TestFlowBulkModal(t *testing.T) {
	s := newFakeStore(60)
	tm := startFlow80(t, s)
	keys(tm, "ctrl+a", "/")
	typeText(tm, "user1")
	keys(tm, "enter", "D")
	waitScreen(t, tm, "Delete ")
	m := finalView(t, tm)
	v := m.View()
	if n := strings.Count(v, "│ #"); n != 10 {
		t.Fatalf("bulk modal lists %d customers at 80x24, want 10:\n%s", n, v)
	}
	golden.RequireEqual(t, []byte(v))
}

func TestFlowBulkSummary(t *testing.T) {
	s := newFakeStore(30)
	s.deleteErrFor = map[int64]error{1010: errConflict}
	tm := startFlow80(t, s)
	keys(tm, "space", "space", "space", "space", "space", "D", "5", "enter")
	waitScreen(t, tm, "Bulk deletion finished")
	m := finalView(t, tm)
	if d := s.deleted(); len(d) != 5 {
		t.Fatalf("%d DELETEs, want 5", len(d))
	}
	golden.RequireEqual(t, []byte(m.View()))
}
