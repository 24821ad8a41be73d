package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// RemoteGrace is how old an open attempt written on another machine (or by
// a wcadmin that did not record its process id) must be before it counts as
// interrupted: its process cannot be asked whether it still runs.
const RemoteGrace = 10 * time.Minute

// Interrupted returns the attempts for site (Entry.Site exactly) that a
// wcadmin left unfinished: an intent and no outcome (the DELETE may have been
// sent), or a scheduled deletion with nothing after it (Intent is nil: it was
// never sent). Only attempts whose writer is gone count: its process no
// longer runs on this machine; or, for this process, the attempt is not in
// flight here; or, written elsewhere, it is older than RemoteGrace. It reads
// the live file and the one before it (an attempt cannot span more) under the
// journal's lock.
func (j *Journal) Interrupted(site string) ([]Attempt, error) {
	var open []Attempt
	err := j.locked(func() error {
		var err error
		open, err = j.openAttemptsLocked()
		return err
	})
	if err != nil {
		return nil, err
	}
	now := j.now()
	var out []Attempt
	for _, a := range open {
		if e := a.Lines[0].Entry; e.Site != site || j.inProgress(e, now) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// openAttemptsLocked returns the attempts of the live file and the one
// before it that have an intent and no final line, or a scheduled line and
// nothing after it. Only their last lines are decoded: a line's phase and attempt are read from its ends (parseHead,
// attemptOf), so a big journal is read quickly.
func (j *Journal) openAttemptsLocked() ([]Attempt, error) {
	type pending struct {
		line Line
		raw  []byte
	}
	open := map[string]*pending{}
	var order []string
	err := j.eachRecentLine(func(file string, n int, raw []byte, phase, attempt string) {
		switch phase {
		case PhaseScheduled, PhaseIntent:
			if _, dup := open[attempt]; !dup {
				order = append(order, attempt)
			}
			open[attempt] = &pending{line: Line{File: file, N: n}, raw: bytes.Clone(raw)}
		case PhaseOutcome, PhaseSkipped, PhaseUndone:
			delete(open, attempt)
		}
	})
	if err != nil {
		return nil, err
	}
	var out []Attempt
	for _, id := range order {
		p, ok := open[id]
		if !ok {
			continue
		}
		delete(open, id) // an id seen twice is listed once
		if json.Unmarshal(p.raw, &p.line.Entry) != nil {
			continue
		}
		e := p.line.Entry
		a := Attempt{ID: id, Lines: []Line{p.line}}
		if e.Phase == PhaseIntent {
			a.Intent = &e
		} else {
			a.Scheduled = &e
		}
		out = append(out, a)
	}
	return out, nil
}

// eachRecentLine calls fn with every line of the live file and the one
// before it, with its phase and attempt id.
func (j *Journal) eachRecentLine(fn func(file string, n int, raw []byte, phase, attempt string)) error {
	files, err := Files(j.path)
	if err != nil {
		return err
	}
	if len(files) > 2 {
		files = files[len(files)-2:]
	}
	for _, f := range files {
		err := eachLine(f, func(n int, raw []byte) {
			h, parsed := parseHead(raw, false)
			if !parsed {
				return
			}
			var attempt string
			if h.Seq > 0 {
				attempt = attemptOf(raw)
			} else { // a line from before the chain
				var e struct {
					Attempt string `json:"attempt"`
				}
				_ = json.Unmarshal(raw, &e)
				attempt = e.Attempt
			}
			if attempt != "" {
				fn(f, n, raw, h.Phase, attempt)
			}
		})
		if err != nil {
			return fmt.Errorf("audit: read journal: %w", err)
		}
	}
	return nil
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
// attempt already has an outcome, skipped or undone line: then it returns false and
// writes nothing (another process settled it first). The check and the
// append happen under one hold of the lock.
func (j *Journal) AppendIfOpen(e Entry) (bool, error) {
	if j == nil {
		return false, fmt.Errorf("audit: no journal")
	}
	if e.Attempt == "" {
		return false, fmt.Errorf("audit: AppendIfOpen needs an attempt id")
	}
	var appended bool
	err := j.locked(func() error {
		settled := false
		err := j.eachRecentLine(func(_ string, _ int, _ []byte, phase, attempt string) {
			if attempt == e.Attempt && (phase == PhaseOutcome || phase == PhaseSkipped || phase == PhaseUndone) {
				settled = true
			}
		})
		if err != nil || settled {
			return err
		}
		appended = true
		return j.appendLocked(e)
	})
	return appended, err
}

// locked runs fn holding the journal's mutex and its file lock.
func (j *Journal) locked(fn func() error) error {
	if j == nil {
		return fmt.Errorf("audit: no journal")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if err := j.lock(); err != nil {
		return fmt.Errorf("audit: lock journal %s: %w", j.path, err)
	}
	defer j.unlock()
	return fn()
}
