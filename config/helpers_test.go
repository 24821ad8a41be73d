package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEnv turns a map into a getenv.
func fakeEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes body to a fresh config.toml and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// withConfig returns flags that point --config at path.
func withConfig(path string) Flags {
	return Flags{Config: path, Set: map[string]bool{"config": true}}
}

// mustLoad fails the test on error.
func mustLoad(t *testing.T, f Flags, env map[string]string) Settings {
	t.Helper()
	s, err := Load(f, fakeEnv(env))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// loadErr expects a *Error whose text contains every want string.
func loadErr(t *testing.T, f Flags, env map[string]string, setting string, want ...string) *Error {
	t.Helper()
	_, err := Load(f, fakeEnv(env))
	if err == nil {
		t.Fatalf("Load succeeded, want error containing %q", want)
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	if setting != "" && ce.Setting != setting {
		t.Errorf("Setting = %q, want %q (error: %v)", ce.Setting, setting, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	return ce
}

// minimal is a valid profile body to build on.
const minimal = `
[profiles.p]
site = "https://file.example.com"
token = "file-token"
`
