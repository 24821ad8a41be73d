package config

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestStringHidesSecrets(t *testing.T) {
	const tokenProfile = `
[profiles.t]
site = "https://shop.example.com"
token = "TOKEN-SECRET-123"
`
	const oauthProfile = `
[profiles.o]
site = "https://shop.example.com"
client_id = "the-client"
client_secret = "CLIENT-SECRET-456"
username = "bob"
password = "PASSWORD-789"
redirect_uri = "https://shop.example.com/cb"
`
	secrets := []string{"TOKEN-SECRET-123", "CLIENT-SECRET-456", "PASSWORD-789"}
	tests := []struct {
		body string
		want []string
	}{
		{tokenProfile, []string{"profile=t", "auth=token", "token=set", "token_header=bearer", "site=https://shop.example.com", "timeout=15s"}},
		{oauthProfile, []string{"auth=oauth", "client_id=the-client", "client_secret=set", "password=set", "username=bob"}},
	}
	for _, tt := range tests {
		s := mustLoad(t, withConfig(writeConfig(t, tt.body)), nil)
		var logged strings.Builder
		slog.New(slog.NewTextHandler(&logged, nil)).Info("settings", "s", s)
		renderings := map[string]string{
			"String": s.String(),
			"%v":     fmt.Sprintf("%v", s),
			"%+v":    fmt.Sprintf("%+v", s),
			"%#v":    fmt.Sprintf("%#v", s),
			"nested": fmt.Sprintf("%+v", struct{ S Settings }{s}),
			"slog":   logged.String(),
		}
		for how, out := range renderings {
			for _, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("%s leaks a secret: %s", how, out)
				}
			}
		}
		for _, w := range tt.want {
			if !strings.Contains(s.String(), w) {
				t.Errorf("String() = %q, want it to contain %q", s.String(), w)
			}
		}
	}

	if got := (Settings{Site: "https://bob:hunter2@x.example.com"}).String(); strings.Contains(got, "hunter2") {
		t.Errorf("String() leaks a password in the site URL: %s", got)
	}
	if got := (Settings{}).String(); !strings.Contains(got, "token=unset") || !strings.Contains(got, `profile=""`) {
		t.Errorf("zero Settings String() = %q", got)
	}
}

func TestErrorRendering(t *testing.T) {
	if got := (&Error{Setting: "site", Msg: "no store site"}).Error(); got != "no store site" {
		t.Errorf("got %q", got)
	}
	if got := (&Error{Setting: "site", Msg: "no store site", Fix: "set --site"}).Error(); got != "no store site: set --site" {
		t.Errorf("got %q", got)
	}
}
