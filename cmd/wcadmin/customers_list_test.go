package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/termtext"
)

// Goldens are under testdata/TestName/sub.golden; refresh them with
//
//	go test ./cmd/wcadmin/ -run TestCustomersListGolden -update

const listToken = "list-S3cret-tok"

// listStore serves an apitest store through a middleware that counts list
// requests in flight (the most seen at once) and can act before a list
// request is answered.
type listStore struct {
	*apitest.Store
	url      string
	inflight atomic.Int64
	peak     atomic.Int64
	lists    atomic.Int64
	mu       sync.Mutex
	before   func(n int64)
}

func newListStore(t *testing.T, opts apitest.Options) *listStore {
	t.Helper()
	if opts.Token == "" && opts.ClientID == "" {
		opts.Token = listToken
	}
	s := &listStore{Store: apitest.New(opts)}
	h := s.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/v4/admin/customers" {
			n := s.lists.Add(1)
			in := s.inflight.Add(1)
			defer s.inflight.Add(-1)
			for p := s.peak.Load(); in > p && !s.peak.CompareAndSwap(p, in); p = s.peak.Load() {
			}
			s.mu.Lock()
			f := s.before
			s.mu.Unlock()
			if f != nil {
				f(n)
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *listStore) onList(f func(n int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = f
}

// remove deletes customer id through the store's handler, as someone else would.
func (s *listStore) remove(t *testing.T, id int64) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodDelete, "/api/v4/admin/customers/"+strconv.FormatInt(id, 10), nil)
	req.Header.Set("Authorization", "Bearer "+listToken)
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Errorf("delete %d: %d", id, rec.Code)
	}
}

func (s *listStore) env() map[string]string {
	return map[string]string{"WCADMIN_SITE": s.url, "WCADMIN_TOKEN": listToken}
}

// execList runs `wcadmin customers list ARGS` through the root command with
// env (plus a private HOME and XDG directories) as the whole environment.
func execList(t testing.TB, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	r := runCLI(t, nil, privateEnv(t, env), nil, append([]string{"customers", "list"}, args...)...)
	return r.stdout, r.stderr, r.err
}

// withTerminal makes isTerminal report tty for the test.
func withTerminal(t *testing.T, tty bool) {
	old := isTerminal
	isTerminal = func(io.Writer) bool { return tty }
	t.Cleanup(func() { isTerminal = old })
}

