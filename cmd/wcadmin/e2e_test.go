package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

const customersAPIPath = "/api/v4/admin/customers"

// deleteModalTitle is the title of the single delete modal (and of a bulk
// modal of one).
const deleteModalTitle = "Delete 1 customer?"

// startLoaded starts the console against srv and waits for the first rows.
func startLoaded(t *testing.T, store *apitest.Store, env map[string]string, args ...string) (*console, []int64) {
	t.Helper()
	ids := store.IDs()
	if len(ids) < 5 {
		t.Fatalf("store has %d customers, want at least 5", len(ids))
	}
	c := startConsole(t, env, args...)
	c.waitUntil(fmt.Sprintf("customer %d selected in the table", ids[0]), func(s string) bool {
		r, ok := selectedRow(s)
		return ok && r.id == ids[0]
	})
	return c, ids
}

func TestE2EDeleteOneCustomer(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))
	first, target, next := ids[0], ids[2], ids[3]
	if email := customerEmail(t, store, first); email != "" && fitsCells(email, 30) {
		c.waitFor(email)
	}

	c.sendKeys("Down")
	c.waitSelected(ids[1])
	c.sendKeys("Down")
	c.waitSelected(target)
	c.sendKeys("D")
	c.waitFor(deleteModalTitle, fmt.Sprintf("#%d", target),
		fmt.Sprintf("DELETE /api/v4/admin/customers/%d", target))
	if got := deleteRequests(store); len(got) != 0 {
		t.Fatalf("opening the modal sent %d DELETE requests", len(got))
	}

	c.sendKeys("y")
	email := customerEmail(t, store, target)
	want := fmt.Sprintf("Deleted customer #%d", target)
	if email != "" {
		want = fmt.Sprintf("Deleted customer #%d (%s)", target, email)
	}
	s := c.waitFor(fmt.Sprintf("Deleted customer #%d", target))
	if st := statusLine(s); fitsCells(want, termWidth-2) && !strings.Contains(st, want) {
		t.Errorf("status line = %q, want it to contain %q", st, want)
	}

	// The store: exactly this customer, exactly one DELETE, to its path.
	if got := store.Deleted(); !slices.Equal(got, []int64{target}) {
		t.Errorf("store.Deleted() = %v, want [%d]", got, target)
	}
	if store.Exists(target) {
		t.Errorf("customer %d still exists in the store", target)
	}
	for _, id := range []int64{first, ids[1], next} {
		if !store.Exists(id) {
			t.Errorf("customer %d was deleted too", id)
		}
	}
	dels := deleteRequests(store)
	if len(dels) != 1 {
		t.Fatalf("%d DELETE requests, want 1: %+v", len(dels), dels)
	}
	if want := fmt.Sprintf("%s/%d", customersAPIPath, target); dels[0].Path != want {
		t.Errorf("DELETE path = %q, want %q", dels[0].Path, want)
	}
	if dels[0].Status != 204 {
		t.Errorf("DELETE answered %d, want 204", dels[0].Status)
	}

	// The list is re-fetched from the start after the delete.
	waitStore(t, "a GET of the first page after the DELETE", func() bool {
		reqs := store.Requests()
		after := false
		for _, r := range reqs {
			if r.Method == "DELETE" {
				after = true
				continue
			}
			if after && r.Method == "GET" && r.Path == customersAPIPath &&
				(r.Query.Get("offset") == "" || r.Query.Get("offset") == "0") {
				return true
			}
		}
		return false
	})

	// The screen: the row is gone and the cursor is on the customer after it,
	// also once the re-fetched list has replaced the table.
	s = c.waitSelected(next)
	if _, ok := findRow(s, target); ok {
		t.Errorf("customer %d is still listed after the delete:\n%s", target, s)
	}
	for _, id := range []int64{first, ids[1], next} {
		if _, ok := findRow(s, id); !ok {
			t.Errorf("customer %d is missing from the table:\n%s", id, s)
		}
	}
	c.quit("q")
	if got := deleteRequests(store); len(got) != 1 {
		t.Errorf("%d DELETE requests at exit, want 1", len(got))
	}
}

