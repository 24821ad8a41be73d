package config

import (
	"strings"
	"testing"
	"time"
)

func TestValidateSite(t *testing.T) {
	tests := []struct {
		name     string
		site     string
		insecure bool
		wantErr  []string // nil: must load
		wantSite string
	}{
		{name: "https", site: "https://shop.example.com", wantSite: "https://shop.example.com"},
		{name: "base path kept, slash trimmed", site: "https://shop.example.com/api/", wantSite: "https://shop.example.com/api"},
		{name: "scheme lowercased", site: "HTTPS://shop.example.com", wantSite: "https://shop.example.com"},
		{name: "http localhost ok", site: "http://localhost:8080", wantSite: "http://localhost:8080"},
		{name: "http 127/8 ok", site: "http://127.0.0.5:9000", wantSite: "http://127.0.0.5:9000"},
		{name: "http ::1 ok", site: "http://[::1]:9000", wantSite: "http://[::1]:9000"},
		{name: "http remote refused", site: "http://shop.example.com",
			wantErr: []string{`site "http://shop.example.com"`, "plain http://", "--allow-insecure-http", "allow_insecure_http = true in profile p"}},
		{name: "http private net refused", site: "http://192.168.1.10", wantErr: []string{"plain http://"}},
		{name: "http remote allowed", site: "http://shop.example.com", insecure: true, wantSite: "http://shop.example.com"},
		{name: "no scheme", site: "shop.example.com", wantErr: []string{"has no scheme", `"https://shop.example.com"`}},
		{name: "host:port without scheme", site: "localhost:8080", wantErr: []string{"has no scheme"}},
		{name: "ftp", site: "ftp://shop.example.com", wantErr: []string{"must use https://"}},
		{name: "no host", site: "https://", wantErr: []string{"has no host"}},
		{name: "no host with path", site: "https:///x", wantErr: []string{"has no host"}},
		{name: "not a URL", site: "https://exa mple.com:port", wantErr: []string{"is not a valid URL"}},
		{name: "user info", site: "https://bob:hunter2@shop.example.com", wantErr: []string{"user name or password", `"https://***@shop.example.com"`}},
		{name: "user info without scheme", site: "bob:hunter2@shop.example.com", wantErr: []string{"has no scheme", "***@shop.example.com"}},
		{name: "query", site: "https://shop.example.com/?x=1", wantErr: []string{"query or fragment"}},
		{name: "blank", site: "   ", wantErr: []string{"no store site", "--site", "WCADMIN_SITE", "in profile p of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(writeConfig(t, "[profiles.p]\ntoken = \"t\"\n"))
			f.Site, f.Set["site"] = tt.site, true
			if tt.insecure {
				f.AllowInsecureHTTP, f.Set["allow-insecure-http"] = true, true
			}
			if tt.wantErr != nil {
				if e := loadErr(t, f, nil, "site", tt.wantErr...); strings.Contains(e.Error(), "hunter2") {
					t.Errorf("error leaks the password: %v", e)
				}
				return
			}
			if s := mustLoad(t, f, nil); s.Site != tt.wantSite {
				t.Errorf("Site = %q, want %q", s.Site, tt.wantSite)
			}
		})
	}
}

func TestInsecureHTTPFromProfile(t *testing.T) {
	body := "[profiles.p]\nsite = \"http://intranet.example\"\ntoken = \"t\"\nallow_insecure_http = true\n"
	if s := mustLoad(t, withConfig(writeConfig(t, body)), nil); !s.AllowInsecureHTTP {
		t.Error("AllowInsecureHTTP not set from profile")
	}
}

func TestMissingSite(t *testing.T) {
	path := writeConfig(t, "[profiles.prod]\ntoken = \"t\"\n")
	loadErr(t, withConfig(path), nil, "site", "no store site: set --site, WCADMIN_SITE or site = ", "in profile prod of "+path)

	// Without any profile the hint names the table to add.
	home := t.TempDir()
	loadErr(t, Flags{}, map[string]string{"HOME": home, "WCADMIN_TOKEN": "t"}, "site",
		"no store site", "[profiles.NAME] table of "+home)
}

