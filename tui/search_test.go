package tui

import (
	"bytes"
	"context"
	"errors"
	"log"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// realSearchTick is the program's pause; tests run without it (the tick
// never fires by itself) and deliver the tick message when they mean the
// pause to be over: settleSearch.
var realSearchTick = searchTick

func init() {
	searchTick = func(time.Duration, tea.Msg) tea.Cmd { return nil }
}

// settleSearch ends the typing pause: the store is asked for the filter's
// current query, as the tick would after 250 ms.
func settleSearch(t *testing.T, m *Model) {
	t.Helper()
	send(t, m, searchTickMsg{seq: m.search.seq, query: m.search.query})
}

// typeFilter opens the filter and types text one key at a time.
func typeFilter(t *testing.T, m *Model, text string) {
	t.Helper()
	if m.mode != modeFilter {
		press(t, m, "/")
	}
	for _, r := range text {
		press(t, m, string(r))
	}
}

func TestSearchTickIsATeaTick(t *testing.T) {
	msg := searchTickMsg{seq: 7, query: "x"}
	if got := realSearchTick(time.Millisecond, msg)(); got != msg {
		t.Fatalf("tick delivered %#v", got)
	}
}

// Typing an email sends one request after the pause, not one per key, and
// ticks of the older queries do nothing.
func TestSearchDebounceOneRequestPerPause(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	if m.list.complete() {
		t.Fatal("test setup: everything loaded")
	}
	var ticks []searchTickMsg
	m.search.tick = func(d time.Duration, msg tea.Msg) tea.Cmd {
		if d != searchDelay {
			t.Errorf("pause %s", d)
		}
		ticks = append(ticks, msg.(searchTickMsg))
		return nil
	}
	typeFilter(t, m, "user150@example.com")
	if n := len(s.searchCalls()); n != 0 {
		t.Fatalf("%d requests while typing", n)
	}
	if len(ticks) != len("user150@example.com")-1 { // one letter is not worth a search
		t.Fatalf("%d pauses started", len(ticks))
	}
	for _, tk := range ticks { // every pause ends; only the last one is current
		send(t, m, tk)
	}
	calls := s.searchCalls()
	if len(calls) != 1 || calls[0].Email != "user150@example.com" || calls[0].Search != "" {
		t.Fatalf("requests %+v", calls)
	}
	if m.table.Visible() != 1 || selectedID(t, m) != s.customers[150].ID {
		t.Fatalf("customer on an unloaded page not found (%d visible)", m.table.Visible())
	}
	if !strings.Contains(m.View(), "beyond the loaded pages") {
		t.Errorf("the found row is not marked as outside the loaded range:\n%s", m.View())
	}
	// Moving in the results or pressing Enter asks nothing more.
	press(t, m, "down", "enter")
	if n := len(s.searchCalls()); n != 1 {
		t.Errorf("%d requests after enter", n)
	}
}

// With the real clock: a fast typist's email is one search.
func TestSearchDebounceRealClock(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	m.search.tick = realSearchTick
	keys := make(chan tea.Msg, 64)
	var typed sync.WaitGroup
	typed.Add(1)
	go func() {
		defer typed.Done()
		keys <- keyMsg("/")
		for _, r := range "first150 last150" {
			keys <- keyMsg(string(r))
			time.Sleep(5 * time.Millisecond)
		}
	}()
	wait := func() tea.Msg { typed.Wait(); time.Sleep(20 * time.Millisecond); return nil }
	driveConcurrent(t, m, wait, keys, 30*time.Second)
	calls := s.searchCalls()
	if len(calls) != 1 || calls[0].Search != "first150 last150" {
		t.Fatalf("server searches for one typed query: %d (%+v)", len(calls), calls)
	}
	t.Logf("server searches per typed query: %d (16 keys)", len(calls))
	if m.table.Visible() != 1 || selectedID(t, m) != s.customers[150].ID {
		t.Fatalf("not found: %d visible", m.table.Visible())
	}
}

// A newer query cancels the request of the older one, whose late answer is dropped.
func TestSearchNewerQueryCancelsOlder(t *testing.T) {
	s := newFakeStore(200)
	started := make(chan struct{})
	var cancelled bool
	s.listCtx = func(ctx context.Context, o apiclient.ListOptions) error {
		if o.Search != "first1" {
			return nil
		}
		close(started)
		<-ctx.Done()
		cancelled = true
		return ctx.Err()
	}
	m := newTestModel(t, s, Options{})
	typeFilter(t, m, "first1")
	_, first := m.Update(searchTickMsg{seq: m.search.seq, query: m.search.query})
	answer := make(chan tea.Msg, 1)
	go func() { answer <- first() }()
	<-started
	press(t, m, "5") // "first15": the older request is cancelled at once
	old := <-answer
	if !cancelled {
		t.Fatal("the older request was not cancelled")
	}
	send(t, m, old)
	if m.status.kind == statusErr {
		t.Fatalf("a cancelled, superseded search reported %q", m.status.text)
	}
	settleSearch(t, m)
	calls := s.searchCalls() // (the cancelled one never got to the store's log)
	if len(calls) != 1 || calls[0].Search != "first15" {
		t.Fatalf("requests %+v", calls)
	}
	// first15 and first150..first159: the loaded one plus ten from the store.
	if m.table.Visible() != 11 {
		t.Fatalf("%d visible", m.table.Visible())
	}
	if !strings.Contains(m.searchNote(), "10 more found on the store") {
		t.Errorf("note %q", m.searchNote())
	}
}

func tableIDsInOrder(m *Model) []int64 {
	ids := make([]int64, len(m.table.all))
	for i, c := range m.table.all {
		ids[i] = c.ID
	}
	return ids
}

// Found rows go to their sorted place and stay there as pages arrive: once
// everything is loaded the table is in order, without duplicates.
func TestSearchMergeSortedPlace(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	loaded := m.table.Len()
	typeFilter(t, m, "first15")
	settleSearch(t, m)
	ids := tableIDsInOrder(m)
	if !slices.IsSorted(ids) || len(ids) != loaded+10 {
		t.Fatalf("after the search: %d rows, sorted %v", len(ids), slices.IsSorted(ids))
	}
	if len(m.search.outside) != 10 {
		t.Fatalf("%d rows marked outside the loaded range", len(m.search.outside))
	}
	press(t, m, "enter", "G") // load every page behind them
	ids = tableIDsInOrder(m)
	if len(ids) != 200 || !slices.IsSorted(ids) {
		t.Fatalf("after G: %d rows, sorted %v", len(ids), slices.IsSorted(ids))
	}
	if len(m.search.outside) != 0 {
		t.Errorf("still outside: %v", m.search.outside)
	}
}

func TestTableInsertSorted(t *testing.T) {
	st := newStyles(newTheme(true), nil)
	tb := newCustomerTable(&st)
	row := func(id int64, email string) apiclient.Customer { return apiclient.Customer{ID: id, Email: email} }
	tb.SetRows([]apiclient.Customer{row(1, "a@x"), row(5, "c@x"), row(9, "e@x")})
	tb.SetSize(80, 10)
	tb.SelectID(5)
	added := tb.InsertSorted([]apiclient.Customer{row(7, "d@x"), row(3, "b@x"), row(5, "c@x")})
	if !slices.Equal(added, []int64{7, 3}) {
		t.Fatalf("added %v", added)
	}
	var ids []int64
	for _, c := range tb.all {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []int64{1, 3, 5, 7, 9}) {
		t.Fatalf("order %v", ids)
	}
	if c, _ := tb.Selected(); c.ID != 5 {
		t.Errorf("cursor moved to %d", c.ID)
	}
	// Email, descending.
	tb.SetSort(2, true, true)
	tb.InsertSorted([]apiclient.Customer{row(2, "bb@x"), row(10, "z@x")})
	ids = ids[:0]
	for _, c := range tb.all {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []int64{10, 9, 7, 5, 2, 3, 1}) {
		t.Fatalf("email desc order %v", ids)
	}
}

// A store that rejects search= (400 unknown_parameter) is asked only for
// complete emails from then on, and the operator is told once.
func TestSearchFallbackRejected(t *testing.T) {
	s := newFakeStore(200)
	s.searchMode = "reject"
	var logBuf bytes.Buffer
	m := newTestModel(t, s, Options{Log: log.New(&logBuf, "", 0)})
	typeFilter(t, m, "first15")
	settleSearch(t, m)
	if m.search.support != searchRejected || m.status.kind == statusErr {
		t.Fatalf("support %v, status %q", m.search.support, m.status.text)
	}
	if v := m.View(); !strings.Contains(v, "this store cannot search") {
		t.Errorf("the filter line does not say so:\n%s", v)
	}
	press(t, m, "esc")
	typeFilter(t, m, "last16")
	settleSearch(t, m)
	if n := len(s.searchCalls()); n != 1 {
		t.Fatalf("searched again after the refusal: %d requests", n)
	}
	press(t, m, "esc")
	typeFilter(t, m, "user150@example.com")
	settleSearch(t, m)
	calls := s.searchCalls()
	if len(calls) != 2 || calls[1].Email != "user150@example.com" {
		t.Fatalf("requests %+v", calls)
	}
	if m.table.Visible() != 1 {
		t.Fatalf("the exact-email fallback found %d", m.table.Visible())
	}
	if n := strings.Count(logBuf.String(), "This store rejects search="); n != 1 {
		t.Errorf("told %d times:\n%s", n, logBuf.String())
	}
}

// A store that ignores search= answers unfiltered pages: detected, never
// shown as matches, remembered, said once.
func TestSearchFallbackIgnored(t *testing.T) {
	s := newFakeStore(200)
	s.searchMode = "ignore"
	var logBuf bytes.Buffer
	m := newTestModel(t, s, Options{Log: log.New(&logBuf, "", 0)})
	loaded := m.table.Len()
	typeFilter(t, m, "first150")
	settleSearch(t, m)
	if m.search.support != searchIgnored {
		t.Fatalf("support %v", m.search.support)
	}
	if m.table.Len() != loaded || m.table.Visible() != 0 {
		t.Fatalf("unfiltered rows shown as matches: %d loaded (was %d), %d visible", m.table.Len(), loaded, m.table.Visible())
	}
	press(t, m, "esc")
	typeFilter(t, m, "last17")
	settleSearch(t, m)
	press(t, m, "esc")
	typeFilter(t, m, "first19")
	settleSearch(t, m)
	if n := len(s.searchCalls()); n != 1 {
		t.Fatalf("searched %d times", n)
	}
	if n := strings.Count(logBuf.String(), "This store ignores search="); n != 1 {
		t.Errorf("told %d times", n)
	}
}

// "#1234" or "1234" fetches the customer by id and selects it.
func TestSearchJumpToID(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	want := s.customers[150].ID // 1451, not loaded
	typeFilter(t, m, "#1451")
	settleSearch(t, m)
	if selectedID(t, m) != want {
		t.Fatalf("selected %d", selectedID(t, m))
	}
	if !slices.Equal(s.gets, []int64{want}) || len(s.searchCalls()) != 0 {
		t.Fatalf("gets %v, searches %v", s.gets, s.searchCalls())
	}
	if !strings.Contains(m.View(), "#1451 fetched from the store") {
		t.Errorf("screen:\n%s", m.View())
	}
	press(t, m, "enter", "/")
	if m.filter.Value() != "#1451" {
		t.Errorf("the filter reopens with %q", m.filter.Value())
	}
	press(t, m, "esc")

	typeFilter(t, m, "1454") // a bare number
	settleSearch(t, m)
	if selectedID(t, m) != 1454 || !slices.Equal(s.gets, []int64{want, 1454}) {
		t.Fatalf("bare number: selected %d, gets %v", selectedID(t, m), s.gets)
	}
	press(t, m, "esc")

	typeFilter(t, m, "#1004") // loaded: selected without a request
	settleSearch(t, m)
	if selectedID(t, m) != 1004 || len(s.gets) != 2 {
		t.Fatalf("loaded id: selected %d, gets %v", selectedID(t, m), s.gets)
	}
	press(t, m, "esc")

	typeFilter(t, m, "#99999")
	settleSearch(t, m)
	if !strings.Contains(m.View(), "no customer #99999 on the store") {
		t.Errorf("screen:\n%s", m.View())
	}
}

// f cycles the status filter on the store: the list reloads with status=,
// the header shows it, and the total is the filtered count.
func TestStatusFilterCycle(t *testing.T) {
	s := newFakeStore(90)
	for i := range s.customers {
		s.customers[i].Status = statusFilters[1+i%3] // active, inactive, pending
	}
	s.noTotal = true // the total comes from /count
	var mu sync.Mutex
	var statuses []string
	s.onList = func(o apiclient.ListOptions) { mu.Lock(); statuses = append(statuses, o.Status); mu.Unlock() }
	m := newTestModel(t, s, Options{})
	press(t, m, "G") // everything loaded: the filter must still go to the store
	if !m.list.complete() {
		t.Fatal("not loaded")
	}
	mu.Lock()
	statuses = nil
	mu.Unlock()

	press(t, m, "f")
	header := strings.SplitN(m.View(), "\n", 2)[0]
	if !strings.Contains(header, "status: active") || !strings.Contains(header, "30 / 30 customers") {
		t.Fatalf("header %q", header)
	}
	for _, c := range m.table.all {
		if c.Status != "active" {
			t.Fatalf("a %s customer listed", c.Status)
		}
	}
	mu.Lock()
	if len(statuses) == 0 || slices.ContainsFunc(statuses, func(st string) bool { return st != "active" }) {
		t.Errorf("list requests carried status %v", statuses)
	}
	mu.Unlock()
	if !slices.Contains(s.countOpts, apiclient.CountOptions{Status: "active"}) {
		t.Errorf("counts %v", s.countOpts)
	}

	// A search runs within the filter.
	typeFilter(t, m, "first1")
	press(t, m, "enter")
	settleSearch(t, m) // everything of this status is loaded: nothing to ask
	if n := len(s.searchCalls()); n != 0 {
		t.Errorf("searched a complete list: %d", n)
	}
	press(t, m, "esc")

	press(t, m, "f")
	if header := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(header, "status: inactive") {
		t.Fatalf("header %q", header)
	}
	for range len(statusFilters) - 2 {
		press(t, m, "f")
	}
	header = strings.SplitN(m.View(), "\n", 2)[0]
	if strings.Contains(header, "status:") || m.statusFilter() != "" {
		t.Fatalf("back to all: header %q", header)
	}
	if !strings.Contains(header, "90 customers") {
		t.Errorf("header %q", header)
	}

	press(t, m, "?")
	if !strings.Contains(m.View(), "status filter") {
		t.Errorf("help does not list the status key:\n%s", m.View())
	}
}

// A search while a status filter is on carries it.
func TestSearchCarriesStatusFilter(t *testing.T) {
	s := newFakeStore(300)
	for i := range s.customers {
		s.customers[i].Status = statusFilters[1+i%2]
	}
	m := newTestModel(t, s, Options{})
	press(t, m, "f") // active
	typeFilter(t, m, "first25")
	settleSearch(t, m)
	calls := s.searchCalls()
	if len(calls) != 1 || calls[0].Status != "active" {
		t.Fatalf("requests %+v", calls)
	}
	for _, i := range m.table.view {
		if c := m.table.all[i]; c.Status != "active" {
			t.Errorf("found a %s customer", c.Status)
		}
	}
}

func TestSearchErrorIsReported(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	s.listCtx = func(ctx context.Context, o apiclient.ListOptions) error {
		if o.Search != "" {
			return errors.New("connection refused")
		}
		return nil
	}
	typeFilter(t, m, "first15")
	settleSearch(t, m)
	if m.status.kind != statusErr || !strings.Contains(m.status.text, "Could not search the store for first15") {
		t.Fatalf("status %q", m.status.text)
	}
}

// Past repositionInlineMax rows a G load moves found rows into place once, at its end.
func TestSearchMergeSortedPlaceLargeLoad(t *testing.T) {
	s := newFakeStore(repositionInlineMax + 1000)
	m := newTestModel(t, s, Options{})
	typeFilter(t, m, "first5999")
	settleSearch(t, m)
	if len(m.search.outside) != 1 {
		t.Fatalf("outside %v", m.search.outside)
	}
	press(t, m, "enter", "G")
	ids := tableIDsInOrder(m)
	if len(ids) != len(s.customers) || !slices.IsSorted(ids) || len(m.search.outside) != 0 {
		t.Fatalf("after G: %d rows, sorted %v, outside %v", len(ids), slices.IsSorted(ids), m.search.outside)
	}
}

func init() {
	// The undo window's countdowns never fire by themselves in tests either:
	// they move the clock and deliver the tick (undo_test.go).
	windowTick = func(time.Duration, tea.Msg) tea.Cmd { return nil }
}
