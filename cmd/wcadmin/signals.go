package main

import (
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// quitSignals end the console like a quit: SIGHUP (the SSH connection
// dropped), SIGTERM (kill, systemd, a closing tmux) and SIGINT from outside
// (in the console ctrl+c is a key, not a signal). Bubble Tea's own handler
// (SIGINT and SIGTERM only) is turned off so that one place decides, and
// SIGHUP no longer kills the process with deletions in flight.
//
// After a quit signal nothing new is sent, deletions in flight finish their
// follow-up check and journal their outcome (bounded by signalDeleteWait),
// the exit summary is printed on stderr and the process exits with status
// 128+signal number (129 SIGHUP, 130 SIGINT, 143 SIGTERM), as a shell
// reports a process killed by that signal. Further signals are logged and
// otherwise ignored until then; SIGKILL remains the way to stop at once.
var quitSignals = []os.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT}

const (
	// signalDeleteWait bounds the wait for deletions in flight after a
	// signal: whoever sent it is waiting too.
	signalDeleteWait = 15 * time.Second
	// quitStepWait bounds each step of stopping the program after a signal.
	// The terminal may be gone (hang-up): writing to it then fails at once,
	// but a terminal that stopped reading (flow control) could block a
	// write forever, so every step has a deadline and the last one leaves
	// the program behind.
	quitStepWait = 2 * time.Second
)

// signalWatch records the quit signals received while the console runs.
type signalWatch struct {
	ch    chan os.Signal
	log   *log.Logger
	first chan struct{} // closed at the first signal
	done  chan struct{} // closed when the watch goroutine ends

	mu  sync.Mutex
	sig os.Signal
}

// watchSignals starts catching quitSignals; stop ends it.
func watchSignals(debug *log.Logger) *signalWatch {
	w := &signalWatch{ch: make(chan os.Signal, 4), log: debug, first: make(chan struct{}), done: make(chan struct{})}
	signal.Notify(w.ch, quitSignals...)
	go func() {
		defer close(w.done)
		for s := range w.ch {
			w.mu.Lock()
			first := w.sig == nil
			if first {
				w.sig = s
			}
			w.mu.Unlock()
			if !first {
				debug.Printf("signal: %s (already quitting)", signalName(s))
				continue
			}
			// Logged before anyone is told, so the log always has it.
			debug.Printf("signal: %s", signalName(s))
			close(w.first)
		}
	}()
	return w
}

// stop restores the default action of the signals (Notify guarantees no
// delivery after signal.Stop returns, so the channel can be closed).
func (w *signalWatch) stop() {
	signal.Stop(w.ch)
	close(w.ch)
	<-w.done
}

// caught is the first quit signal received, or nil.
func (w *signalWatch) caught() os.Signal {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sig
}

// signalName is the conventional name ("SIGHUP") of the quit signals.
func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return s.String()
}

// signalExit is runConsole's error after a quit signal: main exits with
// 128+signal number and prints nothing more (runConsole already said why).
type signalExit struct{ sig os.Signal }

func (e signalExit) Error() string { return "stopped by " + signalName(e.sig) }

// code is the exit status: 128+signal number.
func (e signalExit) code() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// runProgram runs p until the operator quits or a quit signal arrives. On a
// signal it quits the program the way a quit key does (the event loop ends,
// so no new request is dispatched; the renderer restores the terminal),
// then cancels the model's requests (cancel is the model's Close: a
// deletion cut off still runs its follow-up check on a context of its own
// and journals the outcome). If
// the program does not stop in time it is killed, and if even that hangs
// (a terminal that blocks writes) it is left behind: the caller still waits
// for the deletions and exits.
func runProgram(p *tea.Program, cancel func(), w *signalWatch, debug *log.Logger) error {
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-w.first:
	}

	// Quit first, cancel second: the model must see the quit before the
	// answers of cancelled requests, or a bulk run would dispatch the next
	// customer on the way out.
	quitSent := make(chan struct{})
	go func() {
		p.Quit() // returns once the event loop took it, or the program ended
		close(quitSent)
	}()
	select {
	case err := <-done:
		cancel()
		return err
	case <-quitSent:
	case <-time.After(quitStepWait):
		debug.Printf("signal: the console did not take the quit within %s", quitStepWait)
	}
	cancel()
	select {
	case err := <-done:
		return err
	case <-time.After(quitStepWait):
	}
	debug.Printf("signal: the console did not stop within %s: killing it", quitStepWait)
	p.Kill()
	select {
	case err := <-done:
		return err
	case <-time.After(quitStepWait):
		debug.Printf("signal: the terminal does not respond: leaving it as it is")
		return nil
	}
}

// stderrWriteTimeout bounds a message written to stderr after the program:
// after a hang-up the terminal is gone (writes fail at once), but a stopped
// one could block.
const stderrWriteTimeout = 2 * time.Second

// writeStderr writes s to stderr, giving up after stderrWriteTimeout.
func writeStderr(s string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = fmt.Fprint(os.Stderr, s)
	}()
	select {
	case <-done:
	case <-time.After(stderrWriteTimeout):
	}
}
