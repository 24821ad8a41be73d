// Package config resolves wcadmin's settings from command-line flags,
// WCADMIN_* environment variables, a profile in a TOML file and built-in
// defaults (in that order of precedence), and validates the result so the
// rest of the program can trust it.
//
// # Profile keys
//
//	site                  store URL (--site, WCADMIN_SITE)
//	token                 access token (WCADMIN_TOKEN)
//	token_header          "bearer" (default) or "access_token"
//	client_id, client_secret, username, password, redirect_uri
//	                      OAuth instead of a token (WCADMIN_CLIENT_ID, ...)
//	token_command, client_secret_command, password_command
//	                      a command printing the secret (see below)
//	read_only             true disables deletes (--read-only, WCADMIN_READ_ONLY)
//	protected             true marks a production store (WCADMIN_PROTECTED)
//	allow_insecure_http   allow http:// to a non-loopback host
//	timeout               per-request timeout, e.g. "15s" (--timeout, WCADMIN_TIMEOUT)
//	ca_file               PEM file of extra CAs to trust (WCADMIN_CA_FILE)
//	audit_log             audit journal path (--audit-log, WCADMIN_AUDIT_LOG)
//	undo_window           how long a confirmed deletion waits before it is
//	                      sent, e.g. "5s"; "0" turns it off (--undo-window,
//	                      WCADMIN_UNDO_WINDOW)
//
// # Safety settings
//
// read_only and protected can only be turned on: any layer that sets them to
// true wins, and a false from a higher layer (--read-only=false,
// WCADMIN_READ_ONLY=false, WCADMIN_PROTECTED=false) cannot undo it. So a
// profile marked protected = true for production stays protected whatever
// the environment says. protected has no flag. What protection means (extra
// confirmation before destructive actions) is up to the callers.
//
// undo_window follows the usual precedence (flag > environment > profile >
// DefaultUndoWindow), except on a protected store: there any layer may
// lengthen it, but none can take it below the profile's own undo_window (the
// default when the profile sets none). A lower value is raised to that floor
// and Source("undo_window") says which value was refused.
//
// # Secrets
//
// Secrets are never flags: argv is visible to other users via ps and ends
// up in shell history. They come from, highest first: the environment
// (WCADMIN_TOKEN, WCADMIN_CLIENT_SECRET, WCADMIN_PASSWORD), a command named
// by token_command, client_secret_command or password_command, or the plain
// key in the file.
//
// A command is either a string, split into arguments on white space with
// simple quoting ('single' is literal, "double" honours \" and \\, a
// backslash outside quotes escapes the next character), or an array of
// strings:
//
//	token_command = "pass show wcadmin/prod-token"
//	token_command = ["op", "read", "op://Shop/wcadmin/token"]
//
// It runs without a shell (so no pipes, $VARS or globs; write
// ["sh", "-c", "..."] to get one), with no stdin and a 10 second limit.
// A leading "~/" in the program name is expanded and a relative program
// path containing a slash is taken relative to the config file's
// directory. Its stdout, trimmed of surrounding white space, is the secret;
// it must be one non-empty line. Commands run only for the profile in use,
// only when no environment variable provides that secret, and only after
// the rest of the configuration has been validated.
//
// A config file that holds a plain token, client_secret or password in any
// profile must not be accessible by group or others (mode & 0o077 == 0),
// or Load refuses it and tells the user to chmod 600 it. Files holding only
// commands and non-secret settings may be world-readable.
//
// # Paths
//
// A relative ca_file or audit_log in the config file is taken relative to
// the config file's directory; from a flag or the environment, relative to
// the working directory. A leading "~/" in them is expanded whatever the layer.
// audit_log defaults to $XDG_STATE_HOME/wcadmin/audit.jsonl (see
// audit.DefaultPath); ResolveAuditLog finds it without validating the rest
// of the settings, for readers of the journal who hold no credentials.
package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultTimeout is the HTTP timeout when no layer sets one.
const DefaultTimeout = 15 * time.Second

// DefaultUndoWindow is how long a confirmed deletion waits before it is sent
// (and can be taken back) when no layer sets undo_window.
const DefaultUndoWindow = 5 * time.Second

// Values of Settings.TokenHeader.
const (
	HeaderBearer      = "bearer"
	HeaderAccessToken = "access_token"
)

