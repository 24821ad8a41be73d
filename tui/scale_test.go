package tui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/wcadmin/wcadmin/apiclient"
)

func TestMarksAreKeptByIDAcrossRefreshAndFilter(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "space", "space", "j", "space") // marks 1001, 1004, 1010
	if got := len(m.table.marks); got != 3 {
		t.Fatalf("%d marks, want 3", got)
	}
	if !strings.Contains(m.View(), " ● 1001") || !strings.Contains(m.View(), "● 3 marked") {
		t.Fatalf("marks have no text marker or count:\n%s", m.View())
	}
	s.mu.Lock()
	slices.Reverse(s.customers)
	s.mu.Unlock()
	press(t, m, "r")
	press(t, m, "/")
	for _, r := range "user3@" {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	ids := []int64{}
	for _, c := range m.table.Marked() {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{1001, 1004, 1010}) {
		t.Fatalf("marks after refresh and filter: %v", ids)
	}
	if h := m.table.CountHidden(m.table.Marked()); h != 2 {
		t.Fatalf("hidden marks %d, want 2 (filter shows only 1010)", h)
	}
	press(t, m, "ctrl+\\")
	if len(m.table.marks) != 0 {
		t.Fatal("ctrl+\\ did not clear the marks")
	}
}

func TestCtrlAMarksOnlyWhatTheFilterShows(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "/", "1", "esc") // esc clears: nothing filtered
	press(t, m, "/", "u", "s", "e", "r", "2", "enter")
	press(t, m, "ctrl+a")
	// user2, user20..user29
	if got := len(m.table.marks); got != 11 {
		t.Fatalf("ctrl+a marked %d, want the 11 shown", got)
	}
}

func TestFilterNarrowsAsYouTypeAndKeysStayInInput(t *testing.T) {
	s := newFakeStore(40)
	s.customers[7].CompanyName = "Acme Widgets"
	m := newTestModel(t, s, Options{})
	press(t, m, "/")
	for _, k := range []string{"A", "C", "M", "E"} { // case-insensitive; "D" typed here must not delete
		press(t, m, k)
	}
	if m.mode != modeFilter {
		t.Fatalf("mode %s", m.mode)
	}
	if m.table.Visible() != 1 || selectedID(t, m) != s.customers[7].ID {
		t.Fatalf("company filter shows %d rows", m.table.Visible())
	}
	press(t, m, "backspace", "backspace", "backspace", "backspace", "D", "j", "q")
	if m.mode != modeFilter || len(s.deleted()) != 0 {
		t.Fatalf("keys leaked out of the filter input (mode %s)", m.mode)
	}
	if m.filter.Value() != "Djq" {
		t.Fatalf("input %q, want Djq", m.filter.Value())
	}
	press(t, m, "esc")
	if m.table.Visible() != m.table.Len() || m.mode != modeBrowse {
		t.Fatal("esc did not clear the filter")
	}
	press(t, m, "/", "1", "0", "0", "4", "enter")
	if m.mode != modeBrowse || m.table.query != "1004" || selectedID(t, m) != 1004 {
		t.Fatalf("enter did not keep the id filter (mode %s, query %q)", m.mode, m.table.query)
	}
	if !strings.Contains(m.View(), "1 matches of 40 / 40 loaded") {
		t.Fatalf("header lacks match count:\n%s", m.View())
	}
}

func TestFilterAsksServerForCompleteEmail(t *testing.T) {
	s := newFakeStore(200) // only the first pages get loaded
	m := newTestModel(t, s, Options{})
	if m.table.Len() >= 200 {
		t.Fatal("test setup: everything loaded")
	}
	press(t, m, "/")
	for _, r := range "user150@example.com" {
		press(t, m, string(r))
	}
	settleSearch(t, m) // the pause after typing (search.go)
	if m.table.Visible() != 1 || selectedID(t, m) != s.customers[150].ID {
		t.Fatalf("customer on an unloaded page not found (%d visible)", m.table.Visible())
	}
}

