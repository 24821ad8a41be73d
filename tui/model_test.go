package tui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

func TestInitialLoadFillsTableAndHeader(t *testing.T) {
	s := newFakeStore(50)
	m := newTestModel(t, s, Options{})
	if m.table.Len() < 20 {
		t.Fatalf("loaded %d rows, want at least one page", m.table.Len())
	}
	if got := selectedID(t, m); got != 1001 {
		t.Fatalf("cursor on %d, want first customer 1001", got)
	}
	v := m.View()
	if !strings.Contains(v, "shop.example.com") || !strings.Contains(v, "/ 50 customers") {
		t.Fatalf("header lacks host or count:\n%s", v)
	}
	if !strings.Contains(v, "▶  1001") {
		t.Fatalf("selected row has no text marker:\n%s", v)
	}
}

func TestScrollingLoadsMorePagesAhead(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	before := m.table.Len()
	for range 60 {
		press(t, m, "j")
	}
	if m.table.Len() <= before {
		t.Fatalf("rows stayed at %d after scrolling near the end", m.table.Len())
	}
	if m.table.Len()-m.table.cursor <= m.table.height {
		t.Fatalf("cursor %d is within a screen of the loaded end %d: prefetch lags", m.table.cursor, m.table.Len())
	}
}

func TestModalSwallowsNavigationKeys(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "j", "j")
	want := selectedID(t, m)
	for _, k := range []string{"j", "k", "G", "g", "down", "pgdown", "end", "r", "q", "?"} {
		press(t, m, "D")
		if m.mode != modeConfirm {
			t.Fatalf("D did not open the modal (mode %s)", m.mode)
		}
		press(t, m, k)
		if got := selectedID(t, m); got != want {
			t.Fatalf("key %q moved the table to %d while the modal was open", k, got)
		}
		if m.mode != modeBrowse {
			t.Fatalf("key %q left mode %s, want the modal cancelled", k, m.mode)
		}
	}
	if d := s.deleted(); len(d) != 0 {
		t.Fatalf("cancelling keys sent DELETE for %v", d)
	}
}

func TestCancelKeysSendNothing(t *testing.T) {
	for _, k := range []string{"n", "N", "esc", "x", "enter", "d", "space", "ctrl+d", "ctrl+k"} {
		t.Run(k, func(t *testing.T) {
			s := newFakeStore(5)
			m := newTestModel(t, s, Options{})
			press(t, m, "D", k)
			if m.mode != modeBrowse {
				t.Fatalf("mode %s after %q, want browse", m.mode, k)
			}
			if d := s.deleted(); len(d) != 0 {
				t.Fatalf("%q sent DELETE for %v", k, d)
			}
			if !strings.Contains(m.status.text, "not deleted") {
				t.Fatalf("status %q does not say nothing was deleted", m.status.text)
			}
		})
	}
}

func TestOnlyDAndDeleteOpenTheModal(t *testing.T) {
	for _, k := range []string{"d", "space", "ctrl+d", "ctrl+k", "x"} {
		s := newFakeStore(5)
		m := newTestModel(t, s, Options{})
		press(t, m, k)
		if m.mode != modeBrowse {
			t.Fatalf("%q opened mode %s", k, m.mode)
		}
	}
	for _, k := range []string{"D", "delete"} {
		s := newFakeStore(5)
		m := newTestModel(t, s, Options{})
		press(t, m, k)
		if m.mode != modeConfirm {
			t.Fatalf("%q did not open the modal", k)
		}
	}
}

func TestEnterConfirmsOnlyWithFocusOnDelete(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	press(t, m, "D", "enter")
	if len(s.deleted()) != 0 {
		t.Fatal("enter with focus on Cancel deleted")
	}
	press(t, m, "D", "tab", "enter")
	if d := s.deleted(); !slices.Equal(d, []int64{1001}) {
		t.Fatalf("tab+enter deleted %v, want [1001]", d)
	}
}

func TestDeleteSuccessRemovesRowSelectsFollowerAndRefreshes(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "j", "j") // on 1007; follower is 1010
	lists := s.listCalls()
	press(t, m, "D", "y")
	if d := s.deleted(); !slices.Equal(d, []int64{1007}) {
		t.Fatalf("deleted %v, want [1007]", d)
	}
	if _, still := m.table.pos[1007]; still {
		t.Fatal("deleted row still in the table")
	}
	if got := selectedID(t, m); got != 1010 {
		t.Fatalf("cursor on %d, want follower 1010", got)
	}
	if m.status.text != "Deleted customer #1007 (user2@example.com)" {
		t.Fatalf("status %q", m.status.text)
	}
	if s.listCalls() <= lists {
		t.Fatal("list was not fetched again after the delete")
	}
}

