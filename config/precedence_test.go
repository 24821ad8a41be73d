package config

import (
	"strings"
	"testing"
	"time"
)

func TestPrecedence(t *testing.T) {
	const file = `
[profiles.p]
site = "https://file.example.com"
token = "file-token"
token_header = "access_token"
allow_insecure_http = false
timeout = "20s"
`
	const oauthFile = `
[profiles.p]
site = "https://file.example.com"
client_id = "file-id"
client_secret = "file-secret"
username = "file-user"
password = "file-pass"
redirect_uri = "https://file.example.com/cb"
`
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		flags   Flags
		get     func(Settings) any
		want    any
		wantSrc string // substring of Sources[key]
		key     string
	}{
		{name: "site default from file", file: file, get: site, want: "https://file.example.com", key: "site", wantSrc: "profile p in"},
		{name: "site env over file", file: file, env: map[string]string{"WCADMIN_SITE": "https://env.example.com"},
			get: site, want: "https://env.example.com", key: "site", wantSrc: "env WCADMIN_SITE"},
		{name: "site flag over env", file: file, env: map[string]string{"WCADMIN_SITE": "https://env.example.com"},
			flags: Flags{Site: "https://flag.example.com", Set: map[string]bool{"site": true}},
			get:   site, want: "https://flag.example.com", key: "site", wantSrc: "flag --site"},
		{name: "unset site flag does not override", file: file, env: map[string]string{"WCADMIN_SITE": "https://env.example.com"},
			flags: Flags{Site: "https://ignored.example.com"},
			get:   site, want: "https://env.example.com", key: "site", wantSrc: "env WCADMIN_SITE"},

		{name: "token from file", file: file, get: token, want: "file-token", key: "token", wantSrc: "profile p"},
		{name: "token env over file", file: file, env: map[string]string{"WCADMIN_TOKEN": "env-token"},
			get: token, want: "env-token", key: "token", wantSrc: "env WCADMIN_TOKEN"},
		{name: "empty env is unset", file: file, env: map[string]string{"WCADMIN_TOKEN": ""},
			get: token, want: "file-token", key: "token", wantSrc: "profile p"},

		{name: "token_header default", file: minimal, get: header, want: HeaderBearer, key: "token_header", wantSrc: "default"},
		{name: "token_header from file", file: file, get: header, want: HeaderAccessToken, key: "token_header", wantSrc: "profile p"},

		{name: "timeout default", file: minimal, get: timeout, want: DefaultTimeout, key: "timeout", wantSrc: "default"},
		{name: "timeout from file", file: file, get: timeout, want: 20 * time.Second, key: "timeout", wantSrc: "profile p"},
		{name: "timeout env over file", file: file, env: map[string]string{"WCADMIN_TIMEOUT": "30s"},
			get: timeout, want: 30 * time.Second, key: "timeout", wantSrc: "env WCADMIN_TIMEOUT"},
		{name: "timeout flag over env", file: file, env: map[string]string{"WCADMIN_TIMEOUT": "30s"},
			flags: Flags{Timeout: 40 * time.Second, Set: map[string]bool{"timeout": true}},
			get:   timeout, want: 40 * time.Second, key: "timeout", wantSrc: "flag --timeout"},

		{name: "allow_insecure_http default", file: minimal, get: insecure, want: false, key: "allow_insecure_http", wantSrc: "default"},
		{name: "allow_insecure_http flag over file", file: file,
			flags: Flags{AllowInsecureHTTP: true, Set: map[string]bool{"allow-insecure-http": true}},
			get:   insecure, want: true, key: "allow_insecure_http", wantSrc: "flag --allow-insecure-http"},
		{name: "allow_insecure_http flag false over file true",
			file:  minimal + "allow_insecure_http = true\n",
			flags: Flags{AllowInsecureHTTP: false, Set: map[string]bool{"allow-insecure-http": true}},
			get:   insecure, want: false, key: "allow_insecure_http", wantSrc: "flag"},

		{name: "oauth from file", file: oauthFile, get: func(s Settings) any { return s.ClientID + "/" + s.Username },
			want: "file-id/file-user", key: "client_id", wantSrc: "profile p"},
		{name: "oauth env over file", file: oauthFile,
			env: map[string]string{
				"WCADMIN_CLIENT_ID": "env-id", "WCADMIN_CLIENT_SECRET": "env-secret", "WCADMIN_USERNAME": "env-user",
				"WCADMIN_PASSWORD": "env-pass", "WCADMIN_REDIRECT_URI": "https://env.example.com/cb",
			},
			get: func(s Settings) any {
				return s.ClientID + "/" + s.ClientSecret + "/" + s.Username + "/" + s.Password + "/" + s.RedirectURI
			},
			want: "env-id/env-secret/env-user/env-pass/https://env.example.com/cb", key: "password", wantSrc: "env WCADMIN_PASSWORD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.flags
			if f.Set == nil {
				f.Set = map[string]bool{}
			}
			f.Config, f.Set["config"] = writeConfig(t, tt.file), true
			s := mustLoad(t, f, tt.env)
			if got := tt.get(s); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if src := s.Source(tt.key); !strings.Contains(src, tt.wantSrc) {
				t.Errorf("Source(%q) = %q, want it to contain %q", tt.key, src, tt.wantSrc)
			}
		})
	}
}