func TestE2ECancelSendsNothing(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))

	for i, tc := range []struct{ open, cancel string }{
		{"D", "n"},
		{"DC", "Escape"}, // the Delete key
		{"D", "x"},       // any other key cancels too
	} {
		id := ids[i]
		c.waitSelected(id)
		c.sendKeys(tc.open)
		c.waitFor(deleteModalTitle, fmt.Sprintf("ID:    #%d", id))
		c.sendKeys(tc.cancel)
		c.waitGone(deleteModalTitle)
		s := c.waitFor(fmt.Sprintf("customer #%d was not deleted", id))
		if r, ok := selectedRow(s); !ok || r.id != id {
			t.Errorf("%s then %s: cursor on %+v, want customer %d", tc.open, tc.cancel, r, id)
		}
		if got := deleteRequests(store); len(got) != 0 {
			t.Fatalf("%s then %s sent DELETE requests: %+v", tc.open, tc.cancel, got)
		}
		c.sendKeys("Down")
	}

	c.waitSelected(ids[3])
	c.quit("q")
	if got := deleteRequests(store); len(got) != 0 {
		t.Errorf("DELETE requests after cancelling: %+v", got)
	}
	if got := store.Deleted(); len(got) != 0 {
		t.Errorf("store.Deleted() = %v, want none", got)
	}
}

func TestE2EReadOnly(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv), "--read-only")
	c.waitFor("READ-ONLY")

	for _, k := range []string{"D", "DC"} {
		c.sendKeys(k)
		s := c.waitFor("Read-only")
		if strings.Contains(s, deleteModalTitle) {
			t.Errorf("%s opened the delete modal in read-only mode:\n%s", k, s)
		}
		if st := statusLine(s); !strings.Contains(st, "Read-only") || !strings.Contains(st, "--read-only") {
			t.Errorf("status line = %q, want the read-only explanation naming --read-only", st)
		}
	}
	// A y after D must not delete anything either.
	c.sendKeys("y")
	c.sendKeys("Down")
	c.waitSelected(ids[1])
	if got := deleteRequests(store); len(got) != 0 {
		t.Errorf("read-only console sent DELETE requests: %+v", got)
	}
	if got := store.Deleted(); len(got) != 0 {
		t.Errorf("store.Deleted() = %v, want none", got)
	}
	c.quit("q")
}

func TestE2EQuitRestoresTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		modal bool // quit with the delete modal open
		key   string
	}{
		{"q", false, "q"},
		{"ctrl+c", false, "C-c"},
		{"ctrl+c in the modal", true, "C-c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store, srv := defaultStore(t)
			ids := store.IDs()
			c := startConsoleHeld(t, consoleEnv(srv))
			c.waitSelected(ids[0])
			if got := c.format("#{alternate_on}"); got != "1" {
				t.Errorf("alternate screen = %q while running, want 1", got)
			}
			if tc.modal {
				c.sendKeys("D")
				c.waitFor(deleteModalTitle)
			}
			c.quit(tc.key)
			s := c.waitFor(holdExitMarker)
			// The terminal as wcadmin left it, before tmux marks the pane dead.
			for f, want := range map[string]string{
				"#{alternate_on}":   "0", // left the alternate screen
				"#{cursor_flag}":    "1", // cursor visible again
				"#{mouse_any_flag}": "0", // no mouse reporting left on
				"#{keypad_flag}":    "0",
			} {
				if got := c.format(f); got != want {
					t.Errorf("after exit %s = %q, want %q", f, got, want)
				}
			}
			if _, ok := findRow(s, ids[0]); ok || strings.Contains(s, srv.Addr) ||
				strings.Contains(s, "customers") || strings.Contains(s, "▶") {
				t.Errorf("the console is still on screen after exit:\n%s", dumpScreen(s))
			}
			if got := deleteRequests(store); len(got) != 0 {
				t.Errorf("quitting sent DELETE requests: %+v", got)
			}
		})
	}
}

func TestE2EDemo(t *testing.T) {
	t.Parallel()
	c := startConsole(t, nil, "--demo", "--debug-log="+debugLogArg)
	s := c.waitUntil("[DEMO] and customer rows", func(s string) bool {
		return strings.Contains(s, "[DEMO]") && len(rows(s)) >= 10
	})
	if _, ok := selectedRow(s); !ok {
		t.Errorf("no row selected in the demo:\n%s", s)
	}
	if got := c.format("#{alternate_on}"); got != "1" {
		t.Errorf("alternate screen = %q while running, want 1", got)
	}
	c.quit("q")
}

