package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// cliRun is one in-process run of wcadmin.
type cliRun struct {
	stdout, stderr string
	err            error
	code           int
}

// cliEnv is an environment for store srv with its own HOME, config and
// journal; journal is the journal's path.
func cliEnv(t *testing.T, srv *apitest.Server) (env map[string]string, journal string) {
	t.Helper()
	home := t.TempDir()
	journal = filepath.Join(home, "state", "wcadmin", "audit.jsonl")
	return map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"),
		"XDG_STATE_HOME": filepath.Join(home, "state"), "USER": "tester",
		"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": testToken}, journal
}

// noTerminal makes the delete command find no terminal to ask on (a test
// may run under one: /dev/tty must never be read).
func noTerminal(t *testing.T) {
	t.Helper()
	old := openDeleteTerminal
	openDeleteTerminal = func(io.Reader, bool) *confirmTerminal { return nil }
	t.Cleanup(func() { openDeleteTerminal = old })
}

// fakeTerminal answers the confirmation with answer; what was asked
// collects in the returned buffer.
func fakeTerminal(t *testing.T, answer string) *bytes.Buffer {
	t.Helper()
	old := openDeleteTerminal
	var asked bytes.Buffer
	openDeleteTerminal = func(io.Reader, bool) *confirmTerminal {
		return &confirmTerminal{in: strings.NewReader(answer), out: &asked, close: func() {}}
	}
	t.Cleanup(func() { openDeleteTerminal = old })
	return &asked
}

// journalEntries reads the journal (none when it does not exist).
func journalEntries(t *testing.T, path string) []audit.Entry {
	t.Helper()
	es, err := audit.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for _, e := range es {
		if e.Phase != audit.PhaseJournal {
			out = append(out, e)
		}
	}
	return out
}

// requestsOf counts the store's requests with method.
func requestsOf(store *apitest.Store, method string) int {
	n := 0
	for _, r := range store.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

func wantCode(t *testing.T, r cliRun, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d (err %v)\nstdout:\n%s\nstderr:\n%s", r.code, code, r.err, r.stdout, r.stderr)
	}
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ids.txt")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func deleteStore(t *testing.T) (*apitest.Store, *apitest.Server, []int64) {
	t.Helper()
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 30, Token: testToken, Seed: 7})
	return store, srv, store.IDs()
}

// The script: ids from a file (comments, blank lines, duplicates) and from
// stdin, --yes: the store loses exactly those customers and the journal
// has an intent and an outcome for each, via "cli", with the reason.
func TestCustomersDeleteScriptFromFileAndStdin(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	file := writeFile(t, fmt.Sprintf("# GDPR batch\n%d\n\n%d   # second\n%d\n", ids[0], ids[1], ids[0]))
	stdin := strings.NewReader(fmt.Sprintf("%d\n%d\n", ids[2], ids[1]))

	r := runCLI(t, nil, env, stdin, "customers", "delete", "-", "--from-file", file, "--yes", "--reason", "GDPR request #5521")
	wantCode(t, r, exitOK)
	want := []int64{ids[2], ids[1], ids[0]} // stdin first (arguments), then the file; duplicates once
	if got := store.Deleted(); !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("store deleted %v, want %v", got, want)
	}
	if n := requestsOf(store, "DELETE"); n != 3 {
		t.Errorf("%d DELETE requests, want 3", n)
	}
	if !strings.Contains(r.stdout, "3 customers: 3 deleted") {
		t.Errorf("no totals line:\n%s", r.stdout)
	}
	// Results in input order.
	var order []int64
	for _, line := range strings.Split(r.stdout, "\n")[1:] {
		if strings.Contains(line, "customers:") {
			continue // the totals
		}
		var id int64
		if _, err := fmt.Sscan(line, &id); err == nil {
			order = append(order, id)
		}
	}
	if !slices.Equal(order, want) {
		t.Errorf("results in order %v, want %v:\n%s", order, want, r.stdout)
	}

	phases := map[int64][]string{}
	attempts := map[int64]map[string]bool{}
	for _, e := range journalEntries(t, journal) {
		phases[e.CustomerID] = append(phases[e.CustomerID], e.Phase+":"+e.Result)
		if attempts[e.CustomerID] == nil {
			attempts[e.CustomerID] = map[string]bool{}
		}
		attempts[e.CustomerID][e.Attempt] = true
		if e.Via != "cli" || e.Reason != "GDPR request #5521" || e.Operator != "tester" {
			t.Errorf("journal line via %q reason %q operator %q", e.Via, e.Reason, e.Operator)
		}
	}
	for _, id := range want {
		if !slices.Equal(phases[id], []string{"intent:", "outcome:deleted"}) || len(attempts[id]) != 1 {
			t.Errorf("customer %d journal: %v (attempts %v)", id, phases[id], attempts[id])
		}
	}
}

