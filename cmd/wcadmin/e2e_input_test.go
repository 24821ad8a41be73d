package main

// End-to-end tests of input as a terminal really delivers it (several keys
// in one read, bracketed paste, arrows, a tiny window), of the protected
// bulk confirmation, of a bulk deletion facing a store that stops
// answering, and of signals (SIGHUP, SIGTERM, a hung-up terminal) with the
// exit summary and the journal they leave.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// startLoadedHeld is startLoaded on a held pane (startConsoleHeld): what
// wcadmin prints on stderr after it exits stays readable.
func startLoadedHeld(t *testing.T, store *apitest.Store, env map[string]string, args ...string) (*console, []int64) {
	t.Helper()
	ids := store.IDs()
	c := startConsoleHeld(t, env, args...)
	c.waitSelected(ids[0])
	return c, ids
}

// readJournal reads the journal, or nothing when it does not exist (no
// deletion was ever attempted).
func readJournal(t *testing.T, path string) []audit.Entry {
	t.Helper()
	entries, err := audit.Read(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading the journal: %v", err)
	}
	return entries
}

// checkIntentsHaveOutcomes fails for every intent line without an outcome
// line of the same attempt and customer.
func checkIntentsHaveOutcomes(t *testing.T, entries []audit.Entry) {
	t.Helper()
	outcomes := map[string]audit.Entry{}
	for _, e := range entries {
		if e.Phase == audit.PhaseOutcome {
			outcomes[e.Attempt] = e
		}
	}
	for _, e := range entries {
		if e.Phase != audit.PhaseIntent {
			continue
		}
		o, ok := outcomes[e.Attempt]
		switch {
		case !ok:
			t.Errorf("journal: intent for customer %d (attempt %s) has no outcome", e.CustomerID, e.Attempt)
		case o.CustomerID != e.CustomerID:
			t.Errorf("journal: attempt %s: intent for %d, outcome for %d", e.Attempt, e.CustomerID, o.CustomerID)
		}
	}
}

// typeKeys types s one key at a time (each consumed before the next).
func (c *console) typeKeys(s string) {
	c.t.Helper()
	for _, r := range s {
		c.sendKeys(string(r))
	}
}

// markFirst marks the first n customers with space (the cursor moves down).
func markFirst(c *console, ids []int64, n int) {
	c.t.Helper()
	for i := range n {
		c.waitSelected(ids[i])
		c.sendKeys("Space")
	}
	c.waitFor(fmt.Sprintf("● %d marked", n))
}

// a. Keys in one read: "jjj" moves three rows, "/abc" opens the filter
// holding "abc". Bubble Tea v1 delivers each as one multi-rune key.
func TestE2EKeysInOneRead(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))

	c.sendLiteral("jjj")
	c.waitSelected(ids[3])
	c.sendKeys("D")
	s := c.waitFor(fmt.Sprintf("#%d", ids[3]), "Cancel")
	if strings.Contains(s, fmt.Sprintf("#%d", ids[0])) {
		t.Errorf("the modal names customer %d too:\n%s", ids[0], dumpScreen(s))
	}
	c.sendKeys("Escape")
	c.waitFor(fmt.Sprintf("customer #%d was not deleted", ids[3]))

	c.sendLiteral("/abc")
	c.waitFor("/abc")
	if m := c.modeAfterKeys(); m != "filter" {
		t.Errorf("mode after \"/abc\" = %q, want filter", m)
	}
	c.sendKeys("Escape")
	c.waitGone("/abc")
	c.quit("q")
	if got := deleteRequests(store); len(got) != 0 {
		t.Errorf("DELETE requests: %+v", got)
	}
}