func TestSortServerWhilePartialLocalWhenComplete(t *testing.T) {
	s := newFakeStore(100)
	var orders []string
	s.onList = func(o apiclient.ListOptions) { orders = append(orders, o.OrderBy+"/"+o.Direction) }
	m := newTestModel(t, s, Options{})
	press(t, m, "s") // Name, on the server: the list is partial
	if last := orders[len(orders)-1]; last != "first_name/asc" {
		t.Fatalf("server sort sent %q", last)
	}
	if !strings.Contains(m.View(), "Name ▲") {
		t.Fatalf("column header lacks the direction:\n%s", m.View())
	}
	press(t, m, "S")
	if last := orders[len(orders)-1]; last != "first_name/desc" {
		t.Fatalf("reverse sent %q", last)
	}

	small := newFakeStore(10)
	m2 := newTestModel(t, small, Options{})
	calls := small.listCalls()
	press(t, m2, "S") // everything is loaded: sort locally
	if small.listCalls() != calls {
		t.Fatal("local sort asked the server")
	}
	if c := m2.table.all[0]; c.ID != 1028 {
		t.Fatalf("first row %d after reversing, want 1028", c.ID)
	}
}

func TestLoadAllWithBoundedConcurrencyNoGapsNoDuplicates(t *testing.T) {
	s := newFakeStore(1000)
	var inflight, peak atomic.Int32
	s.onList = func(apiclient.ListOptions) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
	}
	s.afterList = func() { inflight.Add(-1) }
	s.shortEvery = 7 // every 7th page comes back short: gaps must be re-asked
	m := newTestModel(t, s, Options{Concurrency: 4})
	_, cmd := m.Update(keyMsg("G"))
	if m.mode != modeLoadAll {
		t.Fatalf("mode %s, want load-all", m.mode)
	}
	if !strings.Contains(m.View(), "pages") {
		t.Fatalf("no progress shown:\n%s", m.View())
	}
	runConcurrent(t, m, cmd)
	if m.table.Len() != 1000 {
		t.Fatalf("loaded %d, want 1000", m.table.Len())
	}
	for i, c := range m.table.all {
		if c.ID != s.customers[i].ID {
			t.Fatalf("row %d is %d, want %d: order broken", i, c.ID, s.customers[i].ID)
		}
	}
	if p := peak.Load(); p > 4 || p < 2 {
		t.Fatalf("peak concurrency %d, want 2..4", p)
	}
	if m.mode != modeBrowse || selectedID(t, m) != s.customers[999].ID {
		t.Fatal("cursor not on the last customer after G")
	}
}

func TestLoadAllEscKeepsWhatArrived(t *testing.T) {
	s := newFakeStore(500)
	m := newTestModel(t, s, Options{})
	_, cmd := m.Update(keyMsg("G"))
	cmd() // some requests went out...
	press(t, m, "esc")
	if m.mode != modeBrowse || m.list.ld != nil {
		t.Fatalf("esc did not stop loading (mode %s)", m.mode)
	}
	n := m.table.Len()
	runConcurrent(t, m, cmd) // ...their answers are dropped
	if m.table.Len() != n {
		t.Fatalf("answers of a cancelled load still arrived: %d → %d", n, m.table.Len())
	}
	if !m.list.hasMore {
		t.Fatal("after a cancelled load the rest is still there to load")
	}
}

func TestRefreshKeepsCursorOnSameCustomer(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "j", "j", "j", "j") // 1013
	s.mu.Lock()
	s.customers = append([]apiclient.Customer{{ID: 1, Email: "new@example.com"}}, s.customers...)
	s.mu.Unlock()
	press(t, m, "r")
	if id := selectedID(t, m); id != 1013 {
		t.Fatalf("cursor on %d after refresh, want 1013", id)
	}
}

func TestDetailViewFetchesAndDeletesFromIt(t *testing.T) {
	s := newFakeStore(5)
	s.customers[1].Raw = []byte(`{"id":1004,"email":"user1@example.com","note":"VIP \u001b[31mred","addresses":[{"type":"billing","first_name":"Ann","last_name":"Lee","address_line1":"1 Main St","city":"Springfield","post_code":"12345","state":{"name":"Oregon"},"country":{"name":"United States","code":"US"}}]}`)
	m := newTestModel(t, s, Options{})
	press(t, m, "j", "enter")
	if m.mode != modeDetail {
		t.Fatalf("mode %s", m.mode)
	}
	v := m.View()
	for _, want := range []string{"Customer #1004", "user1@example.com", "[billing]", "1 Main St", "Springfield Oregon 12345", "United States", "note:", "VIP"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "\x1b") {
		t.Fatal("raw escape reached the detail view")
	}
	press(t, m, "esc")
	if m.mode != modeBrowse || selectedID(t, m) != 1004 {
		t.Fatal("esc did not return to the same row")
	}
	press(t, m, "enter", "D")
	if m.mode != modeConfirm || m.confirm.target.ID != 1004 {
		t.Fatalf("D from detail did not open the modal for 1004 (mode %s)", m.mode)
	}
	press(t, m, "y")
	if d := s.deleted(); !slices.Equal(d, []int64{1004}) {
		t.Fatalf("deleted %v", d)
	}
}

