package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// appendN appends n intent/outcome pairs for customers 1..n.
func appendN(t *testing.T, j *Journal, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		a := fmt.Sprintf("att%02d", i)
		if err := j.Append(Entry{Phase: PhaseIntent, Site: "https://s", CustomerID: int64(i), Email: fmt.Sprintf("c%d@example.com", i), Attempt: a}); err != nil {
			t.Fatal(err)
		}
		if err := j.Append(Entry{Phase: PhaseOutcome, Site: "https://s", CustomerID: int64(i), Result: ResultDeleted, Status: 204, Attempt: a}); err != nil {
			t.Fatal(err)
		}
	}
}

func readLinesOf(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(raw), "\n"), "\n")
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	s := strings.Join(lines, "")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustVerify(t *testing.T, path string) VerifyReport {
	t.Helper()
	r, err := Verify(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestChainVerifiesAsWritten(t *testing.T) {
	j, path := openTemp(t)
	appendN(t, j, 4)
	r := mustVerify(t, path)
	if !r.OK() {
		t.Fatalf("fresh journal does not verify: %+v", r.Problem)
	}
	if r.Lines != 9 || r.Seq != 9 || r.Legacy != 0 || len(r.Torn) != 0 {
		t.Errorf("report = %+v, want 9 lines, seq 9, no legacy, no torn", r)
	}
	lines := readLinesOf(t, path)
	if r.Head != lineHash([]byte(strings.TrimSuffix(lines[len(lines)-1], "\n"))) {
		t.Errorf("Head is not the hash of the last line")
	}
	if !strings.HasPrefix(lines[1], `{"prev":"`+lineHash([]byte(strings.TrimSuffix(lines[0], "\n")))+`","seq":2,`) {
		t.Errorf("second line does not start with the first line's hash and seq 2: %.120s", lines[1])
	}
}

// Each kind of tampering is reported at the line it happened.
func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name     string
		edit     func([]string) []string
		line     int
		kind     string
		contains string
	}{
		{"edited email", func(l []string) []string {
			l[3] = strings.Replace(l[3], "c2@example.com", "someone@example.com", 1)
			return l
		}, 4, ProblemChanged, "changed"},
		{"removed line", func(l []string) []string { return append(l[:4:4], l[5:]...) }, 5, ProblemRemoved, "1 line(s) were removed"},
		{"removed two lines", func(l []string) []string { return append(l[:3:3], l[5:]...) }, 4, ProblemRemoved, "2 line(s)"},
		{"inserted copy", func(l []string) []string {
			forged := strings.Replace(l[3], "c2@example.com", "forged@example.com", 1)
			return append(append(l[:4:4], forged), l[4:]...)
		}, 5, ProblemInserted, "inserted"},
		{"inserted unchained line", func(l []string) []string {
			return append(append(l[:6:6], `{"time":"2025-01-01T00:00:00Z","phase":"intent","customer_id":99,"attempt":"x"}`+"\n"), l[6:]...)
		}, 7, ProblemInserted, "no hash"},
		{"swapped lines", func(l []string) []string { l[3], l[4] = l[4], l[3]; return l }, 4, "", ""},
		{"journal line removed", func(l []string) []string { return l[1:] }, 1, ProblemRemoved, "starts the chain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, path := openTemp(t)
			appendN(t, j, 4)
			j.Close()
			writeLines(t, path, c.edit(readLinesOf(t, path)))
			r := mustVerify(t, path)
			if r.OK() {
				t.Fatal("tampering not detected")
			}
			p := r.Problem
			if p.Line != c.line || (c.kind != "" && p.Kind != c.kind) || !strings.Contains(p.Detail, c.contains) {
				t.Errorf("problem = line %d %s: %s; want line %d %s containing %q", p.Line, p.Kind, p.Detail, c.line, c.kind, c.contains)
			}
		})
	}
}

func TestLegacyJournalChainsAfterItsLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	legacy := `{"time":"2025-01-01T00:00:00Z","phase":"intent","customer_id":1,"attempt":"old"}` + "\n" +
		`{"time":"2025-01-01T00:00:01Z","phase":"outcome","customer_id":1,"result":"deleted","attempt":"old"}` + "\n"
	if err := os.WriteFile(path, []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := Open(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, j, 1)
	j.Close()
	r := mustVerify(t, path)
	if !r.OK() || r.Legacy != 2 || r.Lines != 5 {
		t.Fatalf("report = %+v (problem %+v), want OK with 2 legacy lines of 5", r, r.Problem)
	}
	lines := readLinesOf(t, path)
	if !strings.Contains(lines[2], `"phase":"journal"`) || !strings.Contains(lines[2], "2 line(s) above") {
		t.Errorf("third line is not the chain start: %s", lines[2])
	}
	// Changing the last legacy line is detected: the chain start holds its hash.
	lines[1] = strings.Replace(lines[1], "deleted", "failed", 1)
	writeLines(t, path, lines)
	if r := mustVerify(t, path); r.OK() || r.Problem.Line != 2 {
		t.Errorf("changed legacy line: problem %+v, want line 2", r.Problem)
	}
}

func TestTornLineStaysInTheChain(t *testing.T) {
	j, path := openTemp(t)
	appendN(t, j, 1)
	j.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	lines := readLinesOf(t, path)
	next := `{"prev":"` + lineHash([]byte(strings.TrimSuffix(lines[len(lines)-1], "\n"))) + `","seq":4,"time":"2025-01-01T00:00:00Z","phase":"inte`
	f.WriteString(next) // a crash mid-write
	f.Close()
	j2, err := Open(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, j2, 1)
	j2.Close()
	r := mustVerify(t, path)
	if !r.OK() || len(r.Torn) != 1 || r.Torn[0].N != 4 || r.Seq != 6 {
		t.Fatalf("report = %+v (problem %+v), want OK, torn line 4, seq 6", r, r.Problem)
	}
}

