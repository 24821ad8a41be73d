package config

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// journalProfiles: the default profile prod names an absolute journal,
// staging a relative one, bare none.
const journalProfiles = `
default_profile = "prod"

[profiles.prod]
site = "https://shop.example.com"
token_command = "pass show wcadmin/prod"
audit_log = "/var/log/wcadmin/prod.jsonl"

[profiles.staging]
site = "https://staging.example.com"
token_command = "pass show wcadmin/staging"
audit_log = "journals/staging.jsonl"

[profiles.bare]
site = "https://bare.example.com"
`

func TestResolveAuditLogPrecedenceFlagOverEnvOverProfileOverDefault(t *testing.T) {
	home := t.TempDir()
	cfg := writeConfig(t, journalProfiles)
	def := filepath.Join(home, ".local", "state", "wcadmin", "audit.jsonl")
	tests := []struct {
		name              string
		env               string
		flag              *string
		profile           string
		want, wantSrc     string
		wantProfileInLoc  string
		wantSrcContaining string
	}{
		{name: "flag beats env and profile", env: "/e.jsonl", flag: ptr("/f.jsonl"), want: "/f.jsonl", wantSrc: "flag --audit-log", wantProfileInLoc: "prod"},
		{name: "env beats profile", env: "/e.jsonl", want: "/e.jsonl", wantSrc: "env WCADMIN_AUDIT_LOG", wantProfileInLoc: "prod"},
		{name: "profile beats default", want: "/var/log/wcadmin/prod.jsonl", wantSrcContaining: "profile prod in " + cfg, wantProfileInLoc: "prod"},
		{name: "default when the profile sets none", profile: "bare", want: def, wantSrc: "default", wantProfileInLoc: "bare"},
		{name: "~ in the flag is the home directory", flag: ptr("~/j.jsonl"), want: filepath.Join(home, "j.jsonl"), wantSrc: "flag --audit-log", wantProfileInLoc: "prod"},
		{name: "an empty flag means the default", flag: ptr(""), want: def, wantSrcContaining: "default (flag --audit-log", wantProfileInLoc: "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(cfg)
			if tt.flag != nil {
				f.AuditLog, f.Set["audit-log"] = *tt.flag, true
			}
			if tt.profile != "" {
				f.Profile, f.Set["profile"] = tt.profile, true
			}
			loc, err := ResolveAuditLog(f, fakeEnv(map[string]string{"HOME": home, "WCADMIN_AUDIT_LOG": tt.env}))
			if err != nil {
				t.Fatal(err)
			}
			if loc.Path != tt.want {
				t.Errorf("Path = %q, want %q", loc.Path, tt.want)
			}
			if tt.wantSrc != "" && loc.Source != tt.wantSrc {
				t.Errorf("Source = %q, want %q", loc.Source, tt.wantSrc)
			}
			if !strings.Contains(loc.Source, tt.wantSrcContaining) {
				t.Errorf("Source = %q, want it to contain %q", loc.Source, tt.wantSrcContaining)
			}
			if loc.Profile != tt.wantProfileInLoc {
				t.Errorf("Profile = %q, want %q", loc.Profile, tt.wantProfileInLoc)
			}
		})
	}
}