func TestDeleteLastRowSelectsPrevious(t *testing.T) {
	s := newFakeStore(3)
	m := newTestModel(t, s, Options{})
	press(t, m, "G", "D", "y")
	if got := selectedID(t, m); got != 1004 {
		t.Fatalf("cursor on %d, want previous row 1004", got)
	}
}

// The modal deletes the customer it captured, even when a refresh that was in
// flight re-orders the list under it.
func TestModalDeletesCapturedIDAfterReorder(t *testing.T) {
	s := newFakeStore(10)
	m := newTestModel(t, s, Options{})
	press(t, m, "j", "j", "j") // 1010
	target := selectedID(t, m)
	// A refresh is requested but its answer has not arrived yet...
	_, refresh := m.Update(keyMsg("r"))
	press(t, m, "D")
	// ...the server re-orders meanwhile, then the answer lands while the modal is open.
	s.mu.Lock()
	slices.Reverse(s.customers)
	s.mu.Unlock()
	run(t, m, refresh)
	if c := m.table.all[m.table.view[3]]; c.ID == target {
		t.Fatal("test setup: the refresh did not re-order the rows")
	}
	if m.mode != modeConfirm {
		t.Fatalf("the refresh closed the modal (mode %s)", m.mode)
	}
	press(t, m, "y")
	if d := s.deleted(); !slices.Equal(d, []int64{target}) {
		t.Fatalf("deleted %v, want exactly [%d]", d, target)
	}
}

func TestNoSecondDeleteWhileOneRuns(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	press(t, m, "D")
	_, del := m.Update(keyMsg("y")) // DELETE in flight, not yet answered
	if m.mode != modeDeleting {
		t.Fatalf("mode %s, want deleting", m.mode)
	}
	for _, k := range []string{"y", "D", "enter", "j"} {
		_, cmd := m.Update(keyMsg(k))
		if cmd != nil {
			t.Fatalf("key %q while deleting returned a command", k)
		}
	}
	if !strings.Contains(m.View(), "Deleting customer #1001") {
		t.Fatalf("no progress shown while deleting:\n%s", m.View())
	}
	run(t, m, del)
	if d := s.deleted(); len(d) != 1 {
		t.Fatalf("%d DELETEs sent, want 1", len(d))
	}
}

func TestDeleteAlreadyGone(t *testing.T) {
	s := newFakeStore(5)
	s.deleteErr = &apiclient.Error{StatusCode: http.StatusNotFound, Message: "Customer already in trash"}
	m := newTestModel(t, s, Options{})
	lists := s.listCalls()
	press(t, m, "D", "y")
	if m.status.text != "Customer #1001 was already deleted" {
		t.Fatalf("status %q", m.status.text)
	}
	if s.listCalls() <= lists {
		t.Fatal("no refresh after 404")
	}
}

func TestDeleteFailuresKeepTheRow(t *testing.T) {
	cases := []struct {
		err  error
		want []string
	}{
		{&apiclient.Error{StatusCode: 401, Message: "Unauthorized"}, []string{"rejected the credentials", "WCADMIN_TOKEN"}},
		{&apiclient.Error{StatusCode: 403, Message: "Forbidden"}, []string{"lack permission", "403"}},
		{&apiclient.Error{StatusCode: 409, Message: "customer has open orders"}, []string{"HTTP 409", "customer has open orders"}},
		// Ambiguous answers: the follow-up check finds the customer still there.
		{&apiclient.Error{StatusCode: 500, Message: "boom\x1b[2J"}, []string{"HTTP 500", "boom", "still there"}},
		{errors.New("connection reset by peer"), []string{"connection reset", "still there"}},
	}
	for _, c := range cases {
		s := newFakeStore(5)
		s.deleteErr = c.err
		m := newTestModel(t, s, Options{CredentialsHint: "WCADMIN_TOKEN"})
		press(t, m, "j")
		lists := s.listCalls()
		press(t, m, "D", "y")
		for _, w := range c.want {
			if !strings.Contains(m.status.text, w) {
				t.Errorf("%v: status %q lacks %q", c.err, m.status.text, w)
			}
		}
		if strings.ContainsRune(m.status.text, 0x1b) {
			t.Errorf("status carries an escape sequence: %q", m.status.text)
		}
		if m.table.Len() != 5 || selectedID(t, m) != 1004 {
			t.Errorf("%v: table changed (len %d, cursor %d)", c.err, m.table.Len(), selectedID(t, m))
		}
		if s.listCalls() != lists {
			t.Errorf("%v: list re-fetched after a failed delete", c.err)
		}
	}
}