func TestE2EErrorsWithoutTTY(t *testing.T) {
	t.Parallel()
	bin := wcadminBinary(t)

	run := func(t *testing.T, env ...string) (int, string) {
		t.Helper()
		home := t.TempDir()
		cfg := filepath.Join(home, ".config")
		if err := os.MkdirAll(cfg, 0o700); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin) // stdin nil: /dev/null; stdout: a pipe
		cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + cfg, "PATH=/usr/bin:/bin", "TERM=xterm-256color"}, env...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if stdout.Len() != 0 {
			t.Errorf("wrote to stdout: %q", stdout.String())
		}
		return code, stderr.String()
	}

	t.Run("no terminal", func(t *testing.T) {
		t.Parallel()
		store, srv := defaultStore(t)
		code, stderr := run(t, "WCADMIN_SITE="+srv.URL, "WCADMIN_TOKEN="+testToken)
		if code != 1 {
			t.Errorf("exit status %d, want 1", code)
		}
		if !strings.Contains(stderr, "needs a terminal") {
			t.Errorf("stderr = %q, want it to say the console needs a terminal", stderr)
		}
		if got := deleteRequests(store); len(got) != 0 {
			t.Errorf("DELETE requests: %+v", got)
		}
	})

	t.Run("no site", func(t *testing.T) {
		t.Parallel()
		code, stderr := run(t)
		if code != 1 {
			t.Errorf("exit status %d, want 1", code)
		}
		for _, want := range []string{"WCADMIN_SITE", "--site"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr = %q, want it to name %s", stderr, want)
			}
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		t.Parallel()
		store, srv := defaultStore(t)
		c := startConsole(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "bad-token-4711"})
		s := c.waitFor("rejected the credentials (401)")
		if n := len(rows(s)); n != 0 {
			t.Errorf("%d customer rows shown after a 401:\n%s", n, s)
		}
		if strings.Contains(s, "bad-token-4711") {
			t.Errorf("the token is shown on screen:\n%s", s)
		}
		got := store.Requests()
		if len(got) == 0 || got[0].Status != 401 {
			t.Errorf("store requests = %+v, want a 401 first", got)
		}
		c.sendKeys("D") // nothing to delete
		c.waitFor("No customer selected")
		c.quit("q")
		if got := deleteRequests(store); len(got) != 0 {
			t.Errorf("DELETE requests: %+v", got)
		}
	})
}

func TestE2EDeleteServerError(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	store.Inject(apitest.RouteDelete, apitest.Fault{
		Status: 500, Body: `{"status":"error","code":500,"message":"db down"}`, Times: 1,
	})
	c, ids := startLoaded(t, store, consoleEnv(srv))
	target := ids[1]
	c.sendKeys("Down")
	c.waitSelected(target)
	c.sendKeys("D")
	c.waitFor(deleteModalTitle, fmt.Sprintf("ID:    #%d", target))
	c.sendKeys("y")
	s := c.waitFor("HTTP 500", "db down")
	if st := statusLine(s); !strings.Contains(st, fmt.Sprintf("#%d", target)) {
		t.Errorf("status line = %q, want it to name customer #%d", st, target)
	}
	if r, ok := selectedRow(s); !ok || r.id != target {
		t.Errorf("cursor on %+v after the failed delete, want customer %d still there and selected:\n%s", r, target, s)
	}
	if got := store.Deleted(); len(got) != 0 {
		t.Errorf("store.Deleted() = %v, want none", got)
	}
	if !store.Exists(target) {
		t.Errorf("customer %d is gone from the store", target)
	}
	dels := deleteRequests(store)
	if len(dels) != 1 {
		t.Errorf("%d DELETE requests, want exactly 1 (a DELETE must not be retried): %+v", len(dels), dels)
	} else if dels[0].Status != 500 {
		t.Errorf("DELETE answered %d, want the injected 500", dels[0].Status)
	}
	c.quit("q")
}

// --debug-log with a real (non-demo) store: the console runs normally, the
// log records the session, is private (0600) and never holds the token.
func TestE2EDebugLog(t *testing.T) {
	t.Parallel()
	const secret = "e2e-secret-token-7f3a9c"
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 60, Token: secret})
	c, ids := startLoaded(t, store, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": secret},
		"--debug-log="+debugLogArg)
	c.sendKeys("D")
	c.waitFor(deleteModalTitle, fmt.Sprintf("ID:    #%d", ids[0]))
	c.sendKeys("y")
	c.waitFor(fmt.Sprintf("Deleted customer #%d", ids[0]))
	c.quit("q")
	if got := store.Deleted(); !slices.Equal(got, []int64{ids[0]}) {
		t.Errorf("store.Deleted() = %v, want [%d]", got, ids[0])
	}

	fi, err := os.Stat(c.debugLogPath())
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("debug log mode %v, want 0600", perm)
	}
	b, err := os.ReadFile(c.debugLogPath())
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{"start:", fmt.Sprintf("customers/%d", ids[0]), "exit:"} {
		if !strings.Contains(log, want) {
			t.Errorf("debug log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, secret) {
		t.Errorf("debug log contains the access token:\n%s", log)
	}
}