// b. A paste is never a decision: a pasted "y" or "y\n" in the single
// delete modal deletes nothing.
func TestE2EPasteInDeleteModal(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))
	target := ids[0]
	for _, paste := range []string{"y", "y\n"} {
		if m := c.modeAfterKeys(); m != "confirm" {
			c.sendKeys("D")
		}
		c.waitFor(fmt.Sprintf("#%d", target), "Cancel")
		c.sendPaste(paste)
		// The mode the console reported right after the paste: a deletion
		// would have moved it to deleting (or a bulk mode) at once.
		if m := c.modeAfterKeys(); m != "confirm" && m != "browse" {
			t.Errorf("pasting %q in the modal left the console in mode %q, want confirm or browse", paste, m)
		}
		if m := c.modeAfterKeys(); m == "browse" {
			c.waitFor(fmt.Sprintf("customer #%d was not deleted", target))
		}
		if n := len(deleteRequests(store)); n != 0 {
			t.Fatalf("pasting %q sent %d DELETE requests", paste, n)
		}
	}
	if c.modeAfterKeys() == "confirm" {
		c.sendKeys("Escape")
		c.waitFor(fmt.Sprintf("customer #%d was not deleted", target))
	}
	c.quit("q") // waits for any deletion in flight before exiting
	if got := store.Deleted(); len(got) != 0 {
		t.Errorf("store.Deleted() = %v after pasting, want none", got)
	}
	if !store.Exists(target) {
		t.Errorf("customer %d is gone", target)
	}
	for _, e := range readJournal(t, c.journalPath()) {
		if e.Phase == audit.PhaseIntent {
			t.Errorf("journal has an intent after a paste: %+v", e)
		}
	}
}

// c. Focus starts on Cancel, the leftmost button, and ← does not wrap to
// Delete: ← then Enter cancels.
func TestE2EDeleteModalLeftThenEnter(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))
	target := ids[0]
	c.sendKeys("D")
	c.waitFor(fmt.Sprintf("#%d", target), "[>Cancel<]")
	c.sendKeys("Left")
	s := c.waitFor(fmt.Sprintf("#%d", target))
	if strings.Contains(s, "[>Delete<]") {
		t.Errorf("← moved the focus to Delete:\n%s", dumpScreen(s))
	}
	c.sendKeys("Enter")
	if m := c.modeAfterKeys(); m != "browse" {
		t.Errorf("mode after ← Enter = %q, want browse (cancelled)", m)
	}
	c.waitFor(fmt.Sprintf("customer #%d was not deleted", target))
	c.quit("q")
	if got := deleteRequests(store); len(got) != 0 {
		t.Errorf("← Enter sent DELETE requests: %+v", got)
	}
	if !store.Exists(target) {
		t.Errorf("customer %d is gone", target)
	}
}

// emailShown reports whether screen shows email whole, or a prefix of at
// least 8 characters cut with "…".
func emailShown(screen, email string) bool {
	if strings.Contains(screen, email) {
		return true
	}
	for k := len(email) - 1; k >= min(8, len(email)); k-- {
		if strings.Contains(screen, email[:k]+"…") {
			return true
		}
	}
	return false
}

// d. The single delete modal in a 40x10 terminal shows what is about to be
// deleted: title, id, email (maybe cut) and the buttons.
func TestE2EDeleteModalSmallTerminal(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))
	target := ids[0]
	email := customerEmail(t, store, target)
	c.resize(40, 10)
	c.waitUntil("the console redrawn at 40x10 with the cursor on the first customer", func(s string) bool {
		r, ok := selectedRow(s)
		return ok && r.id == target && len(strings.Split(strings.TrimRight(s, "\n"), "\n")) <= 10
	})
	c.sendKeys("D")
	s := c.waitUntil("the modal with its buttons", func(s string) bool {
		return strings.Contains(s, "Cancel") && strings.Contains(s, fmt.Sprintf("#%d", target))
	})
	var buttons bool
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Cancel") && strings.Contains(l, "Delete") {
			buttons = true
		}
	}
	if !strings.Contains(s, "Delete") || !buttons {
		t.Errorf("the modal at 40x10 lacks the title or the Cancel and Delete buttons:\n%s", dumpScreen(s))
	}
	if email != "" && !emailShown(s, email) {
		t.Errorf("the modal at 40x10 does not show the email %q (whole or cut with …):\n%s", email, dumpScreen(s))
	}
	c.sendKeys("Escape")
	c.waitUntil("the modal closed and the cancel reported", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "Cancel") && strings.Contains(l, "Delete") {
				return false
			}
		}
		return strings.Contains(s, "was not")
	})
	c.quit("q")
	if got := deleteRequests(store); len(got) != 0 {
		t.Errorf("DELETE requests: %+v", got)
	}
}

