package serve

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/tui"
)

const testToken = "serve-test-token"

// harness is a server on the in-memory store with two profiles (staging,
// production) and a fake set of authorized keys.
type harness struct {
	t       *testing.T
	srv     *Server
	addr    string
	store   *apitest.Store
	client  *apiclient.Client
	journal string
	logs    *syncBuffer

	mu   sync.Mutex
	keys map[string]Key // by fingerprint
}

type harnessOpts struct {
	maxSessions int
	idle        time.Duration
	maxSession  time.Duration
	stopWait    time.Duration
	authTimeout time.Duration
	undoWindow  time.Duration
	// before writes to the journal before the server starts (site is the
	// store's).
	before func(path, site string)
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	store := apitest.New(apitest.Options{Customers: 40, Token: testToken})
	hs, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hs.Close() })
	client, err := apiclient.New(apiclient.Options{Site: hs.URL, Token: testToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	jpath := filepath.Join(dir, "state", "audit.jsonl")
	env := func(k string) string {
		if k == "USER" {
			return "server-user"
		}
		return ""
	}
	if o.before != nil {
		o.before(jpath, client.BaseURL())
	}
	j, err := audit.Open(jpath, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.Close() })
	h := &harness{t: t, store: store, client: client, journal: jpath, logs: &syncBuffer{}, keys: map[string]Key{}}
	profiles := map[string]bool{"staging": true, "production": true}
	_, hostKey, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := gossh.NewSignerFromKey(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{
		HostSigner: signer,
		Keys: KeysFunc(func(pk gossh.PublicKey) (Key, bool) {
			h.mu.Lock()
			defer h.mu.Unlock()
			k, ok := h.keys[gossh.FingerprintSHA256(pk)]
			return k, ok
		}),
		Profile: func(_ context.Context, name string) (*Profile, error) {
			if !profiles[name] {
				return nil, fmt.Errorf("unknown profile %q", name)
			}
			return &Profile{Name: name, Store: client, API: client, Site: client.BaseURL(),
				Options: tui.Options{Host: client.Host(), UndoWindow: o.undoWindow, Timeout: 10 * time.Second}}, nil
		},
		KnownProfile: func(name string) bool { return profiles[name] },
		Profiles:     []string{"staging", "production"},
		Journal:      j,
		JournalPath:  jpath,
		MaxSessions:  o.maxSessions,
		IdleTimeout:  o.idle,
		MaxSession:   o.maxSession,
		StopWait:     o.stopWait,
		AuthTimeout:  o.authTimeout,
		Log:          log.New(h.logs, "", log.Lmicroseconds),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.srv, h.addr = srv, ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
		if t.Failed() || os.Getenv("SERVE_LOG") != "" {
			t.Logf("server log:\n%s", h.logs.String())
		}
	})
	return h
}

// addKey authorizes a new key and returns its signer.
func (h *harness) addKey(k Key) gossh.Signer {
	h.t.Helper()
	s := newSigner(h.t)
	k.Fingerprint = gossh.FingerprintSHA256(s.PublicKey())
	h.mu.Lock()
	h.keys[k.Fingerprint] = k
	h.mu.Unlock()
	return s
}

func newSigner(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dial connects as user with signer; the host key is pinned.
func (h *harness) dial(user string, signer gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", h.addr, &gossh.ClientConfig{
		User:            user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(h.srv.HostKey()),
		Timeout:         10 * time.Second,
	})
}

// console is one SSH session as the test drives it.
type console struct {
	t    *testing.T
	sess *gossh.Session
	in   io.WriteCloser
	out  *syncBuffer
	done chan error
}

