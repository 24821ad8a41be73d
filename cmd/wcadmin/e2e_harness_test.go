package main

// End-to-end harness: the real wcadmin binary, built once per test run, runs
// in a real terminal (a tmux pane on a private socket) against an apitest
// store over real HTTP. Tests type keys with send-keys, read the screen with
// capture-pane and inspect what reached the store.
//
// Rules for tests built on it:
//   - Never assert after a fixed sleep: wait for what the screen shows
//     (waitFor, waitUntil) or for the store (waitStore).
//   - Every send waits until the console has consumed what was sent. The
//     console always runs with --debug-log in its private directory, and
//     after each key message it handles it logs "keys consumed: N (mode M)",
//     N counting runes for typed or pasted text and 1 for any other key.
//     The harness counts what it sent (a named key or single character: 1;
//     sendLiteral and sendPaste: the rune count) and waits for N to reach
//     it. So two sends never reach the console in one read, where Bubble
//     Tea v1 would deliver them as one multi-rune key ("nq" is neither n
//     nor q). To test exactly that, send the runes in one sendLiteral.
//   - Still wait for the visible effect of a key before asserting on it:
//     consumed is not yet rendered, and a command the key started may still
//     be running.
//   - A key that ends wcadmin is sent with quit (or sendKeysNoWait followed
//     by waitExit): nothing consumes keys after the exit. A send to an
//     exited console does not wait; the next waitFor reports the exit.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

const (
	termWidth, termHeight = 100, 30
	// waitTimeout bounds every wait; a healthy run needs a fraction of it.
	waitTimeout = 5 * time.Second
	pollEvery   = 50 * time.Millisecond
	testToken   = "tok"
)

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// wcadminBinary builds the binary from this package once per test run.
// WCADMIN_E2E_RACE=1 builds it with the race detector.
func wcadminBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "wcadmin-e2e-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "wcadmin")
		args := []string{"build", "-o", binPath}
		if os.Getenv("WCADMIN_E2E_RACE") == "1" {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// needTmux skips without tmux, except in CI, which must have it.
func needTmux(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required for the end-to-end tests in CI: install it")
		}
		t.Skip("tmux not installed: skipping end-to-end test")
	}
	return p
}

// startStore serves a fresh store for one test and closes it at the end.
func startStore(t *testing.T, opts apitest.Options) (*apitest.Store, *apitest.Server) {
	t.Helper()
	store := apitest.New(opts)
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return store, srv
}

// defaultStore is the store most tests use: shape B, 60 customers, token "tok".
func defaultStore(t *testing.T) (*apitest.Store, *apitest.Server) {
	return startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 60, Token: testToken})
}

// consoleEnv is the environment of a console pointed at srv with a good token.
func consoleEnv(srv *apitest.Server) map[string]string {
	return map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": testToken}
}

// console is one wcadmin process in its own tmux server.
type console struct {
	t      *testing.T
	tmux   string
	sock   string
	target string
	home   string
	dir    string // private; debugLogPath lives here
	dumped string // the last screen already printed in a failure
	// Key accounting (see the rules above). trackKeys is false when the
	// console does not log consumed keys (a subcommand runs instead).
	trackKeys bool
	keysSent  int
	consumed  int    // the last "keys consumed" count read from the log
	mode      string // the mode that line named
	logOff    int64  // how far the debug log has been read
	// ttyAfterExit is "cooked" when wcadmin left its terminal in canonical
	// mode with echo, else "raw"; set by waitExit.
	ttyAfterExit string
}

// startConsole runs the binary with args in a fresh 100x30 tmux pane. The
// process sees only a controlled environment: HOME and the XDG directories
// in a temporary directory, TERM=xterm-256color, plus env.
func startConsole(t *testing.T, env map[string]string, args ...string) *console {
	t.Helper()
	return launch(t, env, false, args)
}

// holdExitMarker is what startConsoleHeld prints once wcadmin has exited.
const holdExitMarker = "wcadmin exited"

// startConsoleHeld is startConsole, but once wcadmin exits the pane prints
// "wcadmin exited" and stays alive, so the terminal modes wcadmin left
// behind (cursor, alternate screen, mouse) can be read: tmux resets some of
// them once a pane is dead.
func startConsoleHeld(t *testing.T, env map[string]string, args ...string) *console {
	t.Helper()
	return launch(t, env, true, args)
}