func sorted(ids []int64) []int64 { s := slices.Clone(ids); slices.Sort(s); return s }

// Without --yes and without a terminal nothing is asked of the store.
func TestCustomersDeleteRefusesWithoutATerminal(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	r := runCLI(t, nil, env, nil, "customers", "delete", fmt.Sprint(ids[0]))
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.err.Error(), "--yes") {
		t.Errorf("error %v does not point at --yes", r.err)
	}
	if n := len(store.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	if es := journalEntries(t, journal); len(es) != 0 {
		t.Errorf("journal: %s", phasesOf(es))
	}
}

// On a terminal: the fresh records are shown, and only yes or the count
// deletes.
func TestCustomersDeleteAsksOnTheTerminal(t *testing.T) {
	store, srv, ids := deleteStore(t)
	env, _ := cliEnv(t, srv)
	rec, _ := store.Record(ids[0])

	asked := fakeTerminal(t, "no\n")
	r := runCLI(t, nil, env, nil, "customers", "delete", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]))
	wantCode(t, r, exitFailure)
	if n := requestsOf(store, "DELETE"); n != 0 {
		t.Fatalf("%d DELETE requests after no", n)
	}
	if !strings.Contains(asked.String(), rec["email"].(string)) || !strings.Contains(asked.String(), "Type yes or 2") {
		t.Errorf("the question:\n%s", asked.String())
	}

	fakeTerminal(t, "2\n")
	r = runCLI(t, nil, env, nil, "customers", "delete", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]))
	wantCode(t, r, exitOK)
	if got := store.Deleted(); len(got) != 2 {
		t.Errorf("deleted %v", got)
	}
}

func protectedCLIEnv(t *testing.T, srv *apitest.Server) (map[string]string, string) {
	t.Helper()
	env, journal := cliEnv(t, srv)
	for k, v := range protectedEnv(t, srv) {
		env[k] = v
	}
	delete(env, "WCADMIN_SITE")
	return env, journal
}

func TestCustomersDeleteProtectedProfile(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, _ := protectedCLIEnv(t, srv)
	id := fmt.Sprint(ids[0])
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"without --confirm-site", []string{id, "--yes"}, "--confirm-site " + srv.Addr},
		{"without --yes", []string{id, "--confirm-site", srv.Addr}, "--yes"},
		{"wrong --confirm-site", []string{id, "--yes", "--confirm-site", "shop.example.com"}, "does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, env, nil, append([]string{"customers", "delete"}, tc.args...)...)
			wantCode(t, r, exitUsage)
			if !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("error %v lacks %q", r.err, tc.want)
			}
			if n := len(store.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
	t.Run("host confirmed", func(t *testing.T) {
		r := runCLI(t, nil, env, nil, "customers", "delete", id, "--yes", "--confirm-site", strings.ToUpper(srv.Addr))
		wantCode(t, r, exitOK)
		if got := store.Deleted(); !slices.Equal(got, ids[:1]) {
			t.Errorf("deleted %v", got)
		}
	})
}

