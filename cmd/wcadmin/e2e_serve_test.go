package main

// End-to-end tests of `wcadmin serve`: the real binary serves the console
// over SSH, and the real OpenSSH client (`ssh`) runs in a tmux pane against
// it. The store is apitest over HTTP, as in the other e2e tests.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// e2eOperator is the operator name the test key is granted.
const e2eOperator = "e2e-alice"

// needSSH returns the OpenSSH client and ssh-keygen, skipping without them
// (CI must have them: .ci/run installs openssh-client).
func needSSH(t *testing.T) (sshPath, keygenPath string) {
	t.Helper()
	var missing []string
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		missing = append(missing, "ssh")
	}
	keygenPath, err = exec.LookPath("ssh-keygen")
	if err != nil {
		missing = append(missing, "ssh-keygen")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s required for the serve end-to-end tests in CI: install openssh-client", strings.Join(missing, " and "))
		}
		t.Skipf("%s not installed: skipping the serve end-to-end test", strings.Join(missing, " and "))
	}
	return sshPath, keygenPath
}

// clientKey is an ed25519 key pair made with ssh-keygen for one test.
type clientKey struct {
	private     string // path of the private key (0600)
	public      string // the authorized_keys line, without options
	fingerprint string // SHA256:… as ssh-keygen -l prints it
}

func newClientKey(t *testing.T, keygen, dir, name string) clientKey {
	t.Helper()
	priv := filepath.Join(dir, name)
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-C", name+"@e2e", "-f", priv).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(priv + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(keygen, "-l", "-E", "sha256", "-f", priv+".pub").Output()
	if err != nil {
		t.Fatalf("ssh-keygen -l: %v", err)
	}
	// "256 SHA256:… comment (ED25519)"
	f := strings.Fields(string(out))
	if len(f) < 2 || !strings.HasPrefix(f[1], "SHA256:") {
		t.Fatalf("ssh-keygen -l printed %q", out)
	}
	return clientKey{private: priv, public: strings.TrimSpace(string(pub)), fingerprint: f[1]}
}

// server is one `wcadmin serve` process.
type server struct {
	t         *testing.T
	cmd       *exec.Cmd
	addr      string // host:port it listens on (from its start-up line)
	hostKeyFP string // its host key's fingerprint (from its start-up line)
	dir       string
	stateH    string // its XDG_STATE_HOME
	journal   string
	out       *lockedBuffer // stdout and stderr
	done      chan struct{} // closed when it has exited
	waitErr   error
}

// startServe starts `wcadmin serve` with a config file whose profiles are
// the given stores (profile name → server), the authorized keys file ak and
// extra flags, in a private HOME, and waits until it accepts SSH
// connections.
func startServe(t *testing.T, profiles map[string]*apitest.Server, ak string, extra ...string) *server {
	t.Helper()
	bin := wcadminBinary(t)
	dir, err := os.MkdirTemp("", "wce2e-serve-")
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	cfgH, stateH := filepath.Join(home, ".config"), filepath.Join(home, ".local", "state")
	for _, d := range []string{cfgH, stateH, filepath.Join(home, ".cache")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var conf strings.Builder
	names := make([]string, 0, len(profiles))
	for name := range profiles {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		// The token in the file (hence 0600); deletions are sent at once.
		fmt.Fprintf(&conf, "[profiles.%s]\nsite = %q\ntoken = %q\nundo_window = \"0s\"\n\n", name, profiles[name].URL, testToken)
	}
	confPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	akPath := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(akPath, []byte(ak), 0o600); err != nil {
		t.Fatal(err)
	}

	s := &server{t: t, dir: dir, stateH: stateH,
		out: &lockedBuffer{}, done: make(chan struct{})}
	// Port 0: the server says the port it got in its start-up line.
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--authorized-keys", akPath, "--config", confPath}, extra...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + cfgH,
		"XDG_STATE_HOME=" + stateH,
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"LANG=C.UTF-8",
		"PATH=/usr/bin:/bin",
		"USER=server-account", // never the operator: that comes from the key
		"GORACE=log_path=" + filepath.Join(dir, "race") + " atexit_sleep_ms=0",
	}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		if !s.exited() {
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.done:
			case <-time.After(40 * time.Second):
				_ = s.cmd.Process.Kill()
				<-s.done
			}
		}
		reports, _ := filepath.Glob(filepath.Join(dir, "race.*"))
		for _, r := range reports {
			if b, err := os.ReadFile(r); err == nil && len(b) > 0 {
				t.Errorf("the race detector reported a data race in wcadmin serve:\n%s", b)
			}
		}
		if t.Failed() {
			t.Logf("wcadmin serve output:\n%s", s.out.String())
		}
		os.RemoveAll(dir)
	})
	s.waitReady()
	return s
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// listeningLine is the server's start-up line: "wcadmin serve: <date>
// listening on ADDR (host key SHA256:…, N authorized keys, journal PATH)".
var listeningLine = regexp.MustCompile(`listening on (\S+) \(host key (SHA256:\S+?), .*journal (.+)\)\s*$`)

