package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Keys that arrive in one read reach the model as one multi-rune message.

func TestMultiRuneKeysActOneByOne(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	send(t, m, keyMsg("jjj"))
	if got := selectedID(t, m); got != 1010 {
		t.Fatalf("jjj in one read: cursor on %d, want 1010 (three rows down)", got)
	}
	send(t, m, keyMsg("jD"))
	if m.mode != modeConfirm || m.confirm.target.ID != 1013 {
		t.Fatalf("jD in one read: mode %s on #%d, want the modal on #1013", m.mode, m.confirm.target.ID)
	}
	// j cancels the modal, then y has nothing to confirm.
	send(t, m, keyMsg("jy"))
	if m.mode != modeBrowse || len(s.deleted()) != 0 {
		t.Fatalf("jy in the modal: mode %s, deleted %v", m.mode, s.deleted())
	}
}

func TestMultiRuneOpensFilterWithTheRest(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	send(t, m, keyMsg("/user1"))
	if m.mode != modeFilter || m.filter.Value() != "user1" || m.table.query != "user1" {
		t.Fatalf("/user1 in one read: mode %s, input %q, query %q", m.mode, m.filter.Value(), m.table.query)
	}
}

func TestMultiRuneCountInBulkModal(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	press(t, m, "ctrl+a")
	press(t, m, "D")
	send(t, m, keyMsg("30"))
	if m.mode != modeBulkConfirm || m.bulk.input.Value() != "30" {
		t.Fatalf("30 in one read: mode %s, count %q", m.mode, m.bulk.input.Value())
	}
	press(t, m, "enter")
	if len(s.deleted()) != 30 {
		t.Fatalf("deleted %d, want 30", len(s.deleted()))
	}
}

func TestQuitDropsTheRestOfTheRead(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	_, cmd := m.Update(keyMsg("qDy"))
	if !m.quitting || m.mode != modeBrowse {
		t.Fatalf("qDy: quitting %v, mode %s", m.quitting, m.mode)
	}
	_ = cmd
	if len(s.deleted()) != 0 {
		t.Fatal("keys after q deleted")
	}
}

// A bracketed paste is text for a text field and never a confirmation.

func TestPasteNeverConfirms(t *testing.T) {
	for _, text := range []string{"y", "y\n", "\n", "Y", "yes\r"} {
		s := newFakeStore(10)
		m := newTestModel(t, s, Options{})
		press(t, m, "D")
		send(t, m, pasteMsg(text))
		if m.mode != modeConfirm || len(s.deleted()) != 0 {
			t.Fatalf("paste %q in the modal: mode %s, deleted %v", text, m.mode, s.deleted())
		}
		press(t, m, "tab") // focus on Delete: a pasted newline still does nothing
		send(t, m, pasteMsg(text))
		if m.mode != modeConfirm || len(s.deleted()) != 0 {
			t.Fatalf("paste %q with Delete focused: mode %s, deleted %v", text, m.mode, s.deleted())
		}
	}
}

func TestPasteInEveryMode(t *testing.T) {
	s := newFakeStore(10)
	m := newTestModel(t, s, Options{})
	// Browse: ignored, nothing moves.
	send(t, m, pasteMsg("jjjD"))
	if m.mode != modeBrowse || selectedID(t, m) != 1001 {
		t.Fatalf("paste in browse acted: mode %s, cursor %d", m.mode, selectedID(t, m))
	}
	// Filter: text.
	press(t, m, "/")
	send(t, m, pasteMsg("user3\n"))
	if m.mode != modeFilter || !strings.HasPrefix(m.filter.Value(), "user3") {
		t.Fatalf("paste in filter: mode %s, value %q", m.mode, m.filter.Value())
	}
	press(t, m, "esc")
	// Bulk count: digits only, never submits.
	press(t, m, "space", "space", "D")
	send(t, m, pasteMsg("2\n"))
	if m.mode != modeBulkConfirm || m.bulk.input.Value() != "2" || len(s.deleted()) != 0 {
		t.Fatalf("paste in bulk modal: mode %s, count %q, deleted %v", m.mode, m.bulk.input.Value(), s.deleted())
	}
	press(t, m, "esc")
	// Help and detail: ignored.
	press(t, m, "?")
	send(t, m, pasteMsg("q"))
	if m.mode != modeHelp {
		t.Fatalf("paste closed help: mode %s", m.mode)
	}
	press(t, m, "esc", "enter")
	send(t, m, pasteMsg("D"))
	if m.mode != modeDetail {
		t.Fatalf("paste in detail: mode %s", m.mode)
	}
}

