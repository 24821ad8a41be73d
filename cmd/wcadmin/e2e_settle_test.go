package main

// End-to-end test of settling: a console killed with SIGKILL in the middle
// of a bulk deletion leaves attempts open in the journal (an intent, no
// outcome); the next start checks each customer on the store, journals the
// outcome as settled, and says so.

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// holdingProxy sits between the console and the store. Every DELETE is
// held until the client goes away (its answer never comes); the odd ones
// (1st, 3rd, …) are first passed to the store, so those customers are
// deleted although the console never learns it. Everything else passes.
type holdingProxy struct {
	srv  *httptest.Server
	stop chan struct{}

	mu         sync.Mutex
	deletes    int
	forwarded  []int64 // ids whose DELETE reached the store
	held       []int64 // ids whose DELETE never did
	forwarding atomic.Int32
}

func newHoldingProxy(t *testing.T, store *apitest.Server) *holdingProxy {
	t.Helper()
	target, err := url.Parse(store.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	p := &holdingProxy{stop: make(chan struct{})}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete {
			rp.ServeHTTP(w, r)
			return
		}
		id, _ := strconv.ParseInt(path.Base(r.URL.Path), 10, 64)
		p.mu.Lock()
		p.deletes++
		forward := p.deletes%2 == 1
		if forward {
			p.forwarding.Add(1)
		} else {
			p.held = append(p.held, id)
		}
		p.mu.Unlock()
		if forward {
			// Its own context: the store acts even if the console dies now.
			req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, store.URL+r.URL.RequestURI(), nil)
			if err == nil {
				req.Header = r.Header.Clone()
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}
			p.mu.Lock()
			p.forwarded = append(p.forwarded, id)
			p.mu.Unlock()
			p.forwarding.Add(-1)
		}
		select {
		case <-r.Context().Done():
		case <-p.stop:
		}
	}))
	t.Cleanup(p.srv.Close)
	t.Cleanup(func() { close(p.stop) }) // runs first: no handler holds Close up
	return p
}

// counts are the DELETEs the proxy forwarded and held so far, once none is
// being forwarded.
func (p *holdingProxy) counts() (forwarded, held []int64, settledDown bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int64(nil), p.forwarded...), append([]int64(nil), p.held...), p.forwarding.Load() == 0
}

// openAttempts are the journal's attempts with an intent and no final line,
// by attempt id.
func openAttempts(entries []audit.Entry) map[string]audit.Entry {
	open := map[string]audit.Entry{}
	for _, e := range entries {
		switch e.Phase {
		case audit.PhaseIntent:
			open[e.Attempt] = e
		case audit.PhaseOutcome, audit.PhaseSkipped:
			delete(open, e.Attempt)
		}
	}
	return open
}

// pollFor polls ok every pollEvery until it holds, failing after timeout.
func pollFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(pollEvery)
	}
}