// protectedEnv writes a config file whose default profile is protected and
// points at srv; the token comes from the environment. The profile turns the
// undo window off (a protected profile's own undo_window is the floor), so
// deletions are sent at once as the tests expect.
func protectedEnv(t *testing.T, srv *apitest.Server) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	conf := fmt.Sprintf("default_profile = \"production\"\n\n[profiles.production]\nsite = %q\nprotected = true\nundo_window = \"0s\"\n", srv.URL)
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"WCADMIN_CONFIG": path, "WCADMIN_TOKEN": testToken}
}

// openBulkOfOne marks the first customer and opens the bulk modal.
func openBulkOfOne(c *console, ids []int64) {
	c.t.Helper()
	c.sendKeys("Home")
	c.waitSelected(ids[0])
	if r, ok := findRow(c.screen(), ids[0]); !ok || !r.marked {
		c.sendKeys("Space")
	}
	c.waitFor("● 1 marked")
	c.sendKeys("D")
	c.waitFor("Type 1")
}

// e. A protected profile asks for the store's host after the count, even
// for a bulk of one; a wrong host deletes nothing.
func TestE2EProtectedBulkOfOne(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, protectedEnv(t, srv))
	c.waitFor("PROTECTED")
	target := ids[0]
	hostPrompt := func(s string) bool {
		return strings.Contains(s, srv.Addr) && strings.Contains(strings.ToLower(s), "host") &&
			!strings.Contains(s, "Type 1")
	}

	// The count alone deletes nothing: the modal asks for the host.
	openBulkOfOne(c, ids)
	c.sendLiteral("1")
	c.sendKeys("Enter")
	c.waitUntil("the bulk modal asking for the store host "+srv.Addr, hostPrompt)
	if n := len(deleteRequests(store)); n != 0 {
		t.Fatalf("the count alone sent %d DELETE requests on a protected profile", n)
	}
	if m := c.modeAfterKeys(); m != "bulk-confirm" {
		t.Errorf("mode after the count = %q, want bulk-confirm (asking for the host)", m)
	}

	// A wrong host deletes nothing.
	c.sendLiteral("shop.example.com")
	c.sendKeys("Enter")
	if m := c.modeAfterKeys(); m == "bulk-run" || m == "summary" {
		t.Fatalf("a wrong host started the deletion (mode %q)", m)
	}
	c.waitFor("nothing was deleted")
	if n := len(deleteRequests(store)); n != 0 {
		t.Fatalf("a wrong host sent %d DELETE requests", n)
	}

	// The right host deletes.
	if c.modeAfterKeys() != "bulk-confirm" {
		openBulkOfOne(c, ids)
		c.sendLiteral("1")
		c.sendKeys("Enter")
		c.waitUntil("the bulk modal asking for the store host "+srv.Addr, hostPrompt)
	} else {
		for range len("shop.example.com") {
			c.sendKeys("BSpace")
		}
	}
	c.sendLiteral(srv.Addr)
	c.sendKeys("Enter")
	c.waitFor("Bulk deletion finished", "Deleted: 1")
	if got := store.Deleted(); !slices.Equal(got, []int64{target}) {
		t.Errorf("store.Deleted() = %v, want [%d]", got, target)
	}
	c.sendKeys("Enter")
	c.waitGone("Bulk deletion finished")
	c.quit("q")
}

// refusedLike are journal results of attempts that did not delete.
func refusedLike(e audit.Entry) bool {
	return (e.Phase == audit.PhaseOutcome || e.Phase == audit.PhaseSkipped) &&
		(e.Result == audit.ResultRefused || e.Result == audit.ResultUnknown || e.Result == audit.ResultFailed)
}

var notAttemptedSummary = regexp.MustCompile(`not attempted (\d+)`)