func TestProtectedTypedEmailAcceptsPasteButNeedsEnter(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{Protected: true})
	press(t, m, "D")
	send(t, m, pasteMsg("user0@example.com\n"))
	if len(s.deleted()) != 0 || m.mode != modeConfirm {
		t.Fatalf("a pasted email with newline deleted: mode %s", m.mode)
	}
	press(t, m, "enter")
	if d := s.deleted(); !slices.Equal(d, []int64{1001}) {
		t.Fatalf("deleted %v", d)
	}
}

// ESC and a key read together arrive as alt+key: Esc, then the key.

func TestAltKeyIsEscThenKey(t *testing.T) {
	s := newFakeStore(10)
	m := newTestModel(t, s, Options{})
	press(t, m, "D")
	send(t, m, altMsg("j")) // Esc cancels, then j moves
	if m.mode != modeBrowse || selectedID(t, m) != 1004 || len(s.deleted()) != 0 {
		t.Fatalf("alt+j in the modal: mode %s, cursor %d", m.mode, selectedID(t, m))
	}
	press(t, m, "/", "x")
	send(t, m, altMsg("k")) // Esc clears the filter, then k moves up
	if m.mode != modeBrowse || m.table.query != "" || selectedID(t, m) != 1001 {
		t.Fatalf("alt+k in the filter: mode %s, query %q, cursor %d", m.mode, m.table.query, selectedID(t, m))
	}
	press(t, m, "/")
	send(t, m, keyMsg("ab"))
	send(t, m, tea.KeyMsg{Type: tea.KeyBackspace, Alt: true}) // a word back: the input binds it
	if m.mode != modeFilter || m.filter.Value() != "" {
		t.Fatalf("alt+backspace in the filter: mode %s, value %q", m.mode, m.filter.Value())
	}
}

// The single modal's focus keys.

func TestModalArrowsNeverWrap(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	press(t, m, "D", "left", "left", "h", "enter")
	if len(s.deleted()) != 0 || m.mode != modeBrowse {
		t.Fatalf("← from Cancel then Enter: deleted %v, mode %s", s.deleted(), m.mode)
	}
	press(t, m, "D", "right", "right", "l", "left", "enter")
	if len(s.deleted()) != 0 {
		t.Fatal("→ then ← then Enter deleted")
	}
	press(t, m, "D", "l", "enter")
	if d := s.deleted(); !slices.Equal(d, []int64{1001}) {
		t.Fatalf("→ then Enter: deleted %v", d)
	}
	press(t, m, "D", "tab", "shift+tab", "enter")
	if len(s.deleted()) != 1 {
		t.Fatal("tab, shift+tab, Enter deleted (focus is back on Cancel)")
	}
}

func TestQClosesHelpAndAsksDuringBulkRun(t *testing.T) {
	s := newFakeStore(20)
	m := newTestModel(t, s, Options{Concurrency: 2})
	press(t, m, "?", "q")
	if m.mode != modeBrowse || m.quitting {
		t.Fatalf("q in help: mode %s, quitting %v", m.mode, m.quitting)
	}
	press(t, m, "ctrl+a", "D", "2", "0")
	_, cmd := m.Update(keyMsg("enter"))
	press(t, m, "q")
	if m.mode != modeBulkStop || m.quitting {
		t.Fatalf("q during a bulk run: mode %s, quitting %v", m.mode, m.quitting)
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	v := m.View()
	if !strings.Contains(v, "Stop the bulk deletion?") || !strings.Contains(v, "nothing new is sent") ||
		!strings.Contains(v, "n or esc continue") {
		t.Fatalf("stop question cut at 80 columns:\n%s", v)
	}
	press(t, m, "ctrl+c") // in the question: stop
	run(t, m, cmd)
	if d := s.deleted(); len(d) != 2 || m.mode != modeSummary {
		t.Fatalf("ctrl+c in the question: %d deleted, mode %s", len(d), m.mode)
	}
	if r := m.Report(); len(r.Deleted) != 2 || len(r.NotAttempted) != 18 {
		t.Fatalf("report %+v", r)
	}
}

// Protected profiles: a bulk deletion asks for the count and the host.

func TestProtectedBulkAsksForTheHost(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{Protected: true})
	press(t, m, "space", "D", "1", "enter")
	if m.mode != modeBulkConfirm || len(s.deleted()) != 0 {
		t.Fatalf("a protected bulk of one deleted on its count: mode %s", m.mode)
	}
	if v := m.View(); !strings.Contains(v, "type the store's host (shop.example.com)") {
		t.Fatalf("host prompt missing:\n%s", v)
	}
	send(t, m, keyMsg("shop.example.org"))
	press(t, m, "enter")
	if m.mode != modeBrowse || len(s.deleted()) != 0 {
		t.Fatalf("a wrong host deleted: mode %s", m.mode)
	}
	press(t, m, "D", "1", "enter")
	send(t, m, keyMsg("shop.example.com"))
	press(t, m, "enter")
	if d := s.deleted(); !slices.Equal(d, []int64{1001}) {
		t.Fatalf("deleted %v", d)
	}
}