func TestReadOnlyBlocksDeletion(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{ReadOnly: true, ReadOnlyReason: "--read-only"})
	press(t, m, "D", "y", "delete", "y")
	if m.mode != modeBrowse {
		t.Fatalf("mode %s in read-only", m.mode)
	}
	if len(s.deleted()) != 0 {
		t.Fatal("read-only sent a DELETE")
	}
	if !strings.Contains(m.status.text, "Read-only (--read-only)") {
		t.Fatalf("status %q does not explain read-only", m.status.text)
	}
	v := m.View()
	if !strings.Contains(v, "[READ-ONLY]") {
		t.Fatalf("no READ-ONLY badge:\n%s", v)
	}
	press(t, m, "?")
	if strings.Contains(m.View(), "delete") {
		t.Fatalf("help lists delete in read-only mode:\n%s", m.View())
	}
}

func TestHelpIsBuiltFromBindings(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{UndoWindow: 5 * time.Second})
	press(t, m, "?")
	if m.mode != modeHelp {
		t.Fatalf("mode %s", m.mode)
	}
	v := m.View()
	for _, b := range m.keys.browse.FullHelp() {
		for _, k := range b {
			if !strings.Contains(v, k.Help().Key) || !strings.Contains(v, k.Help().Desc) {
				t.Errorf("help lacks %q %q", k.Help().Key, k.Help().Desc)
			}
		}
	}
	press(t, m, "esc")
	if m.mode != modeBrowse {
		t.Fatal("esc did not close help")
	}
}

func TestLoadErrorIsExplained(t *testing.T) {
	s := newFakeStore(5)
	s.listErr = &apiclient.Error{StatusCode: 401, Message: "invalid token"}
	m := newTestModel(t, s, Options{CredentialsHint: "WCADMIN_TOKEN"})
	if !strings.Contains(m.status.text, "Could not load customers") || !strings.Contains(m.status.text, "WCADMIN_TOKEN") {
		t.Fatalf("status %q", m.status.text)
	}
	s.listErr = nil
	press(t, m, "r")
	if m.table.Len() != 5 {
		t.Fatalf("r did not retry the load: %d rows", m.table.Len())
	}
}

func TestHostileTextIsCleanedBeforeTheModel(t *testing.T) {
	s := newFakeStore(2)
	s.customers[0].FirstName = "Eve\x1b]52;c;ZXZpbA==\x07"
	s.customers[0].Email = "\u202eevil@example.com\x1b[2J"
	m := newTestModel(t, s, Options{})
	c, _ := m.table.Selected()
	if strings.ContainsAny(c.FirstName+c.Email, "\x1b\x07\u202e") {
		t.Fatalf("unsafe text entered the model: %q %q", c.FirstName, c.Email)
	}
	if strings.ContainsAny(m.View(), "\x1b\x07\u202e") {
		t.Fatal("unsafe text reached the screen")
	}
}

func TestViewFitsEverySize(t *testing.T) {
	s := newFakeStore(40)
	s.customers[0].Email = strings.Repeat("verylong", 30) + "@example.com"
	m := newTestModel(t, s, Options{Profile: "production-eu", ReadOnly: true})
	for _, sz := range [][2]int{{80, 24}, {40, 10}, {120, 40}, {39, 9}, {1, 1}, {0, 0}, {200, 60}} {
		send(t, m, winSize(sz[0], sz[1]))
		for _, mode := range []string{"", "?"} {
			if mode != "" {
				press(t, m, mode)
			}
			v := m.View()
			lines := strings.Split(v, "\n")
			if sz[0] > 0 && len(lines) > sz[1] {
				t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
			}
			for _, l := range lines {
				if w := lipgloss.Width(l); w > sz[0] {
					t.Errorf("%dx%d: line of %d cells: %q", sz[0], sz[1], w, l)
				}
			}
			if mode != "" {
				press(t, m, "esc")
			}
		}
	}
	send(t, m, winSize(39, 9))
	if !strings.Contains(m.View(), "too small") {
		t.Fatalf("no 'too small' at 39x9: %q", m.View())
	}
}

func TestProtectedProfileRequiresTypedEmail(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{Protected: true, Profile: "production"})
	if !strings.Contains(m.View(), "[PROTECTED]") {
		t.Fatalf("no PROTECTED badge:\n%s", m.View())
	}
	press(t, m, "D", "y")
	if m.mode != modeConfirm || len(s.deleted()) != 0 {
		t.Fatal("y alone deleted on a protected profile")
	}
	press(t, m, "enter")
	if m.mode != modeBrowse || len(s.deleted()) != 0 {
		t.Fatal("a wrong typed email deleted")
	}
	press(t, m, "D")
	for _, r := range "USER0@example.com" {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	if d := s.deleted(); !slices.Equal(d, []int64{1001}) {
		t.Fatalf("typed email: deleted %v", d)
	}
}

