// Package config resolves wcadmin's settings from command-line flags,
// WCADMIN_* environment variables, a profile in a TOML file and built-in
// defaults (in that order of precedence), and validates the result so the
// rest of the program can trust it.
package config

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultTimeout is the HTTP timeout when no layer sets one.
const DefaultTimeout = 15 * time.Second

// Values of Settings.TokenHeader.
const (
	HeaderBearer      = "bearer"
	HeaderAccessToken = "access_token"
)

// Flags carries the command-line flags. Only names present in Set count,
// so a flag left at its zero value does not override lower layers. Keys:
// "site", "profile", "config", "read-only", "allow-insecure-http",
// "timeout". Secrets are deliberately not flags: argv is visible to other
// users via ps and ends up in shell history.
type Flags struct {
	Site, Profile, Config       string
	ReadOnly, AllowInsecureHTTP bool
	Timeout                     time.Duration
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
func Load(f Flags, getenv func(string) string) (Settings, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	l := &loader{flags: f, getenv: getenv}
	if err := l.load(); err != nil {
		return Settings{}, err
	}
	return l.s, nil
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
