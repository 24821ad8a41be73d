package audit

import (
	"encoding/json"
	"time"
)

// What Attempt.Result says of an attempt with no final line.
const (
	// ResultOpen: an intent and no outcome.
	ResultOpen = "open"
	// ResultUndone: scheduled and taken back within the undo window.
	ResultUndone = "undone"
	// ResultScheduled: scheduled, and nothing after it (yet).
	ResultScheduled = "scheduled"
)

// Attempt is one delete attempt: its lines joined by Entry.Attempt.
type Attempt struct {
	ID string
	// Lines are the attempt's lines in journal order.
	Lines []Line
	// Scheduled is the line written when the operator confirmed a deletion
	// that waited out the undo window; nil without one.
	Scheduled *Entry
	// Undone is the line written when that deletion was taken back.
	Undone *Entry
	// Intent is the intent line; nil when nothing was sent (a skipped attempt).
	Intent *Entry
	// Final is the outcome or skipped line that ended the attempt (the last
	// one, if a settle raced a late outcome); nil while the attempt is open.
	Final *Entry
}

// Attempts joins lines into attempts, in the order of each attempt's first
// line. PhaseJournal lines and lines without an attempt id are left out.
func Attempts(lines []Line) []Attempt {
	index := map[string]int{}
	var out []Attempt
	for _, l := range lines {
		e := l.Entry
		if e.Phase == PhaseJournal || e.Attempt == "" {
			continue
		}
		i, ok := index[e.Attempt]
		if !ok {
			i = len(out)
			index[e.Attempt] = i
			out = append(out, Attempt{ID: e.Attempt})
		}
		a := &out[i]
		a.Lines = append(a.Lines, l)
		switch e.Phase {
		case PhaseIntent:
			if a.Intent == nil {
				a.Intent = &e
			}
		case PhaseOutcome, PhaseSkipped:
			a.Final = &e
		case PhaseScheduled:
			a.Scheduled = &e
		case PhaseUndone:
			a.Undone = &e
		}
	}
	return out
}

// IsOpen reports an intent with no final line: the DELETE may have been
// sent and nobody recorded what happened.
func (a Attempt) IsOpen() bool { return a.Intent != nil && a.Final == nil }

// First is the attempt's first line: when it started, who, where, which customer.
func (a Attempt) First() Entry {
	if len(a.Lines) == 0 {
		return Entry{}
	}
	return a.Lines[0].Entry
}

// IsUndone reports a scheduled deletion taken back: nothing was sent.
func (a Attempt) IsUndone() bool { return a.Undone != nil && a.Intent == nil }

// IsPending reports a scheduled deletion with nothing after it: its window
// is running, or its wcadmin ended without recording more.
func (a Attempt) IsPending() bool {
	return a.Scheduled != nil && a.Undone == nil && a.Intent == nil && a.Final == nil
}

// Result is the final line's result; ResultUndone, ResultScheduled or
// ResultOpen when there is none.
func (a Attempt) Result() string {
	switch {
	case a.Final != nil:
		return a.Final.Result
	case a.IsUndone():
		return ResultUndone
	case a.IsPending():
		return ResultScheduled
	}
	return ResultOpen
}

// Record is the customer record as it was right before the DELETE (from the
// intent line), nil when there is none.
func (a Attempt) Record() json.RawMessage {
	if a.Intent == nil {
		return nil
	}
	return a.Intent.Record
}

// Status is the HTTP status of the DELETE (0 when none came back).
func (a Attempt) Status() int {
	if a.Final == nil {
		return 0
	}
	return a.Final.Status
}

// Duration is how long the DELETE took.
func (a Attempt) Duration() time.Duration {
	if a.Final == nil {
		return 0
	}
	return time.Duration(a.Final.DurationMS) * time.Millisecond
}
