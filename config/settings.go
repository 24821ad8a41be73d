package config

import (
	"log/slog"
	"strconv"
	"strings"
)

// String is a one-line summary safe to log or show: the token, client
// secret and password appear only as "set" or "unset", and a secret that
// came from a command adds e.g. token_command=set, never the command line
// (which may embed secrets too).
func (s Settings) String() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		if v == "" || strings.ContainsAny(v, " \t\"=") {
			v = strconv.Quote(v)
		}
		b.WriteString(v)
	}
	secret := func(v string) string {
		if v == "" {
			return "unset"
		}
		return "set"
	}
	fromCommand := func(key string) {
		if strings.HasPrefix(s.Sources[key], key+"_command ") {
			add(key+"_command", "set")
		}
	}
	add("profile", s.Profile)
	add("config", s.ConfigFile)
	add("site", redactSite(s.Site))
	if s.UsesOAuth() {
		add("auth", "oauth")
		add("client_id", s.ClientID)
		add("client_secret", secret(s.ClientSecret))
		fromCommand("client_secret")
		add("username", s.Username)
		add("password", secret(s.Password))
		fromCommand("password")
		add("redirect_uri", s.RedirectURI)
	} else {
		add("auth", "token")
		add("token", secret(s.Token))
		fromCommand("token")
		add("token_header", s.TokenHeader)
	}
	add("read_only", strconv.FormatBool(s.ReadOnly))
	add("allow_insecure_http", strconv.FormatBool(s.AllowInsecureHTTP))
	add("timeout", s.Timeout.String())
	add("protected", strconv.FormatBool(s.Protected))
	add("undo_window", s.UndoWindow.String())
	add("ca_file", orDefault(s.CAFile, "none"))
	add("audit_log", orDefault(s.AuditLog, "default"))
	return b.String()
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// GoString keeps %#v from printing secrets.
func (s Settings) GoString() string { return "config.Settings{" + s.String() + "}" }

// LogValue keeps slog from printing secrets.
func (s Settings) LogValue() slog.Value { return slog.StringValue(s.String()) }