// waitReady waits for the start-up line, then until the server answers
// with an SSH version banner.
func (s *server) waitReady() {
	s.t.Helper()
	deadline := time.Now().Add(3 * waitTimeout) // a race-enabled binary starts slowly
	for s.addr == "" {
		for _, line := range strings.Split(s.out.String(), "\n") {
			if m := listeningLine.FindStringSubmatch(line); m != nil {
				s.addr, s.hostKeyFP, s.journal = m[1], m[2], m[3]
				break
			}
		}
		if s.addr != "" {
			break
		}
		if s.exited() {
			s.t.Fatalf("wcadmin serve exited before listening (%v):\n%s", s.waitErr, s.out.String())
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("wcadmin serve did not say where it listens within %s:\n%s", 3*waitTimeout, s.out.String())
		}
		time.Sleep(pollEvery)
	}
	for {
		if conn, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if err == nil && strings.HasPrefix(line, "SSH-2.0-") {
				return
			}
		}
		if s.exited() {
			s.t.Fatalf("wcadmin serve exited (%v):\n%s", s.waitErr, s.out.String())
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("wcadmin serve did not accept SSH connections on %s within %s:\n%s", s.addr, 3*waitTimeout, s.out.String())
		}
		time.Sleep(pollEvery)
	}
}

// port is the port the server listens on.
func (s *server) port() string {
	_, p, _ := net.SplitHostPort(s.addr)
	return p
}

// terminate sends SIGTERM and returns the exit status (-1 after a kill).
func (s *server) terminate(within time.Duration) (int, time.Duration) {
	s.t.Helper()
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(within):
		s.t.Errorf("wcadmin serve did not exit within %s of SIGTERM; killing it", within)
		_ = s.cmd.Process.Kill()
		<-s.done
		return -1, time.Since(start)
	}
	var ee *exec.ExitError
	if errors.As(s.waitErr, &ee) {
		return ee.ExitCode(), time.Since(start)
	}
	return 0, time.Since(start)
}

// sshArgs is the OpenSSH command line for user@server with key: no user
// configuration, no known_hosts, public key only.
func sshArgs(s *server, key clientKey, user string, tty string) []string {
	return []string{tty, "-F", "/dev/null",
		"-p", s.port(), "-i", key.private,
		"-o", "IdentitiesOnly=yes",
		"-o", "BatchMode=yes", // never a password or keyboard-interactive prompt
		"-o", "PreferredAuthentications=publickey",
		"-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR",
		"-o", "ConnectTimeout=5",
		user + "@127.0.0.1"}
}

// startSSH runs the ssh client in a fresh 100x30 tmux pane, as the harness
// runs wcadmin (same private tmux server, exit-status file and cleanup),
// and returns it as a console. The console's keys are not tracked (its debug
// log is on the server's side), so every test step waits for what it did.
func startSSH(t *testing.T, sshPath string, args []string) *console {
	t.Helper()
	tmux := needTmux(t)
	dir, err := os.MkdirTemp("", "wce2e-ssh-")
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	c := &console{t: t, tmux: tmux, sock: filepath.Join(dir, "sock"), target: "e2e:0.0", home: home, dir: dir}
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g default-terminal xterm-256color\nset -g status off\nset -g history-limit 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			if s := c.screenOrErr(); s != c.dumped {
				t.Logf("last screen of the ssh client:\n%s", dumpScreen(s))
			}
		}
		_ = c.command("kill-server").Run()
		os.RemoveAll(dir)
	})
	script := `"$0" "$@"; s=$?; m=cooked; ` +
		`stty -a | grep -qw -- -icanon && m=raw; stty -a | grep -qw -- -echo && m=raw; ` +
		`echo "$s $m" >'` + c.statusPath() + `.tmp' && mv '` + c.statusPath() + `.tmp' '` + c.statusPath() + `'; exit "$s"`
	cmdline := []string{"env", "-i", "HOME=" + home, "TERM=xterm-256color", "LANG=C.UTF-8", "PATH=/usr/bin:/bin",
		"/bin/sh", "-c", script, sshPath}
	cmdline = append(cmdline, args...)
	start := append([]string{"-f", conf, "new-session", "-d", "-s", "e2e",
		"-x", strconv.Itoa(termWidth), "-y", strconv.Itoa(termHeight), "--"}, cmdline...)
	if out, err := c.command(start...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return c
}

