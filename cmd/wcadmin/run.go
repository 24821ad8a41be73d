package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/tui"
)

// runConsole resolves the settings (or starts the demo store), builds the
// client, the journal and the deleter, and runs the Bubble Tea program until
// the operator quits.
func runConsole(ctx context.Context, o options, getenv func(string) string) error {
	if o.concurrency < 1 || o.concurrency > 16 {
		return fmt.Errorf("--concurrency must be between 1 and 16, not %d", o.concurrency)
	}
	debug, closeLog, err := openDebugLog(o.debugLog)
	if err != nil {
		return err
	}
	defer closeLog()

	var (
		copts    apiclient.Options
		topts    tui.Options
		auditLog string
	)
	if o.demo {
		stop, err := startDemo(o, &copts, &topts)
		if err != nil {
			return err
		}
		defer stop()
		// The demo keeps its own journal so it never mixes with real deletions.
		auditLog = o.flags.AuditLog
		if auditLog == "" {
			auditLog = filepath.Join(filepath.Dir(audit.DefaultPath(getenv)), "demo-audit.jsonl")
		}
	} else {
		s, err := config.Load(o.flags, getenv)
		if err != nil {
			return err
		}
		fromSettings(s, &copts, &topts)
		auditLog = s.AuditLog
	}
	// The client's retry callback runs on request goroutines: it reaches the
	// model only through Program.Send.
	var prog atomic.Pointer[tea.Program]
	copts.OnRetry = func(ri apiclient.RetryInfo) {
		if p := prog.Load(); p != nil {
			p.Send(tui.RetryNotice(ri))
		}
	}
	copts.Version = version()
	copts.DebugLog = debug.Writer()
	client, err := apiclient.New(copts)
	if err != nil {
		return err
	}

	// Checked after the settings so configuration mistakes are reported even
	// from scripts; the console itself needs a real terminal.
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return errors.New("the console needs a terminal: run wcadmin from an interactive shell (stdin and stdout must be a TTY)")
	}

	// Deleting needs the journal. When it cannot be opened the console still
	// browses, and every delete is refused with the reason (fail closed).
	if auditLog == "" {
		auditLog = audit.DefaultPath(getenv)
	}
	journal, jerr := audit.Open(auditLog, getenv)
	if jerr != nil {
		topts.Notice = fmt.Sprintf("Deleting is disabled: the audit journal %s cannot be written (%v). Fix it or set --audit-log.", auditLog, jerr)
		debug.Printf("audit: %v", jerr)
	} else {
		defer journal.Close()
	}
	topts.Deleter = &deletion.Deleter{API: client, Journal: journal, Profile: topts.Profile, Site: client.BaseURL()}

	// Ask the terminal for its background before Bubble Tea owns stdin.
	topts.DarkBackground = lipgloss.HasDarkBackground()
	topts.Store = client
	topts.Host = client.Host()
	topts.Log = debug
	topts.Concurrency = o.concurrency
	topts.Clipboard = os.Stdout
	topts.Timeout = operationBudget(copts.Timeout)

	m := tui.New(topts)
	defer m.Close() // cancels every request still in flight
	debug.Printf("start: host=%s read-only=%v protected=%v journal=%s", topts.Host, topts.ReadOnly, topts.Protected, auditLog)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
	prog.Store(p)
	_, err = p.Run()
	prog.Store(nil)
	// The terminal is back. A deletion cut off by quitting still checks what
	// happened and journals it: wait for that before the journal closes.
	if !m.WaitDeletes(0) {
		fmt.Fprintln(os.Stderr, "wcadmin: recording the deletion that was in flight in the journal…")
		if !m.WaitDeletes(30 * time.Second) {
			fmt.Fprintln(os.Stderr, "wcadmin: gave up waiting: check the journal and the store for that customer")
		}
	}
	debug.Printf("exit: %v", err)
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// fromSettings maps validated settings onto client and console options.
func fromSettings(s config.Settings, c *apiclient.Options, t *tui.Options) {
	c.Site = s.Site
	c.Timeout = s.Timeout
	c.CAFile = s.CAFile
	if s.UsesOAuth() {
		c.OAuth = &apiclient.OAuth{ClientID: s.ClientID, ClientSecret: s.ClientSecret,
			Username: s.Username, Password: s.Password, RedirectURI: s.RedirectURI}
		t.CredentialsHint = "client_id, client_secret, username and password (" + s.Source("client_id") + ")"
	} else {
		c.Token = s.Token
		t.CredentialsHint = "the access token (" + s.Source("token") + ")"
	}
	if s.TokenHeader == config.HeaderAccessToken {
		c.TokenHeader = apiclient.TokenAccessTokenHeader
	}
	t.Profile = s.Profile
	t.ReadOnly = s.ReadOnly
	t.ReadOnlyReason = s.Source("read_only")
	t.Protected = s.Protected
}

// operationBudget bounds one console operation. The client's timeout is per
// try and a read may be tried three times with backoff in between, so the
// console allows for all of them.
func operationBudget(perTry time.Duration) time.Duration {
	if perTry <= 0 {
		perTry = apiclient.DefaultTimeout
	}
	return 3*perTry + 10*time.Second
}

// openDebugLog opens --debug-log for appending (0600: it names customers).
// Without it, logging goes nowhere: nothing may write to the terminal while
// the console runs.
func openDebugLog(path string) (*log.Logger, func(), error) {
	if path == "" {
		return log.New(io.Discard, "", 0), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--debug-log: %w", err)
	}
	return log.New(f, "", log.LstdFlags|log.Lmicroseconds), func() { _ = f.Close() }, nil
}
