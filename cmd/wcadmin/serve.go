package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/authkeys"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/serve"
	"github.com/wcadmin/wcadmin/tui"
)

// serveOptions are the flags of `wcadmin serve`.
type serveOptions struct {
	listen         string
	authorizedKeys string
	hostKey        string
	maxSessions    int
	idleTimeout    time.Duration
	maxSession     time.Duration
	demo           bool
	demoCustomers  int
	undoWindow     time.Duration
	logFile        string
}

func newServeCmd(o *options, getenv func(string) string) *cobra.Command {
	var so serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the console over SSH: one console per session, identity from the SSH key",
		Long: `wcadmin serve is an SSH server whose sessions each get the console.

Only the keys in the authorized-keys file get in (public-key authentication
only: no password, no keyboard-interactive). The operator named in the journal
comes from the key, never from the SSH user name; the user name picks the
profile (ssh -p 2222 staging@admin-host), which the key must be granted
(wcadmin-profiles="staging,production" in the file); any other user name gets
the key's first profile. Keys marked wcadmin-read-only browse only.

The authorized-keys file is re-read on SIGHUP and when it changes. SIGTERM or
SIGINT stops the server: no new session, every session is told, deletions in
flight finish and are journaled (up to 30s), then the connections close.`,
		Example: `  wcadmin serve
  wcadmin serve --listen 127.0.0.1:2222 --authorized-keys /etc/wcadmin/authorized_keys
  ssh -p 2222 staging@admin-host`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			markSet(cmd, &o.flags)
			return runServe(cmd.Context(), o, so, getenv, cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&so.listen, "listen", "127.0.0.1:2222", "address to listen on (a non-loopback address needs an authorized-keys file)")
	f.StringVar(&so.authorizedKeys, "authorized-keys", "", "authorized keys (default $XDG_CONFIG_HOME/wcadmin/authorized_keys)")
	f.StringVar(&so.hostKey, "host-key", "", "ed25519 host key, created (mode 0600) when missing (default $XDG_STATE_HOME/wcadmin/ssh_host_ed25519_key)")
	f.IntVar(&so.maxSessions, "max-sessions", serve.DefaultMaxSessions, "sessions at once; more are refused with a message")
	f.DurationVar(&so.idleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "end a session after this long without a key pressed (its deletions finish first); 0 turns it off")
	f.DurationVar(&so.maxSession, "max-session", serve.DefaultMaxSession, "end a session after this long; 0 turns it off")
	f.BoolVar(&so.demo, "demo", false, "serve the embedded demo store (every key's profiles map to it; a separate demo journal)")
	f.IntVar(&so.demoCustomers, "demo-customers", 500, "number of customers in the demo store")
	f.DurationVar(&so.undoWindow, "undo-window", config.DefaultUndoWindow, "how long a confirmed deletion waits before it is sent (0 turns it off; a protected profile cannot go below its own undo_window)")
	f.StringVar(&so.logFile, "log", "", "append the server's log to this file instead of stderr")
	return cmd
}

