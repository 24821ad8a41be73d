package config

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wcadmin/wcadmin/audit"
)

// Environment variable and flag names by setting (file key). A setting
// missing from a map cannot be set in that layer.
var (
	envNames = map[string]string{
		"site": "WCADMIN_SITE", "token": "WCADMIN_TOKEN",
		"client_id": "WCADMIN_CLIENT_ID", "client_secret": "WCADMIN_CLIENT_SECRET",
		"username": "WCADMIN_USERNAME", "password": "WCADMIN_PASSWORD",
		"redirect_uri": "WCADMIN_REDIRECT_URI", "read_only": "WCADMIN_READ_ONLY",
		"timeout": "WCADMIN_TIMEOUT", "protected": "WCADMIN_PROTECTED",
		"ca_file": "WCADMIN_CA_FILE", "audit_log": "WCADMIN_AUDIT_LOG",
		"undo_window": "WCADMIN_UNDO_WINDOW",
	}
	flagNames = map[string]string{
		"site": "site", "read_only": "read-only",
		"allow_insecure_http": "allow-insecure-http", "timeout": "timeout",
		"audit_log": "audit-log", "undo_window": "undo-window",
	}
)

// flagKeys are the valid keys of Flags.Set.
var flagKeys = []string{"site", "profile", "config", "read-only", "allow-insecure-http", "timeout", "audit-log", "undo-window"}

// loader holds the state of one Load call.
type loader struct {
	ctx    context.Context
	flags  Flags
	getenv func(string) string
	run    func(ctx context.Context, argv []string) ([]byte, error)
	path   string // file read, or that would have been read; for messages
	file   *fileConfig
	s      Settings
	// cmds holds, by secret key ("token", ...), the command still to run
	// for it: set by the profile, dropped when a higher layer sets the
	// secret itself.
	cmds map[string][]string
	// undoFloor is the lowest undo window a protected store accepts: the
	// profile's undo_window, else DefaultUndoWindow; undoFloorSrc says which.
	undoFloor    time.Duration
	undoFloorSrc string
}

func (l *loader) load() error {
	if err := l.resolve(); err != nil {
		return err
	}
	if err := l.validate(); err != nil {
		return err
	}
	return l.runSecretCommands()
}

// resolve merges the layers (file, profile, environment, flags) and fills
// the default journal path. It neither validates nor runs secret commands:
// ResolveAuditLog needs only this much.
func (l *loader) resolve() error {
	for k := range l.flags.Set {
		if !slices.Contains(flagKeys, k) { // a wiring bug, caught early
			return fmt.Errorf("config: unknown key %q in Flags.Set; valid keys: %s", k, strings.Join(flagKeys, ", "))
		}
	}
	l.s = Settings{
		TokenHeader: HeaderBearer,
		Timeout:     DefaultTimeout,
		UndoWindow:  DefaultUndoWindow,
		Sources:     map[string]string{},
	}
	l.undoFloor, l.undoFloorSrc = DefaultUndoWindow, "default"
	if err := l.readFile(); err != nil {
		return err
	}
	if err := l.pickProfile(); err != nil {
		return err
	}
	if l.s.Profile != "" {
		l.applyProfile(l.file.Profiles[l.s.Profile])
	}
	if err := l.applyEnv(); err != nil {
		return err
	}
	l.applyFlags()
	l.defaultAuditLog()
	return nil
}

// defaultAuditLog fills the journal path when no layer set one (or a layer
// set it empty, which means the default): audit.DefaultPath, so the console,
// wcadmin check and wcadmin audit agree on it. It stays "" when that default
// cannot be determined (no absolute XDG_STATE_HOME or HOME).
func (l *loader) defaultAuditLog() {
	if l.s.AuditLog != "" {
		return
	}
	src := "default"
	if set := l.s.Sources["audit_log"]; set != "" {
		src = "default (" + set + " sets it empty)"
	}
	l.s.AuditLog = audit.DefaultPath(l.getenv)
	l.s.Sources["audit_log"] = src
}