func TestCopyWritesOSC52(t *testing.T) {
	s := newFakeStore(3)
	var buf strings.Builder
	m := newTestModel(t, s, Options{Clipboard: &buf})
	press(t, m, "c")
	if !strings.Contains(buf.String(), "\x1b]52;c;dXNlcjBAZXhhbXBsZS5jb20=") {
		t.Fatalf("no OSC 52 for the email: %q", buf.String())
	}
	if m.status.text != "Copied email user0@example.com to the clipboard" {
		t.Fatalf("status %q", m.status.text)
	}
	press(t, m, "C")
	if !strings.Contains(m.status.text, "id 1001") {
		t.Fatalf("status %q", m.status.text)
	}
}

func TestBulkModalRequiresTypedCount(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "space", "space", "space")
	press(t, m, "D")
	if m.mode != modeBulkConfirm {
		t.Fatalf("mode %s", m.mode)
	}
	v := m.View()
	for _, want := range []string{"Delete 3 customers?", "#1001", "user2@example.com", "cannot be undone", "Type 3"} {
		if !strings.Contains(v, want) {
			t.Errorf("bulk modal lacks %q", want)
		}
	}
	press(t, m, "2", "enter")
	if m.mode != modeBrowse || len(s.deleted()) != 0 {
		t.Fatal("a wrong count deleted or kept the modal")
	}
	press(t, m, "D", "3", "y")
	if len(s.deleted()) != 0 || m.mode != modeBrowse {
		t.Fatal("a non-digit key did not cancel")
	}
	press(t, m, "D", "3", "enter")
	if d := s.deleted(); len(d) != 3 {
		t.Fatalf("deleted %v, want the 3 marked", d)
	}
	if m.mode != modeSummary || len(m.table.marks) != 0 {
		t.Fatalf("mode %s, marks %d", m.mode, len(m.table.marks))
	}
}

func TestBulkModalListsTenAndCountsHidden(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	send(t, m, winSize(100, 40))
	press(t, m, "ctrl+a", "/", "u", "s", "e", "r", "1", "enter", "D")
	v := m.View()
	if !strings.Contains(v, "Delete 30 customers?") || !strings.Contains(v, "and 20 more") ||
		!strings.Contains(v, "19 of them are hidden by the current filter") {
		t.Fatalf("bulk modal:\n%s", v)
	}
}

func TestBulkFailuresStayMarkedAndAuthStopsBatch(t *testing.T) {
	s := newFakeStore(20)
	s.deleteErrFor = map[int64]error{
		1004: &apiclient.Error{StatusCode: 409, Message: "has open orders"},
		1007: &apiclient.Error{StatusCode: 404, Message: "Customer already in trash"},
	}
	m := newTestModel(t, s, Options{Concurrency: 1})
	press(t, m, "space", "space", "space", "space") // 1001 1004 1007 1010
	press(t, m, "D", "4", "enter")
	b := m.bulk
	if len(b.deleted) != 2 || len(b.gone) != 1 || len(b.failed) != 1 {
		t.Fatalf("deleted %d gone %d failed %d", len(b.deleted), len(b.gone), len(b.failed))
	}
	if !m.table.IsMarked(1004) || len(m.table.marks) != 1 {
		t.Fatal("the failed customer is not the only one still marked")
	}
	v := m.View()
	if !strings.Contains(v, "#1004") || !strings.Contains(v, "has open orders") {
		t.Fatalf("summary lacks the failure reason:\n%s", v)
	}
	press(t, m, "enter")

	s2 := newFakeStore(20)
	s2.deleteErrFor = map[int64]error{1004: &apiclient.Error{StatusCode: 403, Message: "forbidden"}}
	m2 := newTestModel(t, s2, Options{Concurrency: 1})
	press(t, m2, "ctrl+a", "D", "2", "0", "enter")
	if d := s2.deleted(); len(d) != 2 {
		t.Fatalf("a 403 did not stop the batch: %d DELETEs sent", len(d))
	}
	if !strings.Contains(m2.View(), "not attempted") || len(m2.table.marks) != 19 {
		t.Fatalf("after 403: marks %d\n%s", len(m2.table.marks), m2.View())
	}
}