func TestE2ESettleAfterSIGKILL(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	proxy := newHoldingProxy(t, srv)
	env := map[string]string{"WCADMIN_SITE": proxy.srv.URL, "WCADMIN_TOKEN": testToken}
	journal := tempJournal(t)
	const marked, concurrency = 8, 4

	// 1. A bulk deletion of 8, four at a time: every DELETE hangs, half of
	// them after the store acted.
	c, ids := startLoaded(t, store, env, "--audit-log="+journal, "--concurrency="+strconv.Itoa(concurrency))
	markFirst(c, ids, marked)
	c.sendKeys("D")
	c.waitFor(fmt.Sprintf("Type %d", marked))
	c.typeKeys(strconv.Itoa(marked))
	c.sendKeys("Enter")
	// Every open intent's DELETE has reached the proxy (none is between
	// journal and wire), at least one forwarded and one held.
	pollFor(t, 10*time.Second, "deletions in flight: open intents whose DELETEs were forwarded and held", func() bool {
		fwd, held, calm := proxy.counts()
		open := openAttempts(readJournal(t, journal))
		return calm && len(fwd) >= 1 && len(held) >= 1 && len(open) == len(fwd)+len(held)
	})

	// 2. SIGKILL: no outcome line, no summary, nothing.
	pid := c.wcadminPID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := c.waitExit(); code != 128+int(syscall.SIGKILL) {
		t.Errorf("exit status %d after SIGKILL, want %d", code, 128+int(syscall.SIGKILL))
	}
	pollFor(t, waitTimeout, "the killed wcadmin to be gone", func() bool { return processGone(pid) })
	pollFor(t, waitTimeout, "the proxy to finish forwarding", func() bool { _, _, calm := proxy.counts(); return calm })
	before := openAttempts(readJournal(t, journal))
	if len(before) == 0 || len(before) > concurrency {
		t.Fatalf("%d attempts open after the kill, want 1 to %d: %+v", len(before), concurrency, before)
	}
	var wantDeleted, wantNotDeleted int
	for _, e := range before {
		if store.Exists(e.CustomerID) {
			wantNotDeleted++
		} else {
			wantDeleted++
		}
	}
	if wantDeleted == 0 || wantNotDeleted == 0 {
		t.Fatalf("open attempts: %d of them deleted on the store, %d not: want some of each", wantDeleted, wantNotDeleted)
	}
	t.Logf("open after SIGKILL: %d (%d deleted on the store, %d not)", len(before), wantDeleted, wantNotDeleted)

	// 3. A read-only start does not delete, so it does not settle: it says
	// they are there and leaves them.
	ro := startConsole(t, env, "--audit-log="+journal, "--read-only")
	ro.waitUntil("the read-only notice", func(s string) bool {
		return strings.Contains(statusLine(s), fmt.Sprintf("%d interrupted deletions in the journal (read-only: left open", len(before)))
	})
	ro.quit("q")
	if n := len(openAttempts(readJournal(t, journal))); n != len(before) {
		t.Fatalf("%d attempts open after a read-only start, want %d", n, len(before))
	}

	// 4. The next start on the same journal settles them before the list
	// loads, and says so.
	c2 := startConsoleHeld(t, env, "--audit-log="+journal)
	want := "interrupted on"
	counts := fmt.Sprintf("settled: %d deleted, %d not deleted — wcadmin audit --open", wantDeleted, wantNotDeleted)
	s := c2.waitUntil("the settle notice", func(s string) bool {
		st := statusLine(s)
		return strings.Contains(st, want) && strings.Contains(st, counts)
	})
	if n := len(before); !strings.Contains(statusLine(s), fmt.Sprintf("%d deletions interrupted on", n)) {
		t.Errorf("the notice does not count %d interrupted deletions: %q", n, statusLine(s))
	}
	// The rows are the store's: the deleted customers are gone, the others stay.
	s = c2.waitUntil("the table", func(s string) bool { return len(rows(s)) > marked })
	for _, e := range before {
		_, shown := findRow(s, e.CustomerID)
		if exists := store.Exists(e.CustomerID); shown != exists {
			t.Errorf("customer %d: on screen %v, on the store %v", e.CustomerID, shown, exists)
		}
	}

	// 5. The journal: every attempt ends exactly once; the interrupted ones
	// end settled, as the store says.
	entries := readJournal(t, journal)
	finals := map[string][]audit.Entry{}
	for _, e := range entries {
		if e.Phase == audit.PhaseOutcome || e.Phase == audit.PhaseSkipped {
			finals[e.Attempt] = append(finals[e.Attempt], e)
		}
	}
	for _, e := range entries {
		if e.Phase != audit.PhaseIntent {
			continue
		}
		fs := finals[e.Attempt]
		if len(fs) != 1 {
			t.Errorf("attempt %s (customer %d): %d final lines, want 1: %+v", e.Attempt, e.CustomerID, len(fs), fs)
			continue
		}
		f := fs[0]
		if _, interrupted := before[e.Attempt]; !interrupted {
			if f.Settled != nil {
				t.Errorf("attempt %s was not interrupted but got settled: %+v", e.Attempt, f)
			}
			continue
		}
		wantResult := audit.ResultDeleted
		if store.Exists(e.CustomerID) {
			wantResult = audit.ResultNotDeleted
		}
		switch {
		case f.Settled == nil:
			t.Errorf("customer %d: outcome without settled: %+v", e.CustomerID, f)
		case f.Phase != audit.PhaseOutcome || f.Result != wantResult || f.CustomerID != e.CustomerID:
			t.Errorf("customer %d: %s %s (customer %d), want outcome %s", e.CustomerID, f.Phase, f.Result, f.CustomerID, wantResult)
		case !f.Settled.Interrupted.Equal(e.Time) || f.Settled.By == "" || f.Settled.At.Before(e.Time):
			t.Errorf("customer %d: settlement %+v for an intent at %s", e.CustomerID, *f.Settled, e.Time)
		}
	}
	if open := openAttempts(entries); len(open) != 0 {
		t.Errorf("attempts still open after settling: %+v", open)
	}
	log, _ := os.ReadFile(c2.debugLogPath())
	if !strings.Contains(string(log), fmt.Sprintf("settle: found %d", len(before))) {
		t.Errorf("the debug log does not record the settle:\n%s", tailLines(log, 30))
	}

	// 6. What it printed before taking the screen is there after quitting.
	c2.quit("q")
	after := c2.waitFor(holdExitMarker)
	if w := fmt.Sprintf("wcadmin: checking %d interrupted deletions from the journal", len(before)); !strings.Contains(after, w) {
		t.Errorf("the screen after exit lacks %q:\n%s", w, dumpScreen(after))
	}
	if got := len(deleteRequests(store)); got != wantDeleted {
		t.Errorf("the store got %d DELETEs, want %d (only the forwarded ones; settling sends none)", got, wantDeleted)
	}
}