func launch(t *testing.T, env map[string]string, hold bool, args []string) *console {
	t.Helper()
	tmux := needTmux(t)
	bin := wcadminBinary(t)

	// A short private directory: socket paths are limited to ~104 bytes.
	dir, err := os.MkdirTemp("", "wce2e-")
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	for _, d := range []string{home, filepath.Join(home, ".config"), filepath.Join(home, ".local", "state"), filepath.Join(home, ".cache")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	c := &console{
		t:      t,
		tmux:   tmux,
		sock:   filepath.Join(dir, "sock"),
		target: "e2e:0.0",
		home:   home,
		dir:    dir,
	}
	// Options must be in place before the pane starts: remain-on-exit keeps
	// the final screen and the exit status readable.
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte(strings.Join([]string{
		"set -g remain-on-exit on",
		"set -g default-terminal xterm-256color",
		"set -g status off",
		"set -g history-limit 0",
		"",
	}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Reports of a race-enabled binary: races in wcadmin fail the test
		// even when it quit with another status or was killed.
		reports, _ := filepath.Glob(filepath.Join(dir, "race.*"))
		for _, r := range reports {
			if b, err := os.ReadFile(r); err == nil && len(b) > 0 {
				t.Errorf("the race detector reported a data race in wcadmin:\n%s", b)
			}
		}
		if t.Failed() {
			if s := c.screenOrErr(); s != c.dumped {
				t.Logf("last screen:\n%s", dumpScreen(s))
			}
			if b, err := os.ReadFile(c.debugLogPath()); err == nil && len(b) > 0 {
				t.Logf("debug log (%s):\n%s", c.keyState(), tailLines(b, debugLogTail))
			}
		}
		// Kill only this test's server (its private socket), then its files.
		_ = c.command("kill-server").Run()
		os.RemoveAll(dir)
	})

	penv := map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local", "state"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"TERM":            "xterm-256color",
		"LANG":            "C.UTF-8",
		"PATH":            "/usr/bin:/bin",
		// A race-enabled binary (WCADMIN_E2E_RACE=1) reports data races
		// here; the test fails on any (see the cleanup above). Its default
		// 1 s sleep at exit would count against the quit-latency tests.
		"GORACE": "log_path=" + filepath.Join(dir, "race") + " atexit_sleep_ms=0",
	}
	for k, v := range env {
		penv[k] = v
	}
	// env -i: the pane must not inherit the tmux server's environment.
	cmdline := []string{"env", "-i"}
	for k, v := range penv {
		cmdline = append(cmdline, k+"="+v)
	}
	// A shell runs wcadmin and records its exit status and the tty mode it
	// left in a file. The file, not tmux's #{pane_dead_status}, is the
	// source of truth: tmux 3.3a (at least in some sandboxes) sometimes never
	// reaps the pane's process, leaving the status unknown.
	script := `"$0" "$@"; s=$?; m=cooked; ` +
		`stty -a | grep -qw -- -icanon && m=raw; stty -a | grep -qw -- -echo && m=raw; ` +
		`echo "$s $m" >'` + c.statusPath() + `.tmp' && mv '` + c.statusPath() + `.tmp' '` + c.statusPath() + `'; `
	if hold {
		script += `printf '\n` + holdExitMarker + `\n'; exec sleep 600`
	} else {
		script += `exit "$s"`
	}
	cmdline = append(cmdline, "/bin/sh", "-c", script, bin)
	for _, a := range args {
		cmdline = append(cmdline, strings.ReplaceAll(a, debugLogArg, c.debugLogPath()))
	}
	// The console always logs, so the harness can see which keys it consumed.
	c.trackKeys = len(args) == 0 || strings.HasPrefix(args[0], "-")
	if c.trackKeys && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--debug-log") }) {
		cmdline = append(cmdline, "--debug-log="+c.debugLogPath())
	}
	// Deletions are sent at once unless a test asks for the undo window
	// (e2e_undo_test.go): the other tests wait for their effects within
	// waitTimeout. A protected profile keeps its own floor (protectedEnv
	// sets undo_window = "0s").
	if c.trackKeys && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--undo-window") }) {
		cmdline = append(cmdline, "--undo-window=0")
	}

	start := append([]string{"-f", conf, "new-session", "-d", "-s", "e2e",
		"-x", strconv.Itoa(termWidth), "-y", strconv.Itoa(termHeight), "--"}, cmdline...)
	if out, err := c.command(start...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return c
}

// debugLogArg in an argument of startConsole stands for debugLogPath, e.g.
// "--debug-log="+debugLogArg; the log is dumped when the test fails.
const debugLogArg = "{DEBUG_LOG}"

func (c *console) debugLogPath() string { return filepath.Join(c.dir, "debug.log") }

// statusPath receives "<exit status> <cooked|raw>" when wcadmin exits.
func (c *console) statusPath() string { return filepath.Join(c.dir, "exit-status") }