func TestCustomersListGolden(t *testing.T) {
	for _, shape := range []apitest.Shape{apitest.ShapeA, apitest.ShapeB} {
		s := newListStore(t, apitest.Options{Shape: shape, Customers: 40, Seed: 7})
		for _, output := range []string{"table", "table-tty", "json", "csv", "ids"} {
			t.Run(fmt.Sprintf("shape%s/%s", shape, output), func(t *testing.T) {
				if output == "table-tty" {
					withTerminal(t, true) // aligned, cut, short dates
					output = "table"
				}
				out, errOut, err := execList(t, s.env(), "--limit", "25", "--sort", "email", "--output", output)
				if err != nil || errOut != "wcadmin: showing the first 25 customers (40 in all): --limit N for more, --all for every one\n" {
					t.Fatalf("err %v, stderr %q", err, errOut)
				}
				if strings.Contains(out, listToken) {
					t.Fatal("the token is in the output")
				}
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}

func decodeListJSON(t *testing.T, out string) []map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	return v
}

func TestCustomersListJSONHasTheSameFieldsForBothShapes(t *testing.T) {
	want := []string{"allow_credit_limit", "company", "company_name", "created_at", "credit_limit", "customer_id",
		"display_id", "email", "first_name", "is_in_trash", "last_name", "name", "status", "store_credit", "updated_at"}
	for _, shape := range []apitest.Shape{apitest.ShapeA, apitest.ShapeB} {
		s := newListStore(t, apitest.Options{Shape: shape, Customers: 30})
		out, _, err := execList(t, s.env(), "--limit", "30", "-o", "json")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "[\n{") || !strings.HasSuffix(out, "}\n]\n") || strings.Count(out, "},\n{") != 29 {
			t.Fatalf("shape %s: not one object per line in an array:\n%.300s", shape, out)
		}
		recs := decodeListJSON(t, out)
		ids := s.IDs()
		for i, r := range recs {
			keys := make([]string, 0, len(r))
			for k := range r {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, want) {
				t.Fatalf("shape %s: fields %v", shape, keys)
			}
			if int64(r["customer_id"].(float64)) != ids[i] {
				t.Fatalf("shape %s: record %d is customer %v, want %d", shape, i, r["customer_id"], ids[i])
			}
			if ca, ok := r["created_at"].(string); !ok || !strings.HasSuffix(ca, "Z") {
				t.Fatalf("shape %s: created_at %v is not RFC 3339 UTC", shape, r["created_at"])
			} else if _, err := time.Parse(time.RFC3339, ca); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCustomersListTableOnATerminalIsAlignedAndCut(t *testing.T) {
	withTerminal(t, true)
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 10})
	s.Add(map[string]any{"first_name": strings.Repeat("Bartholomew", 5), "email": "b@example.com"})
	out, errOut, err := execList(t, s.env(), "--limit", "3")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID  ") || strings.Contains(out, "\t") {
		t.Fatalf("table:\n%s", out)
	}
	col := strings.Index(lines[0], "EMAIL")
	for _, l := range lines[1:] {
		if r := []rune(l); len(r) < col || r[col-1] != ' ' {
			t.Fatalf("column EMAIL not aligned at %d:\n%s", col, out)
		}
		if !strings.Contains(l, "2") || strings.Contains(l, "T0") {
			t.Errorf("dates on a terminal are short: %q", l)
		}
	}
	if !strings.Contains(errOut, "showing the first 3 customers (11 in all)") {
		t.Errorf("stderr %q", errOut)
	}
	out, _, err = execList(t, s.env(), "--all")
	if err != nil || !strings.Contains(out, "BartholomewBartholomewBarth…  ") || strings.Contains(out, strings.Repeat("Bartholomew", 5)) {
		t.Fatalf("a long name is cut with …: %v\n%s", err, out)
	}
}

func TestCustomersListTSVIsNotCut(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5})
	long := strings.Repeat("Bartholomew", 5)
	id := s.Add(map[string]any{"first_name": long, "last_name": "Tab\tbed", "email": "b@example.com"})
	out, _, err := execList(t, s.env(), "--all")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := strings.Count(l, "\t"); n != 5 {
			t.Fatalf("%d tabs in %q", n, l)
		}
		if strings.HasPrefix(l, strconv.FormatInt(id, 10)+"\t") && !strings.Contains(l, long+" Tab bed\t") {
			t.Fatalf("long name cut or tab kept: %q", l)
		}
	}
	if !strings.Contains(out, "ID\tNAME\tEMAIL\tSTATUS\tCOMPANY\tCREATED\n") {
		t.Fatalf("header:\n%s", out)
	}
}

func TestCustomersListCSVDefusesFormulasAndQuotes(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: -1})
	s.Add(map[string]any{"first_name": "=HYPERLINK(\"http://evil\")", "last_name": "+1", "email": "-2@example.com",
		"company_name": "@SUM(A1)"})
	s.Add(map[string]any{"first_name": "Ann, \"Jr\"", "last_name": "O'Neil", "email": "ann@example.com"})
	out, _, err := execList(t, s.env(), "--all", "--output", "csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v\n%s", err, out)
	}
	if len(rows) != 3 || !slices.Equal(rows[0], customerCSVHeader) {
		t.Fatalf("rows %q", rows)
	}
	for _, cell := range rows[1] {
		if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
			t.Errorf("cell %q would run as a formula", cell)
		}
	}
	if rows[1][3] != `'=HYPERLINK("http://evil")` || rows[1][8] != "'@SUM(A1)" {
		t.Errorf("row %q", rows[1])
	}
	if rows[2][3] != `Ann, "Jr"` {
		t.Errorf("quoting lost: %q", rows[2][3])
	}
}

// Every output of hostile store text is terminal-safe: no escape, C1,
// bidi or other invisible control character reaches stdout.
func TestCustomersListHostileTextIsTerminalSafe(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 30, Hostile: true})
	for _, tty := range []bool{false, true} {
		withTerminal(t, tty)
		for _, output := range []string{"table", "json", "csv"} {
			out, _, err := execList(t, s.env(), "--all", "-o", output)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || (r >= 0x7f && r < 0xa0) ||
					(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200b || r == 0x200e || r == 0x200f {
					t.Fatalf("%s (tty %v): character %U in the output", output, tty, r)
				}
			}
			if output == "json" {
				decodeListJSON(t, out)
			}
		}
	}
}

