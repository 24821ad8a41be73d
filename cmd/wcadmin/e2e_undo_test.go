package main

// End-to-end tests of the undo window (issue 10): a confirmed deletion
// waits --undo-window before anything is sent; u takes it back; quitting or
// a signal inside the window sends nothing, journals the deletion as undone
// and lists it as cancelled in the exit summary. The windows are long
// enough that a loaded machine still presses u inside them; nothing here
// sleeps for a fixed time: every step waits for the screen, the journal or
// the store.

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// pendingMarker is the countdown on a pending customer's row ("pending 3s").
var pendingMarker = regexp.MustCompile(`pending \d+s`)

// pendingHeader is the header's count of deletions in their window.
const pendingHeader = "1 pending · u undo"

// waitPending waits until customer id's row shows the countdown and the
// header the pending count.
func waitPending(c *console, id int64) string {
	c.t.Helper()
	return c.waitUntil(fmt.Sprintf("customer %d pending (%q on its row) and %q in the header", id, pendingMarker, pendingHeader),
		func(s string) bool {
			r, ok := findRow(s, id)
			return ok && pendingMarker.MatchString(r.text) && strings.Contains(s, pendingHeader)
		})
}

// confirmDelete moves the cursor to id (the row after the first: Down),
// opens the single delete modal and confirms it with y.
func confirmDelete(c *console, ids []int64, i int) {
	c.t.Helper()
	for range i {
		c.sendKeys("Down")
	}
	c.waitSelected(ids[i])
	c.sendKeys("D")
	c.waitFor(deleteModalTitle, fmt.Sprintf("#%d", ids[i]))
	c.sendKeys("y")
}

// customerLines are the journal lines about customer id, in order.
func customerLines(t *testing.T, path string, id int64) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for _, e := range readJournal(t, path) {
		if e.CustomerID == id && e.Phase != audit.PhaseJournal {
			out = append(out, e)
		}
	}
	return out
}

// phases lists the phases of lines.
func phases(lines []audit.Entry) []string {
	out := make([]string, len(lines))
	for i, e := range lines {
		out[i] = e.Phase
	}
	return out
}

// waitUndone waits until the journal holds customer id's scheduled line
// followed by its undone line, and checks that nothing else was written for
// it; it returns the undone line.
func waitUndone(t *testing.T, path string, id int64) audit.Entry {
	t.Helper()
	var lines []audit.Entry
	pollFor(t, waitTimeout, fmt.Sprintf("scheduled and undone lines for customer %d in the journal", id), func() bool {
		lines = customerLines(t, path, id)
		return len(lines) >= 2
	})
	if got := strings.Join(phases(lines), " "); got != "scheduled undone" {
		t.Fatalf("journal lines of customer %d: %s, want scheduled undone: %+v", id, got, lines)
	}
	if lines[0].Attempt == "" || lines[1].Attempt != lines[0].Attempt {
		t.Errorf("customer %d: attempts %q and %q, want one attempt id", id, lines[0].Attempt, lines[1].Attempt)
	}
	return lines[1]
}

// noDeleteOf fails when the store received a DELETE of id, or lost it.
func noDeleteOf(t *testing.T, store *apitest.Store, id int64) {
	t.Helper()
	if dels := deleteRequests(store); len(dels) != 0 {
		t.Errorf("%d DELETE requests, want none: %+v", len(dels), dels)
	}
	if !store.Exists(id) {
		t.Errorf("customer %d is gone from the store", id)
	}
}