// open dials and starts a shell, with a PTY of w×h unless w is 0.
func (h *harness) open(user string, signer gossh.Signer, w, hgt int) *console {
	h.t.Helper()
	c, err := h.dial(user, signer)
	if err != nil {
		h.t.Fatalf("dial: %v", err)
	}
	h.t.Cleanup(func() { _ = c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		h.t.Fatal(err)
	}
	if w > 0 {
		if err := sess.RequestPty("xterm-256color", hgt, w, gossh.TerminalModes{}); err != nil {
			h.t.Fatal(err)
		}
	}
	out := &syncBuffer{}
	sess.Stdout, sess.Stderr = out, out
	in, err := sess.StdinPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		h.t.Fatal(err)
	}
	con := &console{t: h.t, sess: sess, in: in, out: out, done: make(chan error, 1)}
	go func() { con.done <- sess.Wait() }()
	return con
}

func (c *console) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, s); err != nil {
		c.t.Fatalf("send %q: %v", s, err)
	}
}

// waitFor polls the (ANSI-stripped) output for want.
func (c *console) waitFor(want string) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(ansi.Strip(c.out.String()), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatalf("timed out waiting for %q; output:\n%s", want, ansi.Strip(c.out.String()))
}

// wait waits for the session to end and returns its exit status.
func (c *console) wait() int {
	c.t.Helper()
	select {
	case err := <-c.done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		return -1
	case <-time.After(40 * time.Second):
		c.t.Fatalf("the session did not end; output:\n%s", ansi.Strip(c.out.String()))
		return -1
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// firstCustomer is the first customer of the default list.
func (h *harness) firstCustomer() apiclient.Customer {
	h.t.Helper()
	p, err := h.client.ListCustomers(context.Background(), apiclient.ListOptions{Limit: 20})
	if err != nil || len(p.Customers) == 0 {
		h.t.Fatalf("list: %v (%d)", err, len(p.Customers))
	}
	return p.Customers[0]
}

// entries reads the journal.
func (h *harness) entries() []audit.Entry {
	h.t.Helper()
	f, err := os.Open(h.journal)
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e audit.Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// waitOutcome waits for the journal's outcome line for customer id.
func (h *harness) waitOutcome(id int64) audit.Entry {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range h.entries() {
			if e.CustomerID == id && e.Phase == audit.PhaseOutcome {
				return e
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("no outcome for customer %d in the journal", id)
	return audit.Entry{}
}

func TestSessionDeletesWithOperatorInJournal(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	c.waitFor("staging")
	c.send("D")
	c.waitFor("y delete")
	c.send("y")
	out := h.waitOutcome(first.ID)
	if out.Result != audit.ResultDeleted {
		t.Fatalf("outcome %q (%s)", out.Result, out.Message)
	}
	if h.store.Exists(first.ID) {
		t.Fatalf("customer %d still in the store", first.ID)
	}
	fp := gossh.FingerprintSHA256(signer.PublicKey())
	for _, e := range h.entries() {
		if e.CustomerID != first.ID {
			continue
		}
		if e.Operator != "ann" || e.KeyFingerprint != fp || e.Via != Via || e.Profile != "staging" || !strings.HasPrefix(e.SSHClient, "127.0.0.1:") {
			t.Fatalf("journal line %s: operator %q fingerprint %q via %q profile %q ssh_client %q; want ann %s %s staging 127.0.0.1:…",
				e.Phase, e.Operator, e.KeyFingerprint, e.Via, e.Profile, e.SSHClient, fp, Via)
		}
	}
	// The background colour is never queried: no answer to wait for, no
	// keys eaten.
	if strings.Contains(c.out.String(), "\x1b]11;?") {
		t.Fatal("the session queried the terminal's background colour")
	}
	c.send("q")
	if code := c.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

func TestUnknownKeyRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	_, err := h.dial("staging", newSigner(t))
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("dial with an unknown key: %v, want unable to authenticate", err)
	}
}

func TestNoPasswordOrKeyboardInteractive(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	asked := false
	_, err := gossh.Dial("tcp", h.addr, &gossh.ClientConfig{
		User: "staging",
		Auth: []gossh.AuthMethod{
			gossh.PasswordCallback(func() (string, error) { asked = true; return "x", nil }),
			gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
				asked = true
				return nil, nil
			}),
		},
		HostKeyCallback: gossh.FixedHostKey(h.srv.HostKey()),
	})
	if err == nil {
		t.Fatal("password / keyboard-interactive got in")
	}
	if asked {
		t.Fatal("the server offered password or keyboard-interactive authentication")
	}
}

func TestProfileNotGrantedRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "bob", Profiles: []string{"staging"}})
	c := h.open("production", signer, 100, 30)
	if code := c.wait(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	if got := c.out.String(); !strings.Contains(got, `not granted profile "production"`) || !strings.Contains(got, "granted: staging") {
		t.Fatalf("output %q", got)
	}
}

