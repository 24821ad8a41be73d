package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// errFuzzNoRun is what the fuzz runner answers instead of running a
// command.
var errFuzzNoRun = errors.New("fuzz: commands are never run")

// FuzzLoadFile feeds arbitrary bytes as the config file: Load must never
// panic, and whatever it accepts must satisfy the validated invariants.
// Fuzzed files name arbitrary *_command programs, so none is ever run.
func FuzzLoadFile(f *testing.F) {
	old := runCommand
	runCommand = func(context.Context, []string) ([]byte, error) { return nil, errFuzzNoRun }
	f.Cleanup(func() { runCommand = old })

	f.Add([]byte(minimal))
	f.Add([]byte(twoProfiles))
	f.Add([]byte("[profiles.p]\nsite = \"http://[::1]:8080\"\ntimeout = \"1m\"\nread_only = true\n"))
	f.Add([]byte("[profiles.p]\nsite = \"https://x\"\ntoken_command = \"rm -rf /tmp/nothing\"\nprotected = true\n"))
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
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			return
		}
		for _, key := range secretKeys {
			if strings.HasPrefix(s.Source(key), key+"_command") {
				t.Fatalf("%s from a command that never ran: %v", key, s)
			}
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
