// Package serve runs the wcadmin console over SSH (`wcadmin serve`): every
// SSH session with an authorized key and a PTY gets its own Bubble Tea
// program on the store of a profile the key is granted, and every deletion
// is journaled in the one shared journal under the key's operator.
//
// Identity comes only from the public key that authenticated (its
// fingerprint is checked again when the session starts, as soft-serve does
// for CVE-2024-45337), never from the SSH user name: the user name only picks
// the profile. Password and keyboard-interactive authentication are never
// offered.
package serve

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/recover"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/tui"
)

// Via is what every journal line written for a session says in "via".
const Via = "ssh-serve"

// Defaults of the limits.
const (
	DefaultMaxSessions = 20
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxSession  = 8 * time.Hour
	// DefaultStopWait bounds how long Shutdown lets deletions in flight
	// finish and journal their outcome.
	DefaultStopWait = 30 * time.Second
	// DefaultAuthTimeout bounds the handshake and login.
	DefaultAuthTimeout = 30 * time.Second
)

// Key is an authorized key as the server needs it (authkeys.Key).
type Key struct {
	Fingerprint string // SHA256:…
	Operator    string
	Profiles    []string // granted profiles, the first is the default
	ReadOnly    bool
}

// Keys finds the authorized key for a public key. It is asked at every
// login and again when the session starts, so a reloaded file applies to
// new sessions at once.
type Keys interface {
	Lookup(pk gossh.PublicKey) (Key, bool)
}

// KeysFunc adapts a function to Keys.
type KeysFunc func(pk gossh.PublicKey) (Key, bool)

// Lookup calls f.
func (f KeysFunc) Lookup(pk gossh.PublicKey) (Key, bool) { return f(pk) }

// Profile is one store sessions can work on.
type Profile struct {
	Name string
	// Store is what the console reads; API what the deleter sends. Both
	// are normally the same *apiclient.Client, shared by every session of
	// the profile.
	Store tui.Store
	API   deletion.API
	// Site is the client's base URL (apiclient.Client.BaseURL): the
	// journal's site, which settling matches on.
	Site string
	// Options is the template of the console's options: Host, ReadOnly,
	// ReadOnlyReason, Protected, UndoWindow, CredentialsHint, Timeout,
	// Notice. Store, Deleter, Renderer, Clipboard, Log are per session.
	Options tui.Options
}

// Config configures a Server.
type Config struct {
	// HostKeyPath is the ed25519 host key (OpenSSH PEM). Created with mode
	// 0600 (directory 0700) when missing; a key readable by group or others
	// is refused. Ignored when HostSigner is set.
	HostKeyPath string
	HostSigner  gossh.Signer

	// Keys are the authorized keys; nil authorizes none.
	Keys Keys
	// Profile returns the profile by name (called once per name; the result
	// is cached). KnownProfile reports whether a name is a profile at all:
	// a user name that is one but not granted to the key is refused, any
	// other user name gets the key's first profile. nil: only Profile's
	// success counts.
	Profile      func(ctx context.Context, name string) (*Profile, error)
	KnownProfile func(name string) bool
	// Profiles are settled at Start (interrupted deletions of their site):
	// the profiles granted to any key, normally.
	Profiles []string

	// Journal is the one journal every session writes (through
	// Journal.As); nil disables deleting. JournalPath is verified at start.
	Journal     *audit.Journal
	JournalPath string

	MaxSessions int           // 0: DefaultMaxSessions
	IdleTimeout time.Duration // no keystroke for this long ends the session; 0: none
	MaxSession  time.Duration // a session ends after this long; 0: none
	StopWait    time.Duration // 0: DefaultStopWait
	// AuthTimeout closes a connection that has not started a session this
	// long after it was accepted (0: DefaultAuthTimeout).
	AuthTimeout time.Duration

	Concurrency int // per session (tui.Options.Concurrency)
	Version     string
	// Log receives the server's events (never a session's terminal).
	Log *log.Logger
	// Now is the clock (nil = time.Now).
	Now func() time.Time
}

// Server is an SSH server of consoles.
type Server struct {
	cfg    Config
	ssh    *ssh.Server
	signer gossh.Signer
	log    *log.Logger

	profMu   sync.Mutex
	profiles map[string]*Profile

	mu        sync.Mutex
	listeners []net.Listener
	active    int
	stopping  bool
	stopCh    chan struct{}
	stopAt    time.Time
	wg        sync.WaitGroup // session handlers

	served atomic.Int64 // sessions that got a console (tests, logs)
}

