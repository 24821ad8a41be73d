package serve

import (
	"context"
	"fmt"
	"io"
	"log"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/tui"
)

// refuse tells the client why and ends the session with status 1.
func refuse(sess ssh.Session, format string, args ...any) {
	msg := "wcadmin serve: " + fmt.Sprintf(format, args...)
	_, _ = io.WriteString(sess.Stderr(), msg+"\r\n")
	_ = sess.Exit(1)
}

// handle runs one SSH session.
func (s *Server) handle(sess ssh.Session) {
	sessionStarted(sess.Context())
	remote := sess.RemoteAddr().String()
	// CVE-2024-45337: the key the session reports must be the key that
	// was accepted, else a client could be let in on one key's
	// authorisation and be taken for another.
	pk := sess.PublicKey()
	fp := sess.Permissions().Extensions[fpExtension]
	if pk == nil || fp == "" || gossh.FingerprintSHA256(pk) != fp {
		s.log.Printf("session from %s: the session's key does not match the key that authenticated: refused", remote)
		refuse(sess, "permission denied")
		return
	}
	var key Key
	ok := false
	if s.cfg.Keys != nil {
		key, ok = s.cfg.Keys.Lookup(pk)
	}
	if !ok { // removed from the file since the login
		s.log.Printf("session from %s: key %s is no longer authorized", remote, fp)
		refuse(sess, "permission denied: key %s is not authorized", fp)
		return
	}
	if key.Fingerprint == "" {
		key.Fingerprint = fp
	}
	who := fmt.Sprintf("%s (key %s, %s)", key.Operator, fp, remote)

	s.mu.Lock()
	switch {
	case s.stopping:
		s.mu.Unlock()
		refuse(sess, "the server is stopping; try again later")
		return
	case s.active >= s.cfg.MaxSessions:
		s.mu.Unlock()
		s.log.Printf("session of %s refused: %d sessions already (--max-sessions)", who, s.cfg.MaxSessions)
		refuse(sess, "too many sessions (%d, the --max-sessions limit); try again later", s.cfg.MaxSessions)
		return
	}
	s.active++
	s.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.active--
		s.mu.Unlock()
		s.wg.Done()
	}()

	pty, winch, hasPty := sess.Pty()
	if !hasPty {
		s.log.Printf("session of %s refused: no PTY", who)
		refuse(sess, "the console needs a terminal: connect with ssh -t (no PTY was requested)")
		return
	}
	name, err := pickProfile(key, sess.User(), s.cfg.KnownProfile)
	if err != nil {
		s.log.Printf("session of %s refused: %v", who, err)
		refuse(sess, "%v", err)
		return
	}
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	prof, err := s.profile(ctx, name)
	if err != nil {
		s.log.Printf("session of %s: profile %s: %v", who, name, err)
		refuse(sess, "profile %s cannot be used: %v", name, err)
		return
	}
	s.log.Printf("session of %s: profile %s, user %q, read-only %v, term %q %dx%d",
		who, name, sess.User(), key.ReadOnly || prof.Options.ReadOnly, pty.Term, pty.Window.Width, pty.Window.Height)
	s.served.Add(1)
	s.runConsole(ctx, sess, key, prof, winch, who)
}

// pickProfile: the user name when the key is granted it; refused when it
// names a profile the key is not granted; else the key's first profile.
func pickProfile(k Key, user string, known func(string) bool) (string, error) {
	if slices.Contains(k.Profiles, user) {
		return user, nil
	}
	granted := strings.Join(k.Profiles, ", ")
	if granted == "" {
		granted = "none"
	}
	if known != nil && known(user) {
		return "", fmt.Errorf("the key of %s is not granted profile %q (granted: %s)", k.Operator, user, granted)
	}
	if len(k.Profiles) == 0 {
		return "", fmt.Errorf("the key of %s is granted no profile", k.Operator)
	}
	return k.Profiles[0], nil
}

// keyInput counts the operator's keystrokes (what the idle timeout
// measures: redraws do not count).
type keyInput struct {
	r    io.Reader
	last atomic.Int64 // unix nanoseconds of the last read with bytes
}