func TestResolveAuditLogProfileFlagPicksThatProfilesJournalRelativeToTheConfigFile(t *testing.T) {
	cfg := writeConfig(t, journalProfiles)
	f := withConfig(cfg)
	f.Profile, f.Set["profile"] = "staging", true
	loc, err := ResolveAuditLog(f, fakeEnv(map[string]string{"HOME": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(cfg), "journals", "staging.jsonl"); loc.Path != want {
		t.Errorf("Path = %q, want %q (relative to the config file)", loc.Path, want)
	}
	if loc.Profile != "staging" || !strings.HasPrefix(loc.Source, "profile staging in ") {
		t.Errorf("Profile %q, Source %q", loc.Profile, loc.Source)
	}
	// WCADMIN_PROFILE picks it the same way.
	loc, err = ResolveAuditLog(withConfig(cfg), fakeEnv(map[string]string{"HOME": t.TempDir(), "WCADMIN_PROFILE": "staging"}))
	if err != nil || loc.Profile != "staging" || !strings.HasSuffix(loc.Path, "staging.jsonl") {
		t.Errorf("with WCADMIN_PROFILE: %+v, %v", loc, err)
	}
}

func TestResolveAuditLogNeedsNoCredentialsAndRunsNoCommand(t *testing.T) {
	calls := fakeRunner(t, prints("secret"))
	// No site, no token: Load would refuse; the journal is still found.
	cfg := writeConfig(t, "[profiles.auditor]\naudit_log = \"/srv/journal.jsonl\"\ntoken_command = \"pass show x\"\n")
	if _, err := Load(withConfig(cfg), fakeEnv(nil)); err == nil {
		t.Fatal("Load accepted a profile without a site: the test proves nothing")
	}
	loc, err := ResolveAuditLog(withConfig(cfg), fakeEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Path != "/srv/journal.jsonl" {
		t.Errorf("Path = %q", loc.Path)
	}
	if len(*calls) != 0 {
		t.Errorf("commands ran: %q", *calls)
	}
}

func TestResolveAuditLogWithoutHomeIsAClearError(t *testing.T) {
	_, err := ResolveAuditLog(Flags{}, fakeEnv(nil))
	var ce *Error
	if !errors.As(err, &ce) || ce.Setting != "audit_log" {
		t.Fatalf("error %v (%T), want a *Error about audit_log", err, err)
	}
	for _, want := range []string{"HOME", "--audit-log", "WCADMIN_AUDIT_LOG"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	// A named journal needs no HOME.
	if loc, err := ResolveAuditLog(Flags{}, fakeEnv(map[string]string{"WCADMIN_AUDIT_LOG": "/j.jsonl"})); err != nil || loc.Path != "/j.jsonl" {
		t.Errorf("with WCADMIN_AUDIT_LOG: %+v, %v", loc, err)
	}
}

func TestResolveAuditLogReportsConfigMistakes(t *testing.T) {
	cfg := writeConfig(t, journalProfiles)
	f := withConfig(cfg)
	f.Profile, f.Set["profile"] = "nope", true
	_, err := ResolveAuditLog(f, fakeEnv(map[string]string{"HOME": t.TempDir()}))
	if err == nil || !strings.Contains(err.Error(), `unknown profile "nope"`) || !strings.Contains(err.Error(), "bare, prod, staging") {
		t.Errorf("error %v", err)
	}
	missing := withConfig(filepath.Join(t.TempDir(), "none.toml"))
	if _, err := ResolveAuditLog(missing, fakeEnv(map[string]string{"HOME": t.TempDir()})); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing --config: %v", err)
	}
}

func TestLoadAndResolveAuditLogAgree(t *testing.T) {
	home := t.TempDir()
	cfg := writeConfig(t, journalProfiles)
	fakeRunner(t, prints("tok"))
	for _, env := range []map[string]string{
		{"HOME": home},
		{"HOME": home, "WCADMIN_PROFILE": "staging"},
		{"HOME": home, "WCADMIN_PROFILE": "bare", "WCADMIN_TOKEN": "t"},
		{"HOME": home, "WCADMIN_AUDIT_LOG": "~/x.jsonl"},
	} {
		s, err := LoadContext(context.Background(), withConfig(cfg), fakeEnv(env))
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		loc, err := ResolveAuditLog(withConfig(cfg), fakeEnv(env))
		if err != nil {
			t.Fatal(err)
		}
		if s.AuditLog == "" || loc.Path != s.AuditLog || loc.Source != s.Source("audit_log") || loc.Profile != s.Profile {
			t.Errorf("%v: Load says %q from %q (profile %q), ResolveAuditLog %+v", env, s.AuditLog, s.Source("audit_log"), s.Profile, loc)
		}
	}
}

func TestDemoAuditLogIgnoresTheRealJournalSettings(t *testing.T) {
	home := t.TempDir()
	env := fakeEnv(map[string]string{"HOME": home, "WCADMIN_AUDIT_LOG": "/real.jsonl"})
	loc, err := DemoAuditLog(Flags{}, env)
	if want := filepath.Join(home, ".local", "state", "wcadmin", "demo-audit.jsonl"); err != nil || loc.Path != want {
		t.Errorf("DemoAuditLog = %+v, %v; want %s", loc, err, want)
	}
	loc, err = DemoAuditLog(Flags{AuditLog: "~/d.jsonl", Set: map[string]bool{"audit-log": true}}, env)
	if err != nil || loc.Path != filepath.Join(home, "d.jsonl") || loc.Source != "flag --audit-log" {
		t.Errorf("with --audit-log: %+v, %v", loc, err)
	}
	if _, err := DemoAuditLog(Flags{}, fakeEnv(nil)); err == nil {
		t.Error("no HOME: no error")
	}
}