func TestProtectedComparesTheFullEmail(t *testing.T) {
	s := newFakeStore(3)
	long := strings.Repeat("a", 230) + "@example.com"
	s.customers[0].Email = long
	m := newTestModel(t, s, Options{Protected: true})
	press(t, m, "D")
	if v := m.View(); !strings.Contains(strings.ReplaceAll(squeeze(v), " ", ""), "@example.com") {
		t.Fatalf("the modal does not show the whole email:\n%s", v)
	}
	send(t, m, keyMsg(long))
	press(t, m, "enter")
	if d := s.deleted(); !slices.Equal(d, []int64{1001}) {
		t.Fatalf("typing the whole %d-character email: deleted %v (mode %s)", len(long), d, m.mode)
	}
}

// Every modal shows who is deleted at 40x10, or refuses to confirm.

func TestModalsAtFortyByTen(t *testing.T) {
	s := newFakeStore(30)
	s.customers[0].Email = strings.Repeat("x", 60) + "@example.com"
	for _, tc := range []struct {
		name string
		o    Options
		keys []string
		want []string
	}{
		{"single", Options{}, []string{"D"}, []string{"Delete 1 customer?", "#1001", "Email: xxxx", "DELETE /api/v4/admin/customers/1001", "Cancel", "Delete ]"}},
		{"protected", Options{Protected: true}, []string{"D"}, []string{"Delete 1 customer?", "#1001", "@example.com", "DELETE /api/v4/admin/customers/1001", "Type the email", ">"}},
		{"bulk", Options{}, []string{"space", "space", "space", "D"}, []string{"Delete 3 customers?", "#1001", "more", "DELETE /api/v4/admin/customers/{id}", "Type 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestModel(t, s, tc.o)
			send(t, m, winSize(40, 10))
			press(t, m, tc.keys...)
			v := m.View()
			lines := strings.Split(v, "\n")
			if len(lines) > 10 {
				t.Errorf("%d lines", len(lines))
			}
			for _, l := range lines {
				if w := lipgloss.Width(l); w > 40 {
					t.Errorf("line of %d cells: %q", w, l)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(v, w) {
					t.Errorf("40x10 %s modal lacks %q:\n%s", tc.name, w, v)
				}
			}
		})
	}
	// Smaller than that: too small, and nothing can be confirmed.
	m := newTestModel(t, s, Options{})
	press(t, m, "D")
	send(t, m, winSize(30, 8))
	if v := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(v, "terminal too small (30x8): needs at least 40x10") {
		t.Fatalf("too-small message cut or missing:\n%s", v)
	}
	press(t, m, "y")
	if len(s.deleted()) != 0 {
		t.Fatal("y confirmed on a terminal too small to show the modal")
	}
	press(t, m, "esc")
	if m.mode != modeBrowse {
		t.Fatalf("esc did not cancel: mode %s", m.mode)
	}
}

// Help at 40 columns lists every binding.

func TestHelpAtFortyColumnsShowsEveryBinding(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{UndoWindow: 5 * time.Second})
	send(t, m, winSize(40, 30))
	press(t, m, "?")
	v := m.View()
	for _, g := range m.keys.browse.FullHelp() {
		for _, b := range g {
			if !strings.Contains(v, b.Help().Desc) {
				t.Errorf("help at 40 columns lacks %q:\n%s", b.Help().Desc, v)
			}
		}
	}
	// Shorter than the list: it scrolls.
	send(t, m, winSize(40, 10))
	seen := map[string]bool{}
	for range 25 {
		for _, g := range m.keys.browse.FullHelp() {
			for _, b := range g {
				if strings.Contains(m.View(), b.Help().Desc) {
					seen[b.Help().Desc] = true
				}
			}
		}
		press(t, m, "j")
	}
	for _, g := range m.keys.browse.FullHelp() {
		for _, b := range g {
			if !seen[b.Help().Desc] {
				t.Errorf("scrolling help at 40x10 never shows %q", b.Help().Desc)
			}
		}
	}
}