// brokenJournal writes a journal of three deletions at path and then
// changes one line's email, as a hand edit would: the chain breaks there.
func brokenJournal(t *testing.T, path string) {
	t.Helper()
	j, err := audit.Open(path, func(k string) string { return map[string]string{"USER": "alice"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		e := audit.Entry{Phase: audit.PhaseSkipped, Site: "https://elsewhere.example.com/api/v4", CustomerID: int64(i),
			Email: fmt.Sprintf("c%d@example.com", i), Attempt: audit.NewAttempt(), Result: audit.ResultAlreadyGone}
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "c2@example.com", "cX@example.com", 1)
	if edited == string(b) {
		t.Fatal("nothing to edit in the journal")
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestChainWarning(t *testing.T) {
	dir := t.TempDir()
	discard := log.New(io.Discard, "", 0)
	if w := chainWarning(filepath.Join(dir, "none.jsonl"), discard); w != "" {
		t.Errorf("no journal yet: warning %q", w)
	}
	path := filepath.Join(dir, "audit.jsonl")
	brokenJournal(t, path)
	w := chainWarning(path, discard)
	for _, want := range []string{"The deletion journal's hash chain is broken at " + path + ":", "(changed) — run wcadmin audit verify"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	if got := joinNotices("", w); got != w {
		t.Errorf("joinNotices(\"\", w) = %q", got)
	}
	if got := joinNotices("a", "b"); got != "a · b" {
		t.Errorf("joinNotices(a, b) = %q", got)
	}
}

// A broken hash chain is a warning at start-up; deleting still works (the
// journal can be written).
func TestE2ESettleWarnsOfBrokenChain(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	journal := tempJournal(t)
	brokenJournal(t, journal)
	c, ids := startLoaded(t, store, consoleEnv(srv), "--audit-log="+journal)
	s := c.waitUntil("the broken-chain warning", func(s string) bool {
		return strings.Contains(statusLine(s), "hash chain is broken at "+journal+":")
	})
	if st := statusLine(s); !strings.Contains(st, "(changed) — run wcadmin audit verify") || strings.Contains(st, "Deleting is disabled") {
		t.Errorf("status %q", st)
	}
	c.sendKeys("D")
	c.waitFor(deleteModalTitle)
	c.sendKeys("y")
	c.waitFor(fmt.Sprintf("Deleted customer #%d", ids[0]))
	c.quit("q")
	if store.Exists(ids[0]) {
		t.Errorf("customer %d was not deleted", ids[0])
	}
}
