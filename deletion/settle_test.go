package deletion

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
)

// The settle tests need intents written by a process that is gone, as a
// killed wcadmin leaves them: a child (this test binary, re-run with
// settleChildEnv set) appends the intents and exits without outcomes.
const (
	settleChildEnv     = "WCADMIN_SETTLE_CHILD_JOURNAL"
	settleChildEntries = "WCADMIN_SETTLE_CHILD_ENTRIES"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(settleChildEnv); path != "" {
		os.Exit(settleChild(path, os.Getenv(settleChildEntries)))
	}
	os.Exit(m.Run())
}

// settleChild appends the entries in file (a JSON array) to the journal at
// path and exits: nothing ever follows them.
func settleChild(path, file string) int {
	b, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var entries []audit.Entry
	if err := json.Unmarshal(b, &entries); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	j, err := audit.Open(path, func(k string) string { return map[string]string{"USER": "bob"}[k] })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for _, e := range entries {
		if err := j.Append(e); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	return 0 // no Close, no outcome: as if killed
}

// interruptedIntents journals an intent for each customer (as fetched now,
// or a made-up record for an id the store does not have) from a child
// process that then exits, and returns the intents by customer id.
func interruptedIntents(t *testing.T, f *fixture, site string, ids ...int64) map[int64]audit.Entry {
	t.Helper()
	d := *f.del
	d.Site = site
	out := map[int64]audit.Entry{}
	var entries []audit.Entry
	for _, id := range ids {
		c, err := f.client.GetCustomer(context.Background(), id)
		if apiclient.IsNotFound(err) {
			c = apiclient.Customer{ID: id, Email: fmt.Sprintf("gone%d@example.com", id), FirstName: "Gone"}
		} else if err != nil {
			t.Fatal(err)
		}
		e := d.entry(audit.PhaseIntent, audit.NewAttempt(), c)
		e.Time = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		e.Record = recordJSON(c)
		entries = append(entries, e)
		out[id] = e
	}
	writeFromGoneProcess(t, f, entries)
	return out
}

// writeFromGoneProcess appends entries to the fixture's journal from a child
// process that then exits, as a killed wcadmin leaves them.
func writeFromGoneProcess(t *testing.T, f *fixture, entries []audit.Entry) {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/entries.json"
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), settleChildEnv+"="+f.path, settleChildEntries+"="+file)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child writing the journal lines: %v\n%s", err, out)
	}
	f.store.ResetRequests()
}

// finals are the outcome and skipped lines of the journal, by attempt.
func finals(t *testing.T, f *fixture) map[string][]audit.Entry {
	t.Helper()
	out := map[string][]audit.Entry{}
	for _, e := range f.entries(t) {
		if e.Phase == audit.PhaseOutcome || e.Phase == audit.PhaseSkipped {
			out[e.Attempt] = append(out[e.Attempt], e)
		}
	}
	return out
}