// command is a tmux client call on this console's private socket, with a
// minimal environment so the user's tmux (TMUX, config) is never involved.
func (c *console) command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.tmux, append([]string{"-u", "-S", c.sock}, args...)...)
	cmd.Env = []string{"HOME=" + c.home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	return cmd
}

func (c *console) run(args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := c.command(args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// sendKeys sends tmux key names (Enter, Escape, Down, DC, C-c, M-x...) or
// single characters, one send-keys call per key, and waits after each until
// the console has consumed it. Text goes through sendLiteral.
func (c *console) sendKeys(keys ...string) {
	c.t.Helper()
	for _, k := range keys {
		c.sendKeysNoWait(k)
		c.waitConsumed(fmt.Sprintf("key %s", k))
	}
}

// sendKeysNoWait sends one key like sendKeys without waiting for it: for a
// key that ends wcadmin (then waitExit).
func (c *console) sendKeysNoWait(k string) {
	c.t.Helper()
	if _, err := c.run("send-keys", "-t", c.target, k); err != nil {
		c.t.Fatal(err)
	}
	c.keysSent++ // a key name or a single character: one key message
}

// sendLiteral types s as literal text in one write: the console reads it at
// once, as Bubble Tea v1's single multi-rune key if it is printable.
func (c *console) sendLiteral(s string) {
	c.t.Helper()
	if _, err := c.run("send-keys", "-t", c.target, "-l", s); err != nil {
		c.t.Fatal(err)
	}
	c.keysSent += utf8.RuneCountInString(s)
	c.waitConsumed(fmt.Sprintf("literal %q", s))
}

// sendPaste pastes s the way a terminal pastes: wrapped in bracketed-paste
// sequences (wcadmin enables bracketed paste), so it arrives as one pasted
// key message. tmux turns each LF into CR on the way.
func (c *console) sendPaste(s string) {
	c.t.Helper()
	if _, err := c.run("set-buffer", "-b", "e2e", "--", s); err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.run("paste-buffer", "-p", "-d", "-b", "e2e", "-t", c.target); err != nil {
		c.t.Fatal(err)
	}
	c.keysSent += utf8.RuneCountInString(s)
	c.waitConsumed(fmt.Sprintf("paste %q", s))
}

// consumedLine is the console's debug log line after each key message.
var consumedLine = regexp.MustCompile(`keys consumed: (\d+)(?: \(mode ([^)]*)\))?`)

// readConsumed updates c.consumed from the complete lines the debug log got
// since the last call.
func (c *console) readConsumed() int {
	f, err := os.Open(c.debugLogPath())
	if err != nil {
		return c.consumed
	}
	defer f.Close()
	if _, err := f.Seek(c.logOff, io.SeekStart); err != nil {
		return c.consumed
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return c.consumed
	}
	end := bytes.LastIndexByte(b, '\n')
	if end < 0 {
		return c.consumed
	}
	c.logOff += int64(end + 1)
	if ms := consumedLine.FindAllSubmatch(b[:end+1], -1); len(ms) > 0 {
		last := ms[len(ms)-1]
		if n, err := strconv.Atoi(string(last[1])); err == nil {
			c.consumed, c.mode = n, string(last[2])
		}
	}
	return c.consumed
}

func (c *console) exited() bool {
	_, err := os.Stat(c.statusPath())
	return err == nil
}

// waitConsumed waits until the console has consumed every key sent so far.
// It returns at once when wcadmin has exited (nothing will consume them).
func (c *console) waitConsumed(what string) {
	c.t.Helper()
	if !c.trackKeys {
		return
	}
	deadline := time.Now().Add(waitTimeout)
	for c.readConsumed() < c.keysSent {
		if c.exited() {
			return
		}
		if time.Now().After(deadline) {
			s := c.screenOrErr()
			c.dumped = s
			c.t.Fatalf("timed out after %s waiting for the console to consume %s (%s); screen:\n%s",
				waitTimeout, what, c.keyState(), dumpScreen(s))
		}
		time.Sleep(pollEvery / 5)
	}
}

// keyState is the key accounting for failure messages.
func (c *console) keyState() string {
	return fmt.Sprintf("keys sent %d, consumed %d, mode %q", c.keysSent, c.readConsumed(), c.mode)
}

// modeAfterKeys is the mode the console reported after the last key it
// consumed ("browse", "confirm"...): what a key did, before any redraw.
func (c *console) modeAfterKeys() string {
	c.readConsumed()
	return c.mode
}

// debugLogTail is how many lines of the debug log a failure prints.
const debugLogTail = 150

// tailLines is the last n lines of b.
func tailLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return fmt.Sprintf("[%d earlier lines]\n%s", len(lines)-n, strings.Join(lines[len(lines)-n:], "\n"))
}

// resize sets the pane to w x h cells (the console gets a SIGWINCH).
func (c *console) resize(w, h int) {
	c.t.Helper()
	if _, err := c.run("resize-window", "-t", c.target, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)); err != nil {
		c.t.Fatal(err)
	}
	if got, want := c.format("#{pane_width}x#{pane_height}"), fmt.Sprintf("%dx%d", w, h); got != want {
		c.t.Fatalf("tmux pane is %s after resize-window, want %s", got, want)
	}
}