func TestBulkRateLimitPausesAndRetries(t *testing.T) {
	s := newFakeStore(10)
	var calls atomic.Int32
	s.deleteHook = func(id int64) error {
		if calls.Add(1) == 2 {
			return &apiclient.Error{StatusCode: http.StatusTooManyRequests, RetryAfter: 1}
		}
		return nil
	}
	m := newTestModel(t, s, Options{Concurrency: 4})
	press(t, m, "ctrl+a")
	_, cmd := m.Update(keyMsg("D"))
	_ = cmd
	press(t, m, "1", "0")
	_, cmd = m.Update(keyMsg("enter"))
	runConcurrent(t, m, cmd)
	if len(m.bulk.deleted) != 10 {
		t.Fatalf("deleted %d after a 429, want all 10", len(m.bulk.deleted))
	}
	if m.bulk.pauses != 1 || m.bulk.concurrency != 2 {
		t.Fatalf("pauses %d concurrency %d: the batch did not slow down", m.bulk.pauses, m.bulk.concurrency)
	}
}

func TestBulkStopAsksAndLetsInFlightFinish(t *testing.T) {
	s := newFakeStore(20)
	m := newTestModel(t, s, Options{Concurrency: 2})
	press(t, m, "ctrl+a", "D", "2", "0")
	_, cmd := m.Update(keyMsg("enter")) // two DELETEs dispatched, not yet answered
	press(t, m, "ctrl+c")
	if m.mode != modeBulkStop {
		t.Fatalf("ctrl+c during a batch: mode %s, want the stop question", m.mode)
	}
	press(t, m, "n")
	if m.mode != modeBulkRun {
		t.Fatal("n did not continue")
	}
	press(t, m, "esc", "y")
	run(t, m, cmd) // the two in flight finish
	if d := s.deleted(); len(d) != 2 {
		t.Fatalf("%d DELETEs after stopping, want the 2 in flight", len(d))
	}
	if m.mode != modeSummary || !strings.Contains(m.View(), "Stopped by the operator") {
		t.Fatalf("mode %s\n%s", m.mode, m.View())
	}
	if len(m.table.marks) != 18 {
		t.Fatalf("%d still marked, want 18", len(m.table.marks))
	}
}

func TestEightyByTwentyFourFitsEveryMode(t *testing.T) {
	s := newFakeStore(40)
	for i := range s.customers {
		s.customers[i].Email = fmt.Sprintf("a-very-long-mailbox-name-%d@a-long-subdomain.example.com", i)
	}
	m := newTestModel(t, s, Options{})
	send(t, m, winSize(80, 24))
	check := func(what string) {
		t.Helper()
		lines := strings.Split(m.View(), "\n")
		if len(lines) > 24 {
			t.Errorf("%s: %d lines", what, len(lines))
		}
		for _, l := range lines {
			if w := lipgloss.Width(l); w > 80 {
				t.Errorf("%s: %d cells: %q", what, w, l)
			}
		}
	}
	check("browse")
	press(t, m, "/", "a")
	check("filter")
	press(t, m, "enter", "ctrl+a", "D")
	check("bulk modal")
	press(t, m, "esc", "ctrl+\\", "enter")
	check("detail")
	press(t, m, "esc", "?")
	check("help")
}

// When the pages do not say the total, the header gets it from
// GET /admin/customers/count, asked once.
func TestTotalFromCountEndpoint(t *testing.T) {
	s := newFakeStore(200)
	s.noTotal = true
	m := newTestModel(t, s, Options{})
	press(t, m, "j", "r")
	if s.counts != 1 {
		t.Fatalf("count asked %d times, want once", s.counts)
	}
	if !strings.Contains(m.View(), " / 200 customers") {
		t.Fatalf("header lacks the total from the count endpoint:\n%s", m.View())
	}
}
