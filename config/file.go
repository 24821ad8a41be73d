package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// fileConfig mirrors the TOML file. Pointers tell "absent" from "zero" so a
// profile can leave a setting to the defaults.
type fileConfig struct {
	DefaultProfile *string                `toml:"default_profile"`
	Profiles       map[string]fileProfile `toml:"profiles"`

	// commands holds the parsed argv of each profile's *_command keys:
	// commands[profile][key].
	commands map[string]map[string][]string
}

type fileProfile struct {
	Site              *string       `toml:"site"`
	Token             *string       `toml:"token"`
	TokenHeader       *string       `toml:"token_header"`
	ClientID          *string       `toml:"client_id"`
	ClientSecret      *string       `toml:"client_secret"`
	Username          *string       `toml:"username"`
	Password          *string       `toml:"password"`
	RedirectURI       *string       `toml:"redirect_uri"`
	ReadOnly          *bool         `toml:"read_only"`
	AllowInsecureHTTP *bool         `toml:"allow_insecure_http"`
	Timeout           *fileDuration `toml:"timeout"`
	Protected         *bool         `toml:"protected"`
	CAFile            *string       `toml:"ca_file"`
	AuditLog          *string       `toml:"audit_log"`
	UndoWindow        *undoDuration `toml:"undo_window"`

	// A string or an array of strings; checked by parseCommands.
	TokenCommand        any `toml:"token_command"`
	ClientSecretCommand any `toml:"client_secret_command"`
	PasswordCommand     any `toml:"password_command"`
}

// profileKeys lists the keys a profile accepts, for hints.
var profileKeys = []string{
	"site", "token", "token_header", "client_id", "client_secret", "username",
	"password", "redirect_uri", "read_only", "allow_insecure_http", "timeout",
	"protected", "ca_file", "audit_log", "undo_window",
	"token_command", "client_secret_command", "password_command",
}

// boolKeys are the profile keys that take true or false.
var boolKeys = []string{"read_only", "allow_insecure_http", "protected"}

// commandValue returns the raw value of a *_command key.
func (p fileProfile) commandValue(key string) any {
	switch key {
	case "token_command":
		return p.TokenCommand
	case "client_secret_command":
		return p.ClientSecretCommand
	case "password_command":
		return p.PasswordCommand
	}
	return nil
}

