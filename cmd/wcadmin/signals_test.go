package main

import (
	"bytes"
	"io"
	"log"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestSignalExitCode(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{
		{syscall.SIGHUP, "SIGHUP", 129},
		{syscall.SIGINT, "SIGINT", 130},
		{syscall.SIGTERM, "SIGTERM", 143},
	} {
		e := signalExit{tc.sig}
		if got := e.code(); got != tc.code {
			t.Errorf("%s: exit status %d, want %d", tc.name, got, tc.code)
		}
		if got := signalName(tc.sig); got != tc.name {
			t.Errorf("signalName(%v) = %q, want %q", tc.sig, got, tc.name)
		}
	}
}

// idleModel does nothing until the program quits.
type idleModel struct{ updates *atomic.Int64 }

func (m idleModel) Init() tea.Cmd                       { return func() tea.Msg { return "started" } }
func (m idleModel) Update(tea.Msg) (tea.Model, tea.Cmd) { m.updates.Add(1); return m, nil }
func (m idleModel) View() string                        { return "idle" }

// lockedBuffer is a log destination safe for concurrent writes and reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A quit signal ends the program: the quit is taken first, then the
// model's requests are cancelled, and the signal is recorded and logged.
// Not parallel: it signals the test process itself.
func TestRunProgramQuitsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		t.Run(signalName(sig), func(t *testing.T) {
			var logBuf lockedBuffer
			debug := log.New(&logBuf, "", 0)
			var updates atomic.Int64
			p := tea.NewProgram(idleModel{&updates}, tea.WithInput(nil), tea.WithOutput(io.Discard),
				tea.WithoutSignalHandler())
			w := watchSignals(debug)
			defer w.stop()
			var cancelled atomic.Bool
			done := make(chan error, 1)
			go func() { done <- runProgram(p, func() { cancelled.Store(true) }, w, debug) }()
			// The program is running once it has handled a message.
			deadline := time.Now().Add(5 * time.Second)
			for updates.Load() == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("runProgram: %v, want a clean quit", err)
				}
			case <-time.After(3 * quitStepWait):
				t.Fatal("runProgram did not return after the signal")
			}
			if !cancelled.Load() {
				t.Error("the model's requests were not cancelled")
			}
			if got := w.caught(); got != sig {
				t.Errorf("caught %v, want %v", got, sig)
			}
			if want := "signal: " + signalName(sig); !strings.Contains(logBuf.String(), want) {
				t.Errorf("debug log %q lacks %q", logBuf.String(), want)
			}
		})
	}
}
