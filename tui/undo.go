package tui

import (
	"fmt"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// The undo window: a confirmed single deletion waits Options.UndoWindow
// before anything is sent, the row shows a countdown, and u takes it back.
// Nothing outside the process is scheduled, so quitting or a crash inside
// the window sends nothing.

// pendingDelete is one confirmed deletion waiting out the window.
type pendingDelete struct {
	seq      int // confirmation order: u without a pending row under the cursor takes the highest
	c        apiclient.Customer
	deadline time.Time
	attempt  string // the journal's attempt id, once the scheduled line is written
	written  bool   // the schedule command has answered
	undone   bool   // taken back before the schedule command answered
	sending  bool   // the window is over: the verified deletion runs
}

// pendingDeletes are the deletions in their window, by customer id.
type pendingDeletes struct {
	items   map[int64]*pendingDelete
	seq     int
	ticking bool // an undoTickMsg is on its way
}

// waiting counts the deletions still in their window (not yet sending).
func (p *pendingDeletes) waiting() int {
	n := 0
	for _, it := range p.items {
		if !it.sending && !it.undone {
			n++
		}
	}
	return n
}

// get returns the pending deletion of a customer, if any.
func (p *pendingDeletes) get(id int64) (*pendingDelete, bool) {
	it, ok := p.items[id]
	return it, ok && !it.undone
}

// latest is the most recently confirmed deletion still in its window.
func (p *pendingDeletes) latest() (*pendingDelete, bool) {
	var best *pendingDelete
	for _, it := range p.items {
		if !it.sending && !it.undone && (best == nil || it.seq > best.seq) {
			best = it
		}
	}
	return best, best != nil
}

// ordered lists the deletions still in their window, in confirmation order.
func (p *pendingDeletes) ordered() []*pendingDelete {
	var out []*pendingDelete
	for _, it := range p.items {
		if !it.sending && !it.undone {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b *pendingDelete) int { return a.seq - b.seq })
	return out
}

// left is the time left in the window at now, rounded up to whole seconds
// for the countdown.
func (it *pendingDelete) left(now time.Time) time.Duration {
	d := it.deadline.Sub(now)
	if d <= 0 {
		return 0
	}
	return (d + time.Second - 1) / time.Second * time.Second
}

// windowTick delivers msg after d: the countdowns of the undo window. Tests
// replace it and move the clock themselves.
var windowTick = func(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// Messages of the undo window.
type (
	// scheduledMsg: the scheduled line of one deletion is journaled (or not).
	scheduledMsg struct {
		id      int64
		attempt string
		err     error
	}
	// undoTickMsg counts the windows down and ends them.
	undoTickMsg struct{}
	// undoneMsg: the undone line of one deletion is journaled (or not).
	undoneMsg struct {
		c   apiclient.Customer
		err error
	}
)

// scheduleDelete starts the window for c: the row shows it at once, and a
// command journals the scheduled line.
func (m *Model) scheduleDelete(c apiclient.Customer) tea.Cmd {
	p := &m.pending
	if p.items == nil {
		p.items = map[int64]*pendingDelete{}
	}
	p.seq++
	window := m.opts.UndoWindow
	p.items[c.ID] = &pendingDelete{seq: p.seq, c: c, deadline: m.opts.Now().Add(window)}
	m.opts.Log.Printf("delete: customer #%d scheduled, window %s", c.ID, window)
	m.status.Set(statusInfo, "Deleting customer #%d%s in %s — u undoes", c.ID, emailNote(c), window)
	d, led := m.opts.Deleter, m.ledger
	schedule := func() tea.Msg {
		attempt, err := d.Schedule(c, window)
		if err == nil {
			if why, quit := led.scheduled(c, attempt); quit {
				// The console quit while this was being written.
				_ = d.Undo(attempt, c, why)
			}
		}
		return scheduledMsg{id: c.ID, attempt: attempt, err: err}
	}
	return tea.Batch(schedule, m.undoTick())
}

// undoTick keeps one tick on its way while any window runs: every second
// for the countdown, sooner when a window ends before that.
func (m *Model) undoTick() tea.Cmd {
	p := &m.pending
	if p.ticking || p.waiting() == 0 {
		return nil
	}
	now := m.opts.Now()
	step := time.Second
	for _, it := range p.ordered() {
		if d := it.deadline.Sub(now); d > 0 && d < step {
			step = d
		}
	}
	p.ticking = true
	return windowTick(step, undoTickMsg{})
}

// handleUndoTick sends the deletions whose window has ended.
func (m *Model) handleUndoTick() tea.Cmd {
	m.pending.ticking = false
	return tea.Batch(m.sendDue(), m.undoTick())
}

// sendDue starts the verified deletion of every journaled deletion whose
// window has ended.
func (m *Model) sendDue() tea.Cmd {
	now := m.opts.Now()
	var cmds []tea.Cmd
	for _, it := range m.pending.ordered() {
		if !it.written || now.Before(it.deadline) {
			continue
		}
		if _, ok := m.ledger.take(it.c.ID); !ok {
			continue // quitting took it back meanwhile
		}
		it.sending = true
		m.opts.Log.Printf("delete: customer #%d: window over, sending DELETE", it.c.ID)
		cmds = append(cmds, m.deleteCustomer(0, it.c, it.attempt))
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleScheduled(msg scheduledMsg) tea.Cmd {
	it, ok := m.pending.items[msg.id]
	if !ok {
		return nil
	}
	it.written, it.attempt = true, msg.attempt
	switch {
	case msg.err != nil:
		delete(m.pending.items, msg.id)
		m.status.Set(statusErr, "Customer #%d was not deleted: %s", msg.id, m.describe(msg.err, ""))
		return nil
	case it.undone:
		// u came before the journal answered: record the undo now.
		delete(m.pending.items, msg.id)
		return m.journalUndo(it.c, "u pressed")
	}
	return m.sendDue()
}

// undo takes back the pending deletion under the cursor, else the most
// recent one. Nothing has been sent for it.
func (m *Model) undo() tea.Cmd {
	it, ok := (*pendingDelete)(nil), false
	if c, sel := m.table.Selected(); sel {
		it, ok = m.pending.get(c.ID)
		ok = ok && !it.sending
	}
	if !ok {
		it, ok = m.pending.latest()
	}
	if !ok {
		m.status.Set(statusInfo, "Nothing to undo: no deletion is waiting to be sent")
		return nil
	}
	m.opts.Log.Printf("delete: customer #%d undone", it.c.ID)
	m.status.Set(statusOK, "Undone: customer #%d%s — nothing was sent", it.c.ID, emailNote(it.c))
	if !it.written {
		it.undone = true // the journal's answer finishes the job (handleScheduled)
		return nil
	}
	delete(m.pending.items, it.c.ID)
	return m.journalUndo(it.c, "u pressed")
}

// journalUndo writes the undone line of c's scheduled deletion, unless
// quitting already did.
func (m *Model) journalUndo(c apiclient.Customer, why string) tea.Cmd {
	attempt, ok := m.ledger.take(c.ID)
	if !ok {
		return nil
	}
	d := m.opts.Deleter
	return func() tea.Msg { return undoneMsg{c: c, err: d.Undo(attempt, c, why)} }
}

func (m *Model) handleUndone(msg undoneMsg) {
	if msg.err != nil {
		m.status.Set(statusErr, "Customer #%d was not deleted, but the journal could not record the undo: %s",
			msg.c.ID, m.describe(msg.err, ""))
	}
}

// CancelPending is for after the program has ended: every deletion still in
// its window is cancelled (nothing is sent) and journaled as undone with
// why; they are reported as Cancelled. It returns their ids.
func (m *Model) CancelPending(why string) []int64 {
	var ids []int64
	for _, it := range m.pending.ordered() {
		ids = append(ids, it.c.ID)
	}
	if b := m.bulk; b != nil && b.phase == bulkCountdown {
		for _, c := range b.targets {
			ids = append(ids, c.ID)
		}
	}
	m.ledger.cancelScheduled(m.opts.Deleter, why, ids)
	return ids
}

// pendingNote is what the table shows for a customer in its undo window.
func (m *Model) pendingNote(id int64) string {
	it, ok := m.pending.get(id)
	switch {
	case !ok:
		return ""
	case it.sending:
		return "deleting…"
	}
	return fmt.Sprintf("pending %ds", int(it.left(m.opts.Now())/time.Second))
}

// irreversible is the modal's warning.
func irreversible(window time.Duration) string {
	if window <= 0 {
		return "This cannot be undone."
	}
	return fmt.Sprintf("Sent after a %s undo window (u takes it back); after that it cannot be undone.", window)
}

// emailNote is " (email)" when the customer has one.
func emailNote(c apiclient.Customer) string {
	if c.Email == "" {
		return ""
	}
	return " (" + c.Email + ")"
}
