package config

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestProtected(t *testing.T) {
	tests := []struct {
		name    string
		profile string // extra line in the profile
		env     string // WCADMIN_PROTECTED
		want    bool
		wantSrc string
		wantErr string
	}{
		{name: "default off", want: false, wantSrc: "default"},
		{name: "profile on", profile: "protected = true", want: true, wantSrc: "profile p in"},
		{name: "profile off", profile: "protected = false", want: false, wantSrc: "profile p in"},
		{name: "env on", env: "true", want: true, wantSrc: "env WCADMIN_PROTECTED"},
		{name: "env false cannot undo profile", profile: "protected = true", env: "false", want: true, wantSrc: "profile p in"},
		{name: "env 0 cannot undo profile", profile: "protected = true", env: "0", want: true, wantSrc: "profile p in"},
		{name: "env on over profile off", profile: "protected = false", env: "1", want: true, wantSrc: "env"},
		{name: "bad env", env: "maybe", wantErr: `WCADMIN_PROTECTED="maybe" is not a boolean`},
		{name: "bad env even with profile on", profile: "protected = true", env: "nope", wantErr: "WCADMIN_PROTECTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(writeConfig(t, minimal+tt.profile+"\n"))
			env := map[string]string{"WCADMIN_PROTECTED": tt.env}
			if tt.wantErr != "" {
				loadErr(t, f, env, "protected", tt.wantErr)
				return
			}
			// Neither the read-only flag nor its env variable touch it.
			f.ReadOnly, f.Set["read-only"] = false, true
			env["WCADMIN_READ_ONLY"] = "false"
			s := mustLoad(t, f, env)
			if s.Protected != tt.want {
				t.Errorf("Protected = %v, want %v", s.Protected, tt.want)
			}
			if src := s.Source("protected"); !strings.Contains(src, tt.wantSrc) {
				t.Errorf("Source = %q, want %q", src, tt.wantSrc)
			}
			if want := fmt.Sprintf("protected=%v", tt.want); !strings.Contains(s.String(), want) {
				t.Errorf("String() = %q, want %q", s.String(), want)
			}
		})
	}

	path := writeConfig(t, minimal+"protected = \"yes\"\n")
	loadErr(t, withConfig(path), nil, "protected", path+":5: protected must be true or false", "protected = true")

	// Only the profile in use counts.
	body := "default_profile = \"a\"\n[profiles.a]\nsite = \"https://a.example.com\"\ntoken = \"t\"\n" +
		"[profiles.b]\nsite = \"https://b.example.com\"\ntoken = \"t\"\nprotected = true\n"
	if s := mustLoad(t, withConfig(writeConfig(t, body)), nil); s.Protected {
		t.Error("protected leaked from profile b into profile a")
	}
}