// Flags carries the command-line flags. Only names present in Set count,
// so a flag left at its zero value does not override lower layers. Keys:
// "site", "profile", "config", "read-only", "allow-insecure-http",
// "timeout", "audit-log", "undo-window". Secrets are deliberately not flags: argv is
// visible to other users via ps and ends up in shell history. Nor is
// protected: a flag could only turn it on, which a profile already does.
type Flags struct {
	Site, Profile, Config       string
	ReadOnly, AllowInsecureHTTP bool
	Timeout                     time.Duration
	AuditLog                    string // --audit-log; "" means the audit package's default
	UndoWindow                  time.Duration
	Set                         map[string]bool
}

// Settings is the validated result of Load.
type Settings struct {
	Profile    string // "" when no profile was used
	ConfigFile string // "" when none was read

	Site        string // absolute http(s) URL without trailing slash
	Token       string
	TokenHeader string // HeaderBearer or HeaderAccessToken

	ClientID, ClientSecret, Username, Password, RedirectURI string

	ReadOnly, AllowInsecureHTTP bool
	Timeout                     time.Duration

	// Protected marks a production store. Like ReadOnly, once a layer
	// turns it on nothing can turn it off. Callers should demand extra
	// confirmation before destructive actions.
	Protected bool

	// CAFile, when not "", is a PEM file holding at least one certificate
	// of a CA to trust for the store's TLS certificate (checked by Load).
	CAFile string
	// CAPEM is CAFile's content as Load read and checked it (nil without a
	// CAFile). Pass it on (apiclient.Options.CAPEM) so the file is read once
	// and what was checked is what is used.
	CAPEM []byte

	// AuditLog is the deletion journal's path. When no layer sets one it is
	// the audit package's default ($XDG_STATE_HOME/wcadmin/audit.jsonl, with
	// Source "default"); it is "" only when that default cannot be
	// determined (neither XDG_STATE_HOME nor HOME is an absolute path).
	// ResolveAuditLog resolves it the same way without needing credentials.
	AuditLog string

	// UndoWindow is how long a confirmed deletion waits before anything is
	// sent, during which the operator can take it back; 0 turns the window
	// off. Never negative. On a protected store it is never below the
	// profile's undo_window (DefaultUndoWindow when the profile sets none).
	UndoWindow time.Duration

	// Sources maps a setting's file key ("site", "token", "read_only",
	// "profile", "config", ...) to where its value came from, e.g.
	// "flag --site", "env WCADMIN_TOKEN", "profile prod in /path". Use
	// Source to read it.
	Sources map[string]string
}

// Source tells where the setting named by its file key came from, for
// messages; "default" when no layer set it.
func (s Settings) Source(key string) string {
	if src := s.Sources[key]; src != "" {
		return src
	}
	return "default"
}

// UsesOAuth reports whether the client must obtain a token via OAuth
// rather than send a static one. Load guarantees exactly one is configured.
func (s Settings) UsesOAuth() bool {
	return s.Token == "" && s.ClientID != ""
}

// DefaultPath is the config file used when neither --config nor
// WCADMIN_CONFIG names one: $XDG_CONFIG_HOME/wcadmin/config.toml, with
// XDG_CONFIG_HOME defaulting to $HOME/.config. It returns "" when neither
// variable is usable, meaning "no default file".
func DefaultPath(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) { // the XDG spec says to ignore relative values
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "wcadmin", "config.toml")
}

// Load reads the config file, picks a profile, merges the layers and
// validates the result. getenv is normally os.Getenv (nil means that);
// tests pass a map lookup. Errors are *Error with a message a user can act on.
// It is LoadContext with context.Background().
func Load(f Flags, getenv func(string) string) (Settings, error) {
	return LoadContext(context.Background(), f, getenv)
}

// LoadContext is Load with a context that bounds the secret commands
// (token_command, ...); each also has its own 10 second limit.
func LoadContext(ctx context.Context, f Flags, getenv func(string) string) (Settings, error) {
	l := newLoader(ctx, f, getenv)
	if err := l.load(); err != nil {
		return Settings{}, err
	}
	return l.s, nil
}

// newLoader starts one resolution; nil getenv means os.Getenv.
func newLoader(ctx context.Context, f Flags, getenv func(string) string) *loader {
	if getenv == nil {
		getenv = os.Getenv
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return &loader{ctx: ctx, flags: f, getenv: getenv, run: runCommand, cmds: map[string][]string{}}
}

// expandHome expands a leading "~/" , which a shell does not do inside
// WCADMIN_CONFIG="~/..." or --config=~/...
func expandHome(path string, getenv func(string) string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, rest)
		}
	}
	return path
}