func TestVerifiedDeleteOutcomes(t *testing.T) {
	t.Run("unknown", func(t *testing.T) {
		s := newFakeStore(5)
		s.deleteErr = errors.New("connection reset by peer")
		s.getErr = errors.New("connection refused")
		m := newTestModel(t, s, Options{})
		press(t, m, "D", "y")
		if !strings.Contains(m.status.text, "may or may not have been deleted") || m.table.Len() != 5 {
			t.Fatalf("status %q", m.status.text)
		}
	})
	t.Run("changed", func(t *testing.T) {
		s := newFakeStore(5)
		m := newTestModel(t, s, Options{})
		s.mu.Lock()
		s.customers[0].Email = "someone.else@example.com"
		s.mu.Unlock()
		press(t, m, "D", "y")
		if len(s.deleted()) != 0 {
			t.Fatal("a changed record was deleted")
		}
		if !strings.Contains(m.status.text, "changed since it was loaded") {
			t.Fatalf("status %q", m.status.text)
		}
	})
	t.Run("already gone is not sent", func(t *testing.T) {
		s := newFakeStore(5)
		m := newTestModel(t, s, Options{})
		s.mu.Lock()
		s.customers = s.customers[1:]
		s.mu.Unlock()
		press(t, m, "D", "y")
		if len(s.deleted()) != 0 || m.status.text != "Customer #1001 was already deleted" {
			t.Fatalf("sent %v, status %q", s.deleted(), m.status.text)
		}
	})
	t.Run("no journal refuses", func(t *testing.T) {
		s := newFakeStore(5)
		m := newTestModel(t, s, Options{Deleter: &deletion.Deleter{API: s}})
		press(t, m, "D", "y")
		if len(s.deleted()) != 0 || !strings.Contains(m.status.text, "audit") {
			t.Fatalf("sent %v, status %q", s.deleted(), m.status.text)
		}
	})
}

func TestRetryNoticeShowsInStatus(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	send(t, m, RetryNotice(apiclient.RetryInfo{Method: "GET", Path: "/admin/customers", Attempt: 1, Max: 3,
		Wait: time.Second, Err: &apiclient.Error{StatusCode: 503, Message: "busy"}}))
	if !strings.Contains(m.status.text, "Retrying GET /admin/customers (2/3) in 1s") || !strings.Contains(m.status.text, "HTTP 503") {
		t.Fatalf("status %q", m.status.text)
	}
}

type blockingDeleter struct{ release chan struct{} }

func (b blockingDeleter) Delete(ctx context.Context, c apiclient.Customer) deletion.Outcome {
	<-b.release
	return deletion.Outcome{Kind: deletion.Deleted, Customer: c}
}

func (b blockingDeleter) DeleteScheduled(ctx context.Context, c apiclient.Customer, _ string) deletion.Outcome {
	return b.Delete(ctx, c)
}

func (blockingDeleter) Schedule(apiclient.Customer, time.Duration) (string, error) { return "a1", nil }
func (blockingDeleter) Undo(string, apiclient.Customer, string) error              { return nil }

func TestWaitDeletesCoversDeletionsInFlight(t *testing.T) {
	s := newFakeStore(3)
	d := blockingDeleter{release: make(chan struct{})}
	m := newTestModel(t, s, Options{Deleter: d})
	press(t, m, "D")
	_, cmd := m.Update(keyMsg("y"))
	done := make(chan tea.Msg)
	go func() { done <- cmd() }()
	time.Sleep(20 * time.Millisecond)
	if m.WaitDeletes(30 * time.Millisecond) {
		t.Fatal("WaitDeletes reported none in flight while a deletion runs")
	}
	close(d.release)
	<-done
	if !m.WaitDeletes(time.Second) {
		t.Fatal("WaitDeletes still waiting after the deletion finished")
	}
}

func TestRetryNoticeGivesWayWhenTheReadSucceeds(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	_, refresh := m.Update(keyMsg("r"))
	send(t, m, RetryNotice(apiclient.RetryInfo{Method: "GET", Path: "/admin/customers", Attempt: 1, Max: 3,
		Wait: time.Second, Err: &apiclient.Error{StatusCode: 503}}))
	if !strings.HasPrefix(m.status.text, "Retrying") {
		t.Fatalf("status %q", m.status.text)
	}
	run(t, m, refresh)
	if m.status.text != "Refreshed from the store at 09:00:00" {
		t.Fatalf("status %q after the retried read succeeded", m.status.text)
	}
}
