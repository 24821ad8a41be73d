package config

import (
	"context"
	"path/filepath"

	"github.com/wcadmin/wcadmin/audit"
)

// JournalLocation is where the deletion journal is, and why.
type JournalLocation struct {
	// Path is the live journal file (rolled-over files are Path.1, Path.2, …).
	Path string
	// Source is where Path came from, as in Settings.Source: "flag
	// --audit-log", "env WCADMIN_AUDIT_LOG", "profile NAME in FILE" or
	// "default".
	Source string
	// Profile is the profile the settings were resolved with ("" for none).
	Profile string
}

// ResolveAuditLog finds the deletion journal exactly as Load does
// (--audit-log > WCADMIN_AUDIT_LOG > the profile's audit_log > the default),
// reading the same config file and picking the same profile, but without
// validating the other settings and without running any secret command:
// whoever reads the journal (an auditor, say) may hold no credentials for the
// store. Errors are *Error: a bad config file, an unknown profile, or no
// path at all (neither XDG_STATE_HOME nor HOME is set and no layer names
// the journal).
func ResolveAuditLog(f Flags, getenv func(string) string) (JournalLocation, error) {
	l := newLoader(context.Background(), f, getenv)
	if err := l.resolve(); err != nil {
		return JournalLocation{}, err
	}
	loc := JournalLocation{Path: l.s.AuditLog, Source: l.s.Source("audit_log"), Profile: l.s.Profile}
	if loc.Path == "" {
		return loc, noJournalPath()
	}
	return loc, nil
}

// DemoAuditLog is the journal of the embedded demo store (wcadmin --demo):
// --audit-log when given, else demo-audit.jsonl next to the default journal.
// The environment and the profiles are not consulted, so demo deletions never
// land in a real store's journal.
func DemoAuditLog(f Flags, getenv func(string) string) (JournalLocation, error) {
	l := newLoader(context.Background(), f, getenv)
	if f.Set["audit-log"] && f.AuditLog != "" {
		return JournalLocation{Path: expandHome(f.AuditLog, l.getenv), Source: "flag --audit-log"}, nil
	}
	def := audit.DefaultPath(l.getenv)
	if def == "" {
		return JournalLocation{}, noJournalPath()
	}
	return JournalLocation{Path: filepath.Join(filepath.Dir(def), "demo-audit.jsonl"), Source: "the demo's default"}, nil
}

func noJournalPath() *Error {
	return &Error{Setting: "audit_log",
		Msg: "cannot tell where the deletion journal is: neither XDG_STATE_HOME nor HOME is set to an absolute path",
		Fix: "give --audit-log PATH, set WCADMIN_AUDIT_LOG or HOME, or set audit_log in the profile"}
}