// Every binding a mode's help shows has an effect; read-only hides D.

func TestEveryHelpBindingHasAnEffect(t *testing.T) {
	type state struct {
		mode   mode
		status string
		cursor int64
		marks  int
		query  string
		view   string
		focus  bool
	}
	snap := func(m *Model) state {
		c, _ := m.table.Selected()
		return state{m.mode, m.status.text, c.ID, len(m.table.marks), m.table.query, m.View(), m.confirm.focusDelete}
	}
	check := func(t *testing.T, name string, setup func(m *Model), bs []key.Binding) {
		for _, b := range bs {
			if !b.Enabled() {
				continue
			}
			s := newFakeStore(60)
			m := newTestModel(t, s, Options{Clipboard: &strings.Builder{}, UndoWindow: 5 * time.Second})
			setup(m)
			before := snap(m)
			k := b.Keys()[0]
			press(t, m, map[string]string{" ": "space"}[k]+strings.TrimPrefix(k, map[bool]string{true: " "}[k == " "]))
			if snap(m) == before && len(s.deleted()) == 0 && !m.quitting {
				t.Errorf("%s: %q (%s) had no effect", name, k, b.Help().Desc)
			}
		}
	}
	browse := func(m *Model) { press(t, m, "j", "j", "/", "u", "enter", "space", "k") }
	var all []key.Binding
	km := newKeyMaps(false, true)
	for _, g := range km.browse.FullHelp() {
		all = append(all, g...)
	}
	check(t, "browse", browse, all)
	check(t, "detail", func(m *Model) { send(t, m, winSize(60, 10)); press(t, m, "enter", "j") }, km.detail.ShortHelp())
	check(t, "help", func(m *Model) { send(t, m, winSize(40, 10)); press(t, m, "?") }, km.help.ShortHelp())
	check(t, "filter", func(m *Model) { press(t, m, "j", "/") }, km.filter.ShortHelp())
	k := km.confirm
	check(t, "confirm", func(m *Model) { press(t, m, "D") }, []key.Binding{k.Confirm, k.Cancel, k.Right, k.Cycle, k.Choose})
	check(t, "confirm on Delete", func(m *Model) { press(t, m, "D", "l") }, []key.Binding{k.Left, k.Cycle, k.Choose})
	check(t, "bulk countdown", func(m *Model) { press(t, m, "space", "space", "D", "2", "enter") }, km.countdown.ShortHelp())

	ro := newKeyMaps(true, true)
	if ro.browse.Undo.Enabled() {
		t.Error("read-only offers u (undo)")
	}
	for _, bs := range [][]key.Binding{ro.browse.ShortHelp(), ro.detail.ShortHelp(), slices.Concat(ro.browse.FullHelp()...)} {
		for _, b := range bs {
			if b.Enabled() && slices.Contains(b.Keys(), "D") {
				t.Errorf("read-only help offers %q", b.Help().Key)
			}
		}
	}
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{ReadOnly: true})
	press(t, m, "enter")
	if strings.Contains(m.helpLine(), "delete") {
		t.Errorf("read-only detail help offers delete: %q", m.helpLine())
	}
	press(t, m, "D")
	if m.mode != modeDetail || !strings.Contains(m.status.text, "Read-only") {
		t.Errorf("D in read-only detail: mode %s, status %q", m.mode, m.status.text)
	}
}

// A status that described something else is cleared when a modal opens.