// serveJournal reads the server's journal (nothing when it does not exist).
func serveJournal(t *testing.T, s *server) []audit.Entry {
	t.Helper()
	return readJournal(t, s.journal)
}

func TestE2EServeDeleteOverSSH(t *testing.T) {
	t.Parallel()
	sshPath, keygen := needSSH(t)
	needTmux(t)
	store, srv := defaultStore(t)
	_, other := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5, Token: testToken})
	keys := t.TempDir()
	key := newClientKey(t, keygen, keys, "alice")
	ak := fmt.Sprintf("# e2e\nwcadmin-operator=%q,wcadmin-profiles=\"demo\" %s\n", e2eOperator, key.public)
	s := startServe(t, map[string]*apitest.Server{"demo": srv, "production": other}, ak)

	// The host key is created on first start, private to the server.
	hostKey := filepath.Join(s.stateH, "wcadmin", "ssh_host_ed25519_key")
	if fi, err := os.Stat(hostKey); err != nil {
		t.Errorf("host key: %v", err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key %s has mode %v, want 0600", hostKey, fi.Mode().Perm())
	}

	c := startSSH(t, sshPath, sshArgs(s, key, "demo", "-tt"))
	ids := store.IDs()
	c.waitUntil(fmt.Sprintf("customer %d selected in the table", ids[0]), func(sc string) bool {
		r, ok := selectedRow(sc)
		return ok && r.id == ids[0]
	})
	c.waitFor("demo · 127.0.0.1")
	target := ids[0]

	c.sendKeysNoWait("D")
	c.waitFor(deleteModalTitle, fmt.Sprintf("#%d", target),
		fmt.Sprintf("DELETE /api/v4/admin/customers/%d", target))
	if got := deleteRequests(store); len(got) != 0 {
		t.Fatalf("opening the modal sent %d DELETE requests", len(got))
	}
	c.sendKeysNoWait("y")
	c.waitFor(fmt.Sprintf("Deleted customer #%d", target))

	if got := store.Deleted(); !slices.Equal(got, []int64{target}) {
		t.Errorf("store.Deleted() = %v, want [%d]", got, target)
	}
	if store.Exists(target) {
		t.Errorf("customer %d still exists in the store", target)
	}

	// The journal: the operator is the key's, never the server's account or
	// the SSH user name; the key and the client are named.
	var intent, outcome *audit.Entry
	entries := serveJournal(t, s)
	for i, e := range entries {
		if e.CustomerID != target {
			continue
		}
		switch e.Phase {
		case audit.PhaseIntent:
			intent = &entries[i]
		case audit.PhaseOutcome:
			outcome = &entries[i]
		}
	}
	if intent == nil || outcome == nil {
		t.Fatalf("journal %s has no intent and outcome for customer %d; it has %d lines", s.journal, target, len(entries))
	}
	for _, e := range []*audit.Entry{intent, outcome} {
		if e.Operator != e2eOperator {
			t.Errorf("%s line: operator %q, want %q", e.Phase, e.Operator, e2eOperator)
		}
		if e.KeyFingerprint != key.fingerprint {
			t.Errorf("%s line: key_fingerprint %q, want %q (ssh-keygen -l)", e.Phase, e.KeyFingerprint, key.fingerprint)
		}
		if e.Via != "ssh-serve" {
			t.Errorf("%s line: via %q, want ssh-serve", e.Phase, e.Via)
		}
		if !strings.Contains(e.SSHClient, "127.0.0.1") {
			t.Errorf("%s line: ssh_client %q, want the client's address 127.0.0.1", e.Phase, e.SSHClient)
		}
		if e.Profile != "demo" {
			t.Errorf("%s line: profile %q, want demo", e.Phase, e.Profile)
		}
	}
	if outcome.Result != audit.ResultDeleted {
		t.Errorf("outcome %q, want %q", outcome.Result, audit.ResultDeleted)
	}

	// q ends the session, and with it the ssh client, which restores the
	// terminal.
	c.quit("q")

	// The server keeps running for the next connection, and SIGTERM ends it
	// promptly when no session is open.
	if s.exited() {
		t.Fatalf("wcadmin serve exited when the session ended: %v", s.waitErr)
	}
	code, took := s.terminate(10 * time.Second)
	if code != 0 {
		t.Errorf("wcadmin serve exited with status %d after SIGTERM, want 0", code)
	}
	t.Logf("SIGTERM with no session open: exited %d after %s", code, took.Round(time.Millisecond))
}

