package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// runAudit runs `wcadmin audit ARGS` through the root command (so the
// root's persistent flags are inherited as in the binary) with env as the
// whole environment.
func runAudit(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := newRootCmd(mapEnv(env))
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{"audit"}, args...))
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Attempt ids of the sample journal; two share the prefix abcdef.
const (
	idDeleted  = "1111aaaa00000001"
	idFailed   = "2222bbbb00000002"
	idSkipped  = "abcdef0000000003"
	idOpen     = "abcdef0000000004"
	idSettled  = "4444cccc00000005"
	sampleSite = "https://shop.example.com"
)

// recordOf11 is customer 11 as it was before deletion.
const recordOf11 = `{"customer_id":11,"email":"old@example.com","first_name":"Old","last_name":"One"}`

// appendAs writes entries to the journal at path as operator user
// connected from sshClient.
func appendAs(t *testing.T, path, user, sshClient string, entries ...audit.Entry) {
	t.Helper()
	j, err := audit.Open(path, mapEnv(map[string]string{"USER": user, "SSH_CLIENT": sshClient}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, e := range entries {
		if e.Site == "" {
			e.Site, e.Profile = sampleSite, "prod"
		}
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
}

// writeSampleJournal records five attempts at path:
//
//	idDeleted  alice  customer 11, two days ago: deleted (204, 312ms), with its record
//	idFailed   alice  customer 12, an hour ago: failed (500); hostile email and message
//	idSkipped  bob    customer 13, now: skipped (changed), nothing sent
//	idOpen     bob    customer 14, ten minutes ago: intent only
//	idSettled  carol  customer 15, thirty minutes ago: settled as not_deleted
func writeSampleJournal(t *testing.T, path string) {
	t.Helper()
	now := time.Now()
	appendAs(t, path, "alice", "10.0.0.1 50000 22",
		audit.Entry{Time: now.Add(-48 * time.Hour), Phase: audit.PhaseIntent, CustomerID: 11, Email: "old@example.com",
			Name: "Old One", Record: json.RawMessage(recordOf11), Attempt: idDeleted},
		audit.Entry{Time: now.Add(-48 * time.Hour), Phase: audit.PhaseOutcome, CustomerID: 11, Email: "old@example.com",
			Result: audit.ResultDeleted, Status: 204, DurationMS: 312, Attempt: idDeleted},
		audit.Entry{Time: now.Add(-time.Hour), Phase: audit.PhaseIntent, CustomerID: 12, Email: "=HYPERLINK(\"http://x\")@example.com",
			Name: "+Eve\x1b]52;c;AAAA\x07", Record: json.RawMessage(`{"customer_id":12}`), Attempt: idFailed},
		audit.Entry{Time: now.Add(-time.Hour), Phase: audit.PhaseOutcome, CustomerID: 12, Result: audit.ResultFailed, Status: 500,
			Message: "-the delete did not go through:\n\x1b[31mstill there", Attempt: idFailed},
	)
	appendAs(t, path, "bob", "",
		audit.Entry{Time: now, Phase: audit.PhaseSkipped, CustomerID: 13, Email: "c@example.com", Result: audit.ResultChanged,
			Message: "this record changed", Attempt: idSkipped},
		audit.Entry{Time: now.Add(-10 * time.Minute), Phase: audit.PhaseIntent, CustomerID: 14, Email: "Dora@Example.com",
			Record: json.RawMessage(`{"customer_id":14}`), Attempt: idOpen},
	)
	appendAs(t, path, "carol", "10.0.0.3 40000 22",
		audit.Entry{Time: now.Add(-30 * time.Minute), Phase: audit.PhaseIntent, CustomerID: 15, Email: "e@example.com",
			Record: json.RawMessage(`{"customer_id":15}`), Attempt: idSettled},
		audit.Entry{Time: now.Add(-5 * time.Minute), Phase: audit.PhaseOutcome, CustomerID: 15, Email: "e@example.com",
			Result: audit.ResultNotDeleted, Message: "still in the store", Attempt: idSettled,
			Settled: &audit.Settlement{By: "dave", Host: "admin2", At: now.Add(-5 * time.Minute), Interrupted: now.Add(-30 * time.Minute), How: "GET answered 200"}},
	)
}

// sampleEnv makes a sample journal and returns an environment naming it.
func sampleEnv(t *testing.T) (map[string]string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeSampleJournal(t, path)
	return map[string]string{"HOME": t.TempDir(), "WCADMIN_AUDIT_LOG": path}, path
}

// jsonAttempts parses --output json: one object per line.
func jsonAttempts(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q is not one JSON object: %v", line, err)
		}
		objs = append(objs, m)
	}
	return objs
}

func attemptIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, m := range jsonAttempts(t, out) {
		ids = append(ids, m["attempt"].(string))
	}
	return ids
}