// New builds a server; nothing listens until Serve.
func New(cfg Config) (*Server, error) {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.StopWait <= 0 {
		cfg.StopWait = DefaultStopWait
	}
	if cfg.AuthTimeout <= 0 {
		cfg.AuthTimeout = DefaultAuthTimeout
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Profile == nil {
		return nil, errors.New("serve: no profile source")
	}
	signer := cfg.HostSigner
	if signer == nil {
		var err error
		if signer, err = LoadHostKey(cfg.HostKeyPath); err != nil {
			return nil, err
		}
	}
	s := &Server{cfg: cfg, signer: signer, log: cfg.Log, profiles: map[string]*Profile{},
		stopCh: make(chan struct{})}
	version := "wcadmin"
	if cfg.Version != "" {
		version = "wcadmin_" + sanitizeVersion(cfg.Version)
	}
	// wish builds the server: public keys only (neither password nor
	// keyboard-interactive is ever set), and a panic in one session is
	// logged and ends that session, not the server.
	srv, err := wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithVersion(version),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(recover.MiddlewareWithLogger(s.log, func(next ssh.Handler) ssh.Handler {
			return func(sess ssh.Session) { s.handle(sess); next(sess) }
		})),
	)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	srv.ConnCallback = s.watchLogin
	srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		s.log.Printf("connection from %s failed: %v", c.RemoteAddr(), err)
	}
	s.ssh = srv
	return s, nil
}

// HostKey is the server's public host key (tests pin it).
func (s *Server) HostKey() gossh.PublicKey { return s.signer.PublicKey() }

// Served counts the sessions that got a console.
func (s *Server) Served() int64 { return s.served.Load() }

// Active counts the sessions in progress.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// Start settles interrupted deletions of every profile in cfg.Profiles and
// verifies the journal's chain, logging what it found. Call it once before
// Serve; a profile that cannot be loaded is logged, not fatal.
func (s *Server) Start(ctx context.Context) {
	if s.cfg.JournalPath != "" {
		rep, err := audit.VerifyRecent(s.cfg.JournalPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			s.log.Printf("audit verify: %v", err)
		case rep.Problem != nil:
			p := rep.Problem
			s.log.Printf("audit verify: the journal's hash chain is broken at %s:%d (%s): %s — run wcadmin audit verify", p.File, p.Line, p.Kind, p.Detail)
		default:
			s.log.Printf("audit verify: chain ok")
		}
	}
	if s.cfg.Journal == nil {
		s.log.Printf("no journal: deleting is disabled in every session")
		return
	}
	seen := map[string]bool{}
	for _, name := range s.cfg.Profiles {
		p, err := s.profile(ctx, name)
		if err != nil {
			s.log.Printf("settle: profile %s: %v", name, err)
			continue
		}
		if seen[p.Site] || p.Options.ReadOnly {
			continue
		}
		seen[p.Site] = true
		d := &deletion.Deleter{API: p.API, Journal: s.cfg.Journal, Profile: p.Name, Site: p.Site, Via: Via}
		rep, err := d.Settle(ctx)
		if err != nil {
			s.log.Printf("settle: profile %s: %v", name, err)
			continue
		}
		if rep.Any() {
			s.log.Printf("settle: profile %s: found %d, deleted %d, not deleted %d, never sent %d, open %d, by another process %d: %s",
				name, rep.Found, len(rep.Deleted), len(rep.NotDeleted), len(rep.NotSent), len(rep.Open), rep.ByOther, rep.Message())
		}
	}
}

// Serve accepts connections on l until Shutdown or Close. It refuses a
// non-loopback listener when no authorized keys are configured.
func (s *Server) Serve(l net.Listener) error {
	if s.cfg.Keys == nil && !IsLoopback(l.Addr()) {
		return fmt.Errorf("serve: refusing to listen on %s (not a loopback address) without authorized keys", l.Addr())
	}
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		_ = l.Close()
		return nil
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	err := s.ssh.Serve(l)
	s.mu.Lock()
	stopping := s.stopping
	s.mu.Unlock()
	if errors.Is(err, ssh.ErrServerClosed) || (stopping && errors.Is(err, net.ErrClosed)) {
		return nil
	}
	return err
}

