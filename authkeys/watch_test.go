package authkeys

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// logBuf collects log lines; safe for concurrent use.
type logBuf struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBuf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logBuf) has(sub string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func shortInterval(t *testing.T, d time.Duration) {
	old := WatchInterval
	WatchInterval = d
	t.Cleanup(func() { WatchInterval = old })
}

// eventually waits up to 5s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatchMissingFile(t *testing.T) {
	_, err := Watch(t.Context(), filepath.Join(t.TempDir(), "nope"), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

func TestWatchPicksUpChanges(t *testing.T) {
	shortInterval(t, 10*time.Millisecond)
	a, b := edKey(t, 1), edKey(t, 2)
	p := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, p, lines(line(a, "", "a"), "junk"))
	var log logBuf
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w, err := Watch(ctx, p, log.logf)
	if err != nil {
		t.Fatal(err)
	}
	if s := w.Current(); len(s.Keys) != 1 {
		t.Fatalf("initial %+v", s)
	}
	if !log.has("authorized_keys line 2 skipped: The line is not an OpenSSH public key") || !log.has("1 keys loaded") {
		t.Fatalf("log:\n%s", log.String())
	}

	// Rewritten in place.
	writeFile(t, p, lines(line(a, "", "a"), line(b, "wcadmin-read-only", "b")))
	eventually(t, "the new key", func() bool { _, ok := w.Current().Lookup(b); return ok })

	// Replaced by rename (as editors and config management do).
	tmp := p + ".new"
	writeFile(t, tmp, lines(line(b, "", "b")))
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the key removal", func() bool { _, ok := w.Current().Lookup(a); return !ok })

	// Removed: the last good set stays.
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the missing file log", func() bool { return log.has("is missing") })
	if _, ok := w.Current().Lookup(b); !ok {
		t.Fatal("the last good set was dropped")
	}
	if err := w.Reload(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Reload of a missing file: %v", err)
	}
	if _, ok := w.Current().Lookup(b); !ok {
		t.Fatal("the last good set was dropped by Reload")
	}

	// Back again.
	writeFile(t, p, lines(line(a, "", "a")))
	eventually(t, "the file's return", func() bool {
		s := w.Current()
		return len(s.Keys) == 1 && s.Keys[0].Operator == "a"
	})

	cancel()
	select {
	case <-w.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher did not stop")
	}
}

func TestWatchLogsRepeatedFailureOnce(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads unreadable files")
	}
	shortInterval(t, 5*time.Millisecond)
	p := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, p, lines(line(edKey(t, 1), "", "a")))
	var log logBuf
	w, err := Watch(t.Context(), p, log.logf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the failure log", func() bool { return log.has("cannot be read") })
	time.Sleep(100 * time.Millisecond)
	if n := strings.Count(log.String(), "cannot be read"); n != 1 {
		t.Errorf("failure logged %d times:\n%s", n, log.String())
	}
	if len(w.Current().Keys) != 1 {
		t.Error("the last good set was dropped")
	}
}

func TestReload(t *testing.T) {
	shortInterval(t, time.Hour) // no polling: only Reload reads
	a, b := edKey(t, 1), edKey(t, 2)
	p := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, p, lines(line(a, "", "a")))
	var log logBuf
	w, err := Watch(t.Context(), p, log.logf)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, lines(line(b, "", "b"), "wcadmin-typo "+line(a, "", "a")))
	if _, ok := w.Current().Lookup(b); ok {
		t.Fatal("changed without a reload")
	}
	if err := w.Reload(); err != nil {
		t.Fatal(err)
	}
	s := w.Current()
	if _, ok := s.Lookup(b); !ok || len(s.Keys) != 1 || len(s.Problems) != 1 {
		t.Fatalf("after Reload: %+v", s)
	}
	if !log.has("authorized_keys line 2 skipped: The option \"wcadmin-typo\" is not a wcadmin option") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestCurrentConcurrent(t *testing.T) {
	shortInterval(t, time.Millisecond)
	keys := []string{line(edKey(t, 1), "", "a"), line(edKey(t, 2), "", "b")}
	p := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, p, lines(keys[0]))
	w, err := Watch(t.Context(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := w.Current()
				if len(s.Keys) != 1 {
					t.Errorf("a set with %d keys", len(s.Keys))
					return
				}
				_ = s.Keys[0].Operator
			}
		})
	}
	for i := range 50 {
		// Replace the file atomically: an in-place rewrite can be read
		// half-written (and is read again at the next poll).
		writeFile(t, p+".tmp", lines(keys[i%2]))
		if err := os.Rename(p+".tmp", p); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			if err := w.Reload(); err != nil {
				t.Error(err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
}
