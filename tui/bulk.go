package tui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

// bulkRun is one bulk deletion: the customers captured when the modal
// opened, worked through with bounded concurrency.
type bulkRun struct {
	id      int
	targets []apiclient.Customer
	hidden  int // marked customers the filter hid when the modal opened

	queue       []apiclient.Customer
	inflight    int
	concurrency int
	paused      bool // a 429 asked us to wait; resumeMsg with the latest pause ends it
	pauses      int
	stopped     bool
	stopReason  string

	deleted, gone []apiclient.Customer
	failed        []bulkFailure
	started       time.Time
	finished      time.Time
}

type bulkFailure struct {
	c      apiclient.Customer
	reason string
}

func (b *bulkRun) done() int      { return len(b.deleted) + len(b.gone) + len(b.failed) }
func (b *bulkRun) remaining() int { return len(b.targets) - b.done() }

func (m *Model) openBulkConfirm() tea.Cmd {
	targets := m.table.Marked()
	m.bulkSeq++
	m.bulk = &bulkRun{id: m.bulkSeq, targets: targets, hidden: m.table.HiddenMarks(), concurrency: m.opts.Concurrency}
	m.mode = modeBulkConfirm
	m.resetCountInput()
	return nil
}

func (m *Model) resetCountInput() {
	m.countInput.SetValue("")
	m.countInput.Focus()
}

// updateBulkConfirm: digits and backspace edit the count; Enter deletes only
// when the typed number equals the count; every other key cancels.
func (m *Model) updateBulkConfirm(msg tea.KeyMsg) tea.Cmd {
	n := len(m.bulk.targets)
	switch s := msg.String(); {
	case len(s) == 1 && s[0] >= '0' && s[0] <= '9', s == "backspace":
		m.countInput, _ = m.countInput.Update(msg)
		return nil
	case s == "enter" && m.countInput.Value() == strconv.Itoa(n):
		return m.startBulk()
	case s == "enter":
		m.cancelBulk(fmt.Sprintf("Typed %q, not %d: nothing was deleted", m.countInput.Value(), n))
	default:
		m.cancelBulk("Cancelled: nothing was deleted")
	}
	return nil
}

func (m *Model) cancelBulk(why string) {
	m.bulk = nil
	m.mode = modeBrowse
	m.setStatus(statusInfo, "%s", why)
}

func (m *Model) startBulk() tea.Cmd {
	b := m.bulk
	b.queue = append([]apiclient.Customer(nil), b.targets...)
	b.started = m.opts.Now()
	m.mode = modeBulkRun
	m.opts.Log.Printf("bulk %d: deleting %d customers", b.id, len(b.targets))
	return m.bulkDispatch()
}

// bulkDispatch sends DELETEs while there is room, unless paused or stopped.
func (m *Model) bulkDispatch() tea.Cmd {
	b := m.bulk
	if b.stopped || b.paused {
		return m.bulkMaybeFinish()
	}
	var cmds []tea.Cmd
	for b.inflight < b.concurrency && len(b.queue) > 0 {
		c := b.queue[0]
		b.queue = b.queue[1:]
		b.inflight++
		cmds = append(cmds, m.deleteCustomer(b.id, m.ctx, c))
	}
	if len(cmds) == 0 {
		return m.bulkMaybeFinish()
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleBulkDone(msg deleteDoneMsg) tea.Cmd {
	b := m.bulk
	if b == nil || msg.batch != b.id {
		return nil
	}
	b.inflight--
	t, o := msg.target, msg.outcome
	m.opts.Log.Printf("bulk %d: customer #%d: %s (sent=%v status=%d)", b.id, t.ID, o.Kind, o.Sent, o.Status)
	switch {
	case o.Kind == deletion.Deleted:
		b.deleted = append(b.deleted, t)
		delete(m.table.marks, t.ID)
	case o.Kind == deletion.AlreadyGone:
		b.gone = append(b.gone, t)
		delete(m.table.marks, t.ID)
	case apiclient.IsRateLimited(o.Err) && !o.Sent || o.Status == http.StatusTooManyRequests:
		// Not processed: send it again later, and slow the whole batch down.
		b.queue = append([]apiclient.Customer{t}, b.queue...)
		return m.bulkPause(o.Err)
	case apiclient.IsUnauthorized(o.Err), apiclient.IsForbidden(o.Err),
		errors.Is(o.Err, deletion.ErrJournal), errors.Is(o.Err, deletion.ErrNoJournal):
		// Nothing else would succeed either: stop sending.
		b.failed = append(b.failed, bulkFailure{t, m.reason(o)})
		b.stopped = true
		b.stopReason = "Stopped: " + m.reason(o)
	default:
		b.failed = append(b.failed, bulkFailure{t, m.reason(o)})
	}
	return m.bulkDispatch()
}

// bulkPause honours Retry-After (else backs off exponentially) and halves
// the concurrency, so a rate-limited store is not hammered.
func (m *Model) bulkPause(err error) tea.Cmd {
	b := m.bulk
	wait := time.Second << min(b.pauses, 5)
	var apiErr *apiclient.Error
	if asAPIError(err, &apiErr) && apiErr.RetryAfter > 0 {
		wait = apiErr.RetryAfter
	}
	if b.paused {
		return nil // already waiting: a DELETE that was in flight also hit the limit
	}
	b.pauses++
	b.paused = true
	b.concurrency = max(b.concurrency/2, 1)
	m.setStatus(statusInfo, "The store is rate-limiting (429): waiting %s, then %d at a time", wait.Round(time.Millisecond), b.concurrency)
	id := b.id
	return tea.Tick(wait, func(time.Time) tea.Msg { return resumeMsg{batch: id} })
}

func (m *Model) handleResume(msg resumeMsg) tea.Cmd {
	if m.bulk == nil || m.bulk.id != msg.batch {
		return nil
	}
	m.bulk.paused = false
	return m.bulkDispatch()
}

// bulkMaybeFinish ends the batch once nothing is in flight and nothing more
// will be sent: the summary opens and the list is refreshed.
func (m *Model) bulkMaybeFinish() tea.Cmd {
	b := m.bulk
	if b.inflight > 0 || (len(b.queue) > 0 && !b.stopped) || b.paused {
		return nil
	}
	b.finished = m.opts.Now()
	var gone []int64
	for _, c := range append(append([]apiclient.Customer(nil), b.deleted...), b.gone...) {
		gone = append(gone, c.ID)
	}
	m.table.Remove(gone...)
	m.mode = modeSummary
	kind := statusOK
	if len(b.failed) > 0 || b.stopped {
		kind = statusErr
	}
	m.setStatus(kind, "Bulk delete: %d deleted, %d already gone, %d failed, %d not attempted",
		len(b.deleted), len(b.gone), len(b.failed), len(b.queue))
	return m.startLoad(true)
}

// updateBulkRun: Esc asks whether to stop (ctrl+c is routed here by handleKey).
func (m *Model) updateBulkRun(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "esc" {
		m.mode = modeBulkStop
	}
	return nil
}

// updateBulkStop: y stops (requests in flight finish, nothing new is sent);
// anything else carries on.
func (m *Model) updateBulkStop(msg tea.KeyMsg) tea.Cmd {
	m.mode = modeBulkRun
	if msg.String() == "y" || msg.String() == "Y" {
		m.bulk.stopped = true
		m.bulk.stopReason = "Stopped by the operator"
		return m.bulkMaybeFinish()
	}
	return nil
}

func (m *Model) updateSummary(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "enter", "esc", "q":
		m.mode = modeBrowse
		m.bulk = nil
	}
	return nil
}
