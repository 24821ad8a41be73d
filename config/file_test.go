package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/wcadmin/config.toml"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/wcadmin/config.toml"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, "/home/u/.config/wcadmin/config.toml"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := DefaultPath(fakeEnv(tt.env)); got != tt.want {
			t.Errorf("DefaultPath(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestFileLocation(t *testing.T) {
	xdg := t.TempDir()
	xdgFile := filepath.Join(xdg, "wcadmin", "config.toml")
	if err := os.MkdirAll(filepath.Dir(xdgFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xdgFile, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	other := writeConfig(t, `
[profiles.o]
site = "https://other.example.com"
token = "t"
`)

	t.Run("XDG default is read", func(t *testing.T) {
		s := mustLoad(t, Flags{}, map[string]string{"XDG_CONFIG_HOME": xdg})
		if s.ConfigFile != xdgFile || s.Profile != "p" {
			t.Errorf("ConfigFile=%q Profile=%q", s.ConfigFile, s.Profile)
		}
		if s.Source("config") != "default path" {
			t.Errorf("Source(config) = %q", s.Source("config"))
		}
	})
	t.Run("WCADMIN_CONFIG beats default", func(t *testing.T) {
		s := mustLoad(t, Flags{}, map[string]string{"XDG_CONFIG_HOME": xdg, "WCADMIN_CONFIG": other})
		if s.ConfigFile != other {
			t.Errorf("ConfigFile = %q, want %q", s.ConfigFile, other)
		}
	})
	t.Run("--config beats WCADMIN_CONFIG", func(t *testing.T) {
		s := mustLoad(t, withConfig(other), map[string]string{"WCADMIN_CONFIG": xdgFile})
		if s.ConfigFile != other || s.Source("config") != "flag --config" {
			t.Errorf("ConfigFile=%q source=%q", s.ConfigFile, s.Source("config"))
		}
	})
	t.Run("~ expands in WCADMIN_CONFIG", func(t *testing.T) {
		home := filepath.Dir(other)
		s := mustLoad(t, Flags{}, map[string]string{"HOME": home, "WCADMIN_CONFIG": "~/config.toml"})
		if s.ConfigFile != other {
			t.Errorf("ConfigFile = %q, want %q", s.ConfigFile, other)
		}
	})
	t.Run("missing default file is fine", func(t *testing.T) {
		s := mustLoad(t, Flags{}, map[string]string{
			"XDG_CONFIG_HOME": t.TempDir(), "WCADMIN_SITE": "https://x.example.com", "WCADMIN_TOKEN": "t",
		})
		if s.ConfigFile != "" {
			t.Errorf("ConfigFile = %q, want empty", s.ConfigFile)
		}
	})
	missing := filepath.Join(t.TempDir(), "nope.toml")
	t.Run("missing --config file is an error", func(t *testing.T) {
		loadErr(t, withConfig(missing), nil, "config", missing, "does not exist", "flag --config")
	})
	t.Run("missing WCADMIN_CONFIG file is an error", func(t *testing.T) {
		loadErr(t, Flags{}, map[string]string{"WCADMIN_CONFIG": missing}, "config", missing, "env WCADMIN_CONFIG")
	})
	t.Run("directory is an error", func(t *testing.T) {
		loadErr(t, withConfig(t.TempDir()), nil, "config", "cannot read config file")
	})
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		setting string
		want    []string
	}{
		{"syntax error has line", "[profiles.p]\nsite = \"https://x\"\ntoken = \n", "config file", []string{":3: "}},
		{"unterminated string", "[profiles.p]\n\nsite = \"https://x\n", "config file", []string{":3: "}},
		{"unknown profile key with suggestion", minimal + "\ntokn = \"x\"\n", "config file",
			[]string{":6: ", `unknown key "tokn" in profile p`, `did you mean "token"?`}},
		{"unknown top-level key", "colour = \"red\"\n" + minimal, "config file",
			[]string{":1: ", `unknown key "colour"`, "default_profile"}},
		{"profile setting at top level", "site = \"https://x\"\n", "config file",
			[]string{":1: ", `unknown key "site"`, "[profiles.NAME]"}},
		{"unknown table", minimal + "\n[extra]\na = 1\n", "config file", []string{":6: ", `unknown key "extra"`}},
		{"several unknown keys", minimal + "a = 1\nb = 2\n", "config file", []string{":5: ", `"a"`, "and 1 more: profiles.p.b"}},
		{"unknown key in inline table", "[profiles]\np = {site = \"https://x\", tokn = \"x\"}\n", "config file",
			[]string{":2: ", `unknown key "tokn" in profile p`}},
		{"bool as string", minimal + "read_only = \"yes\"\n", "read_only", []string{":5: ", "read_only must be true or false"}},
		{"string as number", "default_profile = 3\n", "default_profile", []string{":1: ", "must be a string"}},
		{"settings directly under profiles", "[profiles]\nsite = \"https://x\"\n", "profile",
			[]string{":2: ", "not a profile table", "[profiles.prod]"}},
		{"timeout not a duration", minimal + "timeout = \"soon\"\n", "timeout", []string{":5: ", `timeout "soon" is not a duration`}},
		{"empty profile name", "[profiles.\"\"]\nsite = \"https://x\"\ntoken = \"t\"\n", "profile", []string{`profile name "" is empty`}},
		{"timeout as number", minimal + "timeout = 15\n", "timeout", []string{":5: ", `quoted duration`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.body)
			loadErr(t, withConfig(path), nil, tt.setting, append(tt.want, path)...)
		})
	}
}

func TestKeyLine(t *testing.T) {
	const doc = `# comment
top = 1
[a]
x = """
y = "inside a multi-line string"
"""
y = 2
"q" . z = 3
[[arr]]
w = 4
`
	tests := []struct {
		key  []string
		want int
	}{
		{[]string{"top"}, 2},
		{[]string{"a"}, 3},
		{[]string{"a", "y"}, 7},
		{[]string{"a", "q"}, 8},
		{[]string{"a", "q", "z"}, 8},
		{[]string{"arr", "w"}, 10},
		{[]string{"missing"}, 0},
	}
	for _, tt := range tests {
		if got := keyLine([]byte(doc), tt.key); got != tt.want {
			t.Errorf("keyLine(%v) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestUnknownFlagKey(t *testing.T) {
	_, err := Load(Flags{Set: map[string]bool{"read_only": true}}, fakeEnv(nil))
	if err == nil || !strings.Contains(err.Error(), `"read_only"`) {
		t.Errorf("err = %v, want unknown Flags.Set key", err)
	}
}
