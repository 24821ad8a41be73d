package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/termtext"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func openTemp(t *testing.T) (*Journal, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "wcadmin", "audit.jsonl")
	j, err := Open(path, env(map[string]string{"USER": "alice", "SSH_CLIENT": "192.0.2.7 51234 22"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, path
}

func TestDefaultPath(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/a"}, "/x/state/wcadmin/audit.jsonl"},
		{map[string]string{"HOME": "/home/a"}, "/home/a/.local/state/wcadmin/audit.jsonl"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/a"}, "/home/a/.local/state/wcadmin/audit.jsonl"},
		{map[string]string{}, ""},
		{map[string]string{"HOME": "rel"}, ""},
	}
	for _, c := range cases {
		if got := DefaultPath(env(c.env)); got != filepath.FromSlash(c.want) {
			t.Errorf("DefaultPath(%v) = %q, want %q", c.env, got, c.want)
		}
	}
}

func TestOpenEmptyPath(t *testing.T) {
	if _, err := Open("", env(nil)); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func TestPermissions(t *testing.T) {
	j, path := openTemp(t)
	if err := j.Append(Entry{Phase: PhaseIntent, CustomerID: 1}); err != nil {
		t.Fatal(err)
	}
	checkMode(t, filepath.Dir(path), 0o700)
	checkMode(t, path, 0o600)
	if j.Path() != path {
		t.Errorf("Path() = %q, want %q", j.Path(), path)
	}
}

func checkMode(t *testing.T, p string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", p, got, want)
	}
}

func TestRepairsWidePermissions(t *testing.T) {
	home := t.TempDir()
	getenv := env(map[string]string{"HOME": home, "USER": "bob"})
	path := DefaultPath(getenv)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	if err := os.WriteFile(path, []byte(`{"phase":"intent"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o666)
	j, err := Open(path, getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	checkMode(t, dir, 0o700)
	checkMode(t, path, 0o600)
}

func TestCustomPathDirLosesWriteBits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o775)
	j, err := Open(filepath.Join(dir, "audit.jsonl"), env(map[string]string{"HOME": "/nonexistent"}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	checkMode(t, dir, 0o755) // not the default location: only the write bits go
}

func TestRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, nil, 0o600)
	link := filepath.Join(dir, "audit.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if j, err := Open(link, env(nil)); err == nil {
		j.Close()
		t.Fatal("Open followed a symlink")
	}
}

func TestRefusesNonRegular(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip("no /dev/null")
	}
	if j, err := Open("/dev/null", env(nil)); err == nil {
		j.Close()
		t.Fatal("Open accepted /dev/null")
	}
}

func TestUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if j, err := Open(filepath.Join(dir, "audit.jsonl"), env(nil)); err == nil {
		j.Close()
		t.Fatal("Open succeeded in a read-only directory")
	}
}

func TestAppendFillsAndSanitises(t *testing.T) {
	j, path := openTemp(t)
	j.now = func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("X", 3600)) }
	host, _ := os.Hostname()
	rec := json.RawMessage("{\n  \"customer_id\": 7,\n  \"first_name\": \"\\u001b[31mEve\u202e\"\n}")
	err := j.Append(Entry{
		Phase: PhaseIntent, Site: "https://shop.example.com", Profile: "prod",
		CustomerID: 7, Email: "eve\x1b[2J@example.com", Name: "Eve\u202e\x07 Evil",
		Message: "line1\nline2", Record: rec, Attempt: "abc",
		Operator: "spoofed", Host: "spoofed",
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A new journal starts with its journal line, then the entry.
	if bytes.Count(raw, []byte("\n")) != 2 || !bytes.HasSuffix(raw, []byte("\n")) ||
		!bytes.Contains(raw[:bytes.IndexByte(raw, '\n')], []byte(`"phase":"journal"`)) {
		t.Fatalf("want the journal line and one entry, got %q", raw)
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if termtext.Clean(line) != line {
			t.Errorf("journal line is not terminal-safe: %q", line)
		}
	}
	es, err := Read(path)
	if err != nil || len(es) != 1 {
		t.Fatalf("Read: %v, %d entries", err, len(es))
	}
	e := es[0]
	if want := time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC); !e.Time.Equal(want) || e.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v UTC", e.Time, want)
	}
	if e.Operator != "alice" || e.SSHClient != "192.0.2.7 51234 22" || e.Host != termtext.CleanMax(host, 255) {
		t.Errorf("identity = %q %q %q", e.Operator, e.SSHClient, e.Host)
	}
	if e.Email != "eve@example.com" || e.Name != "Eve Evil" || e.Message != "line1 line2" {
		t.Errorf("not sanitised: email %q name %q message %q", e.Email, e.Name, e.Message)
	}
	// The record survives intact (only compacted), bidi override included.
	var m map[string]any
	if err := json.Unmarshal(e.Record, &m); err != nil {
		t.Fatal(err)
	}
	if m["first_name"] != "\x1b[31mEve\u202e" || m["customer_id"] != 7.0 {
		t.Errorf("record = %v", m)
	}
}

func TestOperatorPrefersSudoUser(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "a.jsonl"), env(map[string]string{"SUDO_USER": "carol", "USER": "root"}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.operator != "carol" {
		t.Errorf("operator = %q, want carol", j.operator)
	}
}

func TestAppendIsDurableBeforeReturn(t *testing.T) {
	j, path := openTemp(t)
	for i := 1; i <= 3; i++ {
		if err := j.Append(Entry{Phase: PhaseOutcome, CustomerID: int64(i), Result: ResultDeleted}); err != nil {
			t.Fatal(err)
		}
		// Another reader sees the line at once (no buffering in the Journal).
		es, err := Read(path)
		if err != nil || len(es) != i {
			t.Fatalf("after %d appends: %d entries, %v", i, len(es), err)
		}
	}
}

func TestAppendAfterClose(t *testing.T) {
	j, _ := openTemp(t)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := j.Append(Entry{Phase: PhaseIntent}); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	var nilJ *Journal
	if err := nilJ.Append(Entry{}); err == nil {
		t.Error("Append on nil journal succeeded")
	}
}

func TestConcurrentAppend(t *testing.T) {
	j, path := openTemp(t)
	const workers, each = 8, 50
	big := strings.Repeat("x", 5000) // lines longer than a pipe buffer
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				rec, _ := json.Marshal(map[string]string{"pad": big})
				errs <- j.Append(Entry{Phase: PhaseIntent, CustomerID: int64(w*1000 + i), Record: rec,
					Attempt: fmt.Sprintf("%d-%d", w, i)})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, bad, err := Scan(f)
	if err != nil || len(bad) != 0 || len(es) != workers*each {
		t.Fatalf("Scan: %d entries, bad lines %v, %v", len(es), bad, err)
	}
	seen := map[int64]bool{}
	for _, e := range es {
		seen[e.CustomerID] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct entries, want %d", len(seen), workers*each)
	}
}

func TestReadToleratesTornLastLine(t *testing.T) {
	j, path := openTemp(t)
	j.Append(Entry{Phase: PhaseIntent, CustomerID: 1, Attempt: "a"})
	j.Append(Entry{Phase: PhaseOutcome, CustomerID: 1, Attempt: "a", Result: ResultDeleted})
	j.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2025-01-01T00:00:00Z","phase":"inte`) // crash mid-write
	f.Close()

	es, err := Read(path)
	if err != nil || len(es) != 2 {
		t.Fatalf("Read: %d entries, %v", len(es), err)
	}
	r, _ := os.Open(path)
	_, bad, _ := Scan(r)
	r.Close()
	if len(bad) != 1 || bad[0] != 4 { // line 1 is the journal line
		t.Errorf("bad lines = %v, want [4]", bad)
	}

	// Reopening after the torn line starts the next entry on a line of its own.
	j2, err := Open(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := j2.Append(Entry{Phase: PhaseIntent, CustomerID: 2}); err != nil {
		t.Fatal(err)
	}
	j2.Close()
	es, err = Read(path)
	if err != nil || len(es) != 3 || es[2].CustomerID != 2 {
		t.Fatalf("after reopen: %d entries, %v", len(es), err)
	}
}

func TestReadMissing(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "nope.jsonl"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want ErrNotExist", err)
	}
}

func TestScanSkipsGarbageAndBlankLines(t *testing.T) {
	in := "\n{\"phase\":\"intent\",\"customer_id\":1}\nnot json\n{}\n\n{\"phase\":\"outcome\",\"customer_id\":1}\n"
	es, bad, err := Scan(strings.NewReader(in))
	if err != nil || len(es) != 2 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	if fmt.Sprint(bad) != "[3 4]" {
		t.Errorf("bad = %v, want [3 4]", bad)
	}
}

func TestEncodeLineInvalidRecord(t *testing.T) {
	line, err := EncodeLine(Entry{Phase: PhaseIntent, Record: json.RawMessage("{broken")})
	if err != nil {
		t.Fatal(err)
	}
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		t.Fatal(err)
	}
	if string(e.Record) != `"{broken"` {
		t.Errorf("Record = %s", e.Record)
	}
}

func TestEscapeJSON(t *testing.T) {
	in := "{\"a\":\"x\u202ey\u0085z\U000e0041\u00e9\xff\x7f\"}"
	out := string(EscapeJSON([]byte(in)))
	want := `{"a":"x\u202ey\u0085z\udb40\udc41` + "\u00e9" + `\ufffd\u007f"}`
	if out != want {
		t.Errorf("EscapeJSON = %q, want %q", out, want)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(out), &v); err != nil || v["a"] != "x\u202ey\u0085z\U000e0041\u00e9\ufffd\x7f" {
		t.Errorf("round trip: %q, %v", v["a"], err)
	}
	if clean := []byte(`{"a":"plain é 日本"}`); &EscapeJSON(clean)[0] != &clean[0] {
		t.Error("clean input was copied")
	}
}

func TestFilter(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	e := Entry{CustomerID: 5, Time: t0}
	cases := []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{CustomerID: 5}, true},
		{Filter{CustomerID: 6}, false},
		{Filter{Since: t0}, true},
		{Filter{Since: t0.Add(-time.Hour)}, true},
		{Filter{Since: t0.Add(time.Second)}, false},
		{Filter{CustomerID: 5, Since: t0.Add(time.Second)}, false},
	}
	for _, c := range cases {
		if got := c.f.Match(e); got != c.want {
			t.Errorf("%+v.Match = %v, want %v", c.f, got, c.want)
		}
	}
}

func TestNewAttempt(t *testing.T) {
	a, b := NewAttempt(), NewAttempt()
	if len(a) != 16 || a == b {
		t.Errorf("NewAttempt: %q %q", a, b)
	}
}
