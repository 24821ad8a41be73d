package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
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
		// The demo shows the undo window: --undo-window, else the default.
		if topts.UndoWindow, err = demoUndoWindow(o.flags); err != nil {
			return err
		}
		// The demo keeps its own journal so it never mixes with real deletions.
		loc, err := config.DemoAuditLog(o.flags, getenv)
		if err != nil {
			return err
		}
		auditLog = loc.Path
	} else {
		s, err := config.Load(o.flags, getenv)
		if err != nil {
			return err
		}
		fromSettings(s, &copts, &topts)
		auditLog = s.AuditLog
		if undoRaised(s) {
			topts.Notice = joinNotices(topts.Notice, "Undo window "+undoWindowText(s))
		}
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
	journal, jerr := audit.Open(auditLog, getenv)
	if jerr != nil {
		topts.Notice = joinNotices(topts.Notice, fmt.Sprintf("Deleting is disabled: the audit journal %s cannot be written (%v). Fix it or set --audit-log.", auditLog, jerr))
		debug.Printf("audit: %v", jerr)
	} else {
		defer journal.Close()
	}
	topts.Notice = joinNotices(topts.Notice, chainWarning(auditLog, debug))
	deleter := &deletion.Deleter{API: client, Journal: journal, Profile: topts.Profile, Site: client.BaseURL(), Via: "console"}
	topts.Deleter = deleter
	// Attempts a killed wcadmin left open are settled before this one
	// deletes anything, and before the list loads, so the rows show the
	// store as it is now. Read-only never deletes: it leaves them open and
	// only says so.
	switch {
	case jerr != nil:
	case topts.ReadOnly:
		// Scheduled deletions that were never sent (no intent) are
		// harmless: the next start that can delete records them.
		if a, err := deleter.Interrupted(); err == nil && countIntents(a) > 0 {
			topts.Notice = joinNotices(topts.Notice, interruptedDeletions(countIntents(a))+
				" in the journal (read-only: left open for the next start that can delete) — wcadmin audit --open")
		}
	default:
		topts.Notice = joinNotices(topts.Notice, settleInterrupted(ctx, deleter, operationBudget(copts.Timeout), debug))
	}

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
	// Bubble Tea's signal handler is off: signals.go handles SIGHUP, SIGTERM
	// and SIGINT like a quit, from here until the journal is complete.
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler())
	prog.Store(p)
	sigs := watchSignals(debug)
	defer sigs.stop()
	err = runProgram(p, m.Close, sigs, debug)
	prog.Store(nil)
	sig := sigs.caught()
	if sig != nil {
		writeStderr(fmt.Sprintf("wcadmin: %s received: quit (nothing new was sent)\n", signalName(sig)))
	}
	// Deletions still in their undo window are never sent: they are
	// journaled as undone and listed as cancelled in the summary.
	why := "wcadmin quit before the undo window ended"
	if sig != nil {
		why = signalName(sig) + " received: " + why
	}
	if ids := m.CancelPending(why); len(ids) > 0 {
		debug.Printf("exit: %d deletions in their undo window cancelled (nothing sent): %v", len(ids), ids)
	}
	// The terminal is back. Deletions cut off by quitting still check what
	// happened and journal it: wait for them before the journal closes.
	wait := 30 * time.Second
	if sig != nil {
		wait = signalDeleteWait
	}
	if !m.WaitDeletes(50 * time.Millisecond) { // a short grace: most finish at once
		writeStderr("wcadmin: recording the deletions that were in flight in the journal…\n")
		if !m.WaitDeletes(wait) {
			debug.Printf("exit: deletions still in flight after %s", wait)
			writeStderr("wcadmin: gave up waiting: check the journal and the store for the customers being deleted\n")
		}
	}
	if r := m.Report(); r.Any() {
		jpath := auditLog
		if jerr != nil {
			jpath += " (could not be opened: nothing was journaled)"
		}
		var b strings.Builder
		writeExitSummary(&b, r, jpath)
		writeStderr(b.String())
	}
	if sig == nil {
		sig = sigs.caught() // arrived while waiting for the deletions
	}
	if sig != nil {
		debug.Printf("exit: %v, after %s", err, signalName(sig))
		return signalExit{sig}
	}
	debug.Printf("exit: %v", err)
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// settleInterrupted settles the attempts of this site that an earlier
// wcadmin left open (deletion.Deleter.Settle), within budget, and returns
// what the console should say about it ("" when there were none). It says on
// stderr what it is doing, before the console takes the screen, only when
// there is something to check.
func settleInterrupted(ctx context.Context, d *deletion.Deleter, budget time.Duration, debug *log.Logger) string {
	attempts, err := d.Interrupted()
	if err != nil {
		debug.Printf("settle: %v", err)
		return termtext.CleanMax("Interrupted deletions were not settled ("+err.Error()+") — wcadmin audit --open", 600)
	}
	if len(attempts) == 0 {
		return ""
	}
	writeStderr("wcadmin: checking " + interruptedDeletions(len(attempts)) + " from the journal…\n")
	sctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	rep := d.SettleAttempts(sctx, attempts)
	debug.Printf("settle: found %d, deleted %d, not deleted %d, never sent %d, open %d, by another process %d",
		rep.Found, len(rep.Deleted), len(rep.NotDeleted), len(rep.NotSent), len(rep.Open), rep.ByOther)
	for _, s := range rep.Deleted {
		debug.Printf("settle: customer %d (attempt %s): deleted (%s)", s.CustomerID, s.Attempt, s.How)
	}
	for _, s := range rep.NotDeleted {
		debug.Printf("settle: customer %d (attempt %s): not deleted (%s)", s.CustomerID, s.Attempt, s.How)
	}
	for _, s := range rep.NotSent {
		debug.Printf("settle: customer %d (attempt %s): never sent (%s)", s.CustomerID, s.Attempt, s.How)
	}
	for _, u := range rep.Open {
		debug.Printf("settle: customer %d (attempt %s): stays open: %v", u.CustomerID, u.Attempt, u.Err)
	}
	return rep.Message()
}