func TestRollOverChainsFilesAndReadsTheSet(t *testing.T) {
	old := MaxFileSize
	MaxFileSize = 1500
	t.Cleanup(func() { MaxFileSize = old })
	j, path := openTemp(t)
	appendN(t, j, 6)
	files, err := Files(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 || files[len(files)-1] != path || files[0] != path+".1" {
		t.Fatalf("files = %v, want path.1, path.2, … then path", files)
	}
	for _, f := range files {
		if fi, _ := os.Stat(f); fi.Size() > MaxFileSize {
			t.Errorf("%s is %d bytes, over the limit", f, fi.Size())
		}
	}
	set, err := ReadSet(path)
	if err != nil {
		t.Fatal(err)
	}
	as := Attempts(set.Lines)
	if len(as) != 6 || as[0].Result() != ResultDeleted || as[5].IsOpen() {
		t.Fatalf("attempts across the set = %d, want 6 closed", len(as))
	}
	r := mustVerify(t, path)
	if !r.OK() || r.Seq != int64(len(set.Lines)) {
		t.Fatalf("set does not verify: %+v", r.Problem)
	}
	second := readLinesOf(t, files[1])
	if !strings.Contains(second[0], `"continues":"audit.jsonl.1"`) {
		t.Errorf("rolled file does not say what it continues: %s", second[0])
	}

	// A missing middle file is found.
	if err := os.Rename(files[1], filepath.Join(t.TempDir(), "gone")); err != nil {
		t.Fatal(err)
	}
	r = mustVerify(t, path)
	if r.OK() || r.Problem.Kind != ProblemMissingFile {
		t.Errorf("missing file: problem %+v, want %s", r.Problem, ProblemMissingFile)
	}
	// The console's recent check only looks at the live file and the end
	// of the one before it.
	if r, err := VerifyRecent(path); err != nil || !r.OK() {
		t.Errorf("VerifyRecent = %+v, %v; want OK", r.Problem, err)
	}
	// … and finds a change to that end.
	before := files[len(files)-2]
	lines := readLinesOf(t, before)
	last := len(lines) - 1
	lines[last] = strings.Replace(lines[last], `"customer_id":`, `"customer_id":9`, 1)
	writeLines(t, before, lines)
	r, err = VerifyRecent(path)
	if err != nil || r.OK() || r.Problem.File != before || r.Problem.Line != last+1 || r.Problem.Kind != ProblemChanged {
		t.Errorf("VerifyRecent after editing the end of %s = %+v, %v; want changed at line %d", before, r.Problem, err, last+1)
	}
}

func TestAttemptsJoinLines(t *testing.T) {
	j, path := openTemp(t)
	rec := json.RawMessage(`{"id":3,"email":"c@example.com"}`)
	j.Append(Entry{Phase: PhaseSkipped, CustomerID: 1, Result: ResultAlreadyGone, Attempt: "a"})
	j.Append(Entry{Phase: PhaseIntent, CustomerID: 3, Record: rec, Attempt: "b"})
	j.Append(Entry{Phase: PhaseIntent, CustomerID: 4, Attempt: "c"})
	j.Append(Entry{Phase: PhaseOutcome, CustomerID: 3, Result: ResultFailed, Status: 500, DurationMS: 120, Attempt: "b"})
	set, err := ReadSet(path)
	if err != nil {
		t.Fatal(err)
	}
	as := Attempts(set.Lines)
	if len(as) != 3 || as[0].ID != "a" || as[1].ID != "b" || as[2].ID != "c" {
		t.Fatalf("attempts = %+v", as)
	}
	if as[0].IsOpen() || as[0].Result() != ResultAlreadyGone || as[0].Record() != nil {
		t.Errorf("skipped attempt: open=%v result=%s", as[0].IsOpen(), as[0].Result())
	}
	b := as[1]
	if b.IsOpen() || b.Result() != ResultFailed || b.Status() != 500 || b.Duration().Milliseconds() != 120 ||
		!bytes.Equal(b.Record(), rec) || len(b.Lines) != 2 || b.First().CustomerID != 3 {
		t.Errorf("joined attempt b wrong: %+v", b)
	}
	if !as[2].IsOpen() || as[2].Result() != ResultOpen {
		t.Errorf("attempt c should be open")
	}
}

// Several processes append to one journal at once, with lines far longer
// than one write and roll-overs on the way: every line parses, none is
// lost, and the chain verifies.
func TestProcessesAppendConcurrently(t *testing.T) {
	if os.Getenv("AUDIT_APPEND_CHILD") != "" {
		appendChild(t)
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	const procs, each = 4, 20
	var cmds []*exec.Cmd
	for p := 0; p < procs; p++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestProcessesAppendConcurrently$", "-test.count=1")
		cmd.Env = append(os.Environ(), "AUDIT_APPEND_CHILD="+path, "AUDIT_APPEND_ID="+strconv.Itoa(p), "AUDIT_APPEND_EACH="+strconv.Itoa(each))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("child output: %s", out.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	set, err := ReadSet(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Unreadable) != 0 {
		t.Errorf("unreadable lines: %v", set.Unreadable)
	}
	seen := map[string]bool{}
	for _, l := range set.Lines {
		if l.Entry.Phase == PhaseIntent {
			seen[l.Entry.Attempt] = true
		}
	}
	if len(seen) != procs*each {
		t.Errorf("%d entries, want %d", len(seen), procs*each)
	}
	if len(set.Files) < 2 {
		t.Errorf("expected roll-overs, got files %v", set.Files)
	}
	r := mustVerify(t, path)
	if !r.OK() {
		t.Fatalf("chain broken: %+v", r.Problem)
	}
}

func appendChild(t *testing.T) {
	MaxFileSize = 1 << 20
	path := os.Getenv("AUDIT_APPEND_CHILD")
	id := os.Getenv("AUDIT_APPEND_ID")
	each, _ := strconv.Atoi(os.Getenv("AUDIT_APPEND_EACH"))
	j, err := Open(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	// A record of ~100 KiB: far more than one pipe or page, written in one line.
	big := json.RawMessage(`{"notes":"` + strings.Repeat("x", 100<<10) + `"}`)
	for i := 0; i < each; i++ {
		if err := j.Append(Entry{Phase: PhaseIntent, CustomerID: int64(i), Record: big, Attempt: id + "-" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
}
