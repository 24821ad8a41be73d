package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

func serveEnv(t *testing.T) map[string]string {
	home := t.TempDir()
	return map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"),
		"XDG_STATE_HOME": filepath.Join(home, "state"), "USER": "server-user"}
}

func TestServeRefusesNonLoopbackWithoutAuthorizedKeys(t *testing.T) {
	env := serveEnv(t)
	cmd := newRootCmd(mapEnv(env))
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"serve", "--demo", "--listen", "0.0.0.0:0"})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("err %v", err)
	}
}

// TestServeCommandProfileFromConfig runs `wcadmin serve` in process with a
// config file and an authorized_keys file, connects with a key granted the
// profile, deletes a customer and stops the server by cancelling its context.
func TestServeCommandProfileFromConfig(t *testing.T) {
	store, hs := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 30, Token: "srv-tok"})
	env := serveEnv(t)
	cfgDir := filepath.Join(env["XDG_CONFIG_HOME"], "wcadmin")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := "[profiles.staging]\nsite = \"" + hs.URL + "\"\ntoken = \"srv-tok\"\nundo_window = \"0s\"\n\n[profiles.production]\nsite = \"" + hs.URL + "\"\ntoken = \"srv-tok\"\n"
	if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := `wcadmin-profiles="staging" ` + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " cara\n"
	if err := os.WriteFile(filepath.Join(cfgDir, "authorized_keys"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := newRootCmd(mapEnv(env))
	logs := &lockedBuffer{}
	cmd.SetOut(io.Discard)
	cmd.SetErr(logs)
	cmd.SetArgs([]string{"serve", "--listen", "127.0.0.1:0"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	re := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+) \(host key (SHA256:\S+),`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; {
		m = re.FindStringSubmatch(logs.String())
		if m == nil {
			if time.Now().After(deadline) {
				t.Fatalf("no listening line:\n%s", logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	hostFP := m[2]
	if fi, err := os.Stat(filepath.Join(env["XDG_STATE_HOME"], "wcadmin", "ssh_host_ed25519_key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v", err)
	}
	client, err := gossh.Dial("tcp", m[1], &gossh.ClientConfig{
		User: "staging", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if gossh.FingerprintSHA256(key) != hostFP {
				t.Errorf("host key %s, want %s", gossh.FingerprintSHA256(key), hostFP)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatalf("dial: %v\n%s", err, logs.String())
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	sess.Stdout, sess.Stderr = out, out
	stdin, _ := sess.StdinPipe()
	if err := sess.RequestPty("xterm-256color", 30, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	waitOut := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !strings.Contains(ansi.Strip(out.String()), want); {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the session:\n%s\nlog:\n%s", want, ansi.Strip(out.String()), logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitOut("staging")
	waitOut("30 customers")
	ids := store.IDs()
	_, _ = io.WriteString(stdin, "D")
	waitOut("y delete")
	_, _ = io.WriteString(stdin, "y")
	for deadline := time.Now().Add(15 * time.Second); store.Exists(ids[0]); {
		if time.Now().After(deadline) {
			t.Fatalf("customer %d not deleted:\n%s", ids[0], ansi.Strip(out.String()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop")
	}
	journal, err := os.ReadFile(filepath.Join(env["XDG_STATE_HOME"], "wcadmin", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	fp := gossh.FingerprintSHA256(signer.PublicKey())
	for _, want := range []string{`"phase":"outcome"`, `"result":"deleted"`, `"operator":"cara"`, `"key_fingerprint":"` + fp + `"`, `"via":"ssh-serve"`, `"profile":"staging"`} {
		if !bytes.Contains(journal, []byte(want)) {
			t.Errorf("journal lacks %s:\n%s", want, journal)
		}
	}
}
