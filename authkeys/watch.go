package authkeys

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wcadmin/wcadmin/termtext"
)

// WatchInterval is how often a Watcher checks whether its file changed
// (modification time, size, identity). It is read when Watch is called;
// tests shorten it.
var WatchInterval = 2 * time.Second

// Watcher keeps the current Set of a file: re-read on SIGHUP and when the
// file changes (polled every WatchInterval). A reload that cannot read the
// file keeps the last good Set.
type Watcher struct {
	path string
	logf func(format string, args ...any)

	cur atomic.Pointer[Set]

	mu      sync.Mutex  // serialises reloads
	stamp   os.FileInfo // what the file looked like before the last read; nil if it could not be stat'ed
	lastErr string      // the last reload error logged, to log a lasting failure once

	done chan struct{} // closed when the watch goroutine has returned
}

// Watch loads the file at path (which must succeed) and keeps it current
// until ctx is done: it is re-read when SIGHUP arrives and when the file
// changes. logf (may be nil) receives each skipped line with its number, the
// number of keys loaded, and reload failures.
func Watch(ctx context.Context, path string, logf func(format string, args ...any)) (*Watcher, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	w := &Watcher{path: path, logf: logf, done: make(chan struct{})}
	if err := w.load(true); err != nil {
		return nil, err
	}
	interval := WatchInterval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP) // before returning, so SIGHUP never kills the server
	go w.run(ctx, hup, interval)
	return w, nil
}

// Current returns the Set in effect. It is safe for concurrent use; the Set
// must not be modified.
func (w *Watcher) Current() Set {
	return *w.cur.Load()
}

// Reload re-reads the file now. On failure the last good Set is kept (and
// the failure logged) and the error returned.
func (w *Watcher) Reload() error {
	return w.load(true)
}

func (w *Watcher) run(ctx context.Context, hup chan os.Signal, interval time.Duration) {
	defer close(w.done)
	defer signal.Stop(hup)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			w.logf("authorized_keys: SIGHUP, re-reading %s", w.name())
			_ = w.load(true)
		case <-t.C:
			if w.changed() {
				_ = w.load(false)
			}
		}
	}
}

// changed reports whether the file looks different from when it was last
// read (or became unreadable, or readable again).
func (w *Watcher) changed() bool {
	fi, err := os.Stat(w.path)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil || w.stamp == nil {
		return (err == nil) != (w.stamp != nil)
	}
	return !os.SameFile(fi, w.stamp) || !fi.ModTime().Equal(w.stamp.ModTime()) ||
		fi.Size() != w.stamp.Size() || fi.Mode() != w.stamp.Mode()
}

// load reads the file and, if it could, makes it the current Set. A failure
// is logged unless it is the same as the last one and the load was not
// asked for (a poll retrying an unreadable file).
func (w *Watcher) load(explicit bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	// Stat before reading: a change while reading leaves a stamp older than
	// the file, so the next poll reads it again.
	fi, err := os.Stat(w.path)
	var s Set
	if err == nil {
		s, err = Load(w.path)
	}
	if err != nil {
		w.stamp = nil
		if prev := w.cur.Load(); prev != nil {
			if msg := err.Error(); explicit || msg != w.lastErr {
				w.lastErr = msg
				what := "cannot be read"
				if errors.Is(err, fs.ErrNotExist) {
					what = "is missing"
				}
				w.logf("authorized_keys: %s %s (%s); keeping the %d keys loaded before",
					w.name(), what, termtext.Clean(msg), len(prev.Keys))
			}
		}
		return err
	}
	w.stamp = fi
	w.lastErr = ""
	for _, p := range s.Problems {
		w.logf("authorized_keys line %d skipped: %s", p.Line, p.Msg)
	}
	for _, p := range s.Warnings {
		w.logf("authorized_keys line %d: %s", p.Line, p.Msg)
	}
	w.logf("authorized_keys: %d keys loaded from %s", len(s.Keys), w.name())
	w.cur.Store(&s)
	return nil
}

func (w *Watcher) name() string { return termtext.Clean(w.path) }
