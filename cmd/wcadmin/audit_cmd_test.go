package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/audit"
)

func runAuditCmd(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := newAuditCmd(getenv)
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// writeJournal records a few attempts: customer 11 deleted two days ago,
// customer 12 deleted an hour ago, customer 13 skipped (changed) now.
func writeJournal(t *testing.T, path string) {
	t.Helper()
	j, err := audit.Open(path, mapEnv(map[string]string{"USER": "alice"}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	now := time.Now()
	add := func(e audit.Entry) {
		t.Helper()
		e.Site, e.Profile = "https://shop.example.com", "prod"
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	rec := json.RawMessage(`{"customer_id":11,"email":"old@example.com"}`)
	add(audit.Entry{Time: now.Add(-48 * time.Hour), Phase: audit.PhaseIntent, CustomerID: 11, Email: "old@example.com", Name: "Old One", Record: rec, Attempt: "a1"})
	add(audit.Entry{Time: now.Add(-48 * time.Hour), Phase: audit.PhaseOutcome, CustomerID: 11, Email: "old@example.com", Result: "deleted", Status: 204, Attempt: "a1"})
	add(audit.Entry{Time: now.Add(-time.Hour), Phase: audit.PhaseIntent, CustomerID: 12, Email: "evil\x1b]52;c;AAAA\x07@example.com", Name: "Eve", Attempt: "a2"})
	add(audit.Entry{Time: now.Add(-time.Hour), Phase: audit.PhaseOutcome, CustomerID: 12, Email: "evil@example.com", Result: "failed", Status: 500,
		Message: "the delete did not go through:\n\x1b[31mstill there", Attempt: "a2"})
	add(audit.Entry{Time: now, Phase: audit.PhaseSkipped, CustomerID: 13, Email: "c@example.com", Result: "changed", Message: "this record changed", Attempt: "a3"})
}

func TestAuditMissingJournal(t *testing.T) {
	state := t.TempDir()
	out, _, err := runAuditCmd(t, mapEnv(map[string]string{"XDG_STATE_HOME": state}))
	if err != nil {
		t.Fatal(err)
	}
	want := "no deletions recorded yet (journal: " + filepath.Join(state, "wcadmin", "audit.jsonl") + ")\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestAuditEmptyJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	os.WriteFile(path, nil, 0o600)
	out, _, err := runAuditCmd(t, mapEnv(nil), "--audit-log", path)
	if err != nil || !strings.HasPrefix(out, "no deletions recorded yet") {
		t.Errorf("output %q, %v", out, err)
	}
}

func TestAuditNoPath(t *testing.T) {
	if _, _, err := runAuditCmd(t, mapEnv(nil)); err == nil || !strings.Contains(err.Error(), "--audit-log") {
		t.Errorf("err = %v", err)
	}
}

func TestAuditTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeJournal(t, path)
	out, errOut, err := runAuditCmd(t, mapEnv(nil), "--audit-log", path)
	if err != nil || errOut != "" {
		t.Fatalf("err %v, stderr %q", err, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want header + 5:\n%s", len(lines), out)
	}
	for _, col := range []string{"TIME", "OPERATOR", "PROFILE", "SITE", "CUSTOMER", "EMAIL", "PHASE/RESULT", "STATUS", "MESSAGE"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %s", lines[0], col)
		}
	}
	for i, want := range [][]string{
		{"alice", "prod", "https://shop.example.com", "11", "old@example.com", "intent"},
		{"11", "deleted", "204"},
		{"12", "evil@example.com", "intent"},
		{"12", "failed", "500", "the delete did not go through: still there"},
		{"13", "skipped/changed", "this record changed"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("output is not terminal-safe: %q", out)
	}
}

func TestAuditFilters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeJournal(t, path)
	cases := []struct {
		args []string
		ids  []int64
	}{
		{[]string{"--customer", "12"}, []int64{12, 12}},
		{[]string{"--since", "24h"}, []int64{12, 12, 13}},
		{[]string{"--since", "3d"}, []int64{11, 11, 12, 12, 13}},
		{[]string{"--since", "30m"}, []int64{13}},
		{[]string{"--since", "24h", "--customer", "11"}, nil},
		{[]string{"--since", time.Now().Add(-2 * time.Hour).Format(time.RFC3339)}, []int64{12, 12, 13}},
	}
	for _, c := range cases {
		args := append([]string{"--audit-log", path, "--json"}, c.args...)
		out, _, err := runAuditCmd(t, mapEnv(nil), args...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		var ids []int64
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var e audit.Entry
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%v: bad JSON line %q: %v", c.args, line, err)
			}
			ids = append(ids, e.CustomerID)
		}
		if !slices.Equal(ids, c.ids) {
			t.Errorf("%v: ids %v, want %v", c.args, ids, c.ids)
		}
	}
	// The table says so when nothing matches.
	out, _, err := runAuditCmd(t, mapEnv(nil), "--audit-log", path, "--customer", "99")
	if err != nil || !strings.HasPrefix(out, "no matching entries") {
		t.Errorf("output %q, %v", out, err)
	}
}

func TestAuditJSONKeepsRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeJournal(t, path)
	out, _, err := runAuditCmd(t, mapEnv(nil), "--audit-log", path, "--customer", "11", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var e audit.Entry
	if err := json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &e); err != nil {
		t.Fatal(err)
	}
	if string(e.Record) != `{"customer_id":11,"email":"old@example.com"}` || e.Attempt != "a1" || e.Operator != "alice" {
		t.Errorf("entry %+v", e)
	}
}

func TestAuditTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeJournal(t, path)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2025-01-01T00:00:00Z","pha`)
	f.Close()
	out, errOut, err := runAuditCmd(t, mapEnv(nil), "--audit-log", path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "skipped 1 unreadable line(s)") || !strings.Contains(errOut, "line 6") {
		t.Errorf("stderr %q", errOut)
	}
	if strings.Count(out, "\n") != 6 {
		t.Errorf("output:\n%s", out)
	}
}

func TestAuditBadFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for _, args := range [][]string{
		{"--since", "yesterday"},
		{"--since", "-5h"},
		{"--customer", "-3"},
		{"--customer", "abc"},
		{"extra"},
	} {
		if _, _, err := runAuditCmd(t, mapEnv(nil), append([]string{"--audit-log", path}, args...)...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestAuditViaRoot(t *testing.T) {
	state := t.TempDir()
	cmd := newRootCmd(mapEnv(map[string]string{"XDG_STATE_HOME": state}))
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"audit"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no deletions recorded yet") {
		t.Errorf("output %q", out.String())
	}
}

func TestAuditParseSince(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"24h":                  now.Add(-24 * time.Hour),
		"7d":                   now.AddDate(0, 0, -7),
		"90m":                  now.Add(-90 * time.Minute),
		"2025-06-01T00:00:00Z": time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := parseSince("2025-06-01", now); err != nil || got.Format("2006-01-02") != "2025-06-01" {
		t.Errorf("date: %v %v", got, err)
	}
}