func TestCustomersListAllGetsEveryCustomerOnceWithBoundedConcurrency(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 437})
	s.SetLatency(apitest.RouteList, 5*time.Millisecond)
	out, errOut, err := execList(t, s.env(), "--all", "--concurrency", "6", "-o", "ids")
	if err != nil || errOut != "" {
		t.Fatalf("err %v, stderr %q", err, errOut)
	}
	var ids []int64
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		id, err := strconv.ParseInt(l, 10, 64)
		if err != nil {
			t.Fatalf("line %q", l)
		}
		ids = append(ids, id)
	}
	if want := s.IDs(); !slices.Equal(ids, want) {
		t.Fatalf("%d ids, want the store's %d in order", len(ids), len(want))
	}
	if p := s.peak.Load(); p > 6 || p < 2 {
		t.Fatalf("%d list requests in flight at most, want 2..6", p)
	}
}

// Someone deletes the first customer while --all runs: the listing starts
// over, says so on stderr, prints everyone still there once and exits 0.
func TestCustomersListDriftDuringAllRestartsAndSaysSo(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 100})
	first := s.IDs()[0]
	var once sync.Once
	s.onList(func(n int64) {
		if n == 3 {
			once.Do(func() { s.remove(t, first) })
		}
	})
	out, errOut, err := execList(t, s.env(), "--all", "--concurrency", "1", "-o", "json")
	if err != nil {
		t.Fatalf("err %v (exit %d), stderr %q", err, exitCode(err), errOut)
	}
	if !strings.Contains(errOut, "the store changed while listing (total 100 → 99)") {
		t.Fatalf("stderr %q", errOut)
	}
	seen := map[int64]int{}
	for _, r := range decodeListJSON(t, out) {
		seen[int64(r["customer_id"].(float64))]++
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("customer %d listed %d times", id, n)
		}
	}
	for _, id := range s.IDs() {
		if seen[id] != 1 {
			t.Errorf("customer %d missing", id)
		}
	}
}

// A store that never stops changing: the list is printed, a warning says
// it may miss or repeat customers, and the exit status is 1.
func TestCustomersListStoreThatKeepsChangingExitsNonZero(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 60})
	s.onList(func(n int64) {
		if n%2 == 0 {
			s.Add(map[string]any{"email": fmt.Sprintf("c%d@example.com", n)})
		}
	})
	out, errOut, err := execList(t, s.env(), "--all", "-o", "json")
	if exitCode(err) != exitFailure || !strings.Contains(errOut, "the list may miss or repeat customers; run again") {
		t.Fatalf("exit %d, stderr %q", exitCode(err), errOut)
	}
	decodeListJSON(t, out)
}

func TestCustomersListUsageErrorsExit2(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5})
	for _, args := range [][]string{
		{"--all", "--limit", "5"},
		{"--limit", "0"},
		{"--output", "xml"},
		{"--sort", "phone"},
		{"--status", "deleted"},
		{"--concurrency", "0"},
		{"--concurrency", "17"},
		{"--limit", "many"},
		{"--nope"},
		{"extra"},
	} {
		out, _, err := execList(t, s.env(), args...)
		if exitCode(err) != exitUsage || out != "" {
			t.Errorf("%v: exit %d (%v), stdout %q", args, exitCode(err), err, out)
		}
	}
	if n := s.lists.Load(); n != 0 {
		t.Errorf("%d list requests for usage errors", n)
	}
}

func TestCustomersListRejectedTokenExits4(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5})
	for _, output := range []string{"json", "table"} {
		out, _, err := execList(t, map[string]string{"WCADMIN_SITE": s.url, "WCADMIN_TOKEN": "expired-4711"}, "-o", output)
		if exitCode(err) != exitAuth || out != "" {
			t.Fatalf("exit %d (%v), stdout %q", exitCode(err), err, out)
		}
		if strings.Contains(err.Error(), "expired-4711") {
			t.Fatal("the token is in the error")
		}
	}
}