// Shutdown stops accepting, tells every session the server is stopping,
// lets deletions in flight finish and journal (up to Config.StopWait;
// deletions still in their undo window are cancelled and journaled as
// undone), then closes every connection. ctx bounds the whole.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.stopping {
		s.stopping = true
		s.stopAt = s.cfg.Now()
		close(s.stopCh)
	}
	n := s.active
	// No new connection. (Not ssh.Server.Shutdown: its listener
	// WaitGroup races with a Serve that has just started.)
	for _, l := range s.listeners {
		_ = l.Close()
	}
	s.mu.Unlock()
	s.log.Printf("stopping: %d sessions", n)
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = s.ssh.Close()
	return err
}

// Close closes everything at once (deletions in flight are not waited for).
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.stopping {
		s.stopping = true
		s.stopAt = s.cfg.Now()
		close(s.stopCh)
	}
	s.mu.Unlock()
	return s.ssh.Close()
}

// profile returns the cached profile, loading it once.
func (s *Server) profile(ctx context.Context, name string) (*Profile, error) {
	s.profMu.Lock()
	defer s.profMu.Unlock()
	if p := s.profiles[name]; p != nil {
		return p, nil
	}
	p, err := s.cfg.Profile(ctx, name)
	if err != nil {
		return nil, err
	}
	if p.Name == "" {
		p.Name = name
	}
	s.profiles[name] = p
	return p, nil
}

// authorize is the public-key callback: only keys in Keys get in. The
// fingerprint of the accepted key is kept in the permissions to be checked
// again against the session's key (CVE-2024-45337).
func (s *Server) authorize(ctx ssh.Context, pk ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(pk)
	if s.cfg.Keys == nil {
		s.log.Printf("auth: refused key %s from %s: no authorized keys", fp, ctx.RemoteAddr())
		return false
	}
	if _, ok := s.cfg.Keys.Lookup(pk); !ok {
		s.log.Printf("auth: refused unknown key %s for user %q from %s", fp, ctx.User(), ctx.RemoteAddr())
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[fpExtension] = fp
	return true
}

// loginConn closes a connection that does not start a session in time
// (a client that connects and never authenticates holds no goroutine
// forever).
type loginConn struct {
	net.Conn
	started atomic.Bool
	timer   *time.Timer
}

type loginConnKey struct{}

func (s *Server) watchLogin(ctx ssh.Context, conn net.Conn) net.Conn {
	c := &loginConn{Conn: conn}
	c.timer = time.AfterFunc(s.cfg.AuthTimeout, func() {
		if !c.started.Load() {
			s.log.Printf("connection from %s: no session after %s: closed", conn.RemoteAddr(), s.cfg.AuthTimeout)
			_ = conn.Close()
		}
	})
	ctx.SetValue(loginConnKey{}, c)
	return c
}

// sessionStarted stops the login timer of the session's connection.
func sessionStarted(ctx ssh.Context) {
	if c, ok := ctx.Value(loginConnKey{}).(*loginConn); ok {
		c.started.Store(true)
		c.timer.Stop()
	}
}

// fpExtension holds the accepted key's fingerprint in the permissions.
const fpExtension = "wcadmin-pubkey-fp"

// IsLoopback reports whether addr is a loopback TCP address (or a Unix
// socket).
func IsLoopback(addr net.Addr) bool {
	switch a := addr.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopbackAddress is IsLoopback for a --listen value such as
// "127.0.0.1:2222"; an empty host (all interfaces) is not loopback.
func IsLoopbackAddress(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LoadHostKey reads the ed25519 host key at path, creating it (mode 0600,
// directory 0700) when missing. A key file readable by group or others is
// refused.
func LoadHostKey(path string) (gossh.Signer, error) {
	if path == "" {
		return nil, errors.New("serve: no host key path (set --host-key, XDG_STATE_HOME or HOME)")
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if data, err = createHostKey(path); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	} else if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s is readable by others (mode %#o): chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, nil
}

func createHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "wcadmin serve host key")
	if err != nil {
		return nil, err
	}
	data := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("host key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return data, nil
}

// sanitizeVersion keeps the SSH identification string valid.
func sanitizeVersion(v string) string {
	b := []byte(v)
	for i, c := range b {
		if c <= ' ' || c > '~' || c == '-' {
			b[i] = '_'
		}
	}
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}