func TestUnknownUserNameGetsFirstProfile(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "bob", Profiles: []string{"production", "staging"}})
	c := h.open("bob", signer, 100, 30)
	c.waitFor("production")
	c.send("q")
	c.wait()
}

func TestNoPtyRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	c := h.open("staging", signer, 0, 0)
	if code := c.wait(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	if got := c.out.String(); !strings.Contains(got, "needs a terminal") {
		t.Fatalf("output %q", got)
	}
}

func TestReadOnlyKeyCannotDelete(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "ro", Profiles: []string{"staging"}, ReadOnly: true})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	c.send("D")
	c.waitFor("read-only")
	c.send("y")
	c.send("q")
	c.wait()
	if !h.store.Exists(first.ID) || len(h.store.Deleted()) != 0 {
		t.Fatal("a read-only key deleted a customer")
	}
	for _, e := range h.entries() {
		if e.CustomerID != 0 {
			t.Fatalf("journal line for customer %d from a read-only key", e.CustomerID)
		}
	}
}

func TestWindowChangeReachesProgram(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	// Too small for the console: it says so.
	if err := c.sess.WindowChange(8, 30); err != nil {
		t.Fatal(err)
	}
	c.waitFor("small")
	c.send("q")
	c.wait()
}

func TestMaxSessions(t *testing.T) {
	h := newHarness(t, harnessOpts{maxSessions: 1})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c1 := h.open("staging", signer, 120, 30)
	c1.waitFor(first.Email)
	c2 := h.open("staging", signer, 120, 30)
	if code := c2.wait(); code != 1 {
		t.Fatalf("second session: exit status %d, want 1", code)
	}
	if got := c2.out.String(); !strings.Contains(got, "too many sessions") {
		t.Fatalf("second session output %q", got)
	}
	c1.send("q")
	c1.wait()
	// The slot is free again.
	c3 := h.open("staging", signer, 120, 30)
	c3.waitFor(first.Email)
	c3.send("q")
	c3.wait()
}

