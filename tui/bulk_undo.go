package tui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// A bulk deletion's undo window: after the typed count the run counts down
// before its first request; u or Esc cancels the whole run, nothing sent.

type (
	// bulkScheduledMsg: the scheduled lines of a bulk run are journaled.
	bulkScheduledMsg struct {
		batch int
		err   error
	}
	// bulkCountdownMsg counts a bulk run's window down.
	bulkCountdownMsg struct{ batch int }
)

func (m *Model) startBulkCountdown() tea.Cmd {
	b := m.bulk
	b.phase = bulkCountdown
	b.deadline = m.opts.Now().Add(m.opts.UndoWindow)
	m.mode = modeBulkCountdown
	m.status.Clear()
	m.opts.Log.Printf("bulk %d: %d customers scheduled, window %s", b.id, len(b.targets), m.opts.UndoWindow)
	if m.bulkTargets == nil {
		m.bulkTargets = map[int][]apiclient.Customer{}
	}
	m.bulkTargets[b.id] = b.targets
	d, led, targets, id, window := m.opts.Deleter, m.ledger, b.targets, b.id, m.opts.UndoWindow
	schedule := func() tea.Msg {
		for _, c := range targets {
			attempt, err := d.Schedule(c, window)
			if err != nil {
				return bulkScheduledMsg{batch: id, err: err}
			}
			if why, quit := led.scheduled(c, attempt); quit {
				_ = d.Undo(attempt, c, why)
			}
		}
		return bulkScheduledMsg{batch: id}
	}
	return tea.Batch(schedule, b.countdownTick(m.opts.Now()))
}

// countdownTick ticks each second, or at the deadline when that is sooner.
func (b *bulkRun) countdownTick(now time.Time) tea.Cmd {
	step := min(time.Second, max(b.deadline.Sub(now), time.Millisecond))
	return windowTick(step, bulkCountdownMsg{batch: b.id})
}

// inCountdown reports that the bulk run of this batch waits out its window.
func (m *Model) inCountdown(batch int) bool {
	return m.bulk != nil && m.bulk.id == batch && m.bulk.phase == bulkCountdown
}

func (m *Model) handleBulkScheduled(msg bulkScheduledMsg) tea.Cmd {
	if !m.inCountdown(msg.batch) {
		// Cancelled before the journal answered: record the undo now.
		return m.undoBulkLines(msg.batch, "u or Esc pressed")
	}
	b := m.bulk
	if msg.err != nil {
		cmd := m.undoBulkLines(b.id, "the journal failed while scheduling")
		m.cancelBulk("Nothing was deleted: " + m.describe(msg.err, ""))
		return cmd
	}
	b.scheduled = true
	return m.maybeStartBulk()
}

func (m *Model) handleBulkCountdown(msg bulkCountdownMsg) tea.Cmd {
	if !m.inCountdown(msg.batch) {
		return nil
	}
	if cmd := m.maybeStartBulk(); cmd != nil || m.bulk.phase != bulkCountdown {
		return cmd
	}
	return m.bulk.countdownTick(m.opts.Now())
}

// maybeStartBulk starts the run once the window is over and the journal has
// every scheduled line.
func (m *Model) maybeStartBulk() tea.Cmd {
	b := m.bulk
	if !b.scheduled || m.opts.Now().Before(b.deadline) {
		return nil
	}
	return m.runBulk()
}

// updateBulkCountdown: u or Esc cancels the run; nothing has been sent.
func (m *Model) updateBulkCountdown(msg tea.KeyMsg) tea.Cmd {
	if !key.Matches(msg, m.keys.countdown.Cancel) {
		return nil
	}
	b := m.bulk
	n := len(b.targets)
	var cmd tea.Cmd
	if b.scheduled {
		cmd = m.undoBulkLines(b.id, "u or Esc pressed")
	}
	m.opts.Log.Printf("bulk %d: cancelled in the undo window", b.id)
	what := "customers"
	if n == 1 {
		what = "customer"
	}
	m.cancelBulk(fmt.Sprintf("Cancelled: nothing was sent (%d %s)", n, what))
	return cmd
}

// undoBulkLines journals the undo of every scheduled deletion of a run that
// is still waiting.
func (m *Model) undoBulkLines(batch int, why string) tea.Cmd {
	targets := m.bulkTargets[batch]
	delete(m.bulkTargets, batch)
	var taken []scheduledDelete
	for _, c := range targets {
		if attempt, ok := m.ledger.take(c.ID); ok {
			taken = append(taken, scheduledDelete{c, attempt})
		}
	}
	if len(taken) == 0 {
		return nil
	}
	d := m.opts.Deleter
	return func() tea.Msg {
		var first error
		var c apiclient.Customer
		for _, s := range taken {
			if err := d.Undo(s.attempt, s.c, why); err != nil && first == nil {
				first, c = err, s.c
			}
		}
		return undoneMsg{c: c, err: first}
	}
}

// bulkCountdownView: what will be deleted, and how long is left to cancel.
func (m *Model) bulkCountdownView(h int) string {
	b := m.bulk
	left := b.deadline.Sub(m.opts.Now())
	secs := int((max(left, 0) + time.Second - 1) / time.Second)
	n := len(b.targets)
	inner := modalInner(m.width)
	rows := []modalRow{
		{text: fmt.Sprintf("Deleting %d customers in %ds — u or Esc cancels", n, secs), style: m.st.modalTitle, wrap: true},
		row("", dropFirst),
	}
	for _, c := range b.targets[:min(n, bulkPreview)] {
		rows = append(rows, row(bulkLine(c.ID, c.FullName(), c.Email, inner), dropLater))
	}
	if n > bulkPreview {
		rows = append(rows, row(fmt.Sprintf("… and %d more", n-bulkPreview), dropLater))
	}
	rows = append(rows, modalRow{text: "Nothing has been sent yet.", style: m.st.muted, drop: dropSoon})
	s, _ := renderModal(&m.st, rows, m.width, h)
	return s
}