func TestFileModeWithSecrets(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	const otherProfile = "default_profile = \"p\"\n" + cmdSite + "token_command = \"get\"\n" +
		"[profiles.q]\nsite = \"https://q.example.com\"\nclient_secret = \"plain-in-other-profile\"\n"
	tests := []struct {
		name    string
		body    string
		mode    os.FileMode
		env     map[string]string
		wantErr []string // the path and "chmod 600 PATH" are added
	}{
		{name: "plain token 0644 refused", body: minimal, mode: 0o644,
			wantErr: []string{"holds a secret (token in profile p)", "mode 0644", "group or others"}},
		{name: "plain token 0640 refused", body: minimal, mode: 0o640, wantErr: []string{"mode 0640"}},
		{name: "plain token 0604 refused", body: minimal, mode: 0o604, wantErr: []string{"mode 0604"}},
		{name: "group-writable refused", body: minimal, mode: 0o620, wantErr: []string{"mode 0620"}},
		{name: "refused even when env overrides the token", body: minimal, mode: 0o644,
			env: map[string]string{"WCADMIN_TOKEN": "env"}, wantErr: []string{"token in profile p"}},
		{name: "secret in another profile refused", body: otherProfile, mode: 0o644,
			wantErr: []string{"client_secret in profile q", "client_secret_command"}},
		{name: "password refused", body: "[profiles.z]\npassword = \"pw\"\n", mode: 0o644,
			wantErr: []string{"password in profile z"}},
		{name: "plain token 0600 accepted", body: minimal, mode: 0o600},
		{name: "plain token 0400 accepted", body: minimal, mode: 0o400},
		{name: "0700 accepted", body: minimal, mode: 0o700},
		{name: "no secrets 0644 accepted", body: "[profiles.p]\nsite = \"https://x.example.com\"\n", mode: 0o644,
			env: map[string]string{"WCADMIN_TOKEN": "env"}},
		{name: "commands only 0644 accepted", body: cmdSite + "token_command = \"get\"\n", mode: 0o644},
		{name: "empty token 0644 accepted", body: cmdSite + "token = \"\"\n", mode: 0o644,
			env: map[string]string{"WCADMIN_TOKEN": "env"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeRunner(t, prints("from-command"))
			path := writeConfig(t, tt.body)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != nil {
				e := loadErr(t, withConfig(path), tt.env, "config", append(tt.wantErr, "config file "+path, "run chmod 600 "+path)...)
				if strings.Contains(e.Error(), "plain-in-other-profile") || strings.Contains(e.Error(), "file-token") {
					t.Errorf("error shows the secret: %v", e)
				}
				return
			}
			mustLoad(t, withConfig(path), tt.env)
		})
	}

	t.Run("path needing quotes", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "my config's dir")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(path, []byte(minimal), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		quoted := "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
		loadErr(t, withConfig(path), nil, "config", "chmod 600 "+quoted)
	})
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/home/u/.config/wcadmin/config.toml", "/home/u/.config/wcadmin/config.toml"},
		{"/a b/c", "'/a b/c'"},
		{"it's", `'it'\''s'`},
		{"$x", "'$x'"},
		{"", "''"},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in); got != tt.want {
			t.Errorf("shellQuote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// writeCA writes a freshly generated self-signed CA certificate as PEM.
func writeCA(t *testing.T, path string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "wcadmin test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(path, append([]byte("# test CA\n"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCAFile(t *testing.T) {
	dir := t.TempDir()
	valid := filepath.Join(dir, "ca.pem")
	writeCA(t, valid)
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		name    string
		file    string // ca_file in the profile; "" for none
		env     string // WCADMIN_CA_FILE
		home    string
		want    string // CAFile; "{dir}" is the config file's directory
		wantSrc string
		wantErr []string
	}{
		{name: "none", want: "", wantSrc: "default"},
		{name: "valid absolute", file: valid, want: valid, wantSrc: "profile p in"},
		{name: "relative to the config file", file: "certs/ca.pem", want: "{dir}/certs/ca.pem"},
		{name: "~ expanded", file: "~/ca.pem", home: dir, want: valid},
		{name: "env over file", file: missing, env: valid, want: valid, wantSrc: "env WCADMIN_CA_FILE"},
		{name: "env alone", env: valid, want: valid},
		{name: "missing", file: missing, wantErr: []string{"ca_file " + missing + " (from profile p in", "does not exist", "WCADMIN_CA_FILE"}},
		{name: "missing from env", env: missing, wantErr: []string{"(from env WCADMIN_CA_FILE) does not exist"}},
		{name: "garbage", file: garbage, wantErr: []string{"ca_file " + garbage, "holds no PEM certificate", "BEGIN CERTIFICATE"}},
		{name: "empty", file: empty, wantErr: []string{"holds no PEM certificate"}},
		{name: "directory", file: dir, wantErr: []string{"is not a regular file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := minimal
			if tt.file != "" {
				body += fmt.Sprintf("ca_file = %q\n", tt.file)
			}
			path := writeConfig(t, body)
			cfgDir := filepath.Dir(path)
			if strings.HasPrefix(tt.want, "{dir}") {
				if err := os.MkdirAll(filepath.Join(cfgDir, "certs"), 0o700); err != nil {
					t.Fatal(err)
				}
				writeCA(t, filepath.Join(cfgDir, "certs", "ca.pem"))
			}
			env := map[string]string{"WCADMIN_CA_FILE": tt.env, "HOME": tt.home}
			if tt.wantErr != nil {
				loadErr(t, withConfig(path), env, "ca_file", tt.wantErr...)
				return
			}
			s := mustLoad(t, withConfig(path), env)
			if want := strings.Replace(tt.want, "{dir}", cfgDir, 1); s.CAFile != want {
				t.Errorf("CAFile = %q, want %q", s.CAFile, want)
			}
			if !strings.Contains(s.Source("ca_file"), tt.wantSrc) {
				t.Errorf("Source(ca_file) = %q, want %q", s.Source("ca_file"), tt.wantSrc)
			}
			if tt.want != "" && !strings.Contains(s.String(), "ca_file="+s.CAFile) {
				t.Errorf("String() = %q lacks ca_file", s.String())
			}
			// The file is read once, here; the client gets what was checked.
			switch data, _ := os.ReadFile(s.CAFile); {
			case tt.want == "" && s.CAPEM != nil:
				t.Errorf("CAPEM = %q without a ca_file", s.CAPEM)
			case tt.want != "" && (len(s.CAPEM) == 0 || !bytes.Equal(s.CAPEM, data)):
				t.Errorf("CAPEM (%d bytes) is not the content of %s (%d bytes)", len(s.CAPEM), s.CAFile, len(data))
			case strings.Contains(s.String(), "BEGIN CERTIFICATE"):
				t.Errorf("String() shows the certificate: %q", s.String())
			}
		})
	}
}

func TestAuditLog(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name    string
		file    string // audit_log in the profile
		env     string // WCADMIN_AUDIT_LOG
		flag    *string
		want    string // "{dir}" is the config file's directory, "{default}" the audit package's default
		wantSrc string
	}{
		{name: "no layer: the default path", want: "{default}", wantSrc: "default"},
		{name: "file absolute", file: "/var/log/wcadmin/audit.jsonl", want: "/var/log/wcadmin/audit.jsonl", wantSrc: "profile p in"},
		{name: "file relative to the config file", file: "logs/audit.jsonl", want: "{dir}/logs/audit.jsonl"},
		{name: "file ~", file: "~/audit.jsonl", want: home + "/audit.jsonl"},
		{name: "file empty means default", file: "", want: "{default}", wantSrc: "default (profile p in"},
		{name: "env over file", file: "/f.jsonl", env: "/e.jsonl", want: "/e.jsonl", wantSrc: "env WCADMIN_AUDIT_LOG"},
		{name: "env ~", env: "~/e.jsonl", want: home + "/e.jsonl"},
		{name: "env relative stays relative", env: "e.jsonl", want: "e.jsonl"},
		{name: "flag over env", file: "/f.jsonl", env: "/e.jsonl", flag: ptr("/g.jsonl"), want: "/g.jsonl", wantSrc: "flag --audit-log"},
		{name: "flag ~", flag: ptr("~/g.jsonl"), want: home + "/g.jsonl"},
		{name: "empty flag resets to the default", file: "/f.jsonl", flag: ptr(""), want: "{default}", wantSrc: "default (flag --audit-log sets it empty)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := minimal
			if tt.file != "" || tt.name == "file empty means default" {
				body += fmt.Sprintf("audit_log = %q\n", tt.file)
			}
			path := writeConfig(t, body)
			f := withConfig(path)
			f.AuditLog = "/ignored-unless-set"
			if tt.flag != nil {
				f.AuditLog, f.Set["audit-log"] = *tt.flag, true
			}
			s := mustLoad(t, f, map[string]string{"WCADMIN_AUDIT_LOG": tt.env, "HOME": home})
			want := strings.Replace(tt.want, "{dir}", filepath.Dir(path), 1)
			want = strings.Replace(want, "{default}", filepath.Join(home, ".local", "state", "wcadmin", "audit.jsonl"), 1)
			if s.AuditLog != want {
				t.Errorf("AuditLog = %q, want %q", s.AuditLog, want)
			}
			if !strings.Contains(s.Source("audit_log"), tt.wantSrc) {
				t.Errorf("Source(audit_log) = %q, want %q", s.Source("audit_log"), tt.wantSrc)
			}
		})
	}
	// Without HOME the default cannot be determined: Load leaves it empty
	// (the console then refuses to delete) and String says so.
	s := mustLoad(t, withConfig(writeConfig(t, minimal)), nil)
	if s.AuditLog != "" || !strings.Contains(s.String(), "audit_log=default") {
		t.Errorf("AuditLog %q, String() = %q", s.AuditLog, s.String())
	}
}