func (k *keyInput) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.last.Store(time.Now().UnixNano())
	}
	return n, err
}

// runConsole runs the program of one session until it quits, the session
// ends, a limit is reached or the server stops; then it lets the session's
// deletions finish and journal before it returns.
func (s *Server) runConsole(ctx context.Context, sess ssh.Session, key Key,
	prof *Profile, winch <-chan ssh.Window, who string) {
	opts := prof.Options
	var journal *audit.Journal
	if s.cfg.Journal != nil {
		journal = s.cfg.Journal.As(audit.Identity{Operator: key.Operator, SSHClient: sess.RemoteAddr().String(),
			KeyFingerprint: key.Fingerprint, Via: Via})
	} else {
		opts.Notice = joinNotices(opts.Notice, "Deleting is disabled: the server has no deletion journal.")
	}
	deleter := &deletion.Deleter{API: prof.API, Journal: journal, Profile: prof.Name, Site: prof.Site, Via: Via}
	opts.Store = prof.Store
	opts.Deleter = deleter
	opts.Profile = prof.Name
	if key.ReadOnly && !opts.ReadOnly {
		opts.ReadOnly = true
		opts.ReadOnlyReason = "read-only key of " + key.Operator
	}
	r := newRenderer(sess)
	opts.Renderer = r
	opts.DarkBackground = r.HasDarkBackground()
	opts.Clipboard = sess
	opts.Log = log.New(s.log.Writer(), s.log.Prefix()+"["+key.Operator+"] ", s.log.Flags())
	if s.cfg.Concurrency > 0 {
		opts.Concurrency = s.cfg.Concurrency
	}
	m := tui.New(opts)

	in := &keyInput{r: sess}
	in.last.Store(time.Now().UnixNano())
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(sess), tea.WithAltScreen(),
		tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	// Window changes reach the program; the first size is already queued.
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-winch:
				if !ok {
					return
				}
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()

	start := time.Now()
	tick := time.NewTicker(limitTick(s.cfg.IdleTimeout, s.cfg.MaxSession))
	defer tick.Stop()
	var why string
	var runErr error
	stopped := false
loop:
	for {
		select {
		case runErr = <-done:
			break loop
		case <-ctx.Done():
			why = "the connection closed"
		case <-s.stopCh:
			why = "the server is stopping"
			stopped = true
		case now := <-tick.C:
			switch {
			case s.cfg.MaxSession > 0 && now.Sub(start) >= s.cfg.MaxSession:
				why = fmt.Sprintf("the session reached its maximum length (%s)", s.cfg.MaxSession)
			case s.cfg.IdleTimeout > 0 && now.Sub(time.Unix(0, in.last.Load())) >= s.cfg.IdleTimeout:
				why = fmt.Sprintf("no key was pressed for %s", s.cfg.IdleTimeout)
			default:
				continue
			}
		}
		if why != "" {
			runErr = quitProgram(p, done)
			break
		}
	}
	if why != "" {
		s.log.Printf("session of %s ends: %s", who, why)
	}
	// Deletions still in their undo window were never sent: cancelled,
	// journaled as undone.
	cancelWhy := "the session ended before the undo window ended"
	if why != "" {
		cancelWhy = why + ": " + cancelWhy
	}
	if ids := m.CancelPending(cancelWhy); len(ids) > 0 {
		s.log.Printf("session of %s: %d deletions in their undo window cancelled (nothing sent): %v", who, len(ids), ids)
	}
	out := ptyText{sess}
	if why != "" && ctx.Err() == nil {
		fmt.Fprintf(out, "wcadmin serve: %s.\n", why)
	}
	wait := s.cfg.StopWait
	if stopped {
		s.mu.Lock()
		wait -= time.Since(s.stopAt)
		s.mu.Unlock()
	}
	if !m.WaitDeletes(50 * time.Millisecond) {
		if ctx.Err() == nil {
			fmt.Fprintf(out, "wcadmin serve: recording the deletions that were in flight in the journal…\n")
		}
		if !m.WaitDeletes(max(wait, time.Second)) {
			s.log.Printf("session of %s: deletions still in flight after %s", who, wait)
			m.Close()
			if !m.WaitDeletes(2 * time.Second) {
				fmt.Fprintf(out, "wcadmin serve: gave up waiting: check the journal and the store for the customers being deleted\n")
			}
		}
	}
	m.Close()
	if rep := m.Report(); rep.Any() {
		s.log.Printf("session of %s: deleted %d, failed %d, cancelled %d", who, len(rep.Deleted), len(rep.Failed), len(rep.Cancelled))
		if ctx.Err() == nil {
			n := len(rep.Deleted)
			noun := "customers"
			if n == 1 {
				noun = "customer"
			}
			fmt.Fprintf(out, "wcadmin serve: this session deleted %d %s (journal: %s).\n", n, noun, journalPath(journal))
		}
	}
	if runErr != nil && runErr != tea.ErrProgramKilled {
		s.log.Printf("session of %s: console: %v", who, runErr)
	}
	s.log.Printf("session of %s closed", who)
	code := 0
	if why != "" {
		code = 1
	}
	_ = sess.Exit(code)
}