func TestModalClearsStaleStatus(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	m.status.Set(statusErr, "Could not load customers: old news")
	press(t, m, "D")
	if m.status.text != "" {
		t.Fatalf("status %q while the modal is open", m.status.text)
	}
}

// Bulk runs under faults.

func TestBulkCircuitBreakerPausesAndAsks(t *testing.T) {
	s := newFakeStore(20)
	down := &apiclient.NetError{Kind: apiclient.NetConnRefused, Err: errors.New("connection refused")}
	s.deleteHook = func(int64) error { return down }
	s.getErr = down
	m := newTestModel(t, s, Options{Concurrency: 1})
	s.getErr = down
	press(t, m, "ctrl+a", "D", "2", "0", "enter")
	if m.mode != modeBulkBreaker {
		t.Fatalf("mode %s after the store stopped answering, want the retry-or-stop question", m.mode)
	}
	if b := m.bulk; len(b.failed) != breakerTrips || len(b.queue) != 20-breakerTrips {
		t.Fatalf("failed %d, queued %d: the run did not pause after %d failures", len(b.failed), len(b.queue), breakerTrips)
	}
	v := m.View()
	if !strings.Contains(v, "not answering") || !strings.Contains(v, "r retry") {
		t.Fatalf("no question:\n%s", v)
	}
	press(t, m, "r") // still down: trips again
	if m.mode != modeBulkBreaker || len(m.bulk.failed) != 2*breakerTrips {
		t.Fatalf("retry: mode %s, failed %d", m.mode, len(m.bulk.failed))
	}
	press(t, m, "s")
	if m.mode != modeSummary {
		t.Fatalf("stop: mode %s", m.mode)
	}
	if r := m.Report(); len(r.NotAttempted) != 20-2*breakerTrips || len(r.Failed) != 2*breakerTrips {
		t.Fatalf("report: %d not attempted, %d failed", len(r.NotAttempted), len(r.Failed))
	}
	if !strings.Contains(m.View(), "Not attempted: 14") {
		t.Fatalf("summary:\n%s", m.View())
	}
}

func TestBulkRateLimitPauseIsCappedAndStopsAtOnce(t *testing.T) {
	s := newFakeStore(10)
	s.deleteHook = func(int64) error {
		return &apiclient.Error{StatusCode: 429, RetryAfter: 3600e9}
	}
	m := newTestModel(t, s, Options{Concurrency: 1})
	press(t, m, "ctrl+a", "D", "1", "0")
	_, cmd := m.Update(keyMsg("enter"))
	// Run the DELETE but not the pause's tick.
	for _, c := range flatten(cmd) {
		if msg := c(); msg != nil {
			if _, ok := msg.(deleteDoneMsg); ok {
				m.Update(msg)
			}
		}
	}
	b := m.bulk
	if !b.paused || b.pauseLeft != maxPause {
		t.Fatalf("paused %v for %s, want %s (Retry-After: 1h capped)", b.paused, b.pauseLeft, maxPause)
	}
	if v := m.View(); !strings.Contains(v, "resuming in 1m0s") {
		t.Fatalf("no countdown:\n%s", v)
	}
	press(t, m, "esc", "y")
	if m.mode != modeSummary {
		t.Fatalf("stop during a pause: mode %s, want the summary at once", m.mode)
	}
}

func TestSummaryRetriesTheFailed(t *testing.T) {
	s := newFakeStore(10)
	s.deleteErrFor = map[int64]error{1004: &apiclient.Error{StatusCode: 409, Message: "locked"}}
	m := newTestModel(t, s, Options{})
	press(t, m, "space", "space", "space", "D", "3", "enter")
	if m.mode != modeSummary || !strings.Contains(m.View(), "#1001") || !strings.Contains(m.View(), "Deleted:") {
		t.Fatalf("summary does not list the deleted:\n%s", m.View())
	}
	if strings.Contains(m.View(), "debug log") {
		t.Fatal("summary points at a debug log that does not exist")
	}
	delete(s.deleteErrFor, 1004)
	press(t, m, "R")
	if m.mode != modeBulkConfirm || len(m.bulk.targets) != 1 || m.bulk.targets[0].ID != 1004 {
		t.Fatalf("R: mode %s", m.mode)
	}
	press(t, m, "1", "enter")
	if d := s.deleted(); !slices.Contains(d, 1004) {
		t.Fatalf("retry did not delete 1004: %v", d)
	}
	if r := m.Report(); len(r.Failed) != 0 || len(r.Deleted) != 3 {
		t.Fatalf("report after the retry: %+v", r)
	}
}