// f. A bulk deletion whose store stops answering pauses after a few
// consecutive failures and asks; "stop" leaves the rest not attempted: no
// journal line, no request.
func TestE2EBulkStoreStopsAnswering(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	const marked = 10
	c, ids := startLoadedHeld(t, store, consoleEnv(srv), "--concurrency=2")
	markFirst(c, ids, marked)
	c.sendKeys("D")
	c.waitFor(fmt.Sprintf("Type %d", marked))
	store.SetLatency(apitest.RouteDelete, 300*time.Millisecond)
	c.typeKeys(strconv.Itoa(marked))
	c.sendKeys("Enter")
	waitStore(t, "two customers deleted", func() bool { return len(store.Deleted()) >= 2 })
	srv.Close() // the store is gone: connections refused from now on
	deletedBefore := len(store.Deleted())

	// Reads are retried with backoff, so the question may take a while.
	c.waitUntilWithin(30*time.Second, "the bulk run asking whether to retry or stop", func(s string) bool {
		l := strings.ToLower(s)
		return strings.Contains(l, "not answering") && strings.Contains(l, "retry") && strings.Contains(l, "stop")
	})
	c.sendKeys("s")
	s := c.waitUntilWithin(15*time.Second, "the bulk summary", func(s string) bool {
		return strings.Contains(s, "Bulk deletion finished")
	})
	m := regexp.MustCompile(`Not attempted: (\d+)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("the bulk summary does not say how many were not attempted:\n%s", dumpScreen(s))
	}
	notAttempted, _ := strconv.Atoi(m[1])
	if notAttempted == 0 {
		t.Errorf("the bulk summary says none were not attempted: the breaker did not stop the run:\n%s", dumpScreen(s))
	}
	c.sendKeys("Enter")
	c.waitGone("Bulk deletion finished")
	c.quit("q")
	exitScreen := c.waitFor(holdExitMarker)
	t.Logf("after quitting:\n%s", dumpScreen(exitScreen))
	if em := notAttemptedSummary.FindStringSubmatch(exitScreen); em == nil || em[1] != m[1] {
		t.Errorf("exit summary: want \"not attempted %d\" on stderr:\n%s", notAttempted, dumpScreen(exitScreen))
	}

	entries := readJournal(t, c.journalPath())
	checkIntentsHaveOutcomes(t, entries)
	touched := map[int64]bool{}
	refused := 0
	for _, e := range entries {
		touched[e.CustomerID] = true
		if refusedLike(e) {
			refused++
		}
	}
	untouched := 0
	for _, id := range ids[:marked] {
		if !touched[id] {
			untouched++
		}
	}
	if untouched < notAttempted {
		t.Errorf("%d marked customers have journal lines; %d were not attempted, so at most %d should:\n%+v",
			marked-untouched, notAttempted, marked-notAttempted, entries)
	}
	if refused >= 5 {
		t.Errorf("%d refused/failed/unknown journal lines: the run kept trying a store that was gone", refused)
	}
	if got := len(store.Deleted()); got < deletedBefore {
		t.Errorf("store.Deleted() shrank from %d to %d", deletedBefore, got)
	}
}

// signalBulk starts a bulk deletion of n customers against a store whose
// DELETEs take a while, and waits until some are in flight.
func signalBulk(t *testing.T, c *console, store *apitest.Store, ids []int64, n int) {
	t.Helper()
	markFirst(c, ids, n)
	c.sendKeys("D")
	c.waitFor(fmt.Sprintf("Type %d", n))
	store.SetLatency(apitest.RouteDelete, 800*time.Millisecond)
	c.typeKeys(strconv.Itoa(n))
	c.sendKeys("Enter")
	waitStore(t, "a deletion in flight (an intent in the journal)", func() bool {
		for _, e := range readJournal(t, c.journalPath()) {
			if e.Phase == audit.PhaseIntent {
				return true
			}
		}
		return false
	})
}

// g. SIGHUP during a bulk deletion (the SSH connection drops): nothing new
// is sent, the deletions in flight journal their outcome, the summary is
// printed and wcadmin exits with 129.
func TestE2ESighupDuringBulk(t *testing.T) {
	t.Parallel()
	t.Run("signal", func(t *testing.T) {
		t.Parallel()
		store, srv := defaultStore(t)
		c, ids := startLoadedHeld(t, store, consoleEnv(srv))
		signalBulk(t, c, store, ids, 8)
		pid := c.wcadminPID()
		if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		if code := c.waitExitWithin(20 * time.Second); code != 128+int(syscall.SIGHUP) {
			t.Errorf("exit status %d after SIGHUP, want %d", code, 128+int(syscall.SIGHUP))
		}
		s := c.waitFor(holdExitMarker)
		t.Logf("after SIGHUP:\n%s", dumpScreen(s))
		for _, want := range []string{"SIGHUP", "deletions this session:", "journal: " + c.journalPath()} {
			if !strings.Contains(s, want) {
				t.Errorf("the screen after exit lacks %q (the summary on stderr):\n%s", want, dumpScreen(s))
			}
		}
		sentAtExit := len(deleteRequests(store))
		checkIntentsHaveOutcomes(t, readJournal(t, c.journalPath()))
		if sentAtExit >= 8 {
			t.Errorf("all %d DELETEs were sent: the bulk did not stop at the signal", sentAtExit)
		}
		log, _ := os.ReadFile(c.debugLogPath())
		if !strings.Contains(string(log), "signal: SIGHUP") {
			t.Errorf("the debug log does not record the signal")
		}
	})
	// The terminal itself goes away, as when sshd closes the pty: the
	// kernel hangs it up (reads end, writes fail) and sends SIGHUP.
	t.Run("terminal hang-up", func(t *testing.T) {
		t.Parallel()
		store, srv := defaultStore(t)
		c, ids := startLoaded(t, store, consoleEnv(srv))
		signalBulk(t, c, store, ids, 8)
		pid := c.wcadminPID()
		if _, err := c.run("kill-session", "-t", "e2e"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !processGone(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("wcadmin (pid %d) still runs 20s after its terminal hung up", pid)
			}
			time.Sleep(pollEvery)
		}
		checkIntentsHaveOutcomes(t, readJournal(t, c.journalPath()))
		log, _ := os.ReadFile(c.debugLogPath())
		for _, want := range []string{"signal: SIGHUP", "exit:"} {
			if !strings.Contains(string(log), want) {
				t.Errorf("the debug log lacks %q:\n%s", want, tailLines(log, 40))
			}
		}
		if strings.Contains(string(log), "panic") {
			t.Errorf("the debug log mentions a panic:\n%s", tailLines(log, 40))
		}
	})
}

// h. SIGTERM while idle after one deletion: the exit summary says what was
// deleted and where the journal is; wcadmin exits with 143.
func TestE2ESigtermIdleSummary(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoadedHeld(t, store, consoleEnv(srv))
	c.sendKeys("D")
	c.waitFor(fmt.Sprintf("#%d", ids[0]), "Cancel")
	c.sendKeys("y")
	c.waitFor(fmt.Sprintf("Deleted customer #%d", ids[0]))
	if err := syscall.Kill(c.wcadminPID(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.waitExit(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status %d after SIGTERM, want %d", code, 128+int(syscall.SIGTERM))
	}
	if c.ttyAfterExit != "cooked" {
		t.Errorf("terminal left %s after SIGTERM", c.ttyAfterExit)
	}
	s := c.waitFor(holdExitMarker)
	for _, want := range []string{"SIGTERM", "deleted 1,", fmt.Sprintf("deleted: %d", ids[0]), "journal: " + c.journalPath()} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen after exit lacks %q:\n%s", want, dumpScreen(s))
		}
	}
	if got := c.format("#{alternate_on}"); got != "0" {
		t.Errorf("alternate screen still on after SIGTERM")
	}
	log, _ := os.ReadFile(c.debugLogPath())
	if !strings.Contains(string(log), "signal: SIGTERM") {
		t.Errorf("the debug log does not record the signal")
	}
}