func TestAuditReadsTheJournalNamedByTheEnvironmentAndSaysSo(t *testing.T) {
	env, path := sampleEnv(t)
	out, errOut, err := runAudit(t, env, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if want := "journal: " + path + " (from env WCADMIN_AUDIT_LOG)\n"; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
	if ids := attemptIDs(t, out); len(ids) != 5 {
		t.Errorf("attempts %v, want the 5 of the sample", ids)
	}
}

// profileConfig writes a config file whose profiles have their own
// journals (and no credentials: reading the journal needs none).
func profileConfig(t *testing.T, home, prodLog, stagingLog string) string {
	t.Helper()
	dir := filepath.Join(home, ".config", "wcadmin")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	body := "default_profile = \"prod\"\n[profiles.prod]\nsite = \"https://shop.example.com\"\naudit_log = \"" + prodLog + "\"\n" +
		"[profiles.staging]\nsite = \"https://staging.example.com\"\naudit_log = \"" + stagingLog + "\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestAuditProfileFlagReadsThatProfilesJournal(t *testing.T) {
	home := t.TempDir()
	prod := filepath.Join(t.TempDir(), "prod.jsonl")
	staging := filepath.Join(t.TempDir(), "staging.jsonl")
	cfg := profileConfig(t, home, prod, staging)
	appendAs(t, staging, "sam", "", audit.Entry{Phase: audit.PhaseSkipped, CustomerID: 77, Result: audit.ResultChanged, Attempt: "77aa77aa77aa77aa"})

	out, errOut, err := runAudit(t, map[string]string{"HOME": home}, "--profile", "staging", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if want := "journal: " + staging + " (from profile staging in " + cfg + ")"; !strings.Contains(errOut, want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
	if ids := attemptIDs(t, out); !slices.Equal(ids, []string{"77aa77aa77aa77aa"}) {
		t.Errorf("attempts %v", ids)
	}
	// Without --profile the default profile's journal is read, and it does
	// not exist: that is an error naming it, not an empty list.
	_, errOut, err = runAudit(t, map[string]string{"HOME": home})
	if err == nil || !strings.Contains(err.Error(), "no journal at "+prod+" (from profile prod in "+cfg+")") {
		t.Errorf("default profile: err %v, stderr %q", err, errOut)
	}
}

func TestAuditLogFlagBeatsTheEnvironmentAndTheProfile(t *testing.T) {
	home := t.TempDir()
	env, sample := sampleEnv(t)
	env["HOME"] = home
	profileConfig(t, home, filepath.Join(t.TempDir(), "p.jsonl"), filepath.Join(t.TempDir(), "s.jsonl"))
	env["WCADMIN_AUDIT_LOG"] = filepath.Join(t.TempDir(), "elsewhere.jsonl")
	_, errOut, err := runAudit(t, env, "--audit-log", sample, "--profile", "staging")
	if err != nil {
		t.Fatal(err)
	}
	if want := "journal: " + sample + " (from flag --audit-log)"; !strings.Contains(errOut, want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
	// The flag also works before the subcommand, as for the console.
	cmd := newRootCmd(mapEnv(env))
	var out, eo bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&eo)
	cmd.SetArgs([]string{"--audit-log", sample, "audit"})
	if err := cmd.Execute(); err != nil || !strings.Contains(eo.String(), "(from flag --audit-log)") {
		t.Errorf("wcadmin --audit-log X audit: %v, stderr %q", err, eo.String())
	}
}

func TestAuditDefaultJournalIsUnderXDGStateHome(t *testing.T) {
	state := t.TempDir()
	path := filepath.Join(state, "wcadmin", "audit.jsonl")
	writeSampleJournal(t, path)
	_, errOut, err := runAudit(t, map[string]string{"HOME": t.TempDir(), "XDG_STATE_HOME": state})
	if err != nil {
		t.Fatal(err)
	}
	if want := "journal: " + path + " (the default)\n"; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
	// A profile without audit_log: the default, and the profile is named so
	// nobody takes it for the profile's own journal.
	home := t.TempDir()
	cfg := filepath.Join(home, "config.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.bare]\nsite = \"https://bare.example.com\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, err = runAudit(t, map[string]string{"HOME": home, "XDG_STATE_HOME": state}, "--config", cfg)
	if want := "journal: " + path + " (the default; profile bare sets no audit_log)\n"; err != nil || !strings.HasPrefix(errOut, want) {
		t.Errorf("%v: stderr %q, want it to start with %q", err, errOut, want)
	}
}

func TestAuditMissingJournalIsAnErrorNamingThePathAndItsSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "audit.jsonl")
	out, _, err := runAudit(t, map[string]string{"HOME": t.TempDir(), "WCADMIN_AUDIT_LOG": path})
	want := "no journal at " + path + " (from env WCADMIN_AUDIT_LOG): nothing has been recorded there — is this the right path?"
	if err == nil || err.Error() != want {
		t.Errorf("err %v, want %q", err, want)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	for _, sub := range []string{"show", "verify"} {
		args := []string{sub}
		if sub == "show" {
			args = append(args, idDeleted)
		}
		if _, _, err := runAudit(t, map[string]string{"HOME": t.TempDir(), "WCADMIN_AUDIT_LOG": path}, args...); err == nil || !strings.Contains(err.Error(), "no journal at "+path) {
			t.Errorf("audit %s: err %v", sub, err)
		}
	}
}

func TestAuditWithoutHomeOrPathIsAClearError(t *testing.T) {
	_, _, err := runAudit(t, nil)
	if err == nil || !strings.Contains(err.Error(), "--audit-log") || !strings.Contains(err.Error(), "HOME") {
		t.Errorf("err %v", err)
	}
}

func TestAuditRefusesTheStoreFlags(t *testing.T) {
	env, _ := sampleEnv(t)
	for _, args := range [][]string{{"--site", "https://x.example.com"}, {"verify", "--read-only"}, {"--timeout", "3s"}} {
		if _, _, err := runAudit(t, env, args...); err == nil || !strings.Contains(err.Error(), "does not apply") {
			t.Errorf("%v: err %v", args, err)
		}
	}
}

func TestAuditTableHasOneRowPerAttemptWithTheOutcomeJoined(t *testing.T) {
	env, _ := sampleEnv(t)
	out, errOut, err := runAudit(t, env)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want header + 5 attempts:\n%s", len(lines), out)
	}
	for _, col := range []string{"TIME", "ATTEMPT", "OPERATOR", "SSH CLIENT", "PROFILE", "SITE", "CUSTOMER", "EMAIL", "RESULT", "STATUS", "DURATION"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %s", lines[0], col)
		}
	}
	for i, want := range [][]string{
		{idDeleted, "alice", "10.0.0.1", "prod", sampleSite, "11", "old@example.com", "deleted", "204", "312ms"},
		{idFailed, "alice", "12", "failed", "500"},
		{idSkipped, "bob", "13", "changed"},
		{idOpen, "bob", "14", "open (no outcome)"},
		{idSettled, "carol", "15", "not_deleted (settled)"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("row %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	// Columns line up: every row's customer id starts where the header's
	// CUSTOMER does.
	col := strings.Index(lines[0], "CUSTOMER")
	if !strings.HasPrefix(lines[1][col:], "11 ") || !strings.HasPrefix(lines[4][col:], "14 ") {
		t.Errorf("columns do not line up:\n%s", out)
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("the table is not terminal-safe: %q", out)
	}
	if !strings.Contains(errOut, "5 of 5 attempts") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestAuditFiltersSelectAttempts(t *testing.T) {
	env, _ := sampleEnv(t)
	twoDaysAgo := time.Now().Add(-48 * time.Hour).Format("2006-01-02") // the day of idDeleted
	threeDaysAgo := time.Now().AddDate(0, 0, -3).Format("2006-01-02")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--open"}, []string{idOpen}},
		{[]string{"--failed"}, []string{idFailed, idSettled}},
		{[]string{"--open", "--failed"}, []string{idFailed, idOpen, idSettled}},
		{[]string{"--customer", "12"}, []string{idFailed}},
		{[]string{"--email", "EXAMPLE.COM"}, []string{idDeleted, idFailed, idSkipped, idOpen, idSettled}},
		{[]string{"--email", "dora@"}, []string{idOpen}},
		{[]string{"--operator", "BOB"}, []string{idSkipped, idOpen}},
		{[]string{"--operator", "bo"}, nil},
		{[]string{"--since", "24h"}, []string{idFailed, idSkipped, idOpen, idSettled}},
		{[]string{"--since", "20m"}, []string{idSkipped, idOpen}},
		{[]string{"--until", "24h"}, []string{idDeleted}},
		{[]string{"--since", "3d", "--until", "45m"}, []string{idDeleted, idFailed}},
		{[]string{"--since", time.Now().Add(-2 * time.Hour).Format(time.RFC3339)}, []string{idFailed, idSkipped, idOpen, idSettled}},
		{[]string{"--until", threeDaysAgo}, nil},
		// A date in --until means the whole day.
		{[]string{"--since", twoDaysAgo, "--until", twoDaysAgo}, []string{idDeleted}},
		{[]string{"--failed", "--operator", "carol"}, []string{idSettled}},
	}
	for _, tt := range tests {
		out, _, err := runAudit(t, env, append([]string{"--output", "json"}, tt.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := attemptIDs(t, out); !slices.Equal(got, tt.want) {
			t.Errorf("%v: attempts %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestAuditNoMatchingAttemptsSaysHowManyTheJournalHolds(t *testing.T) {
	env, _ := sampleEnv(t)
	out, errOut, err := runAudit(t, env, "--customer", "99")
	if err != nil || out != "" {
		t.Fatalf("err %v, stdout %q", err, out)
	}
	if !strings.Contains(errOut, "no matching attempts (5 attempts in the journal)") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestAuditJSONIsOneObjectPerAttemptWithTheRecord(t *testing.T) {
	env, _ := sampleEnv(t)
	out, _, err := runAudit(t, env, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	objs := jsonAttempts(t, out)
	if len(objs) != 5 || strings.Count(out, "\n") != 5 {
		t.Fatalf("%d objects on %d lines, want 5 on 5:\n%s", len(objs), strings.Count(out, "\n"), out)
	}
	keys := []string{"attempt", "time", "operator", "ssh_client", "key_fingerprint", "via", "reason", "host", "profile", "site", "customer_id", "email", "name",
		"result", "status", "duration_ms", "message", "settled", "record", "lines"}
	for _, m := range objs {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("object %v lacks %q", m["attempt"], k)
			}
		}
		if len(m) != len(keys) {
			t.Errorf("object %v has %d fields, want %d", m["attempt"], len(m), len(keys))
		}
	}
	del := objs[0]
	rec, _ := json.Marshal(del["record"])
	var want any
	json.Unmarshal([]byte(recordOf11), &want)
	wantRec, _ := json.Marshal(want)
	if string(rec) != string(wantRec) {
		t.Errorf("record %s, want %s", rec, wantRec)
	}
	if del["result"] != "deleted" || del["status"] != 204.0 || del["duration_ms"] != 312.0 || del["lines"] != 2.0 ||
		del["operator"] != "alice" || del["ssh_client"] != "10.0.0.1 50000 22" || del["settled"] != nil {
		t.Errorf("deleted attempt %v", del)
	}
	if objs[2]["record"] != nil || objs[2]["result"] != "changed" {
		t.Errorf("skipped attempt %v: no record expected", objs[2])
	}
	if objs[3]["result"] != "open" {
		t.Errorf("open attempt %v", objs[3])
	}
	settled, ok := objs[4]["settled"].(map[string]any)
	if !ok || settled["by"] != "dave" || settled["how"] != "GET answered 200" {
		t.Errorf("settled %v", objs[4]["settled"])
	}
	// --json is the old spelling of --output json.
	old, _, err := runAudit(t, env, "--json")
	if err != nil || old != out {
		t.Errorf("--json: %v\n%s", err, old)
	}
}

func TestAuditJSONEscapesWhatATerminalWouldRun(t *testing.T) {
	// A hand-edited (unchained) line holding raw C1 and bidi controls,
	// which JSON allows inside strings.
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	line := `{"time":"2026-01-02T03:04:05Z","phase":"intent","operator":"x\u009b31m","site":"s","customer_id":9,"email":"a` +
		"\u202e" + `moc.evil@b","name":"","record":{"note":"` + "\u009b2J\u200b" + `"},"attempt":"9999999999999999"}` + "\n"
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(line, `\u009b`, "\u009b")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runAudit(t, map[string]string{"WCADMIN_AUDIT_LOG": path}, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"\u009b", "\u202e", "\u200b"} {
		if strings.Contains(out, r) {
			t.Errorf("output holds raw %U: %q", []rune(r)[0], out)
		}
	}
	var got struct {
		Operator, Email string
		Record          struct{ Note string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Operator != "x\u009b31m" || got.Email != "a\u202emoc.evil@b" || got.Record.Note != "\u009b2J\u200b" {
		t.Errorf("the escapes do not decode to the journal's text: %+v", got)
	}
}

func TestAuditCSVHasAHeaderAndDefusesFormulaCells(t *testing.T) {
	env, _ := sampleEnv(t)
	out, _, err := runAudit(t, env, "--output", "csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180 CSV: %v\n%s", err, out)
	}
	if len(rows) != 6 || !slices.Equal(rows[0], csvHeader) {
		t.Fatalf("rows %q", rows)
	}
	col := func(name string) int { return slices.Index(csvHeader, name) }
	failed := rows[2]
	if failed[col("attempt")] != idFailed {
		t.Fatalf("row 2 is %q", failed)
	}
	for name, want := range map[string]string{
		"email":   `'=HYPERLINK("http://x")@example.com`,
		"name":    "'+Eve",
		"message": "'-the delete did not go through: still there",
		"result":  "failed",
		"status":  "500",
	} {
		if got := failed[col(name)]; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := rows[5][col("settled_by")]; got != "dave" {
		t.Errorf("settled_by = %q", got)
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("CSV is not terminal-safe: %q", out)
	}
	for in, want := range map[string]string{"@SUM(A1)": "'@SUM(A1)", "\tx": "x", "plain": "plain", "": ""} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAuditShowPrintsTheLinesAndTheRecordBeforeDeletion(t *testing.T) {
	env, path := sampleEnv(t)
	out, _, err := runAudit(t, env, "show", idDeleted[:6])
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(path)
	for _, want := range []string{
		"Attempt " + idDeleted, "customer 11 old@example.com (Old One)", "profile prod",
		base + ":2", "intent", "by alice from 10.0.0.1",
		base + ":3", "outcome  deleted  HTTP 204  312ms",
		"Customer record before deletion:\n{\n  \"customer_id\": 11,\n  \"email\": \"old@example.com\",",
		"restore it from\nits trash", "re-create it by hand from this record",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A settled attempt says who settled it; an open one that nothing
	// recorded its outcome.
	out, _, err = runAudit(t, env, "show", idSettled)
	if err != nil || !strings.Contains(out, "settled by dave on admin2") || !strings.Contains(out, "GET answered 200") ||
		!strings.Contains(out, "probably not deleted") {
		t.Errorf("settled: %v\n%s", err, out)
	}
	out, _, err = runAudit(t, env, "show", idOpen)
	if err != nil || !strings.Contains(out, "No outcome was recorded") {
		t.Errorf("open: %v\n%s", err, out)
	}
	out, _, err = runAudit(t, env, "show", idFailed)
	if err != nil || strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("failed: %v, not terminal-safe: %q", err, out)
	}
}

func TestAuditShowNeedsAUniquePrefixOfSixCharacters(t *testing.T) {
	env, _ := sampleEnv(t)
	_, _, err := runAudit(t, env, "show", "abcdef")
	if err == nil || !strings.Contains(err.Error(), "ambiguous") || !strings.Contains(err.Error(), idSkipped) || !strings.Contains(err.Error(), idOpen) {
		t.Errorf("ambiguous prefix: %v", err)
	}
	if _, _, err := runAudit(t, env, "show", "1111a"); err == nil || !strings.Contains(err.Error(), "at least 6") {
		t.Errorf("short prefix: %v", err)
	}
	if _, _, err := runAudit(t, env, "show", "999999"); err == nil || !strings.Contains(err.Error(), "no attempt 999999") {
		t.Errorf("unknown: %v", err)
	}
	if out, _, err := runAudit(t, env, "show", "ABCDEF0000000004"); err != nil || !strings.Contains(out, "customer 14") {
		t.Errorf("full id in upper case: %v\n%s", err, out)
	}
}

func TestAuditShowJSONPrintsTheAttemptsLines(t *testing.T) {
	env, path := sampleEnv(t)
	out, _, err := runAudit(t, env, "show", idDeleted, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var lines []struct {
		File  string
		Line  int
		Entry audit.Entry
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v struct {
			File  string
			Line  int
			Entry audit.Entry
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, v)
	}
	if len(lines) != 2 || lines[0].File != path || lines[0].Line != 2 || lines[0].Entry.Phase != audit.PhaseIntent ||
		string(lines[0].Entry.Record) != recordOf11 || lines[1].Entry.Result != audit.ResultDeleted {
		t.Errorf("lines %+v", lines)
	}
}

func TestAuditVerifyReportsTheHeadOfAnIntactChain(t *testing.T) {
	env, path := sampleEnv(t)
	out, _, err := runAudit(t, env, "verify")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(path)
	if err != nil || !rep.OK() {
		t.Fatalf("audit.Verify: %+v, %v", rep, err)
	}
	for _, want := range []string{
		"files:  1 (audit.jsonl)", "lines:  " + itoa(rep.Lines),
		"head:   seq " + itoa(int(rep.Seq)) + ", sha256 " + rep.Head,
		"Record the head", "can only be detected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAuditVerifyFailsOnAnEditedLineAndNamesIt(t *testing.T) {
	env, path := sampleEnv(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Line 3 is the deleted attempt's outcome: make it look refused.
	if !strings.Contains(lines[2], `"result":"deleted"`) {
		t.Fatalf("line 3 is %q", lines[2])
	}
	lines[2] = strings.Replace(lines[2], `"result":"deleted"`, `"result":"refused"`, 1)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runAudit(t, env, "verify")
	if err == nil {
		t.Fatalf("verify passed an edited journal:\n%s", out)
	}
	if !strings.Contains(err.Error(), "hash chain is broken at "+path+":3 (changed)") {
		t.Errorf("err %v, want it to name %s:3", err, path)
	}
	if strings.Contains(out+errOut, "Usage:") {
		t.Errorf("a usage message was printed:\n%s%s", out, errOut)
	}
	// The list still shows the journal, and warns.
	_, errOut, err = runAudit(t, env)
	if err != nil || !strings.Contains(errOut, "hash chain is broken at "+path+":3 — run wcadmin audit verify") {
		t.Errorf("list: %v, stderr %q", err, errOut)
	}
}

func TestAuditVerifyFailsOnARemovedLine(t *testing.T) {
	env, path := sampleEnv(t)
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	// Drop line 4: the failed attempt's intent.
	if err := os.WriteFile(path, []byte(strings.Join(slices.Delete(lines, 3, 4), "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runAudit(t, env, "verify"); err == nil || !strings.Contains(err.Error(), path+":") {
		t.Errorf("err %v", err)
	}
}

func TestAuditReadsEveryFileOfARolledOverJournal(t *testing.T) {
	old := audit.MaxFileSize
	audit.MaxFileSize = 2000
	t.Cleanup(func() { audit.MaxFileSize = old })
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var entries []audit.Entry
	for i := range 12 {
		entries = append(entries, audit.Entry{Phase: audit.PhaseSkipped, CustomerID: int64(100 + i), Email: "x@example.com",
			Result: audit.ResultChanged, Message: strings.Repeat("m", 200), Attempt: audit.NewAttempt()})
	}
	appendAs(t, path, "alice", "", entries...)
	files, err := audit.Files(path)
	if err != nil || len(files) < 3 {
		t.Fatalf("files %v, %v: the journal did not roll over", files, err)
	}
	env := map[string]string{"WCADMIN_AUDIT_LOG": path}
	out, _, err := runAudit(t, env, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(jsonAttempts(t, out)); n != 12 {
		t.Errorf("%d attempts, want 12 across %d files", n, len(files))
	}
	out, _, err = runAudit(t, env, "verify")
	if err != nil || !strings.Contains(out, "files:  "+itoa(len(files))+" (audit.jsonl.1, audit.jsonl.2") {
		t.Errorf("verify: %v\n%s", err, out)
	}
}

func TestAuditWarnsAboutTornLines(t *testing.T) {
	env, path := sampleEnv(t)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2025-01-01T00:00:00Z","pha`)
	f.Close()
	out, errOut, err := runAudit(t, env, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "skipped 1 unreadable line(s)") || !strings.Contains(errOut, "audit.jsonl:") {
		t.Errorf("stderr %q", errOut)
	}
	if n := len(jsonAttempts(t, out)); n != 5 {
		t.Errorf("%d attempts", n)
	}
	out, errOut, err = runAudit(t, env, "verify")
	if err != nil || !strings.Contains(errOut, "is torn") || !strings.Contains(out, "head:") {
		t.Errorf("verify: %v\nstdout %s\nstderr %s", err, out, errOut)
	}
}

func TestAuditBadFlagsAreErrors(t *testing.T) {
	env, _ := sampleEnv(t)
	for _, args := range [][]string{
		{"--since", "yesterday"},
		{"--since", "-5h"},
		{"--until", "soon"},
		{"--since", "1h", "--until", "2h"},
		{"--customer", "-3"},
		{"--customer", "abc"},
		{"--output", "xml"},
		{"--json", "--output", "csv"},
		{"extra"},
		{"show"},
		{"show", idDeleted, "--output", "csv"},
		{"verify", "extra"},
	} {
		if _, _, err := runAudit(t, env, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestAuditParseWhen(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in    string
		until bool
		want  time.Time
	}{
		{"24h", false, now.Add(-24 * time.Hour)},
		{"7d", true, now.AddDate(0, 0, -7)},
		{"90m", false, now.Add(-90 * time.Minute)},
		{"2025-06-01T00:00:00Z", true, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"2025-06-01", false, time.Date(2025, 6, 1, 0, 0, 0, 0, time.Local)},
		{"2025-06-01", true, time.Date(2025, 6, 2, 0, 0, 0, 0, time.Local).Add(-time.Nanosecond)},
	} {
		got, err := parseWhen("--x", c.in, now, c.until)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseWhen(%q, until=%v) = %v, %v; want %v", c.in, c.until, got, err, c.want)
		}
	}
}

func TestCheckAndAuditFindTheSameJournal(t *testing.T) {
	_, srv := startStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 3, Token: "tok"})
	path := filepath.Join(t.TempDir(), "j", "audit.jsonl")
	out, err := runCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "tok", "WCADMIN_AUDIT_LOG": path})
	if err != nil {
		t.Fatal(err)
	}
	if want := "journal: " + path + " (from env WCADMIN_AUDIT_LOG) is writable"; !strings.Contains(out, want) {
		t.Errorf("check output lacks %q:\n%s", want, out)
	}
	_, errOut, err := runAudit(t, map[string]string{"WCADMIN_AUDIT_LOG": path})
	if err != nil || !strings.Contains(errOut, "journal: "+path+" (from env WCADMIN_AUDIT_LOG)") ||
		!strings.Contains(errOut, "no matching attempts (0 attempts in the journal)") {
		t.Errorf("audit: %v, stderr %q", err, errOut)
	}
	// Without any setting both use the default under XDG_STATE_HOME.
	out, err = runCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "tok"})
	if err != nil || !strings.Contains(out, filepath.Join("state", "wcadmin", "audit.jsonl")+" (the default) is writable") {
		t.Errorf("check with the default: %v\n%s", err, out)
	}
}

func TestAuditVerifyHeadFailsWhenTheRecordedHeadWasCutOff(t *testing.T) {
	env, path := sampleEnv(t)
	rep, err := audit.Verify(path)
	if err != nil || !rep.OK() {
		t.Fatal(rep, err)
	}
	recorded := rep.Head
	// More lines later: the recorded head is inside the chain now.
	appendAs(t, path, "erin", "", audit.Entry{Phase: audit.PhaseSkipped, CustomerID: 16, Result: audit.ResultChanged, Attempt: "6666666666666666"})
	if out, _, err := runAudit(t, env, "verify", "--head", recorded); err != nil || !strings.Contains(out, "recorded head is still in the chain") {
		t.Errorf("head inside the chain: %v\n%s", err, out)
	}
	// Cut the last three lines off: the chain still verifies, the head
	// catches it.
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	if err := os.WriteFile(path, []byte(strings.Join(lines[:len(lines)-3], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runAudit(t, env, "verify"); err != nil {
		t.Fatalf("a cut-off end should verify without a head: %v", err)
	}
	if _, _, err := runAudit(t, env, "verify", "--head", recorded); err == nil || !strings.Contains(err.Error(), "recorded head "+recorded+" is not in the journal") {
		t.Errorf("cut-off head: %v", err)
	}
}

// Attempt ids of the undo-window journal.
const (
	idUndone    = "5555dddd00000006"
	idPending   = "6666eeee00000007"
	idWaited    = "7777ffff00000008"
	idNotSent   = "8888aaaa00000009"
	idOpenAfter = "9999bbbb0000000a"
)

// writeUndoJournal records at path, oldest first:
//
//	idUndone    customer 21: scheduled, then undone (u pressed): nothing sent
//	idPending   customer 22: scheduled, nothing after it
//	idWaited    customer 23: scheduled, then intent and outcome deleted
//	idNotSent   customer 24: scheduled, settled as not_sent by a later start
//	idOpenAfter customer 25: scheduled, then an intent and no outcome
func writeUndoJournal(t *testing.T, path string) {
	t.Helper()
	now := time.Now().Add(-time.Hour)
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }
	sched := func(s int, id int64, attempt string) audit.Entry {
		return audit.Entry{Time: at(s), Phase: audit.PhaseScheduled, CustomerID: id, Email: "u@example.com", Attempt: attempt,
			Message: "confirmed; the DELETE waits out the 5s undo window"}
	}
	appendAs(t, path, "alice", "10.0.0.1 50000 22",
		sched(0, 21, idUndone),
		audit.Entry{Time: at(2), Phase: audit.PhaseUndone, CustomerID: 21, Email: "u@example.com", Attempt: idUndone,
			Message: "undone before anything was sent: u pressed"},
		sched(10, 22, idPending),
		sched(20, 23, idWaited),
		audit.Entry{Time: at(25), Phase: audit.PhaseIntent, CustomerID: 23, Email: "u@example.com", Attempt: idWaited,
			Record: json.RawMessage(`{"customer_id":23}`)},
		audit.Entry{Time: at(25), Phase: audit.PhaseOutcome, CustomerID: 23, Email: "u@example.com", Attempt: idWaited,
			Result: audit.ResultDeleted, Status: 204, DurationMS: 40},
		sched(30, 24, idNotSent),
		audit.Entry{Time: at(60), Phase: audit.PhaseOutcome, CustomerID: 24, Email: "u@example.com", Attempt: idNotSent,
			Result: audit.ResultNotSent, Message: "not sent: settled after an interruption",
			Settled: &audit.Settlement{By: "bob", Host: "admin2", At: at(60), Interrupted: at(30),
				How: "scheduled, never sent: wcadmin ended inside the undo window"}},
		sched(40, 25, idOpenAfter),
		audit.Entry{Time: at(45), Phase: audit.PhaseIntent, CustomerID: 25, Email: "u@example.com", Attempt: idOpenAfter,
			Record: json.RawMessage(`{"customer_id":25}`)},
	)
}

func undoEnv(t *testing.T) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeUndoJournal(t, path)
	return map[string]string{"HOME": t.TempDir(), "WCADMIN_AUDIT_LOG": path}
}

func TestAuditUndoneAndScheduledResults(t *testing.T) {
	env := undoEnv(t)
	out, errOut, err := runAudit(t, env)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want header + 5 attempts:\n%s", len(lines), out)
	}
	for i, want := range [][]string{
		{idUndone, "21", "undone"},
		{idPending, "22", "scheduled (not sent)"},
		{idWaited, "23", "deleted", "204"},
		{idNotSent, "24", "not_sent (settled)"},
		{idOpenAfter, "25", "open (no outcome)"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("row %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	if !strings.Contains(errOut, "5 of 5 attempts") {
		t.Errorf("stderr %q", errOut)
	}

	// JSON: the same results; an undone attempt carries the undo's reason.
	out, _, err = runAudit(t, env, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	objs := jsonAttempts(t, out)
	if len(objs) != 5 {
		t.Fatalf("%d objects, want 5:\n%s", len(objs), out)
	}
	for i, want := range []string{"undone", "scheduled", "deleted", "not_sent", "open"} {
		if objs[i]["result"] != want {
			t.Errorf("attempt %v: result %v, want %s", objs[i]["attempt"], objs[i]["result"], want)
		}
	}
	if objs[0]["message"] != "undone before anything was sent: u pressed" || objs[0]["record"] != nil || objs[0]["lines"] != 2.0 {
		t.Errorf("undone attempt %v", objs[0])
	}
	if objs[2]["lines"] != 3.0 || objs[2]["record"] == nil {
		t.Errorf("waited attempt %v: want scheduled, intent and outcome with the record", objs[2])
	}
	if s, ok := objs[3]["settled"].(map[string]any); !ok || !strings.HasPrefix(s["how"].(string), "scheduled, never sent") {
		t.Errorf("not-sent attempt %v", objs[3])
	}

	// CSV: the result column.
	out, _, err = runAudit(t, env, "--output", "csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 6 {
		t.Fatalf("csv: %v, %d records:\n%s", err, len(recs), out)
	}
	col := slices.Index(recs[0], "result")
	for i, want := range []string{"undone", "scheduled", "deleted", "not_sent", "open"} {
		if recs[i+1][col] != want {
			t.Errorf("csv row %d: result %q, want %q", i+1, recs[i+1][col], want)
		}
	}
}

func TestAuditUndoneFilter(t *testing.T) {
	env := undoEnv(t)
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--undone"}, []string{idUndone}},
		{[]string{"--undone", "--open"}, []string{idUndone, idOpenAfter}},
		{[]string{"--undone", "--failed"}, []string{idUndone}},
		{[]string{"--undone", "--customer", "22"}, nil},
		{[]string{"--open"}, []string{idOpenAfter}}, // a scheduled deletion is not open: nothing was sent
		{[]string{"--failed"}, nil},                 // neither undone nor not_sent is a failure
	} {
		out, _, err := runAudit(t, env, append([]string{"--output", "json"}, tt.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := attemptIDs(t, out); !slices.Equal(got, tt.want) {
			t.Errorf("%v: attempts %v, want %v", tt.args, got, tt.want)
		}
	}
	// On the sample journal (no undo window) --undone finds nothing.
	sample, _ := sampleEnv(t)
	out, errOut, err := runAudit(t, sample, "--undone")
	if err != nil || out != "" || !strings.Contains(errOut, "no matching attempts (5 attempts in the journal)") {
		t.Errorf("--undone on the sample: %v, %q, %q", err, out, errOut)
	}
}

func TestAuditShowUndoneAttempt(t *testing.T) {
	env := undoEnv(t)
	out, _, err := runAudit(t, env, "show", idUndone)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"Result: undone",
		"scheduled",
		"undone before anything was sent: u pressed",
		"nothing was sent for this attempt (it was undone within the undo window)",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("show lacks %q:\n%s", w, out)
		}
	}
	out, _, err = runAudit(t, env, "show", idPending)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Result: scheduled (not sent)", "nothing was sent", "records it as not sent"} {
		if !strings.Contains(out, w) {
			t.Errorf("show of a pending attempt lacks %q:\n%s", w, out)
		}
	}
}