// flatten runs a command tree's batches into their leaf commands.
func flatten(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Cmd
		for _, c := range b {
			out = append(out, flatten(c)...)
		}
		return out
	}
	return []tea.Cmd{func() tea.Msg { return msg }}
}

// keysConsumed counts runes, so a test harness can wait for each key.
func TestKeysConsumedCountsRunes(t *testing.T) {
	s := newFakeStore(10)
	m := newTestModel(t, s, Options{})
	send(t, m, keyMsg("jjj"))
	press(t, m, "enter", "esc")
	if m.keysConsumed != 5 {
		t.Fatalf("keysConsumed %d, want 5", m.keysConsumed)
	}
}

// A DELETE answered 200 {"status":"error"} is the store refusing, not a
// wrong site URL.
func TestDeleteStatusErrorIsNotBlamedOnTheSite(t *testing.T) {
	s := newFakeStore(5)
	s.deleteErr = &apiclient.Error{StatusCode: 200, Code: apiclient.CodeStatusError, Message: "Customer is locked"}
	m := newTestModel(t, s, Options{})
	press(t, m, "D", "y")
	if !strings.Contains(m.status.text, "the store refused the request: Customer is locked") || strings.Contains(m.status.text, "site") {
		t.Fatalf("status %q", m.status.text)
	}
}

// Emoji sequences terminals count differently are simplified before they
// enter the model: every line the console draws is as wide for tmux (code
// point by code point) as for lipgloss.
func TestEmojiNamesKeepRowsAligned(t *testing.T) {
	s := newFakeStore(5)
	s.customers[1].FirstName = "👩\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈"
	s.customers[1].LastName = "🧑🏽 ❤\ufe0f 🇩🇪"
	m := newTestModel(t, s, Options{})
	cond := &runewidth.Condition{StrictEmojiNeutral: true}
	perRune := func(l string) int {
		n := 0
		for _, r := range l {
			if !unicode.In(r, unicode.Mn, unicode.Me) {
				n += cond.RuneWidth(r)
			}
		}
		return n
	}
	for _, keys := range [][]string{nil, {"j", "D"}, {"esc", "space", "D"}, {"esc", "enter"}} {
		press(t, m, keys...)
		for _, l := range strings.Split(m.View(), "\n") {
			if lw, rw := lipgloss.Width(l), perRune(l); lw != rw || lw > 100 {
				t.Fatalf("mode %s: line %q is %d cells for lipgloss, %d for the terminal", m.mode, l, lw, rw)
			}
		}
	}
}

// In every mode, a multi-rune message does exactly what its keys typed one
// at a time do.
func TestMultiRuneEqualsOneByOneInEveryMode(t *testing.T) {
	setups := map[string][]string{
		"browse":  nil,
		"help":    {"?"},
		"detail":  {"enter"},
		"filter":  {"/"},
		"confirm": {"D"},
		"bulk":    {"space", "space", "D"},
		"summary": {"space", "D", "1", "enter"},
	}
	for name, setup := range setups {
		for _, text := range []string{"jjk", "qj", "12", "yn", "Dy", "/ab", "?q", "RjD", "l1"} {
			s1, s2 := newFakeStore(30), newFakeStore(30)
			a := newTestModel(t, s1, Options{})
			b := newTestModel(t, s2, Options{})
			press(t, a, setup...)
			press(t, b, setup...)
			send(t, a, keyMsg(text))
			for _, r := range text {
				if b.quitting {
					break // the rest of a read after q is dropped
				}
				press(t, b, string(r))
			}
			ca, _ := a.table.Selected()
			cb, _ := b.table.Selected()
			if a.mode != b.mode || a.status.text != b.status.text || ca.ID != cb.ID ||
				a.filter.Value() != b.filter.Value() || len(a.table.marks) != len(b.table.marks) ||
				!slices.Equal(s1.deleted(), s2.deleted()) || a.quitting != b.quitting {
				t.Errorf("%s: %q in one read: mode %s status %q; one by one: mode %s status %q", name, text,
					a.mode, a.status.text, b.mode, b.status.text)
			}
		}
	}
}