func TestTimeoutLayers(t *testing.T) {
	tests := []struct {
		name, file, env string
		flag            time.Duration
		want            time.Duration
		wantSrc         string
	}{
		{name: "default", want: DefaultTimeout, wantSrc: "default"},
		{name: "file", file: "45s", want: 45 * time.Second, wantSrc: "profile p"},
		{name: "env", env: "2m", want: 2 * time.Minute, wantSrc: "env WCADMIN_TIMEOUT"},
		{name: "flag", flag: 3 * time.Second, want: 3 * time.Second, wantSrc: "flag --timeout"},
		{name: "env over file", file: "45s", env: "1m30s", want: 90 * time.Second, wantSrc: "env"},
		{name: "flag over env and file", file: "45s", env: "2m", flag: time.Second, want: time.Second, wantSrc: "flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := minimal
			if tt.file != "" {
				body += fmt.Sprintf("timeout = %q\n", tt.file)
			}
			f := withConfig(writeConfig(t, body))
			if tt.flag != 0 {
				f.Timeout, f.Set["timeout"] = tt.flag, true
			}
			s := mustLoad(t, f, map[string]string{"WCADMIN_TIMEOUT": tt.env})
			if s.Timeout != tt.want || !strings.Contains(s.Source("timeout"), tt.wantSrc) {
				t.Errorf("Timeout = %s from %q, want %s from %q", s.Timeout, s.Source("timeout"), tt.want, tt.wantSrc)
			}
		})
	}
}

func TestStringWithCommands(t *testing.T) {
	fakeRunner(t, prints("TOKEN-FROM-COMMAND"))
	body := cmdSite + "token_command = [\"get\", \"--password=ARG-SECRET\"]\nprotected = true\n"
	s := mustLoad(t, withConfig(writeConfig(t, body)), nil)
	for _, out := range []string{s.String(), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)} {
		for _, leak := range []string{"TOKEN-FROM-COMMAND", "ARG-SECRET", "get"} {
			if strings.Contains(out, leak) {
				t.Errorf("%q leaks %q", out, leak)
			}
		}
		for _, w := range []string{"token=set", "token_command=set", "protected=true", "ca_file=none"} {
			if !strings.Contains(out, w) {
				t.Errorf("%q lacks %q", out, w)
			}
		}
	}
	// Without a command, no *_command entry.
	if s := mustLoad(t, withConfig(writeConfig(t, minimal)), nil); strings.Contains(s.String(), "_command") {
		t.Errorf("String() = %q", s.String())
	}
}
