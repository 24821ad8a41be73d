package tui

import (
	"sync"
	"sync/atomic"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Failure is one customer whose deletion did not succeed, with why.
type Failure struct {
	ID     int64
	Email  string
	Reason string
}

// Report is what this session did to the store, for the summary printed on
// stderr after the terminal is restored. Ids are in the order the outcomes
// arrived.
type Report struct {
	Deleted      []int64
	Gone         []int64 // already deleted by someone else: nothing was sent
	Failed       []Failure
	NotAttempted []int64 // confirmed in a bulk run that stopped or was cut off before reaching them
	// Cancelled were confirmed but still waiting out the undo window when
	// the console quit: nothing was sent.
	Cancelled []int64
}

// Any reports whether the session confirmed any deletion.
func (r Report) Any() bool {
	return len(r.Deleted)+len(r.Gone)+len(r.Failed)+len(r.NotAttempted)+len(r.Cancelled) > 0
}

// ledger collects every deletion outcome of the session. Deletions cut off by
// quitting finish after the program loop has ended, so their outcomes never
// reach Update: the command that ran them records them here. It is the one
// piece of state shared with command goroutines, and it has its own lock.
type ledger struct {
	mu     sync.Mutex
	report Report
	// inflight counts deletions dispatched and not finished: Add when the
	// command is created, Done when the deletion returns. pending mirrors it
	// so "none left?" can be answered without waiting.
	inflight sync.WaitGroup
	pending  atomic.Int64

	// waiting are the scheduled deletions still in their undo window, by
	// customer id, with their attempt ids: whoever takes one (the window
	// ending, u, or quitting) is the only one to act on it.
	waiting map[int64]scheduledDelete
	// quitWhy is set once the console has quit: deletions scheduled later
	// are undone at once.
	quitWhy string
}

type scheduledDelete struct {
	c       apiclient.Customer
	attempt string
}

// scheduled files a deletion whose scheduled line is journaled. After the
// console has quit it files nothing and returns why, to undo it.
func (l *ledger) scheduled(c apiclient.Customer, attempt string) (why string, quit bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quitWhy != "" {
		return l.quitWhy, true
	}
	if l.waiting == nil {
		l.waiting = map[int64]scheduledDelete{}
	}
	l.waiting[c.ID] = scheduledDelete{c, attempt}
	return "", false
}

// take removes a scheduled deletion and returns its attempt id; false when
// it is not (or no longer) there.
func (l *ledger) take(id int64) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.waiting[id]
	delete(l.waiting, id)
	return s.attempt, ok
}

// cancelScheduled ends every window for good: the deletions still waiting
// are journaled as undone (why) and reported as cancelled, with ids (the
// model's pending list, in order) first.
func (l *ledger) cancelScheduled(d interface {
	Undo(attempt string, c apiclient.Customer, why string) error
}, why string, ids []int64) {
	l.mu.Lock()
	l.quitWhy = why
	waiting := l.waiting
	l.waiting = nil
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
		l.report.Cancelled = append(l.report.Cancelled, id)
	}
	for id := range waiting {
		if !seen[id] {
			l.report.Cancelled = append(l.report.Cancelled, id)
		}
	}
	l.mu.Unlock()
	for _, s := range waiting {
		_ = d.Undo(s.attempt, s.c, why) // a failure leaves a scheduled line: settling says "not sent"
	}
}

// dispatched and finished bracket one deletion.
func (l *ledger) dispatched() { l.inflight.Add(1); l.pending.Add(1) }
func (l *ledger) finished()   { l.pending.Add(-1); l.inflight.Done() }

func (l *ledger) snapshot() Report {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.report
	r.Deleted = append([]int64(nil), r.Deleted...)
	r.Gone = append([]int64(nil), r.Gone...)
	r.Failed = append([]Failure(nil), r.Failed...)
	r.NotAttempted = append([]int64(nil), r.NotAttempted...)
	r.Cancelled = append([]int64(nil), r.Cancelled...)
	return r
}

// unrecord takes back an outcome that will be tried again (a 429 before the
// store acted): it is neither failed nor done yet.
func (l *ledger) unrecord(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.report.Failed) - 1; i >= 0; i-- {
		if l.report.Failed[i].ID == id {
			l.report.Failed = append(l.report.Failed[:i], l.report.Failed[i+1:]...)
			return
		}
	}
}

// notAttempted files the customers a finished bulk run never reached.
func (l *ledger) notAttempted(cs []apiclient.Customer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cs {
		l.report.NotAttempted = append(l.report.NotAttempted, c.ID)
	}
}
