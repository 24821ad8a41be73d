package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadFile feeds arbitrary bytes as the config file: Load must never
// panic, and whatever it accepts must satisfy the validated invariants.
func FuzzLoadFile(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(twoProfiles))
	f.Add([]byte("[profiles.p]\nsite = \"http://[::1]:8080\"\ntimeout = \"1m\"\nread_only = true\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Load(withConfig(path), fakeEnv(nil))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if s.Site == "" || s.Timeout <= 0 || (s.TokenHeader != HeaderBearer && s.TokenHeader != HeaderAccessToken) {
			t.Fatalf("invalid settings accepted: %v", s)
		}
		if (s.Token == "") == (s.ClientID == "") {
			t.Fatalf("need exactly one of token and OAuth: %v", s)
		}
		_ = s.String()
	})
}
