package config

import (
	"log/slog"
	"strconv"
	"strings"
)

// String is a one-line summary safe to log or show: the token, client
// secret and password appear only as "set" or "unset".
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
	add("profile", s.Profile)
	add("config", s.ConfigFile)
	add("site", redactSite(s.Site))
	if s.UsesOAuth() {
		add("auth", "oauth")
		add("client_id", s.ClientID)
		add("client_secret", secret(s.ClientSecret))
		add("username", s.Username)
		add("password", secret(s.Password))
		add("redirect_uri", s.RedirectURI)
	} else {
		add("auth", "token")
		add("token", secret(s.Token))
		add("token_header", s.TokenHeader)
	}
	add("read_only", strconv.FormatBool(s.ReadOnly))
	add("allow_insecure_http", strconv.FormatBool(s.AllowInsecureHTTP))
	add("timeout", s.Timeout.String())
	return b.String()
}

// GoString keeps %#v from printing secrets.
func (s Settings) GoString() string { return "config.Settings{" + s.String() + "}" }

// LogValue keeps slog from printing secrets.
func (s Settings) LogValue() slog.Value { return slog.StringValue(s.String()) }
