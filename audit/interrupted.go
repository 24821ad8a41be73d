package audit

import (
	"fmt"
	"time"
)

// RemoteGrace is how old an open attempt written on another machine (or by
// a wcadmin that did not record its process id) must be before it counts as
// interrupted: its process cannot be asked whether it still runs.
const RemoteGrace = 10 * time.Minute

// Interrupted returns the attempts for site (Entry.Site exactly) that have an
// intent and no outcome, and whose writer is gone: its process no longer runs
// on this machine; or, for this process, the attempt is not in flight here;
// or, written elsewhere, the intent is older than RemoteGrace. It reads the
// live file and the one before it (an attempt cannot span more) under the
// journal's lock.
func (j *Journal) Interrupted(site string) ([]Attempt, error) {
	lines, err := j.recentLines()
	if err != nil {
		return nil, err
	}
	now := j.now()
	var out []Attempt
	for _, a := range Attempts(lines) {
		if !a.IsOpen() || a.Intent.Site != site {
			continue
		}
		if j.inProgress(*a.Intent, now) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// inProgress reports whether the writer of an intent may still be working on it.
func (j *Journal) inProgress(intent Entry, now time.Time) bool {
	switch {
	case intent.PID == j.pid && intent.Host == j.host:
		_, ok := inflight.Load(intent.Attempt)
		return ok
	case intent.PID > 0 && intent.Host == j.host:
		return processRuns(intent.PID)
	default:
		return now.Sub(intent.Time) < RemoteGrace
	}
}

// AppendIfOpen appends e, a line ending the attempt e.Attempt, unless that
// attempt already has an outcome or skipped line: then it returns false and
// writes nothing (another process settled it first). The check and the
// append happen under one hold of the lock.
func (j *Journal) AppendIfOpen(e Entry) (bool, error) {
	if j == nil {
		return false, fmt.Errorf("audit: no journal")
	}
	if e.Attempt == "" {
		return false, fmt.Errorf("audit: AppendIfOpen needs an attempt id")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return false, ErrClosed
	}
	if err := j.lock(); err != nil {
		return false, fmt.Errorf("audit: lock journal %s: %w", j.path, err)
	}
	defer j.unlock()
	lines, err := j.recentLinesLocked()
	if err != nil {
		return false, err
	}
	for _, l := range lines {
		if l.Entry.Attempt == e.Attempt && (l.Entry.Phase == PhaseOutcome || l.Entry.Phase == PhaseSkipped) {
			return false, nil
		}
	}
	return true, j.appendLocked(e)
}

// recentLines reads the live file and the one before it under the lock.
func (j *Journal) recentLines() ([]Line, error) {
	if j == nil {
		return nil, fmt.Errorf("audit: no journal")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	if err := j.lock(); err != nil {
		return nil, fmt.Errorf("audit: lock journal %s: %w", j.path, err)
	}
	defer j.unlock()
	return j.recentLinesLocked()
}

func (j *Journal) recentLinesLocked() ([]Line, error) {
	files, err := Files(j.path)
	if err != nil {
		return nil, err
	}
	if len(files) > 2 {
		files = files[len(files)-2:]
	}
	var s Set
	for _, f := range files {
		if err := readLines(f, &s); err != nil {
			return nil, fmt.Errorf("audit: read journal: %w", err)
		}
	}
	return s.Lines, nil
}