// runServe starts the server and runs it until SIGTERM or SIGINT.
func runServe(ctx context.Context, o *options, so serveOptions, getenv func(string) string, stderr io.Writer) error {
	if so.maxSessions < 1 {
		return usage(fmt.Errorf("--max-sessions must be 1 or more, not %d", so.maxSessions))
	}
	if so.idleTimeout < 0 || so.maxSession < 0 {
		return usage(errors.New("--idle-timeout and --max-session cannot be negative (0 turns them off)"))
	}
	logw := stderr
	if so.logFile != "" {
		f, err := os.OpenFile(so.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("--log: %w", err)
		}
		defer f.Close()
		logw = f
	}
	logger := log.New(logw, "wcadmin serve: ", log.LstdFlags)

	// The authorized keys: required off loopback.
	akPath := so.authorizedKeys
	if akPath == "" {
		if def := config.DefaultPath(getenv); def != "" {
			akPath = filepath.Join(filepath.Dir(def), "authorized_keys")
		}
	}
	var keys serve.Keys
	var watcher *authkeys.Watcher
	if akPath != "" {
		if _, err := os.Stat(akPath); err == nil || so.authorizedKeys != "" {
			wctx, cancel := context.WithCancel(ctx)
			defer cancel()
			w, err := authkeys.Watch(wctx, akPath, logger.Printf)
			if err != nil {
				return fmt.Errorf("--authorized-keys %s: %w", akPath, err)
			}
			watcher = w
			keys = serve.KeysFunc(func(pk gossh.PublicKey) (serve.Key, bool) {
				k, ok := w.Current().Lookup(pk)
				return serve.Key{Fingerprint: k.Fingerprint, Operator: k.Operator, Profiles: k.Profiles, ReadOnly: k.ReadOnly}, ok
			})
		}
	}
	if keys == nil {
		if !serve.IsLoopbackAddress(so.listen) {
			return fmt.Errorf("refusing to listen on %s (not a loopback address) without an authorized-keys file: create %s or give --authorized-keys", so.listen, orNone(akPath))
		}
		logger.Printf("no authorized-keys file at %s: every key is refused (create it and restart)", orNone(akPath))
		// SIGHUP must not kill the server.
		signal.Ignore(syscall.SIGHUP)
	}

	hostKey := so.hostKey
	if hostKey == "" {
		if dir := stateDir(getenv); dir != "" {
			hostKey = filepath.Join(dir, "wcadmin", "ssh_host_ed25519_key")
		}
	}

	cfg := serve.Config{
		HostKeyPath: hostKey,
		Keys:        keys,
		MaxSessions: so.maxSessions,
		IdleTimeout: so.idleTimeout,
		MaxSession:  so.maxSession,
		Concurrency: o.concurrency,
		Version:     version(),
		Log:         logger,
	}
	if watcher != nil {
		cfg.Profiles = grantedProfiles(watcher.Current())
	}
	var journalPath string
	if so.demo {
		stop, prof, jloc, err := demoProfile(o, so, getenv)
		if err != nil {
			return err
		}
		defer stop()
		journalPath = jloc
		cfg.Profile = func(context.Context, string) (*serve.Profile, error) { return prof, nil }
		cfg.Profiles = []string{"demo"}
	} else {
		loc, err := config.ResolveAuditLog(o.flags, getenv)
		if err != nil {
			return err
		}
		journalPath = loc.Path
		flags := o.flags
		if flags.Set["undo-window"] {
			flags.UndoWindow = so.undoWindow
		}
		cfg.Profile = profileLoader(flags, getenv, journalPath, logger)
		cfg.KnownProfile = knownProfiles(o.flags, getenv, logger)
	}
	journal, err := audit.Open(journalPath, getenv)
	if err != nil {
		logger.Printf("deleting is disabled in every session: the journal %s cannot be written: %v", journalPath, err)
	} else {
		defer journal.Close()
		cfg.Journal = journal
	}
	cfg.JournalPath = journalPath

	srv, err := serve.New(cfg)
	if err != nil {
		return err
	}
	srv.Start(ctx)
	ln, err := net.Listen("tcp", so.listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	nkeys := 0
	if watcher != nil {
		nkeys = len(watcher.Current().Keys)
	}
	logger.Printf("listening on %s (host key %s, %d authorized keys, journal %s)",
		ln.Addr(), gossh.FingerprintSHA256(srv.HostKey()), nkeys, journalPath)

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case sig := <-sigs:
		logger.Printf("%s received: stopping (deletions in flight finish, up to %s)", sig, serve.DefaultStopWait)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), serve.DefaultStopWait+5*time.Second)
	defer cancel()
	go func() {
		// A second signal stops at once.
		select {
		case <-sigs:
			logger.Printf("second signal: closing every connection now")
			_ = srv.Close()
		case <-sctx.Done():
		}
	}()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Printf("stop: %v", err)
	}
	<-served
	logger.Printf("stopped")
	return nil
}