func TestCredentials(t *testing.T) {
	const site = "[profiles.p]\nsite = \"https://x.example.com\"\n"
	const fullOAuth = site + `client_id = "id"
client_secret = "sec"
username = "u"
password = "pw"
redirect_uri = "https://x.example.com/cb"
`
	tests := []struct {
		name    string
		body    string
		env     map[string]string
		setting string
		wantErr []string
		oauth   bool
	}{
		{name: "token ok", body: site + "token = \"t\"\n"},
		{name: "token from env ok", body: site, env: map[string]string{"WCADMIN_TOKEN": "t"}},
		{name: "full oauth ok", body: fullOAuth, oauth: true},
		{name: "oauth from env ok", body: site, oauth: true, env: map[string]string{
			"WCADMIN_CLIENT_ID": "id", "WCADMIN_CLIENT_SECRET": "s", "WCADMIN_USERNAME": "u",
			"WCADMIN_PASSWORD": "p", "WCADMIN_REDIRECT_URI": "http://localhost/cb",
		}},
		{name: "none", body: site, setting: "token",
			wantErr: []string{"no credentials", "WCADMIN_TOKEN", "token = ", "client_id, client_secret, username, password and redirect_uri"}},
		{name: "empty token is none", body: site + "token = \"\"\n", setting: "token", wantErr: []string{"no credentials"}},
		{name: "partial oauth names missing", body: site + "client_id = \"id\"\nusername = \"u\"\n", setting: "client_secret",
			wantErr: []string{"missing client_secret, password and redirect_uri", "WCADMIN_CLIENT_SECRET, WCADMIN_PASSWORD and WCADMIN_REDIRECT_URI"}},
		{name: "partial oauth one missing", body: strings.Replace(fullOAuth, "password = \"pw\"\n", "", 1), setting: "password",
			wantErr: []string{"incomplete OAuth settings: missing password: set them in profile p", "WCADMIN_PASSWORD"}},
		{name: "token and oauth", body: fullOAuth, env: map[string]string{"WCADMIN_TOKEN": "t"}, setting: "token",
			wantErr: []string{"both token (from env WCADMIN_TOKEN) and OAuth client_id (from profile p", "not both"}},
		{name: "bad redirect_uri", body: site + `client_id = "id"
client_secret = "sec"
username = "u"
password = "pw"
redirect_uri = "/cb"
`, setting: "redirect_uri", wantErr: []string{`redirect_uri "/cb"`, "absolute URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(writeConfig(t, tt.body))
			if tt.wantErr != nil {
				loadErr(t, f, tt.env, tt.setting, tt.wantErr...)
				return
			}
			if s := mustLoad(t, f, tt.env); s.UsesOAuth() != tt.oauth {
				t.Errorf("UsesOAuth = %v, want %v", s.UsesOAuth(), tt.oauth)
			}
		})
	}
}

func TestTokenHeaderAndTimeout(t *testing.T) {
	tests := []struct {
		name    string
		extra   string
		env     map[string]string
		flags   Flags
		setting string
		want    []string
	}{
		{name: "bad header", extra: `token_header = "x-api-key"`, setting: "token_header",
			want: []string{`token_header "x-api-key"`, `"bearer" or "access_token"`}},
		{name: "zero timeout in file", extra: `timeout = "0s"`, setting: "timeout", want: []string{"timeout 0s (from profile p", "must be positive"}},
		{name: "negative flag timeout", flags: Flags{Timeout: -time.Second, Set: map[string]bool{"timeout": true}},
			setting: "timeout", want: []string{"(from flag --timeout) must be positive"}},
		{name: "bad env timeout", env: map[string]string{"WCADMIN_TIMEOUT": "fast"}, setting: "timeout",
			want: []string{`WCADMIN_TIMEOUT="fast" is not a duration`}},
		{name: "bad env timeout even if flag overrides", env: map[string]string{"WCADMIN_TIMEOUT": "fast"},
			flags: Flags{Timeout: time.Second, Set: map[string]bool{"timeout": true}}, setting: "timeout", want: []string{"WCADMIN_TIMEOUT"}},
		{name: "bad env read-only", env: map[string]string{"WCADMIN_READ_ONLY": "maybe"}, setting: "read_only",
			want: []string{`WCADMIN_READ_ONLY="maybe" is not a boolean`, "true or false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.flags
			if f.Set == nil {
				f.Set = map[string]bool{}
			}
			f.Config, f.Set["config"] = writeConfig(t, minimal+tt.extra+"\n"), true
			loadErr(t, f, tt.env, tt.setting, tt.want...)
		})
	}

	// Header values are normalised.
	s := mustLoad(t, withConfig(writeConfig(t, minimal+"token_header = \" Access_Token \"\n")), nil)
	if s.TokenHeader != HeaderAccessToken {
		t.Errorf("TokenHeader = %q", s.TokenHeader)
	}
}