func TestCustomersDeleteDryRun(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	r := runCLI(t, nil, env, nil, "customers", "delete", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]), "999999", "--dry-run", "--output", "json")
	wantCode(t, r, exitOK)
	if n := requestsOf(store, "DELETE"); n != 0 {
		t.Fatalf("--dry-run sent %d DELETE requests", n)
	}
	if requestsOf(store, "GET") < 3 {
		t.Errorf("--dry-run did not look at the customers: %d GETs", requestsOf(store, "GET"))
	}
	if es := journalEntries(t, journal); len(es) != 0 {
		t.Errorf("--dry-run journaled: %s", phasesOf(es))
	}
	var results []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var o deleteJSON
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		results = append(results, o.Result)
	}
	if want := []string{"would_delete", "would_delete", "already_gone"}; !slices.Equal(results, want) {
		t.Errorf("results %v, want %v", results, want)
	}
	if !strings.Contains(r.stderr, "dry run: 3 customers: 2 would be deleted, 1 already gone") {
		t.Errorf("totals:\n%s", r.stderr)
	}
	if store.Len() != 30 {
		t.Errorf("the store has %d customers", store.Len())
	}
}

func TestCustomersDeleteMalformedIDsFileDeletesNothing(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	file := writeFile(t, fmt.Sprintf("%d\n# a comment\nabc\n%d\n", ids[0], ids[1]))
	r := runCLI(t, nil, env, nil, "customers", "delete", "--from-file", file, "--yes")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.err.Error(), "line 3") || !strings.Contains(r.err.Error(), `"abc"`) {
		t.Errorf("error %v does not name line 3", r.err)
	}
	if n := len(store.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	if es := journalEntries(t, journal); len(es) != 0 {
		t.Errorf("journal: %s", phasesOf(es))
	}
}

func TestCustomersDeleteMax(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, _ := cliEnv(t, srv)
	args := []string{"customers", "delete", "--yes", "--max", "2", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]), fmt.Sprint(ids[2])}
	r := runCLI(t, nil, env, nil, args...)
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.err.Error(), "--max 2") || len(store.Requests()) != 0 {
		t.Fatalf("error %v, %d requests", r.err, len(store.Requests()))
	}
	// Duplicates do not count against --max.
	r = runCLI(t, nil, env, nil, "customers", "delete", "--yes", "--max", "2", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]), fmt.Sprint(ids[0]))
	wantCode(t, r, exitOK)

	// The default is 50.
	var many []string
	for i := range 51 {
		many = append(many, fmt.Sprint(100000+i))
	}
	r = runCLI(t, nil, env, nil, append([]string{"customers", "delete", "--yes"}, many...)...)
	wantCode(t, r, exitUsage)
}

// A 401 on a DELETE: nothing more is sent, the rest are "not attempted", exit 4.
func TestCustomersDeleteUnauthorizedStops(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	store.Inject(apitest.RouteDelete, apitest.Fault{Status: 401, Body: `{"error":"invalid_token","error_description":"token revoked"}`, Times: 1})
	args := []string{"customers", "delete", "--yes", "--concurrency", "1", "--output", "json"}
	for _, id := range ids[:4] {
		args = append(args, fmt.Sprint(id))
	}
	r := runCLI(t, nil, env, nil, args...)
	wantCode(t, r, exitAuth)
	if n := requestsOf(store, "DELETE"); n != 1 {
		t.Errorf("%d DELETE requests, want 1", n)
	}
	var results []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var o deleteJSON
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatal(err)
		}
		results = append(results, o.Result)
	}
	if want := []string{"failed", "not_attempted", "not_attempted", "not_attempted"}; !slices.Equal(results, want) {
		t.Errorf("results %v, want %v", results, want)
	}
	if len(store.Deleted()) != 0 {
		t.Errorf("deleted %v", store.Deleted())
	}
	// The failed attempt is journaled; the others never started.
	if es := journalEntries(t, journal); len(es) != 2 || es[1].Result != audit.ResultFailed {
		t.Errorf("journal: %s", phasesOf(es))
	}
}