// getFails answers 500 to every GET of customer *id.
func getFails(id *atomic.Int64) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, fmt.Sprintf("/customers/%d", id.Load())) {
				http.Error(w, `{"message":"boom"}`, http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// One fixture, one interrupted attempt per outcome of the check.
func TestSettleOutcomes(t *testing.T) {
	var failID atomic.Int64
	f := newFixture(t, fixtureOpts{handler: getFails(&failID)})
	ids := f.store.IDs()
	trashed, unchanged, changed, failing := ids[1], ids[2], ids[3], ids[4]
	missing := ids[len(ids)-1] + 1000
	intents := interruptedIntents(t, f, f.del.Site, missing, trashed, unchanged, changed, failing)
	if err := f.client.DeleteCustomer(context.Background(), trashed); err != nil {
		t.Fatal(err)
	}
	f.store.SetField(changed, "email", "someone.else@example.com")
	failID.Store(failing)
	f.store.ResetRequests()

	before := time.Now().UTC()
	rep, err := f.del.Settle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Found != 5 || len(rep.Deleted) != 2 || len(rep.NotDeleted) != 2 || len(rep.Open) != 1 || rep.ByOther != 0 {
		t.Fatalf("report %+v: want 5 found, 2 deleted, 2 not deleted, 1 open", rep)
	}
	if f.deletes() != 0 {
		t.Errorf("settling sent %d DELETEs", f.deletes())
	}

	want := map[int64]struct{ result, how string }{
		missing:   {audit.ResultDeleted, "GET answered 404"},
		trashed:   {audit.ResultDeleted, "in the trash"},
		unchanged: {audit.ResultNotDeleted, "still there, unchanged"},
		changed:   {audit.ResultNotDeleted, "still there, changed: email was"},
	}
	fin := finals(t, f)
	for id, w := range want {
		in := intents[id]
		lines := fin[in.Attempt]
		if len(lines) != 1 {
			t.Errorf("customer %d: %d final lines, want 1: %+v", id, len(lines), lines)
			continue
		}
		e := lines[0]
		if e.Phase != audit.PhaseOutcome || e.Result != w.result || e.CustomerID != id {
			t.Errorf("customer %d: %s %s for %d, want outcome %s", id, e.Phase, e.Result, e.CustomerID, w.result)
		}
		if e.Email != in.Email || e.Name != in.Name || e.Profile != in.Profile || e.Site != in.Site {
			t.Errorf("customer %d: outcome %+v does not copy the intent %+v", id, e, in)
		}
		s := e.Settled
		if s == nil {
			t.Errorf("customer %d: outcome without settled: %+v", id, e)
			continue
		}
		if !strings.HasPrefix(s.How, w.how) {
			t.Errorf("customer %d: how %q, want %q…", id, s.How, w.how)
		}
		if s.By != "alice" || s.Host == "" || s.At.Before(before) || !s.Interrupted.Equal(in.Time) {
			t.Errorf("customer %d: settlement %+v (intent at %s)", id, *s, in.Time)
		}
		if !strings.Contains(e.Message, "settled after an interruption") {
			t.Errorf("customer %d: message %q", id, e.Message)
		}
	}
	if e := fin[intents[changed].Attempt]; len(e) == 1 && !strings.Contains(e[0].Message, "someone.else@example.com") {
		t.Errorf("the changed customer's message does not say what changed: %q", e[0].Message)
	}
	if e := fin[intents[unchanged].Attempt]; len(e) == 1 && !strings.Contains(e[0].Message, "did not happen") {
		t.Errorf("the unchanged customer's message: %q", e[0].Message)
	}
	if lines := fin[intents[failing].Attempt]; len(lines) != 0 {
		t.Errorf("the customer whose check failed got final lines: %+v", lines)
	}
	if o := rep.Open[0]; o.CustomerID != failing || o.Attempt != intents[failing].Attempt || o.Err == nil {
		t.Errorf("open: %+v", o)
	}
	if rep.Changed() != 1 {
		t.Errorf("Changed() = %d, want 1", rep.Changed())
	}

	msg := rep.Message()
	when := intents[missing].Time.Local().Format("Jan 2 at 15:04")
	for _, w := range []string{
		"4 deletions interrupted on " + when + " were settled: 2 deleted, 2 not deleted",
		fmt.Sprintf("1 interrupted deletion could not be checked (customer %d: ", failing),
		"and stays open — wcadmin audit --open",
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}

	// The open one is found again by the next start, and settled once its
	// check works; the settled ones are not touched again.
	f2 := &Deleter{API: f.client, Journal: f.journal, Profile: "test", Site: f.del.Site, CheckTimeout: time.Second}
	att, err := f2.Interrupted()
	if err != nil {
		t.Fatal(err)
	}
	if len(att) != 1 || att[0].ID != intents[failing].Attempt {
		t.Fatalf("interrupted after settling: %+v, want only the failed check's attempt", att)
	}
}

func TestSettleCheckFailsWhenContextEnds(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	interruptedIntents(t, f, f.del.Site, id)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := f.del.Settle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Found != 1 || len(rep.Open) != 1 || !errors.Is(rep.Open[0].Err, context.Canceled) {
		t.Fatalf("report %+v: want the attempt open with context.Canceled", rep)
	}
	if n := len(finals(t, f)); n != 0 {
		t.Errorf("%d attempts got final lines", n)
	}
}

func TestSettleNothingToDo(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	rep, err := f.del.Settle(context.Background())
	if err != nil || rep.Any() || rep.Message() != "" {
		t.Fatalf("empty journal: %+v, %v, message %q", rep, err, rep.Message())
	}
	if _, err := (&Deleter{}).Settle(context.Background()); !errors.Is(err, ErrNoJournal) {
		t.Errorf("no journal: err %v, want ErrNoJournal", err)
	}
}

// Two journals on one path (two wcadmin processes) settle at once: every
// attempt gets exactly one outcome line.
func TestSettleTwoJournalsAtOnce(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ids := f.store.IDs()[:12]
	intents := interruptedIntents(t, f, f.del.Site, ids...)
	for _, id := range ids[:6] {
		if err := f.client.DeleteCustomer(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	j2, err := audit.Open(f.path, func(k string) string { return map[string]string{"USER": "carol"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	d1 := f.del
	d2 := &Deleter{API: f.client, Journal: j2, Profile: "test", Site: f.del.Site, CheckTimeout: 5 * time.Second}

	var wg sync.WaitGroup
	reps := make([]SettleReport, 2)
	errs := make([]error, 2)
	for i, d := range []*Deleter{d1, d2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = d.Settle(context.Background())
		}()
	}
	wg.Wait()
	settled := 0
	for i, r := range reps {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if len(r.Open) != 0 {
			t.Errorf("process %d left %+v open", i, r.Open)
		}
		settled += len(r.Deleted) + len(r.NotDeleted)
	}
	if settled != len(ids) {
		t.Errorf("%d settled in all (%+v / %+v), want %d", settled, reps[0], reps[1], len(ids))
	}
	fin := finals(t, f)
	for i, id := range ids {
		lines := fin[intents[id].Attempt]
		if len(lines) != 1 {
			t.Errorf("customer %d: %d final lines, want exactly 1: %+v", id, len(lines), lines)
			continue
		}
		want := audit.ResultNotDeleted
		if i < 6 {
			want = audit.ResultDeleted
		}
		if lines[0].Result != want {
			t.Errorf("customer %d: %s, want %s", id, lines[0].Result, want)
		}
	}
}

// Attempts of another site are neither checked nor settled.
func TestSettleLeavesOtherSitesAlone(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ids := f.store.IDs()
	mine := interruptedIntents(t, f, f.del.Site, ids[0])
	other := interruptedIntents(t, f, "https://other.example.com/api/v4", ids[1])
	rep, err := f.del.Settle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Found != 1 || len(rep.NotDeleted) != 1 || rep.NotDeleted[0].CustomerID != ids[0] {
		t.Fatalf("report %+v: want only customer %d settled", rep, ids[0])
	}
	for _, r := range f.store.Requests() {
		if strings.HasSuffix(r.Path, fmt.Sprintf("/customers/%d", ids[1])) {
			t.Errorf("the other site's customer was asked for: %s %s", r.Method, r.Path)
		}
	}
	fin := finals(t, f)
	if len(fin[mine[ids[0]].Attempt]) != 1 {
		t.Errorf("this site's attempt was not settled")
	}
	if lines := fin[other[ids[1]].Attempt]; len(lines) != 0 {
		t.Errorf("the other site's attempt was settled: %+v", lines)
	}
}

// blockingDelete holds every DELETE until release is closed.
type blockingDelete struct {
	API
	sent    chan struct{}
	release chan struct{}
}

func (b *blockingDelete) DeleteCustomer(ctx context.Context, id int64) error {
	close(b.sent)
	<-b.release
	return b.API.DeleteCustomer(ctx, id)
}

// An attempt this process has in flight (intent written, DELETE not yet
// answered) is not interrupted: Settle leaves it to the deletion.
func TestSettleSkipsAttemptInFlight(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	api := &blockingDelete{API: f.client, sent: make(chan struct{}), release: make(chan struct{})}
	d := &Deleter{API: api, Journal: f.journal, Profile: "test", Site: f.del.Site}
	done := make(chan Outcome)
	go func() { done <- d.Delete(context.Background(), c) }()
	<-api.sent // the intent is journaled

	rep, err := d.Settle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Any() {
		t.Errorf("settle found the attempt in flight: %+v", rep)
	}
	close(api.release)
	out := <-done
	wantKind(t, out, Deleted)
	lines := finals(t, f)[out.Attempt]
	if len(lines) != 1 || lines[0].Settled != nil || lines[0].Result != audit.ResultDeleted {
		t.Errorf("final lines of the attempt: %+v, want the deletion's own outcome only", lines)
	}
}

func TestSettleReportMessage(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 42, 5, 0, time.UTC)
	at := t0.Local().Format("Jan 2 at 15:04")
	later := t0.Add(26 * time.Hour).Local().Format("Jan 2 at 15:04")
	one := Settled{CustomerID: 1}
	cases := []struct {
		name string
		rep  SettleReport
		want string
	}{
		{"none", SettleReport{}, ""},
		{"one deleted", SettleReport{Found: 1, Deleted: []Settled{one}, Earliest: t0, Latest: t0},
			"1 deletion interrupted on " + at + " was settled: 1 deleted, 0 not deleted — wcadmin audit --open"},
		{"two in the same minute", SettleReport{Found: 2, Deleted: []Settled{one}, NotDeleted: []Settled{one},
			Earliest: t0, Latest: t0.Add(30 * time.Second)},
			"2 deletions interrupted on " + at + " were settled: 1 deleted, 1 not deleted — wcadmin audit --open"},
		{"span and changed", SettleReport{Found: 2, NotDeleted: []Settled{one, {Changed: true}},
			Earliest: t0, Latest: t0.Add(26 * time.Hour)},
			"2 deletions interrupted between " + at + " and " + later +
				" were settled: 0 deleted, 2 not deleted (1 of them changed since) — wcadmin audit --open"},
		{"one open", SettleReport{Found: 1, Open: []Unsettled{{CustomerID: 17, Err: errors.New("timeout\x1b[31m")}},
			Earliest: t0, Latest: t0},
			"1 interrupted deletion could not be checked (customer 17: timeout) and stays open — wcadmin audit --open"},
		{"only never sent", SettleReport{Found: 1, NotSent: []Settled{one}},
			"1 scheduled deletion was never sent (wcadmin ended inside the undo window) — wcadmin audit"},
		{"settled and never sent", SettleReport{Found: 3, Deleted: []Settled{one}, NotSent: []Settled{one, one},
			Earliest: t0, Latest: t0},
			"1 deletion interrupted on " + at + " was settled: 1 deleted, 0 not deleted; " +
				"2 scheduled deletions were never sent (wcadmin ended inside the undo window) — wcadmin audit --open"},
		{"by other", SettleReport{Found: 3, ByOther: 1, Deleted: []Settled{one}, Open: []Unsettled{{CustomerID: 4, Err: errors.New("x")}, {CustomerID: 5}},
			Earliest: t0, Latest: t0},
			"1 deletion interrupted on " + at + " was settled: 1 deleted, 0 not deleted; " +
				"1 interrupted deletion was settled by another wcadmin first; " +
				"2 interrupted deletions could not be checked (customers 4, 5: x) and stay open — wcadmin audit --open"},
	}
	for _, c := range cases {
		if got := c.rep.Message(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// A scheduled deletion whose wcadmin ended inside the undo window sent
// nothing: Settle closes it as not_sent without asking the store, and leaves
// undone attempts, other sites' and this process's own pending ones alone.
func TestSettleScheduledNeverSent(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ids := f.store.IDs()
	a, b, intentID, undoneID, otherID := ids[0], ids[1], ids[2], ids[3], ids[4]
	when := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	scheduledLine := func(site string, id int64) audit.Entry {
		d := *f.del
		d.Site = site
		e := d.entry(audit.PhaseScheduled, audit.NewAttempt(), f.confirm(t, id))
		e.Time = when
		e.Message = "confirmed; the DELETE waits out the 5s undo window"
		return e
	}
	schedA, schedB := scheduledLine(f.del.Site, a), scheduledLine(f.del.Site, b)
	schedUndone := scheduledLine(f.del.Site, undoneID)
	undone := schedUndone
	undone.Phase, undone.Message = audit.PhaseUndone, "undone before anything was sent: u pressed"
	other := scheduledLine("https://other.example.com/api/v4", otherID)
	writeFromGoneProcess(t, f, []audit.Entry{schedA, schedUndone, undone, other, schedB})
	intents := interruptedIntents(t, f, f.del.Site, intentID)

	// This process's own pending deletion is in its window, not interrupted.
	mine, err := f.del.Schedule(f.confirm(t, ids[5]), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	f.store.ResetRequests()

	att, err := f.del.Interrupted()
	if err != nil {
		t.Fatal(err)
	}
	var scheduled int
	for _, x := range att {
		if x.ID == mine || x.ID == schedUndone.Attempt || x.ID == other.Attempt {
			t.Errorf("Interrupted lists attempt %s (customer %d)", x.ID, x.Lines[0].Entry.CustomerID)
		}
		if x.Intent == nil {
			scheduled++
			if x.Scheduled == nil || x.Lines[0].Entry.Phase != audit.PhaseScheduled {
				t.Errorf("attempt %s without an intent: %+v", x.ID, x)
			}
		}
	}
	if len(att) != 3 || scheduled != 2 {
		t.Fatalf("Interrupted: %d attempts (%d scheduled), want 3 (2 scheduled): %+v", len(att), scheduled, att)
	}

	rep := f.del.SettleAttempts(context.Background(), att)
	if rep.Found != 3 || len(rep.NotSent) != 2 || len(rep.NotDeleted) != 1 || len(rep.Deleted) != 0 ||
		len(rep.Open) != 0 || rep.ByOther != 0 {
		t.Fatalf("report %+v: want 3 found, 2 not sent, 1 not deleted", rep)
	}
	if !rep.Earliest.Equal(intents[intentID].Time) {
		t.Errorf("Earliest = %s, want the intent's time %s", rep.Earliest, intents[intentID].Time)
	}
	// The store was asked about the intent's customer only, and nothing was deleted.
	for _, r := range f.store.Requests() {
		if r.Method == http.MethodDelete {
			t.Errorf("settling sent %s %s", r.Method, r.Path)
		}
		for _, id := range []int64{a, b} {
			if strings.HasSuffix(r.Path, fmt.Sprintf("/customers/%d", id)) {
				t.Errorf("settling asked the store about never-sent customer %d: %s %s", id, r.Method, r.Path)
			}
		}
	}
	for _, id := range []int64{a, b} {
		if !f.store.Exists(id) {
			t.Errorf("customer %d is gone from the store", id)
		}
	}

	fin := finals(t, f)
	for _, sc := range []audit.Entry{schedA, schedB} {
		lines := fin[sc.Attempt]
		if len(lines) != 1 {
			t.Errorf("customer %d: %d final lines, want 1: %+v", sc.CustomerID, len(lines), lines)
			continue
		}
		e := lines[0]
		if e.Phase != audit.PhaseOutcome || e.Result != audit.ResultNotSent || e.Status != 0 {
			t.Errorf("customer %d: %s %s (status %d), want outcome %s", sc.CustomerID, e.Phase, e.Result, e.Status, audit.ResultNotSent)
		}
		if e.CustomerID != sc.CustomerID || e.Email != sc.Email || e.Name != sc.Name || e.Profile != sc.Profile || e.Site != sc.Site {
			t.Errorf("customer %d: outcome %+v does not copy the scheduled line %+v", sc.CustomerID, e, sc)
		}
		if s := e.Settled; s == nil || s.How != NotSentHow || s.By != "alice" || !s.Interrupted.Equal(sc.Time) {
			t.Errorf("customer %d: settlement %+v", sc.CustomerID, s)
		}
		if !strings.Contains(e.Message, "undo window") {
			t.Errorf("customer %d: message %q", sc.CustomerID, e.Message)
		}
	}
	for _, x := range []string{schedUndone.Attempt, other.Attempt, mine} {
		if lines := fin[x]; len(lines) != 0 {
			t.Errorf("attempt %s got final lines: %+v", x, lines)
		}
	}
	for _, w := range []string{
		"1 deletion interrupted on ",
		"2 scheduled deletions were never sent (wcadmin ended inside the undo window)",
		"— wcadmin audit --open",
	} {
		if msg := rep.Message(); !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	// The attempts read back as settled: not_sent, neither open nor pending.
	all := audit.Attempts(readLines(t, f))
	for _, x := range all {
		if x.ID == schedA.Attempt && (x.Result() != audit.ResultNotSent || x.IsPending() || x.IsOpen() || x.IsUndone()) {
			t.Errorf("attempt %s reads back as %s", x.ID, x.Result())
		}
	}

	// Nothing is left for the next start, and a second settle does nothing.
	rep2, err := f.del.Settle(context.Background())
	if err != nil || rep2.Any() {
		t.Errorf("second settle: %+v, %v", rep2, err)
	}
	if err := f.del.Undo(mine, f.confirm(t, ids[5]), "test over"); err != nil {
		t.Fatal(err)
	}
}

// Attempts built by hand: one with neither intent nor lines, one scheduled
// but already undone, are ignored without a panic.
func TestSettleAttemptsWithoutIntent(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	sched := &audit.Entry{Phase: audit.PhaseScheduled, Site: f.del.Site, Attempt: "x1", CustomerID: 1}
	undone := &audit.Entry{Phase: audit.PhaseUndone, Site: f.del.Site, Attempt: "x1", CustomerID: 1}
	rep := f.del.SettleAttempts(context.Background(), []audit.Attempt{
		{ID: "empty"},
		{ID: "x1", Scheduled: sched, Undone: undone, Lines: []audit.Line{{Entry: *sched}, {Entry: *undone}}},
	})
	if rep.Any() || len(finals(t, f)) != 0 {
		t.Errorf("report %+v, finals %v", rep, finals(t, f))
	}
}

// readLines reads the fixture's journal as lines.
func readLines(t *testing.T, f *fixture) []audit.Line {
	t.Helper()
	set, err := audit.ReadSet(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return set.Lines
}