// plainSecrets lists the secret keys the profile holds as non-empty plain
// values.
func (p fileProfile) plainSecrets() []string {
	var keys []string
	for _, k := range secretKeys {
		if v := profileString(p, k); v != nil && *v != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// fileDuration parses while decoding so a bad value is reported with the
// line it is on.
type fileDuration struct{ d time.Duration }

func (v *fileDuration) UnmarshalTOML(data any) error {
	s, ok := data.(string)
	if !ok {
		return fmt.Errorf("timeout must be a quoted duration such as \"15s\", not %v", data)
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("timeout %q is not a duration; use e.g. \"15s\" or \"1m30s\"", s)
	}
	v.d = d
	return nil
}

// undoDuration is undo_window: a duration of 0 or more, checked while
// decoding so a bad value is reported with its line.
type undoDuration struct{ d time.Duration }

func (v *undoDuration) UnmarshalTOML(data any) error {
	s, ok := data.(string)
	if !ok {
		return fmt.Errorf("undo_window must be a quoted duration such as \"5s\" (or \"0s\" to turn it off), not %v", data)
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		return fmt.Errorf("undo_window %q is not a duration; use e.g. \"5s\" or \"10s\" (\"0s\" turns it off)", s)
	case d < 0:
		return fmt.Errorf("undo_window %q is negative; use e.g. \"5s\" (\"0s\" turns it off)", s)
	}
	v.d = d
	return nil
}

func (fc *fileConfig) profileNames() []string {
	if fc == nil {
		return nil
	}
	names := make([]string, 0, len(fc.Profiles))
	for n := range fc.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// parseFile decodes data read from path; every error names the file and,
// when known, the line.
func parseFile(path string, data []byte) (*fileConfig, error) {
	var fc fileConfig
	md, err := toml.Decode(string(data), &fc)
	if err != nil {
		return nil, decodeError(path, err)
	}
	if _, ok := fc.Profiles[""]; ok { // "" means "no profile" in Settings
		return nil, &Error{Setting: "profile", Msg: path + `: profile name "" is empty`, Fix: "give the profile a name, e.g. [profiles.prod]"}
	}
	// Before unknownKeys: a table given as a command leaves its keys
	// undecoded, and "must be a string or an array" says more.
	if err := fc.parseCommands(path, data); err != nil {
		return nil, err
	}
	if err := unknownKeys(path, data, md.Undecoded()); err != nil {
		return nil, err
	}
	return &fc, nil
}

// parseCommands checks every profile's *_command keys, not only the
// profile in use, so a mistake shows up before it matters. Nothing runs.
func (fc *fileConfig) parseCommands(path string, data []byte) *Error {
	for _, name := range fc.profileNames() {
		p := fc.Profiles[name]
		for _, secret := range secretKeys {
			key := secret + "_command"
			raw := p.commandValue(key)
			if raw == nil {
				continue
			}
			argv, problem := parseCommand(raw)
			if problem != "" {
				where := path
				if line := keyLine(data, toml.Key{"profiles", name, key}); line > 0 {
					where = fmt.Sprintf("%s:%d", path, line)
				}
				return &Error{Setting: key,
					Msg: fmt.Sprintf("%s: %s in profile %s %s", where, key, name, problem),
					Fix: fmt.Sprintf(`write it as a string such as %s = "pass show wcadmin/%s" or an array such as %s = ["pass", "show", "wcadmin/%s"]`, key, secret, key, secret)}
			}
			if fc.commands == nil {
				fc.commands = map[string]map[string][]string{}
			}
			if fc.commands[name] == nil {
				fc.commands[name] = map[string][]string{}
			}
			fc.commands[name][key] = argv
		}
	}
	return nil
}

func decodeError(path string, err error) *Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		where := path
		if pe.Position.Line > 0 {
			where = fmt.Sprintf("%s:%d", path, pe.Position.Line)
		}
		setting := "config file"
		switch {
		case strings.HasPrefix(pe.Message, "timeout "): // from fileDuration
			setting = "timeout"
		case strings.HasPrefix(pe.Message, "undo_window "): // from undoDuration
			setting = "undo_window"
		}
		return &Error{Setting: setting, Msg: fmt.Sprintf("%s: %s", where, pe.Message)}
	}
	return typeError(path, err)
}

// typeErrRe matches the toml package's type-mismatch errors, which are
// plain errors, to reword them in terms of the setting.
var typeErrRe = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

func typeError(path string, err error) *Error {
	m := typeErrRe.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{Setting: "config file",
			Msg: fmt.Sprintf("%s: %s", path, strings.TrimPrefix(err.Error(), "toml: ")),
			Fix: "check the value types: strings need quotes, booleans are true or false"}
	}
	where, key, detail := path+":"+m[1], splitKey(m[2]), m[3]
	last := key[len(key)-1]
	e := &Error{Setting: last, Msg: fmt.Sprintf("%s: %s: %s", where, m[2], detail)}
	switch {
	case len(key) == 1 && last == "profiles":
		e.Msg = fmt.Sprintf("%s: profiles must hold named tables", where)
		e.Fix = "write each profile as [profiles.NAME], e.g. [profiles.prod]"
	case len(key) == 2 && key[0] == "profiles":
		e.Setting = "profile"
		e.Msg = fmt.Sprintf("%s: %s is not a profile table", where, m[2])
		e.Fix = "put settings under a named profile such as [profiles.prod]"
	case slices.Contains(boolKeys, last):
		e.Msg = fmt.Sprintf("%s: %s must be true or false", where, last)
		e.Fix = fmt.Sprintf("write it without quotes, e.g. %s = true", last)
	case last == "default_profile" || slices.Contains(profileKeys, last):
		e.Msg = fmt.Sprintf("%s: %s must be a string", where, last)
		e.Fix = fmt.Sprintf("put the value in double quotes, e.g. %s = \"...\"", last)
	}
	return e
}

// unknownKeys reports the first unknown key (and counts the rest), because
// a typo like "tokn" would otherwise be silently ignored.
func unknownKeys(path string, data []byte, undecoded []toml.Key) error {
	var top []toml.Key // outermost only: [extra] implies extra.* too
	for _, k := range undecoded {
		nested := slices.ContainsFunc(top, func(p toml.Key) bool {
			return len(p) < len(k) && slices.Equal(p, k[:len(p)])
		})
		if !nested {
			top = append(top, k)
		}
	}
	if len(top) == 0 {
		return nil
	}
	k := top[0]
	where := path
	if line := keyLine(data, k); line > 0 {
		where = fmt.Sprintf("%s:%d", path, line)
	}
	msg := fmt.Sprintf("%s: unknown key %q", where, k.String())
	if len(k) == 3 && k[0] == "profiles" {
		msg = fmt.Sprintf("%s: unknown key %q in profile %s", where, k[2], k[1])
	}
	if len(top) > 1 {
		rest := make([]string, 0, len(top)-1)
		for _, r := range top[1:] {
			rest = append(rest, r.String())
		}
		msg += fmt.Sprintf(" (and %d more: %s)", len(rest), strings.Join(rest, ", "))
	}
	return &Error{Setting: "config file", Msg: msg, Fix: unknownKeyFix(k)}
}

func unknownKeyFix(k toml.Key) string {
	known := "keys in a profile are " + strings.Join(profileKeys, ", ")
	last := k[len(k)-1]
	switch {
	case len(k) == 1 && slices.Contains(profileKeys, last):
		return fmt.Sprintf("%s belongs in a [profiles.NAME] table", last)
	case len(k) == 2 && k[0] == "profiles":
		return "put settings under a named profile such as [profiles.prod]"
	case len(k) == 1:
		return "the top level takes only default_profile and [profiles.NAME] tables"
	case len(k) == 3 && k[0] == "profiles":
		if s := closest(last, profileKeys); s != "" {
			return fmt.Sprintf("did you mean %q? %s", s, known)
		}
	}
	return known
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
