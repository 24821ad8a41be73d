package config

import (
	"strings"
	"testing"
)

const twoProfiles = `
default_profile = "b"

[profiles.a]
site = "https://a.example.com"
token = "ta"

[profiles.b]
site = "https://b.example.com"
token = "tb"

[profiles.c]
site = "https://c.example.com"
token = "tc"
`

func TestProfileSelection(t *testing.T) {
	noDefault := strings.Replace(twoProfiles, `default_profile = "b"`, "", 1)
	const single = `
[profiles.only]
site = "https://only.example.com"
token = "t"
`
	tests := []struct {
		name     string
		file     string
		flag     string
		env      string
		want     string
		wantSrc  string
		wantSite string
	}{
		{name: "flag beats env and default", file: twoProfiles, flag: "a", env: "c", want: "a", wantSrc: "flag --profile"},
		{name: "env beats default", file: twoProfiles, env: "c", want: "c", wantSrc: "env WCADMIN_PROFILE"},
		{name: "default_profile", file: twoProfiles, want: "b", wantSrc: "default_profile in"},
		{name: "only profile", file: single, want: "only", wantSrc: "the only profile"},
		{name: "empty flag counts as unset", file: twoProfiles, flag: "", env: "c", want: "c", wantSrc: "env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(writeConfig(t, tt.file))
			if tt.flag != "" || tt.name == "empty flag counts as unset" {
				f.Profile, f.Set["profile"] = tt.flag, true
			}
			s := mustLoad(t, f, map[string]string{"WCADMIN_PROFILE": tt.env})
			if s.Profile != tt.want {
				t.Errorf("Profile = %q, want %q", s.Profile, tt.want)
			}
			if !strings.Contains(s.Source("profile"), tt.wantSrc) {
				t.Errorf("Source(profile) = %q, want %q", s.Source("profile"), tt.wantSrc)
			}
			if want := "https://" + tt.want + ".example.com"; s.Site != want {
				t.Errorf("Site = %q, want %q from the chosen profile", s.Site, want)
			}
		})
	}

	t.Run("several profiles and no default means none", func(t *testing.T) {
		f := withConfig(writeConfig(t, noDefault))
		s := mustLoad(t, f, map[string]string{"WCADMIN_SITE": "https://env.example.com", "WCADMIN_TOKEN": "t"})
		if s.Profile != "" || s.Site != "https://env.example.com" {
			t.Errorf("Profile=%q Site=%q, want no profile and env site", s.Profile, s.Site)
		}
		if s.ConfigFile == "" {
			t.Error("ConfigFile empty although a file was read")
		}
	})
}

func TestUnknownProfile(t *testing.T) {
	path := writeConfig(t, twoProfiles)
	f := withConfig(path)
	f.Profile, f.Set["profile"] = "prod", true
	loadErr(t, f, nil, "profile", `unknown profile "prod"`, "flag --profile", "a, b, c", path)

	loadErr(t, withConfig(path), map[string]string{"WCADMIN_PROFILE": "x"}, "profile", `"x"`, "env WCADMIN_PROFILE")

	bad := writeConfig(t, strings.Replace(twoProfiles, `"b"`, `"zz"`, 1))
	loadErr(t, withConfig(bad), nil, "profile", `"zz"`, "default_profile", "a, b, c")

	empty := writeConfig(t, "# nothing yet\n")
	loadErr(t, withConfig(empty), map[string]string{"WCADMIN_PROFILE": "x"}, "profile", "defines no profiles", "[profiles.x]")

	// No file at the default path: the message says where it was looked for.
	home := t.TempDir()
	loadErr(t, Flags{}, map[string]string{"HOME": home, "WCADMIN_PROFILE": "x"}, "profile", "no config file exists at "+home)
}