// a. u inside the window takes the deletion back: nothing is sent, the row
// is back to normal, the journal says scheduled then undone.
func TestE2EUndoTakesBackDeletion(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv), "--undo-window", "10s")
	target := ids[1]

	confirmDelete(c, ids, 1)
	if m := c.modeAfterKeys(); m != "browse" {
		t.Errorf("mode after confirming = %q, want browse (the modal closes at once)", m)
	}
	waitPending(c, target)
	if dels := deleteRequests(store); len(dels) != 0 {
		t.Fatalf("confirming sent %d DELETE requests inside the undo window", len(dels))
	}

	c.sendKeys("u")
	want := fmt.Sprintf("Undone: customer #%d", target)
	if email := customerEmail(t, store, target); email != "" && fitsCells(email, 40) {
		want += " (" + email + ")"
	}
	c.waitFor(want, "nothing was sent")
	s := c.waitUntil(fmt.Sprintf("customer %d's row without the countdown", target), func(s string) bool {
		r, ok := findRow(s, target)
		return ok && !strings.Contains(r.text, "pending") && !strings.Contains(s, pendingHeader)
	})
	if r, ok := findRow(s, target); !ok || !r.selected {
		t.Errorf("customer %d is not listed under the cursor after the undo:\n%s", target, dumpScreen(s))
	}

	undone := waitUndone(t, c.journalPath(), target)
	if !strings.Contains(undone.Message, "u pressed") {
		t.Errorf("undone line's message %q does not say u was pressed", undone.Message)
	}
	c.quit("q")
	noDeleteOf(t, store, target)
	for _, e := range readJournal(t, c.journalPath()) {
		if e.Phase == audit.PhaseIntent || e.Phase == audit.PhaseOutcome {
			t.Errorf("journal has a %s line for customer %d: nothing was sent", e.Phase, e.CustomerID)
		}
	}
}

// b. A deletion left alone is sent when its window ends: exactly one
// DELETE, and the journal ties scheduled, intent and outcome together.
func TestE2EUndoWindowEndsDeletes(t *testing.T) {
	t.Parallel()
	const window = 2 * time.Second
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv), "--undo-window", window.String())
	target := ids[1]

	confirmDelete(c, ids, 1)
	confirmed := time.Now()
	// Right after y nothing is sent (checked only while surely inside the
	// window: a stalled machine may have lost the rest of it).
	if n := len(deleteRequests(store)); n != 0 && time.Since(confirmed) < window/2 {
		t.Errorf("%d DELETE requests right after confirming, want none inside the window", n)
	}
	c.waitUntilWithin(window+waitTimeout, fmt.Sprintf("customer %d deleted", target), func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("Deleted customer #%d", target))
	})
	c.waitUntil(fmt.Sprintf("customer %d's row gone", target), func(s string) bool {
		_, ok := findRow(s, target)
		return !ok
	})

	dels := deleteRequests(store)
	if len(dels) != 1 || dels[0].Path != fmt.Sprintf("%s/%d", customersAPIPath, target) {
		t.Fatalf("DELETE requests %+v, want one to customer %d", dels, target)
	}
	if store.Exists(target) {
		t.Errorf("customer %d still exists", target)
	}

	var lines []audit.Entry
	pollFor(t, waitTimeout, "scheduled, intent and outcome in the journal", func() bool {
		lines = customerLines(t, c.journalPath(), target)
		return len(lines) >= 3
	})
	if got := strings.Join(phases(lines), " "); got != "scheduled intent outcome" {
		t.Fatalf("journal lines of customer %d: %s, want scheduled intent outcome: %+v", target, got, lines)
	}
	for _, e := range lines[1:] {
		if e.Attempt != lines[0].Attempt || e.Attempt == "" {
			t.Errorf("attempt ids %q, %q, %q: want one", lines[0].Attempt, lines[1].Attempt, lines[2].Attempt)
			break
		}
	}
	if lines[2].Result != audit.ResultDeleted {
		t.Errorf("outcome %q, want deleted", lines[2].Result)
	}
	// The DELETE waited out the window: the intent is written right before it.
	if waited := lines[1].Time.Sub(lines[0].Time); waited < window-100*time.Millisecond {
		t.Errorf("the intent came %s after the scheduled line, want at least the %s window", waited, window)
	}
	if dels[0].Time.Before(lines[0].Time.Add(window - 100*time.Millisecond)) {
		t.Errorf("the DELETE reached the store at %s, before the window (scheduled at %s) ended", dels[0].Time, lines[0].Time)
	}
	c.quit("q")
	if n := len(deleteRequests(store)); n != 1 {
		t.Errorf("%d DELETE requests at exit, want 1", n)
	}
}

// c. q with a deletion in its window: nothing is sent, the journal says
// undone because wcadmin quit, and the summary lists it as cancelled.
func TestE2EUndoQuitCancelsPending(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoadedHeld(t, store, consoleEnv(srv), "--undo-window", "30s")
	target := ids[1]
	confirmDelete(c, ids, 1)
	waitPending(c, target)

	c.quit("q")
	s := c.waitFor(holdExitMarker)
	for _, want := range []string{
		"cancelled 1",
		fmt.Sprintf("cancelled (still in the undo window, nothing sent): 1 — id %d", target),
		"journal: " + c.journalPath(),
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the summary after quitting lacks %q:\n%s", want, dumpScreen(s))
		}
	}
	undone := waitUndone(t, c.journalPath(), target)
	if !strings.Contains(strings.ToLower(undone.Message), "quit") {
		t.Errorf("undone line's message %q does not say wcadmin quit", undone.Message)
	}
	noDeleteOf(t, store, target)
}