func TestCustomersListOAuthAndAccessTokenHeader(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 25, ClientID: "cid", ClientSecret: "csec",
		Username: "u", Password: "pw", RedirectURI: "https://r.example/cb"})
	out, _, err := execList(t, map[string]string{"WCADMIN_SITE": s.url, "WCADMIN_CLIENT_ID": "cid",
		"WCADMIN_CLIENT_SECRET": "csec", "WCADMIN_USERNAME": "u", "WCADMIN_PASSWORD": "pw",
		"WCADMIN_REDIRECT_URI": "https://r.example/cb"}, "--all", "-o", "ids")
	if err != nil || strings.Count(out, "\n") != 25 {
		t.Fatalf("OAuth: %v\n%s", err, out)
	}

	s = newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 25, AcceptAccessTokenHeader: true})
	cfg := filepath.Join(t.TempDir(), "config.toml")
	body := fmt.Sprintf("[profiles.old]\nsite = %q\ntoken = %q\ntoken_header = \"access_token\"\n", s.url, listToken)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = execList(t, map[string]string{"WCADMIN_CONFIG": cfg}, "--profile", "old", "--all", "-o", "ids")
	if err != nil || strings.Count(out, "\n") != 25 {
		t.Fatalf("access_token header: %v\n%s", err, out)
	}
	for _, r := range s.Requests() {
		if r.Header.Get("Authorization") != "" || r.Header.Get("access_token") != listToken {
			t.Fatalf("request headers %v", r.Header)
		}
	}
}

// ctrl+c while --all streams JSON: the array is closed (valid JSON, the
// customers printed so far) and the exit status is 130.
func TestCustomersListInterruptedKeepsTheJSONValidAndExits130(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 300})
	s.SetLatency(apitest.RouteList, 10*time.Millisecond)
	var mu sync.Mutex
	var interrupt context.CancelFunc
	old := notifyInterrupt
	notifyInterrupt = func(ctx context.Context) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(ctx)
		mu.Lock()
		interrupt = cancel
		mu.Unlock()
		return ctx, cancel
	}
	t.Cleanup(func() { notifyInterrupt = old })
	s.onList(func(n int64) {
		if n == 5 {
			mu.Lock()
			interrupt()
			mu.Unlock()
		}
	})
	out, errOut, err := execList(t, s.env(), "--all", "--concurrency", "1", "-o", "json")
	if exitCode(err) != exitInterrupted {
		t.Fatalf("exit %d (%v)", exitCode(err), err)
	}
	recs := decodeListJSON(t, out)
	if len(recs) == 0 || len(recs) >= 300 || !strings.Contains(errOut, fmt.Sprintf("interrupted after %d customers", len(recs))) {
		t.Fatalf("%d records, stderr %q", len(recs), errOut)
	}
}

func TestCustomersListSearchThatTheStoreIgnoresOrRejectsFails(t *testing.T) {
	for _, mode := range []apitest.SearchMode{apitest.SearchIgnored, apitest.SearchRejected} {
		s := newListStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 50, Search: mode})
		out, _, err := execList(t, s.env(), "--search", "zzqx", "-o", "ids")
		if exitCode(err) != exitFailure || out != "" || !strings.Contains(err.Error(), "--search") {
			t.Fatalf("mode %d: exit %d (%v), stdout %q", mode, exitCode(err), err, out)
		}
	}
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 200})
	out, _, err := execList(t, s.env(), "--search", "an", "--all", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range decodeListJSON(t, out) {
		hay := strings.ToLower(fmt.Sprint(r["first_name"], r["last_name"], r["email"], r["name"]))
		if !strings.Contains(hay, "an") {
			t.Fatalf("%v does not match", r)
		}
	}
}

func TestCustomersListFiltersAndLimit(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 150})
	out, _, err := execList(t, s.env(), "-o", "ids")
	if err != nil || strings.Count(out, "\n") != defaultListLimit {
		t.Fatalf("default limit: %v, %d lines", err, strings.Count(out, "\n"))
	}
	out, _, err = execList(t, s.env(), "--status", "pending", "--sort", "created_at", "--desc", "--limit", "5", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	recs := decodeListJSON(t, out)
	if len(recs) != 5 {
		t.Fatalf("%d records", len(recs))
	}
	for i, r := range recs {
		if r["status"] != "pending" || (i > 0 && r["created_at"].(string) > recs[i-1]["created_at"].(string)) {
			t.Fatalf("record %d: %v", i, r)
		}
	}
	q := s.Requests()[len(s.Requests())-1].Query
	if q.Get("order_by") != "created_at" || q.Get("direction") != "desc" || q.Get("status") != "pending" {
		t.Fatalf("query %v", q)
	}
	email, _ := s.Record(s.IDs()[3])
	out, _, err = execList(t, s.env(), "--email", email["email"].(string), "-o", "ids")
	if err != nil || out != strconv.FormatInt(s.IDs()[3], 10)+"\n" {
		t.Fatalf("--email: %v %q", err, out)
	}
	out, errOut, err := execList(t, s.env(), "--status", "inactive", "--search", "zzqxnothing", "-o", "json")
	if err != nil || out != "[\n]\n" || errOut != "" {
		t.Fatalf("nothing matches: %v %q %q", err, out, errOut)
	}
}