// quitProgram quits the program like the quit key, killing it when it does
// not stop in time (a client that stopped reading).
func quitProgram(p *tea.Program, done <-chan error) error {
	quitSent := make(chan struct{})
	go func() { p.Quit(); close(quitSent) }()
	select {
	case err := <-done:
		return err
	case <-time.After(2 * time.Second):
	}
	p.Kill()
	select {
	case err := <-done:
		return err
	case <-time.After(2 * time.Second):
		return nil
	}
}

// limitTick is how often the limits are checked.
func limitTick(idle, maxLen time.Duration) time.Duration {
	t := time.Second
	for _, d := range []time.Duration{idle, maxLen} {
		if d > 0 && d/4 < t {
			t = max(d/4, 10*time.Millisecond)
		}
	}
	return t
}

// ptyText writes text lines to the client's terminal after the console:
// "\n" becomes "\r\n" (the emulated PTY of the session does it for
// Write already; Stderr is used so the text is not mixed with stdout
// buffers).
type ptyText struct{ sess ssh.Session }

func (w ptyText) Write(b []byte) (int, error) {
	done := make(chan struct{})
	var n int
	var err error
	go func() {
		defer close(done)
		n, err = w.sess.Stderr().Write(b)
	}()
	select {
	case <-done:
		return n, err
	case <-time.After(2 * time.Second):
		return 0, fmt.Errorf("the client does not read")
	}
}

func journalPath(j *audit.Journal) string {
	if j == nil {
		return "none"
	}
	return j.Path()
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

// newRenderer is the session's lipgloss renderer: the colour profile
// follows the client's TERM, COLORTERM and NO_COLOR. The background is not
// queried (a query would wait for an answer some terminals never give and
// could eat the first keys): COLORFGBG decides when the client sends it,
// else dark.
func newRenderer(sess ssh.Session) *lipgloss.Renderer {
	pty, _, _ := sess.Pty()
	env := sessionEnv(append(sess.Environ(), "TERM="+pty.Term))
	var r *lipgloss.Renderer
	if pty.Term == "" || pty.Term == "dumb" {
		r = lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii))
	} else {
		r = lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	}
	r.SetHasDarkBackground(darkFromCOLORFGBG(env.Getenv("COLORFGBG")))
	return r
}

// darkFromCOLORFGBG reads "fg;bg" (rxvt, some others): a light background
// is 7 or 9-15; anything else, or no value, is dark.
func darkFromCOLORFGBG(v string) bool {
	if v == "" {
		return true
	}
	parts := strings.Split(v, ";")
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return true
	}
	return !(bg == 7 || (bg >= 9 && bg <= 15))
}

type sessionEnv []string

func (e sessionEnv) Environ() []string { return e }

func (e sessionEnv) Getenv(k string) string {
	v := ""
	for _, kv := range e { // the last one wins
		if rest, ok := strings.CutPrefix(kv, k+"="); ok {
			v = rest
		}
	}
	return v
}