// d. SIGTERM with a deletion in its window: as quitting, with status 143.
func TestE2EUndoSigtermCancelsPending(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoadedHeld(t, store, consoleEnv(srv), "--undo-window", "30s")
	target := ids[1]
	confirmDelete(c, ids, 1)
	waitPending(c, target)

	if err := syscall.Kill(c.wcadminPID(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.waitExit(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status %d after SIGTERM, want %d", code, 128+int(syscall.SIGTERM))
	}
	s := c.waitFor(holdExitMarker)
	if want := fmt.Sprintf("cancelled (still in the undo window, nothing sent): 1 — id %d", target); !strings.Contains(s, want) {
		t.Errorf("the summary after SIGTERM lacks %q:\n%s", want, dumpScreen(s))
	}
	undone := waitUndone(t, c.journalPath(), target)
	if !strings.Contains(undone.Message, "SIGTERM") {
		t.Errorf("undone line's message %q does not name the signal", undone.Message)
	}
	noDeleteOf(t, store, target)
}

// e. A bulk deletion counts down after the typed count; u cancels the whole
// run: nothing is sent, every customer is journaled as undone.
func TestE2EUndoBulkCountdownCancels(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv), "--undo-window", "10s")
	markFirst(c, ids, 2)
	c.sendKeys("D")
	c.waitFor("Type 2")
	c.sendLiteral("2")
	c.sendKeys("Enter")
	c.waitFor("Deleting 2 customers in", "u or Esc cancels")
	if n := len(deleteRequests(store)); n != 0 {
		t.Fatalf("%d DELETE requests inside the bulk's undo window", n)
	}

	c.sendKeys("u")
	c.waitFor("Cancelled: nothing was sent (2 customers)")
	for _, id := range ids[:2] {
		waitUndone(t, c.journalPath(), id)
		noDeleteOf(t, store, id)
	}
	c.quit("q")
	if n := len(deleteRequests(store)); n != 0 {
		t.Errorf("%d DELETE requests at exit, want none", n)
	}
}

// f. SIGKILL inside the window sends nothing and leaves a scheduled line
// with nothing after it; the next start records it as not_sent without
// asking the store, and says so.
func TestE2EUndoSIGKILLSettledAsNotSent(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	journal := tempJournal(t)

	c, ids := startLoaded(t, store, consoleEnv(srv), "--audit-log="+journal, "--undo-window", "30s")
	target := ids[1]
	confirmDelete(c, ids, 1)
	waitPending(c, target)
	pollFor(t, waitTimeout, "the scheduled line in the journal", func() bool {
		return len(customerLines(t, journal, target)) == 1
	})
	pid := c.wcadminPID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.waitExit()
	pollFor(t, waitTimeout, "the killed wcadmin to be gone", func() bool { return processGone(pid) })
	store.ResetRequests()

	c2 := startConsoleHeld(t, consoleEnv(srv), "--audit-log="+journal)
	c2.waitUntil("the settle notice", func(s string) bool {
		return strings.Contains(statusLine(s), "1 scheduled deletion was never sent (wcadmin ended inside the undo window)")
	})
	lines := customerLines(t, journal, target)
	if got := strings.Join(phases(lines), " "); got != "scheduled outcome" {
		t.Fatalf("journal lines of customer %d: %s, want scheduled outcome: %+v", target, got, lines)
	}
	o := lines[1]
	if o.Attempt != lines[0].Attempt || o.Result != audit.ResultNotSent || o.Settled == nil ||
		!strings.HasPrefix(o.Settled.How, "scheduled, never sent") {
		t.Errorf("the settled line %+v (settled %+v), want not_sent for attempt %s", o, o.Settled, lines[0].Attempt)
	}
	c2.quit("q")
	for _, r := range store.Requests() {
		if strings.HasSuffix(r.Path, fmt.Sprintf("/customers/%d", target)) {
			t.Errorf("the store was asked about customer %d: %s %s", target, r.Method, r.Path)
		}
	}
	noDeleteOf(t, store, target)
}