func TestEnvAndFlagsWithoutFile(t *testing.T) {
	env := map[string]string{
		"HOME":          t.TempDir(), // no config file there
		"WCADMIN_SITE":  "https://env.example.com/",
		"WCADMIN_TOKEN": "t",
	}
	s := mustLoad(t, Flags{}, env)
	if s.ConfigFile != "" || s.Profile != "" {
		t.Errorf("ConfigFile=%q Profile=%q, want both empty", s.ConfigFile, s.Profile)
	}
	if s.Site != "https://env.example.com" {
		t.Errorf("Site = %q, want trailing slash trimmed", s.Site)
	}
	if s.UsesOAuth() {
		t.Error("UsesOAuth with a token")
	}
}

func TestReadOnlyAnyLayerTurnsOn(t *testing.T) {
	tests := []struct {
		name    string
		profile string // extra line in the profile
		env     string
		flag    *bool
		want    bool
		wantSrc string
	}{
		{name: "default off", want: false, wantSrc: "default"},
		{name: "profile on", profile: "read_only = true", want: true, wantSrc: "profile p"},
		{name: "profile off", profile: "read_only = false", want: false, wantSrc: "profile p"},
		{name: "env on", env: "true", want: true, wantSrc: "env WCADMIN_READ_ONLY"},
		{name: "env 1", env: "1", want: true, wantSrc: "env"},
		{name: "flag on", flag: ptr(true), want: true, wantSrc: "flag --read-only"},
		{name: "env off cannot undo profile", profile: "read_only = true", env: "false", want: true, wantSrc: "profile p"},
		{name: "flag off cannot undo profile", profile: "read_only = true", flag: ptr(false), want: true, wantSrc: "profile p"},
		{name: "flag off cannot undo env", env: "true", flag: ptr(false), want: true, wantSrc: "env"},
		{name: "flag on over env off", env: "false", flag: ptr(true), want: true, wantSrc: "flag"},
		{name: "explicit off everywhere", profile: "read_only = false", env: "false", flag: ptr(false), want: false, wantSrc: "flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(writeConfig(t, minimal+tt.profile+"\n"))
			if tt.flag != nil {
				f.ReadOnly = *tt.flag
				f.Set["read-only"] = true
			}
			s := mustLoad(t, f, map[string]string{"WCADMIN_READ_ONLY": tt.env})
			if s.ReadOnly != tt.want {
				t.Errorf("ReadOnly = %v, want %v", s.ReadOnly, tt.want)
			}
			if src := s.Source("read_only"); !strings.Contains(src, tt.wantSrc) {
				t.Errorf("Source = %q, want %q", src, tt.wantSrc)
			}
		})
	}
}

func site(s Settings) any     { return s.Site }
func token(s Settings) any    { return s.Token }
func header(s Settings) any   { return s.TokenHeader }
func timeout(s Settings) any  { return s.Timeout }
func insecure(s Settings) any { return s.AllowInsecureHTTP }
func ptr[T any](v T) *T       { return &v }