func (l *loader) readFile() error {
	path, src := "", ""
	switch {
	case l.flags.Set["config"] && l.flags.Config != "":
		path, src = l.flags.Config, "flag --config"
	case l.getenv("WCADMIN_CONFIG") != "":
		path, src = l.getenv("WCADMIN_CONFIG"), "env WCADMIN_CONFIG"
	default:
		path = DefaultPath(l.getenv)
	}
	l.path = expandHome(path, l.getenv)
	if l.path == "" {
		return nil
	}
	data, mode, err := readFileMode(l.path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && src == "":
		return nil // the default file is optional
	case errors.Is(err, fs.ErrNotExist):
		return &Error{
			Setting: "config",
			Msg:     fmt.Sprintf("config file %s (from %s) does not exist", l.path, src),
			Fix:     "create it, or point --config or WCADMIN_CONFIG at an existing file",
		}
	case err != nil:
		return &Error{Setting: "config", Msg: fmt.Sprintf("cannot read config file: %v", err),
			Fix: "check that the path is a readable file"}
	}
	fc, err := parseFile(l.path, data)
	if err != nil {
		return err
	}
	if err := checkFileMode(l.path, mode, fc); err != nil {
		return err
	}
	l.file = fc
	l.s.ConfigFile = l.path
	if src == "" {
		src = "default path"
	}
	l.s.Sources["config"] = src
	return nil
}

// readFileMode reads the file and returns the mode of what it read (the
// same open file, not a second lookup of the path).
func readFileMode(path string) ([]byte, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(f)
	return data, fi.Mode(), err
}