// A refusal after some pages: the JSON printed so far is closed (valid),
// stderr says the output is incomplete, and the status is 4.
func TestCustomersListFailureMidStreamKeepsTheJSONValid(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 200})
	s.onList(func(n int64) {
		if n == 4 {
			s.Inject(apitest.RouteList, apitest.Fault{Status: http.StatusForbidden,
				Body: `{"status":"error","code":403,"message":"permission revoked"}`})
		}
	})
	out, errOut, err := execList(t, s.env(), "--all", "--concurrency", "1", "-o", "json")
	if exitCode(err) != exitAuth {
		t.Fatalf("exit %d (%v)", exitCode(err), err)
	}
	recs := decodeListJSON(t, out)
	if len(recs) != 60 || !strings.Contains(errOut, "stopped after 60 customers: the output is incomplete") {
		t.Fatalf("%d records, stderr %q", len(recs), errOut)
	}
}

// The progress line is drawn on stderr only when stderr is a terminal, and
// erased at the end; stdout has only the data.
func TestCustomersListProgressOnlyOnATerminal(t *testing.T) {
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 90})
	withTerminal(t, true)
	out, errOut, err := execList(t, s.env(), "--all", "-o", "ids")
	if err != nil || strings.Count(out, "\n") != 90 || strings.Contains(out, "Listing") {
		t.Fatalf("%v, stdout %q", err, out)
	}
	if !strings.Contains(errOut, "\r\x1b[KListing customers: ") || !strings.HasSuffix(errOut, "\r\x1b[K") {
		t.Fatalf("stderr %q", errOut)
	}
	withTerminal(t, false)
	_, errOut, err = execList(t, s.env(), "--all", "-o", "ids")
	if err != nil || errOut != "" {
		t.Fatalf("%v, stderr %q", err, errOut)
	}
	// Without --all there is no progress line even on a terminal.
	withTerminal(t, true)
	_, errOut, _ = execList(t, s.env(), "--limit", "90", "-o", "ids")
	if strings.Contains(errOut, "Listing") {
		t.Fatalf("stderr %q", errOut)
	}
}

// The real binary, interrupted by SIGINT while --all streams JSON: exit
// status 130 and a closed, valid array on stdout.
func TestCustomersListBinaryInterruptedBySIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 2000})
	s.SetLatency(apitest.RouteList, 20*time.Millisecond)
	started := make(chan struct{})
	var once sync.Once
	s.onList(func(n int64) {
		if n == 8 {
			once.Do(func() { close(started) })
		}
	})
	home := t.TempDir()
	cmd := exec.Command(wcadminBinary(t), "customers", "list", "--all", "--concurrency", "2", "-o", "json")
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "cfg"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"), "WCADMIN_SITE=" + s.url, "WCADMIN_TOKEN=" + listToken}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the listing did not start")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d (%v), stderr %q", code, err, errOut.String())
	}
	recs := decodeListJSON(t, out.String())
	if len(recs) >= 2000 || !strings.Contains(errOut.String(), "interrupted after") {
		t.Fatalf("%d records, stderr %q", len(recs), errOut.String())
	}
}

// On a terminal the table fits its width, down to 80 columns: narrower
// columns first, then no COMPANY column.
func TestCustomersListTableFitsTheTerminal(t *testing.T) {
	withTerminal(t, true)
	s := newListStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 30})
	s.Add(map[string]any{"first_name": strings.Repeat("Bartholomew", 5), "email": strings.Repeat("x", 60) + "@example.com",
		"company_name": strings.Repeat("Acme ", 10), "status": "awaiting_verification"})
	for _, width := range []int{80, 100, 120, 200} {
		old := terminalWidth
		terminalWidth = func(io.Writer) int { return width }
		out, _, err := execList(t, s.env(), "--all")
		terminalWidth = old
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		widest := 0
		for _, l := range lines {
			widest = max(widest, termtext.Width(l))
		}
		if widest > width {
			t.Errorf("width %d: a line is %d wide:\n%s", width, widest, out)
		}
		if hasCompany := strings.Contains(lines[0], "COMPANY"); hasCompany != (width >= 120) {
			t.Errorf("width %d: COMPANY column shown %v:\n%s", width, hasCompany, lines[0])
		}
		if width == 200 && widest != 137 {
			t.Errorf("a wide terminal gets the full columns: widest line %d", widest)
		}
	}
}