// TestE2EServeRefusals: a profile the key is not granted, a session without
// a terminal and an unknown key are refused, and nothing is deleted.
func TestE2EServeRefusals(t *testing.T) {
	t.Parallel()
	sshPath, keygen := needSSH(t)
	needTmux(t)
	store, srv := defaultStore(t)
	prodStore, prod := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5, Token: testToken})
	keys := t.TempDir()
	key := newClientKey(t, keygen, keys, "alice")
	stranger := newClientKey(t, keygen, keys, "mallory")
	ak := fmt.Sprintf("wcadmin-operator=%q,wcadmin-profiles=\"demo\" %s\n", e2eOperator, key.public)
	s := startServe(t, map[string]*apitest.Server{"demo": srv, "production": prod}, ak)

	t.Run("profile not granted", func(t *testing.T) {
		// ssh -tt asks for a PTY although its stdin is a pipe.
		cmd := exec.Command(sshPath, sshArgs(s, key, "production", "-tt")...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "TERM=xterm-256color"}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Stdin = strings.NewReader("")
		err := runWithin(cmd, 2*waitTimeout)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 || ee.ExitCode() == 255 {
			t.Errorf("ssh to a profile the key is not granted: %v, want the session's non-zero exit status; output:\n%s", err, out.String())
		}
		if want := `not granted profile "production"`; !strings.Contains(out.String(), want) {
			t.Errorf("the refusal does not say %s; output:\n%s", want, out.String())
		}
		for _, r := range prodStore.Requests() {
			if strings.HasPrefix(r.Path, customersAPIPath) {
				t.Errorf("the ungranted profile's store was asked %s %s", r.Method, r.Path)
			}
		}
	})

	t.Run("no terminal", func(t *testing.T) {
		cmd := exec.Command(sshPath, sshArgs(s, key, "demo", "-T")...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Stdin = strings.NewReader("")
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("ssh -T exited 0; output:\n%s", out.String())
			}
		case <-time.After(2 * waitTimeout):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("ssh -T was not refused within %s; output:\n%s", 2*waitTimeout, out.String())
		}
		if !strings.Contains(strings.ToLower(out.String()), "terminal") && !strings.Contains(strings.ToLower(out.String()), "pty") {
			t.Errorf("the refusal does not say a terminal is needed; output:\n%s", out.String())
		}
	})

	t.Run("unknown key", func(t *testing.T) {
		cmd := exec.Command(sshPath, sshArgs(s, stranger, "demo", "-tt")...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Stdin = strings.NewReader("")
		err := runWithin(cmd, 2*waitTimeout)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 255 {
			t.Errorf("ssh with an unknown key: %v, want exit status 255 (authentication failed); output:\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "Permission denied (publickey)") {
			t.Errorf("ssh with an unknown key: want \"Permission denied (publickey)\" (public key the only method offered):\n%s", out.String())
		}
		if strings.Contains(out.String(), "password") || strings.Contains(out.String(), "keyboard-interactive") {
			t.Errorf("the server offered password or keyboard-interactive authentication:\n%s", out.String())
		}
	})

	if got := deleteRequests(store); len(got) != 0 {
		t.Errorf("DELETE requests: %+v", got)
	}
}

// runWithin runs cmd, killing it after d.
func runWithin(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	var once sync.Once
	timer := time.AfterFunc(d, func() { once.Do(func() { _ = cmd.Process.Kill() }) })
	defer timer.Stop()
	return cmd.Wait()
}