// profileLoader resolves a profile as the console does (config.Load with
// --profile NAME) and builds its client; the server caches the result.
func profileLoader(flags config.Flags, getenv func(string) string, journalPath string, logger *log.Logger) func(context.Context, string) (*serve.Profile, error) {
	return func(ctx context.Context, name string) (*serve.Profile, error) {
		f := flags
		f.Set = map[string]bool{"profile": true}
		for _, k := range []string{"config", "read-only", "timeout", "allow-insecure-http", "audit-log", "undo-window"} {
			if flags.Set[k] {
				f.Set[k] = true
			}
		}
		f.Profile = name
		s, err := config.LoadContext(ctx, f, getenv)
		if err != nil {
			return nil, err
		}
		if s.AuditLog != journalPath {
			logger.Printf("profile %s: its audit_log %s is ignored: every session writes %s", name, s.AuditLog, journalPath)
		}
		var copts apiclient.Options
		var topts tui.Options
		fromSettings(s, &copts, &topts)
		copts.Version = version()
		client, err := apiclient.New(copts)
		if err != nil {
			return nil, err
		}
		topts.Host = client.Host()
		topts.Timeout = operationBudget(copts.Timeout)
		if undoRaised(s) {
			topts.Notice = "Undo window " + undoWindowText(s)
		}
		return &serve.Profile{Name: name, Store: client, API: client, Site: client.BaseURL(), Options: topts}, nil
	}
}

// knownProfiles reads the names of the profiles in the config file: a user
// name that is one of them but not granted to the key is refused.
func knownProfiles(flags config.Flags, getenv func(string) string, logger *log.Logger) func(string) bool {
	path := flags.Config
	if !flags.Set["config"] || path == "" {
		path = getenv("WCADMIN_CONFIG")
	}
	if path == "" {
		path = config.DefaultPath(getenv)
	}
	var file struct {
		Profiles map[string]toml.Primitive `toml:"profiles"`
	}
	if path != "" {
		if _, err := toml.DecodeFile(path, &file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			logger.Printf("config %s: %v", path, err)
		}
	}
	return func(name string) bool {
		_, ok := file.Profiles[name]
		return ok
	}
}

// grantedProfiles is every profile some key is granted, in order.
func grantedProfiles(s authkeys.Set) []string {
	var out []string
	for _, k := range s.Keys {
		for _, p := range k.Profiles {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// demoProfile starts the embedded demo store for `serve --demo`.
func demoProfile(o *options, so serveOptions, getenv func(string) string) (stop func(), _ *serve.Profile, journal string, _ error) {
	if so.demoCustomers < 0 {
		return nil, nil, "", fmt.Errorf("--demo-customers must be 0 or more, not %d", so.demoCustomers)
	}
	if so.undoWindow < 0 {
		return nil, nil, "", fmt.Errorf("--undo-window %s is negative", so.undoWindow)
	}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, nil, "", err
	}
	token := hex.EncodeToString(tok)
	store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: max(so.demoCustomers, 1), Token: token, Hostile: true})
	hs, err := store.Start("127.0.0.1:0")
	if err != nil {
		return nil, nil, "", fmt.Errorf("demo store: %w", err)
	}
	client, err := apiclient.New(apiclient.Options{Site: hs.URL, Token: token, Timeout: o.flags.Timeout, Version: version()})
	if err != nil {
		_ = hs.Close()
		return nil, nil, "", err
	}
	loc, err := config.DemoAuditLog(o.flags, getenv)
	if err != nil {
		_ = hs.Close()
		return nil, nil, "", err
	}
	prof := &serve.Profile{Name: "demo", Store: client, API: client, Site: client.BaseURL(),
		Options: tui.Options{Demo: true, Host: client.Host(), CredentialsHint: "the demo token",
			UndoWindow: so.undoWindow, Timeout: operationBudget(o.flags.Timeout), ReadOnly: o.flags.ReadOnly, ReadOnlyReason: "--read-only"}}
	return func() { _ = hs.Close() }, prof, loc.Path, nil
}

// stateDir is $XDG_STATE_HOME, else $HOME/.local/state ("" when neither is
// an absolute path).
func stateDir(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "state")
	}
	return ""
}

func orNone(path string) string {
	if path == "" {
		return "(no path: set XDG_CONFIG_HOME or HOME)"
	}
	return path
}