// checkFileMode refuses a regular file that holds a plain secret in any
// profile and is accessible by group or others: the secret is as good as
// shared. Windows has no such mode bits; pipes and the like (e.g.
// --config <(pass show wcadmin.toml)) are not files others can open.
func checkFileMode(path string, mode fs.FileMode, fc *fileConfig) *Error {
	if runtime.GOOS == "windows" || !mode.IsRegular() || mode.Perm()&0o077 == 0 {
		return nil
	}
	for _, name := range fc.profileNames() {
		if keys := fc.Profiles[name].plainSecrets(); len(keys) > 0 {
			return &Error{Setting: "config",
				Msg: fmt.Sprintf("config file %s holds a secret (%s in profile %s) but its mode %04o lets group or others read it",
					path, keys[0], name, mode.Perm()),
				Fix: fmt.Sprintf("run chmod 600 %s, or move the secrets to %s_command or WCADMIN_* variables", shellQuote(path), keys[0])}
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it, so a fix can be
// pasted.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:@%=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// pickProfile: --profile > WCADMIN_PROFILE > default_profile > the only
// profile in the file > none.
func (l *loader) pickProfile() error {
	names := l.file.profileNames()
	var name, src string
	switch {
	case l.flags.Set["profile"] && l.flags.Profile != "":
		name, src = l.flags.Profile, "flag --profile"
	case l.getenv("WCADMIN_PROFILE") != "":
		name, src = l.getenv("WCADMIN_PROFILE"), "env WCADMIN_PROFILE"
	case l.file != nil && l.file.DefaultProfile != nil && *l.file.DefaultProfile != "":
		name, src = *l.file.DefaultProfile, "default_profile in "+l.path
	case len(names) == 1:
		name, src = names[0], "the only profile in "+l.path
	default:
		return nil
	}
	if l.file != nil {
		if _, ok := l.file.Profiles[name]; ok {
			l.s.Profile = name
			l.s.Sources["profile"] = src
			return nil
		}
	}
	e := &Error{Setting: "profile", Msg: fmt.Sprintf("unknown profile %q (from %s)", name, src)}
	switch {
	case l.file == nil && l.path == "":
		e.Fix = "no config file was read: pass --config, or unset the profile"
	case l.file == nil:
		e.Fix = fmt.Sprintf("no config file exists at %s: create it with a [profiles.%s] table", l.path, name)
	case len(names) == 0:
		e.Fix = fmt.Sprintf("%s defines no profiles: add a [profiles.%s] table", l.path, name)
	default:
		e.Fix = fmt.Sprintf("profiles in %s: %s", l.path, strings.Join(names, ", "))
	}
	return e
}

func (l *loader) applyProfile(p fileProfile) {
	src := fmt.Sprintf("profile %s in %s", l.s.Profile, l.path)
	for key, dst := range l.stringFields() {
		if v := profileString(p, key); v != nil {
			l.setString(key, dst, *v, src)
		}
	}
	for _, secret := range secretKeys {
		if argv := l.file.commands[l.s.Profile][secret+"_command"]; argv != nil {
			// The command beats the plain key in the same profile.
			*l.stringFields()[secret] = ""
			l.cmds[secret] = argv
			l.s.Sources[secret] = fmt.Sprintf("%s_command of profile %s in %s", secret, l.s.Profile, l.path)
		}
	}
	if p.ReadOnly != nil {
		l.setReadOnly(*p.ReadOnly, src)
	}
	if p.Protected != nil {
		l.setProtected(*p.Protected, src)
	}
	if p.CAFile != nil && *p.CAFile != "" {
		l.s.CAFile = l.relToFile(expandHome(*p.CAFile, l.getenv))
		l.s.Sources["ca_file"] = src
	}
	if p.AuditLog != nil {
		v := *p.AuditLog
		if v != "" {
			v = l.relToFile(expandHome(v, l.getenv))
		}
		l.s.AuditLog = v
		l.s.Sources["audit_log"] = src
	}
	if p.AllowInsecureHTTP != nil {
		l.s.AllowInsecureHTTP = *p.AllowInsecureHTTP
		l.s.Sources["allow_insecure_http"] = src
	}
	if p.Timeout != nil {
		l.s.Timeout = p.Timeout.d
		l.s.Sources["timeout"] = src
	}
	if p.UndoWindow != nil {
		l.s.UndoWindow = p.UndoWindow.d
		l.s.Sources["undo_window"] = src
		l.undoFloor, l.undoFloorSrc = p.UndoWindow.d, src
	}
}

func (l *loader) applyEnv() error {
	for key, dst := range l.stringFields() {
		if name := envNames[key]; name != "" {
			if v := l.getenv(name); v != "" { // empty means unset
				l.setString(key, dst, v, "env "+name)
			}
		}
	}
	if v := l.getenv("WCADMIN_READ_ONLY"); v != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return &Error{Setting: "read_only",
				Msg: fmt.Sprintf("WCADMIN_READ_ONLY=%q is not a boolean", v),
				Fix: "set it to true or false, or unset it"}
		}
		l.setReadOnly(b, "env WCADMIN_READ_ONLY")
	}
	if v := l.getenv("WCADMIN_PROTECTED"); v != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return &Error{Setting: "protected",
				Msg: fmt.Sprintf("WCADMIN_PROTECTED=%q is not a boolean", v),
				Fix: "set it to true, or unset it (false cannot unprotect a protected profile)"}
		}
		l.setProtected(b, "env WCADMIN_PROTECTED")
	}
	if v := l.getenv("WCADMIN_CA_FILE"); v != "" {
		l.s.CAFile = expandHome(v, l.getenv)
		l.s.Sources["ca_file"] = "env WCADMIN_CA_FILE"
	}
	if v := l.getenv("WCADMIN_AUDIT_LOG"); v != "" {
		l.s.AuditLog = expandHome(v, l.getenv)
		l.s.Sources["audit_log"] = "env WCADMIN_AUDIT_LOG"
	}
	// A malformed value is an error even if a flag would override it, so a
	// typo never lingers unnoticed.
	if v := l.getenv("WCADMIN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return &Error{Setting: "timeout",
				Msg: fmt.Sprintf("WCADMIN_TIMEOUT=%q is not a duration", v),
				Fix: `use a value such as "15s" or "1m30s", or unset it`}
		}
		l.s.Timeout = d
		l.s.Sources["timeout"] = "env WCADMIN_TIMEOUT"
	}
	if v := l.getenv("WCADMIN_UNDO_WINDOW"); v != "" {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return &Error{Setting: "undo_window",
				Msg: fmt.Sprintf("WCADMIN_UNDO_WINDOW=%q is not a duration", v),
				Fix: `use a value such as "5s" or "10s" ("0" turns the undo window off), or unset it`}
		}
		l.s.UndoWindow = d
		l.s.Sources["undo_window"] = "env WCADMIN_UNDO_WINDOW"
	}
	return nil
}