// A 401 before anything is sent (the fresh look) ends the command: exit 4.
func TestCustomersDeleteRejectedTokenSendsNothing(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, _ := cliEnv(t, srv)
	env["WCADMIN_TOKEN"] = "revoked"
	r := runCLI(t, nil, env, nil, "customers", "delete", "--yes", fmt.Sprint(ids[0]))
	wantCode(t, r, exitAuth)
	if n := requestsOf(store, "DELETE"); n != 0 {
		t.Errorf("%d DELETE requests", n)
	}
}

func TestCustomersDeletePartialAndAllFailed(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, _ := cliEnv(t, srv)
	store.Inject(apitest.RouteDelete, apitest.Fault{Status: 422, Body: `{"error":"has_orders","message":"the customer has open orders"}`, Times: 1})
	r := runCLI(t, nil, env, nil, "customers", "delete", "--yes", "--concurrency", "1", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]), "999999")
	wantCode(t, r, exitPartial)
	if !strings.Contains(r.stdout, "3 customers: 1 deleted, 1 already gone, 1 failed") {
		t.Errorf("totals:\n%s", r.stdout)
	}
	if !store.Exists(ids[0]) || store.Exists(ids[1]) {
		t.Errorf("store: %d exists %v, %d exists %v", ids[0], store.Exists(ids[0]), ids[1], store.Exists(ids[1]))
	}

	store.Inject(apitest.RouteDelete, apitest.Fault{Status: 422, Body: `{"error":"has_orders"}`})
	defer store.ClearFaults()
	r = runCLI(t, nil, env, nil, "customers", "delete", "--yes", fmt.Sprint(ids[2]), fmt.Sprint(ids[3]))
	wantCode(t, r, exitFailure)
}