func TestIdleTimeoutEndsSession(t *testing.T) {
	h := newHarness(t, harnessOpts{idle: 300 * time.Millisecond})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	c := h.open("staging", signer, 120, 30)
	if code := c.wait(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	c.waitFor("no key was pressed for 300ms")
}

func TestMaxSessionLength(t *testing.T) {
	h := newHarness(t, harnessOpts{maxSession: 300 * time.Millisecond})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	c := h.open("staging", signer, 120, 30)
	c.wait()
	c.waitFor("maximum length")
}

func TestShutdownJournalsDeleteInFlight(t *testing.T) {
	h := newHarness(t, harnessOpts{stopWait: 20 * time.Second})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	h.store.Inject(apitest.RouteDelete, apitest.Fault{Delay: 700 * time.Millisecond, Times: 1})
	c.send("D")
	c.waitFor("y delete")
	c.send("y")
	// The intent is journaled before the DELETE is sent.
	deadline := time.Now().Add(10 * time.Second)
	for !hasPhase(h.entries(), first.ID, audit.PhaseIntent) {
		if time.Now().After(deadline) {
			t.Fatal("no intent journaled")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	out := h.waitOutcome(first.ID)
	if out.Result != audit.ResultDeleted || out.Operator != "ann" {
		t.Fatalf("outcome %q by %q", out.Result, out.Operator)
	}
	c.wait()
	c.waitFor("the server is stopping")
	// No new session once stopping.
	if _, err := h.dial("staging", signer); err == nil {
		t.Fatal("dial after shutdown worked")
	}
}

func hasPhase(es []audit.Entry, id int64, phase string) bool {
	for _, e := range es {
		if e.CustomerID == id && e.Phase == phase {
			return true
		}
	}
	return false
}

func TestNonLoopbackWithoutKeysRefused(t *testing.T) {
	srv, err := New(Config{HostSigner: newSigner(t), Profile: func(context.Context, string) (*Profile, error) {
		return nil, errors.New("none")
	}})
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Serve(fakeListener{addr: &net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 2222}})
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("Serve: %v", err)
	}
	if !IsLoopbackAddress("127.0.0.1:2222") || !IsLoopbackAddress("[::1]:2222") || IsLoopbackAddress(":2222") || IsLoopbackAddress("0.0.0.0:2222") {
		t.Fatal("IsLoopbackAddress")
	}
}

type fakeListener struct{ addr net.Addr }

func (l fakeListener) Accept() (net.Conn, error) { return nil, errors.New("closed") }
func (l fakeListener) Close() error              { return nil }
func (l fakeListener) Addr() net.Addr            { return l.addr }

func TestHostKeyCreated0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "wcadmin", "ssh_host_ed25519_key")
	s1, err := LoadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	s2, err := LoadHostKey(path)
	if err != nil || !bytes.Equal(s1.PublicKey().Marshal(), s2.PublicKey().Marshal()) {
		t.Fatalf("reload: %v", err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHostKey(path); err == nil {
		t.Fatal("a world-readable host key was accepted")
	}
}

func TestPickProfile(t *testing.T) {
	known := func(n string) bool { return n == "staging" || n == "production" }
	k := Key{Operator: "a", Profiles: []string{"staging"}}
	if p, err := pickProfile(k, "staging", known); p != "staging" || err != nil {
		t.Fatal(p, err)
	}
	if p, err := pickProfile(k, "ann", known); p != "staging" || err != nil {
		t.Fatal(p, err)
	}
	if _, err := pickProfile(k, "production", known); err == nil {
		t.Fatal("production granted")
	}
	if _, err := pickProfile(Key{Operator: "a"}, "x", known); err == nil {
		t.Fatal("no profiles granted")
	}
}

func TestShutdownCancelsUndoWindow(t *testing.T) {
	h := newHarness(t, harnessOpts{undoWindow: time.Hour})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	c.send("D")
	c.waitFor("y delete")
	c.send("y")
	deadline := time.Now().Add(10 * time.Second)
	for !hasPhase(h.entries(), first.ID, audit.PhaseScheduled) {
		if time.Now().After(deadline) {
			t.Fatal("no scheduled line journaled")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	c.wait()
	var undone *audit.Entry
	for _, e := range h.entries() {
		if e.CustomerID == first.ID && e.Phase == audit.PhaseUndone {
			undone = &e
		}
	}
	if undone == nil || !strings.Contains(undone.Message+undone.Reason, "server is stopping") || undone.Operator != "ann" {
		t.Fatalf("undone line: %+v", undone)
	}
	if !h.store.Exists(first.ID) {
		t.Fatal("the customer in its undo window was deleted")
	}
}

func TestCopyGoesToSession(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	c.send("c")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(first.Email))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no OSC 52 sequence for %q in the session output", first.Email)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.send("q")
	c.wait()
}

func TestKeystrokesKeepSessionAlive(t *testing.T) {
	h := newHarness(t, harnessOpts{idle: 400 * time.Millisecond})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	first := h.firstCustomer()
	c := h.open("staging", signer, 120, 30)
	c.waitFor(first.Email)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	until := time.Now().Add(1200 * time.Millisecond)
	for time.Now().Before(until) {
		<-tick.C
		select {
		case err := <-c.done:
			t.Fatalf("the session ended while keys were pressed: %v\n%s", err, ansi.Strip(c.out.String()))
		default:
		}
		c.send("j")
	}
	// Then nothing: the idle timeout ends it.
	if code := c.wait(); code != 1 {
		t.Fatalf("exit status %d", code)
	}
	c.waitFor("no key was pressed")
}

func TestKeyRemovedAfterLoginRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	signer := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	cl, err := h.dial("staging", signer)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	h.mu.Lock()
	clear(h.keys)
	h.mu.Unlock()
	sess, err := cl.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	sess.Stdout, sess.Stderr = &out, &out
	if err := sess.RequestPty("xterm", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	err = sess.Wait()
	var ee *gossh.ExitError
	if !errors.As(err, &ee) || ee.ExitStatus() != 1 || !strings.Contains(out.String(), "not authorized") {
		t.Fatalf("wait: %v, output %q", err, out.String())
	}
}

func TestStartSettlesInterrupted(t *testing.T) {
	h := newHarness(t, harnessOpts{before: func(path, site string) {
		// A wcadmin that ended inside the undo window: its journal closed
		// with the scheduled line open.
		j, err := audit.Open(path, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		err = j.Append(audit.Entry{Phase: audit.PhaseScheduled, Profile: "staging", Site: site, CustomerID: 1001,
			Email: "x@example.com", Attempt: "5e77e0000000abcd"})
		if err != nil {
			t.Fatal(err)
		}
	}})
	if !strings.Contains(h.logs.String(), "settle: profile staging: found 1") {
		t.Fatalf("log:\n%s", h.logs.String())
	}
	settled := false
	for _, e := range h.entries() {
		if e.Attempt == "5e77e0000000abcd" && e.Phase == audit.PhaseOutcome && e.Result == audit.ResultNotSent {
			settled = true
		}
	}
	if !settled {
		t.Fatal("the interrupted scheduled deletion was not settled")
	}
	if !strings.Contains(h.logs.String(), "audit verify: chain ok") {
		t.Fatalf("log:\n%s", h.logs.String())
	}
}

// fakeSession is just enough of ssh.Session for the key re-check.
type fakeSession struct {
	ssh.Session
	pk     ssh.PublicKey
	perms  ssh.Permissions
	stderr syncBuffer
	code   int
}

func (f *fakeSession) Context() ssh.Context         { return fakeCtx{} }
func (f *fakeSession) PublicKey() ssh.PublicKey     { return f.pk }
func (f *fakeSession) Permissions() ssh.Permissions { return f.perms }
func (f *fakeSession) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
}
func (f *fakeSession) Stderr() io.ReadWriter { return struct{ io.ReadWriter }{&rw{&f.stderr}} }
func (f *fakeSession) Exit(code int) error   { f.code = code; return nil }

type fakeCtx struct{ ssh.Context }

func (fakeCtx) Value(any) any { return nil }

type rw struct{ *syncBuffer }

func (rw) Read([]byte) (int, error) { return 0, io.EOF }

// TestSessionKeyMustMatchAuthenticatedKey: CVE-2024-45337. A session whose
// key is not the one the public-key callback accepted is refused, even if
// that key is authorized.
func TestSessionKeyMustMatchAuthenticatedKey(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	accepted := h.addKey(Key{Operator: "ann", Profiles: []string{"staging"}})
	other := h.addKey(Key{Operator: "root-ops", Profiles: []string{"staging", "production"}})
	f := &fakeSession{pk: other.PublicKey(), perms: ssh.Permissions{Permissions: &gossh.Permissions{
		Extensions: map[string]string{fpExtension: gossh.FingerprintSHA256(accepted.PublicKey())}}}}
	h.srv.handle(f)
	if f.code != 1 || !strings.Contains(f.stderr.String(), "permission denied") {
		t.Fatalf("exit %d, %q", f.code, f.stderr.String())
	}
	if h.srv.Served() != 0 {
		t.Fatal("a console was served")
	}
}

func TestLoginTimeoutClosesSilentConnection(t *testing.T) {
	h := newHarness(t, harnessOpts{authTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	// The server's version line, then nothing until it closes.
	if _, err := io.Copy(io.Discard, conn); err != nil {
		t.Fatalf("the silent connection was not closed: %v", err)
	}
}