// countIntents counts the attempts that have an intent: the DELETE may have
// been sent.
func countIntents(attempts []audit.Attempt) int {
	n := 0
	for _, a := range attempts {
		if a.Intent != nil {
			n++
		}
	}
	return n
}

// interruptedDeletions is "1 interrupted deletion" or "N interrupted deletions".
func interruptedDeletions(n int) string {
	if n == 1 {
		return "1 interrupted deletion"
	}
	return fmt.Sprintf("%d interrupted deletions", n)
}

// chainWarning is the console's warning when the journal's hash chain does
// not verify (audit.VerifyRecent), "" when it does or there is no journal yet.
func chainWarning(path string, debug *log.Logger) string {
	rep, err := audit.VerifyRecent(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		debug.Printf("audit verify: %v", err)
		return termtext.CleanMax("The deletion journal could not be verified ("+err.Error()+") — run wcadmin audit verify", 600)
	case rep.Problem != nil:
		p := rep.Problem
		debug.Printf("audit verify: %s:%d (%s): %s", p.File, p.Line, p.Kind, p.Detail)
		return termtext.CleanMax(fmt.Sprintf("The deletion journal's hash chain is broken at %s:%d (%s) — run wcadmin audit verify",
			p.File, p.Line, p.Kind), 600)
	}
	return ""
}

// joinNotices adds more to the console's start-up notice.
func joinNotices(notice, more string) string {
	switch {
	case more == "":
		return notice
	case notice == "":
		return more
	}
	return notice + " · " + more
}

// fromSettings maps validated settings onto client and console options.
func fromSettings(s config.Settings, c *apiclient.Options, t *tui.Options) {
	c.Site = s.Site
	c.Timeout = s.Timeout
	c.CAFile = s.CAFile
	c.CAPEM = s.CAPEM // read and checked by config.Load: not read again
	if s.UsesOAuth() {
		c.OAuth = &apiclient.OAuth{ClientID: s.ClientID, ClientSecret: s.ClientSecret,
			Username: s.Username, Password: s.Password, RedirectURI: s.RedirectURI}
		t.CredentialsHint = "client_id, client_secret, username and password (" + s.Source("client_id") + ")"
	} else {
		c.Token = s.Token
		// A 401 may mean the wrong header style rather than a bad token: some
		// stores want the token in the old access_token header.
		h, other := s.TokenHeader, config.HeaderAccessToken
		if h == "" {
			h = config.HeaderBearer
		}
		if h == config.HeaderAccessToken {
			other = config.HeaderBearer
		}
		t.CredentialsHint = fmt.Sprintf("the access token (%s) and token_header (%q, %s; some stores want %q)",
			s.Source("token"), h, s.Source("token_header"), other)
	}
	if s.TokenHeader == config.HeaderAccessToken {
		c.TokenHeader = apiclient.TokenAccessTokenHeader
	}
	t.Profile = s.Profile
	t.ReadOnly = s.ReadOnly
	t.ReadOnlyReason = s.Source("read_only")
	t.Protected = s.Protected
	t.UndoWindow = s.UndoWindow
}

// undoRaised reports that a protected profile raised a shorter undo window
// given by a flag or the environment to its floor.
func undoRaised(s config.Settings) bool {
	return strings.Contains(s.Source("undo_window"), "(protected: ")
}

// undoWindowText describes the undo window and where it came from, e.g.
// "5s (default)" or "off (0s, from flag --undo-window)".
func undoWindowText(s config.Settings) string {
	src := termtext.Clean(s.Source("undo_window"))
	if s.UndoWindow == 0 {
		return "off (0s, from " + src + "): confirmed deletions are sent at once"
	}
	return fmt.Sprintf("%s (from %s): confirmed deletions wait this long before they are sent; u takes them back", s.UndoWindow, src)
}

// demoUndoWindow is the demo's undo window: --undo-window when given, else
// config.DefaultUndoWindow, so a new user sees it.
func demoUndoWindow(f config.Flags) (time.Duration, error) {
	if !f.Set["undo-window"] {
		return config.DefaultUndoWindow, nil
	}
	if f.UndoWindow < 0 {
		return 0, fmt.Errorf("--undo-window %s is negative: use a duration such as 5s, or 0 to turn the undo window off", f.UndoWindow)
	}
	return f.UndoWindow, nil
}

// operationBudget bounds one console operation: apiclient.OperationBudget,
// which allows for every try of a read and the backoff in between.
func operationBudget(perTry time.Duration) time.Duration {
	return apiclient.OperationBudget(perTry)
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