// screen is the visible pane as plain text, trailing blanks trimmed.
func (c *console) screen() string {
	c.t.Helper()
	s, err := c.run("capture-pane", "-p", "-t", c.target)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

func (c *console) screenOrErr() string {
	s, err := c.run("capture-pane", "-p", "-t", c.target)
	if err != nil {
		return err.Error()
	}
	return s
}

// dumpScreen frames a screen for a failure message, without trailing blank
// lines.
func dumpScreen(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
	for i, l := range lines {
		lines[i] = "| " + l
	}
	return strings.Join(lines, "\n")
}

// waitUntil polls the screen until ok accepts it and returns that screen; on
// timeout the test fails with the last screen.
func (c *console) waitUntil(what string, ok func(screen string) bool) string {
	c.t.Helper()
	return c.waitUntilWithin(waitTimeout, what, ok)
}

// waitUntilWithin is waitUntil with its own timeout, for steps that wait
// on purpose (backoff, a slow store).
func (c *console) waitUntilWithin(timeout time.Duration, what string, ok func(screen string) bool) string {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	var exitedAt time.Time
	for {
		s := c.screen()
		if ok(s) {
			return s
		}
		// Fail fast once wcadmin has been gone for a moment: nothing more
		// will change (the grace covers what is printed after it exits).
		if exitedAt.IsZero() {
			if _, err := os.Stat(c.statusPath()); err == nil {
				exitedAt = time.Now()
			}
		} else if time.Since(exitedAt) > time.Second {
			b, _ := os.ReadFile(c.statusPath())
			code, mode, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
			c.dumped = s
			c.t.Fatalf("wcadmin exited with status %s (tty %s) while waiting for %s; screen:\n%s",
				code, mode, what, dumpScreen(s))
		}
		if time.Now().After(deadline) {
			c.dumped = s
			c.t.Fatalf("timed out after %s waiting for %s; screen:\n%s", timeout, what, dumpScreen(s))
		}
		time.Sleep(pollEvery)
	}
}

// waitFor waits until the screen contains every one of subs.
func (c *console) waitFor(subs ...string) string {
	c.t.Helper()
	return c.waitUntil(fmt.Sprintf("%q on screen", subs), func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	})
}

// waitGone waits until the screen no longer contains sub.
func (c *console) waitGone(sub string) string {
	c.t.Helper()
	return c.waitUntil(fmt.Sprintf("%q to leave the screen", sub), func(s string) bool {
		return !strings.Contains(s, sub)
	})
}

// waitSelected waits until the cursor marker is on the row of id.
func (c *console) waitSelected(id int64) string {
	c.t.Helper()
	return c.waitUntil(fmt.Sprintf("the cursor on customer %d", id), func(s string) bool {
		r, ok := selectedRow(s)
		return ok && r.id == id
	})
}

// format reads one tmux format (e.g. #{pane_dead}) of the pane.
func (c *console) format(f string) string {
	c.t.Helper()
	s, err := c.run("display-message", "-p", "-t", c.target, f)
	if err != nil {
		c.t.Fatal(err)
	}
	return strings.TrimSpace(s)
}

// waitExit waits for wcadmin to end and returns its exit status (128+n
// when killed by signal n); it also sets ttyAfterExit.
func (c *console) waitExit() int {
	c.t.Helper()
	return c.waitExitWithin(waitTimeout)
}

// waitExitWithin is waitExit with its own timeout.
func (c *console) waitExitWithin(timeout time.Duration) int {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if b, err := os.ReadFile(c.statusPath()); err == nil {
			code, mode, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
			n, err := strconv.Atoi(code)
			if err != nil {
				c.t.Fatalf("bad exit status record %q", b)
			}
			c.ttyAfterExit = mode
			return n
		}
		if time.Now().After(deadline) {
			s := c.screen()
			c.dumped = s
			c.t.Fatalf("timed out after %s waiting for wcadmin to exit; screen:\n%s", timeout, dumpScreen(s))
		}
		time.Sleep(pollEvery)
	}
}