// ctrl+c (the context ends) while DELETEs are held by the store: those in
// flight finish and are journaled, the rest are not attempted, exit 130.
func TestCustomersDeleteInterrupted(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	store.SetLatency(apitest.RouteDelete, 700*time.Millisecond)
	args := []string{"customers", "delete", "--yes", "--concurrency", "2", "--output", "json"}
	for _, id := range ids[:6] {
		args = append(args, fmt.Sprint(id))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		deadline := time.Now().Add(10 * time.Second)
		for requestsOf(store, "DELETE") < 2 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	r := runCLI(t, ctx, env, nil, args...)
	wantCode(t, r, exitInterrupted)

	if n := requestsOf(store, "DELETE"); n != 2 {
		t.Errorf("%d DELETE requests, want the 2 in flight", n)
	}
	deleted := store.Deleted()
	if !slices.Equal(sorted(deleted), sorted(ids[:2])) {
		t.Errorf("deleted %v, want %v", deleted, ids[:2])
	}
	var results []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var o deleteJSON
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatal(err)
		}
		results = append(results, o.Result)
	}
	want := []string{"deleted", "deleted", "not_attempted", "not_attempted", "not_attempted", "not_attempted"}
	if !slices.Equal(results, want) {
		t.Errorf("results %v, want %v", results, want)
	}
	outcomes := 0
	for _, e := range journalEntries(t, journal) {
		if e.Phase == audit.PhaseOutcome && e.Result == audit.ResultDeleted {
			outcomes++
		}
		if !slices.Contains(ids[:2], e.CustomerID) {
			t.Errorf("journal line for customer %d, which was not attempted", e.CustomerID)
		}
	}
	if outcomes != 2 {
		t.Errorf("%d deleted outcomes journaled, want 2", outcomes)
	}
	if !strings.Contains(r.stderr, "interrupted") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestCustomersDeleteJournalCannotBeOpened(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, _ := cliEnv(t, srv)
	blocker := writeFile(t, "not a directory")
	env["WCADMIN_AUDIT_LOG"] = filepath.Join(blocker, "audit.jsonl")
	r := runCLI(t, nil, env, nil, "customers", "delete", "--yes", fmt.Sprint(ids[0]))
	wantCode(t, r, exitFailure)
	if !strings.Contains(r.err.Error(), "nothing was deleted") {
		t.Errorf("error %v", r.err)
	}
	if n := len(store.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestCustomersDeleteUsageErrors(t *testing.T) {
	noTerminal(t)
	store, srv, _ := deleteStore(t)
	env, _ := cliEnv(t, srv)
	for _, args := range [][]string{
		{"--yes"},        // no ids
		{"--yes", "12x"}, // not an id
		{"--yes", "-5"},  // not positive (also an unknown flag)
		{"--yes", "0"},   // not positive
		{"--yes", "--concurrency", "17", "1"},
		{"--yes", "--concurrency", "0", "1"},
		{"--yes", "--output", "yaml", "1"},
		{"--yes", "--read-only", "1"},
		{"--yes", "--from-file", "/nonexistent/ids.txt"},
	} {
		r := runCLI(t, nil, env, nil, append([]string{"customers", "delete"}, args...)...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d (%v), want 2", args, r.code, r.err)
		}
	}
	if n := len(store.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestCustomersDeleteHelpHasExamples(t *testing.T) {
	r := runCLI(t, nil, map[string]string{}, nil, "customers", "delete", "--help")
	wantCode(t, r, exitOK)
	for _, want := range []string{"Examples:", "--from-file ids.txt --yes", "--confirm-site", "--dry-run", "Exit status"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// attemptID matches the journal's random attempt ids in the JSON output.
var attemptID = regexp.MustCompile(`"attempt":"[0-9a-f]{16}"`)

// Output goldens: deleted, already gone, failed, in input order.
func TestCustomersDeleteOutputGolden(t *testing.T) {
	noTerminal(t)
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			store, srv, ids := deleteStore(t)
			env, _ := cliEnv(t, srv)
			store.Inject(apitest.RouteDelete, apitest.Fault{Status: 422, Body: `{"error":"has_orders","message":"the customer has open orders"}`, Times: 1})
			r := runCLI(t, nil, env, nil, "customers", "delete", "--yes", "--concurrency", "1", "--output", format,
				fmt.Sprint(ids[4]), "424242", fmt.Sprint(ids[5]))
			wantCode(t, r, exitPartial)
			out := attemptID.ReplaceAllString(r.stdout, `"attempt":"ATTEMPT"`)
			checkGolden(t, "delete_"+format+".golden", out)
		})
	}
}

// checkGolden compares got with testdata/name; WCADMIN_UPDATE_GOLDEN=1 writes it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("WCADMIN_UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (WCADMIN_UPDATE_GOLDEN=1 writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (WCADMIN_UPDATE_GOLDEN=1 rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestCollectIDs(t *testing.T) {
	ids, err := collectIDs([]string{"7", "-", "3"}, strings.NewReader("\ufeff5\r\n# c\n 7 \n\n9 # nine\n#11\n"), "")
	if err != nil || !slices.Equal(ids, []int64{7, 5, 9, 3}) {
		t.Fatalf("ids %v, err %v", ids, err)
	}
	for _, in := range []string{"1\n2\n1.5\n", "1\n2\n-3\n", "1\n2\n+3\n", "1\n2\n99999999999999999999\n", "1\n2\n0\n"} {
		_, err := collectIDs([]string{"-"}, strings.NewReader(in), "")
		if exitCode(err) != exitUsage || !strings.Contains(fmt.Sprint(err), "stdin line 3") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// ctrl+c at the question: nothing is sent, exit 130.
func TestCustomersDeleteInterruptedAtTheQuestion(t *testing.T) {
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	pr, pw := io.Pipe() // an operator who never answers
	defer pw.Close()
	var asked syncBuffer
	old := openDeleteTerminal
	openDeleteTerminal = func(io.Reader, bool) *confirmTerminal {
		return &confirmTerminal{in: pr, out: &asked, close: func() {}}
	}
	t.Cleanup(func() { openDeleteTerminal = old })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for !strings.Contains(asked.String(), "Type yes") {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	r := runCLI(t, ctx, env, nil, "customers", "delete", fmt.Sprint(ids[0]))
	wantCode(t, r, exitInterrupted)
	if n := requestsOf(store, "DELETE"); n != 0 {
		t.Errorf("%d DELETE requests", n)
	}
	if es := journalEntries(t, journal); len(es) != 0 {
		t.Errorf("journal: %s", phasesOf(es))
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An attempt an earlier wcadmin left open is settled first, and said so on
// stderr; a broken hash chain is warned about.
func TestCustomersDeleteSettlesAndWarns(t *testing.T) {
	noTerminal(t)
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	brokenJournal(t, journal)
	j, err := audit.Open(journal, mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	open := audit.Entry{Phase: audit.PhaseIntent, Site: srv.URL + "/api/v4", CustomerID: ids[7], Email: "x@example.com",
		Attempt: audit.NewAttempt(), Time: time.Now().Add(-time.Hour)}
	if err := j.Append(open); err != nil {
		t.Fatal(err)
	}
	j.Close()

	r := runCLI(t, nil, env, nil, "customers", "delete", "--yes", fmt.Sprint(ids[0]))
	wantCode(t, r, exitOK)
	for _, want := range []string{"hash chain is broken", "1 interrupted deletion", "settled: 0 deleted, 1 not deleted"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	settled := false
	for _, e := range journalEntries(t, journal) {
		if e.Attempt == open.Attempt && e.Phase == audit.PhaseOutcome && e.Result == audit.ResultNotDeleted {
			settled = true
		}
	}
	if !settled || !store.Exists(ids[7]) {
		t.Errorf("the open attempt was not settled as not deleted (settled %v)", settled)
	}
}

// changingReader changes a customer in the store when the operator answers:
// the record shown is no longer the record in the store.
type changingReader struct {
	change func()
	answer io.Reader
	once   sync.Once
}

func (c *changingReader) Read(p []byte) (int, error) {
	c.once.Do(c.change)
	return c.answer.Read(p)
}

// A customer that changed between the question and the deletion is not
// deleted: "changed", journaled as skipped, exit 3 with the other deleted.
func TestCustomersDeleteChangedSinceShown(t *testing.T) {
	store, srv, ids := deleteStore(t)
	env, journal := cliEnv(t, srv)
	old := openDeleteTerminal
	openDeleteTerminal = func(io.Reader, bool) *confirmTerminal {
		return &confirmTerminal{in: &changingReader{change: func() { store.SetField(ids[1], "email", "new.owner@example.org") },
			answer: strings.NewReader("yes\n")}, out: io.Discard, close: func() {}}
	}
	t.Cleanup(func() { openDeleteTerminal = old })
	r := runCLI(t, nil, env, nil, "customers", "delete", fmt.Sprint(ids[0]), fmt.Sprint(ids[1]))
	wantCode(t, r, exitPartial)
	if !store.Exists(ids[1]) || store.Exists(ids[0]) {
		t.Errorf("store: %v", store.Deleted())
	}
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^%d +.*new\.owner@example\.org +changed since it was shown \(not deleted\): email was "priya\.white94@hotmail\.com", now "new\.owner@example\.org"$`, ids[1])).MatchString(r.stdout) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	var skipped bool
	for _, e := range journalEntries(t, journal) {
		if e.CustomerID == ids[1] {
			skipped = e.Phase == audit.PhaseSkipped && e.Result == audit.ResultChanged
		}
	}
	if !skipped {
		t.Errorf("no skipped/changed journal line for %d", ids[1])
	}
}

// phasesOf summarises journal lines for a failure message (records are long).
func phasesOf(es []audit.Entry) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, fmt.Sprintf("%d:%s:%s", e.CustomerID, e.Phase, e.Result))
	}
	return strings.Join(parts, " ")
}