func (l *loader) applyFlags() {
	f := l.flags
	if f.Set["site"] {
		l.setString("site", &l.s.Site, f.Site, "flag --site")
	}
	if f.Set["read-only"] {
		l.setReadOnly(f.ReadOnly, "flag --read-only")
	}
	if f.Set["allow-insecure-http"] {
		l.s.AllowInsecureHTTP = f.AllowInsecureHTTP
		l.s.Sources["allow_insecure_http"] = "flag --allow-insecure-http"
	}
	if f.Set["timeout"] {
		l.s.Timeout = f.Timeout
		l.s.Sources["timeout"] = "flag --timeout"
	}
	if f.Set["audit-log"] {
		l.s.AuditLog = expandHome(f.AuditLog, l.getenv)
		l.s.Sources["audit_log"] = "flag --audit-log"
	}
	if f.Set["undo-window"] {
		l.s.UndoWindow = f.UndoWindow
		l.s.Sources["undo_window"] = "flag --undo-window"
	}
}

// setProtected works like setReadOnly: any layer can turn protection on,
// none can turn it off.
func (l *loader) setProtected(v bool, src string) {
	if v {
		l.s.Protected = true
		l.s.Sources["protected"] = src
	} else if !l.s.Protected {
		l.s.Sources["protected"] = src
	}
}

// relToFile takes a relative path from the config file relative to the
// file's directory.
func (l *loader) relToFile(path string) string {
	if filepath.IsAbs(path) || l.path == "" {
		return path
	}
	return filepath.Join(filepath.Dir(l.path), path)
}

// setReadOnly is called layer by layer, lowest first. Read-only is a safety
// setting, so unlike the others any layer that turns it on wins: a profile
// marked read_only = true for production stays read-only even under
// --read-only=false or WCADMIN_READ_ONLY=false. The source names the
// highest layer that turned it on, else the highest that mentioned it.
func (l *loader) setReadOnly(v bool, src string) {
	if v {
		l.s.ReadOnly = true
		l.s.Sources["read_only"] = src
	} else if !l.s.ReadOnly {
		l.s.Sources["read_only"] = src
	}
}

func (l *loader) setString(key string, dst *string, v, src string) {
	*dst = v
	l.s.Sources[key] = src
	delete(l.cmds, key) // a higher layer's secret beats a profile's command
}

// stringFields maps the string settings' file keys to their fields.
func (l *loader) stringFields() map[string]*string {
	s := &l.s
	return map[string]*string{
		"site": &s.Site, "token": &s.Token, "token_header": &s.TokenHeader,
		"client_id": &s.ClientID, "client_secret": &s.ClientSecret,
		"username": &s.Username, "password": &s.Password, "redirect_uri": &s.RedirectURI,
	}
}

func profileString(p fileProfile, key string) *string {
	switch key {
	case "site":
		return p.Site
	case "token":
		return p.Token
	case "token_header":
		return p.TokenHeader
	case "client_id":
		return p.ClientID
	case "client_secret":
		return p.ClientSecret
	case "username":
		return p.Username
	case "password":
		return p.Password
	case "redirect_uri":
		return p.RedirectURI
	}
	return nil
}