// quit presses key and checks that wcadmin exits with status 0, leaving the
// terminal in canonical mode with echo.
func (c *console) quit(key string) {
	c.t.Helper()
	c.sendKeysNoWait(key)
	if code := c.waitExit(); code != 0 {
		c.t.Errorf("wcadmin exited with status %d after %s, want 0", code, key)
	}
	if c.ttyAfterExit != "cooked" {
		c.t.Errorf("wcadmin left the terminal %s (want canonical mode with echo)", c.ttyAfterExit)
	}
}

// row is one customer row of the table as shown.
type row struct {
	selected bool
	marked   bool
	id       int64
	text     string // the whole line
}

// rowLine matches a customer row: the cursor "▶" or a blank, an optional
// mark "●", blanks, then the numeric id as the first column.
var rowLine = regexp.MustCompile(`^(▶| )(●| ) (\d+)(\s|$)`)

// rows parses the customer rows on screen.
func rows(screen string) []row {
	var out []row
	for _, line := range strings.Split(screen, "\n") {
		m := rowLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		id, err := strconv.ParseInt(m[3], 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		out = append(out, row{selected: m[1] == "▶", marked: m[2] == "●", id: id, text: line})
	}
	return out
}

func selectedRow(screen string) (row, bool) {
	for _, r := range rows(screen) {
		if r.selected {
			return r, true
		}
	}
	return row{}, false
}

func findRow(screen string, id int64) (row, bool) {
	for _, r := range rows(screen) {
		if r.id == id {
			return r, true
		}
	}
	return row{}, false
}

// statusLine is the status message: the lines just above the help line (the
// last line), which wraps onto up to three lines; joined with spaces.
func statusLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	var block []string
	for i := len(lines) - 2; i >= 0 && len(block) < 3; i-- {
		l := strings.TrimRight(lines[i], " ")
		if l == "" || rowLine.MatchString(l) || strings.HasPrefix(l, "│") || strings.HasPrefix(l, "╰") {
			break
		}
		block = append([]string{l}, block...)
	}
	return strings.Join(block, " ")
}

// customerEmail is the email the store serves for id ("" for null).
func customerEmail(t *testing.T, store *apitest.Store, id int64) string {
	t.Helper()
	rec, ok := store.Record(id)
	if !ok {
		t.Fatalf("store has no customer %d", id)
	}
	s, _ := rec["email"].(string)
	return s
}

// fitsCells reports whether s is short enough to be shown untruncated in a
// column of n cells (ASCII-ish text; good enough to decide what to assert).
func fitsCells(s string, n int) bool { return utf8.RuneCountInString(s) <= n }

// waitStore polls the store until ok holds, failing after the timeout.
func waitStore(t *testing.T, what string, ok func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %s waiting for the store: %s", waitTimeout, what)
		case <-time.After(pollEvery):
		}
	}
}

// deleteRequests are the DELETE requests the store received.
func deleteRequests(store *apitest.Store) []apitest.Request {
	var out []apitest.Request
	for _, r := range store.Requests() {
		if r.Method == "DELETE" {
			out = append(out, r)
		}
	}
	return out
}

// wcadminPID is the pid of the wcadmin process: the pane runs a shell that
// runs wcadmin as its child (Linux: read from /proc).
func (c *console) wcadminPID() int {
	c.t.Helper()
	pane, err := strconv.Atoi(c.format("#{pane_pid}"))
	if err != nil {
		c.t.Fatalf("pane_pid: %v", err)
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		procs, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, p := range procs {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			// "pid (comm) state ppid ...": comm may hold spaces and parens.
			i := bytes.LastIndexByte(b, ')')
			j := bytes.IndexByte(b, '(')
			if i < 0 || j < 0 {
				continue
			}
			f := strings.Fields(string(b[i+1:]))
			if len(f) < 2 || string(b[j+1:i]) != "wcadmin" {
				continue
			}
			if ppid, _ := strconv.Atoi(f[1]); ppid == pane {
				pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:j])))
				return pid
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no wcadmin process under the pane's shell (pid %d)", pane)
		}
		time.Sleep(pollEvery)
	}
}

// processGone reports whether pid has ended (gone, or a zombie nobody reaped).
func processGone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	return len(f) > 0 && (f[0] == "Z" || f[0] == "X")
}

// journalPath is the console's default deletion journal.
func (c *console) journalPath() string {
	return filepath.Join(c.home, ".local", "state", "wcadmin", "audit.jsonl")
}
