package tui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

// bulkPhase is where a bulk deletion is.
type bulkPhase int

const (
	bulkCount     bulkPhase = iota // the modal asks for the count
	bulkHost                       // protected profiles: then for the store's host
	bulkCountdown                  // the undo window: nothing is sent yet
	bulkRunning                    // DELETEs go out
	bulkFinished                   // the summary
)

// Limits of a bulk run facing a failing store.
const (
	// breakerTrips: this many consecutive transport failures or 5xx answers
	// pause the run and ask whether to go on.
	breakerTrips = 3
	// maxPause caps a 429's Retry-After: the operator sees a countdown and
	// can stop at any time, and no timer outlives it.
	maxPause = 60 * time.Second
)

// bulkRun is one bulk deletion: the customers captured when the modal
// opened, worked through with bounded concurrency.
type bulkRun struct {
	id        int
	targets   []apiclient.Customer
	hidden    int // targets the filter hid when the modal opened
	phase     bulkPhase
	protected bool
	host      string
	input     textinput.Model // the typed count, then the host
	keys      typedKeys

	queue       []apiclient.Customer
	inflight    int
	concurrency int
	paused      bool          // a 429 asked us to wait
	pauseLeft   time.Duration // of the current pause
	pauseSeq    int           // ties countdown ticks to the current pause
	pauses      int
	failStreak  int  // consecutive transport failures / 5xx
	breakerOpen bool // waiting for the operator: retry or stop
	stopped     bool
	stopReason  string

	// The undo window (bulk_undo.go): the run starts at deadline, once the
	// scheduled lines are journaled.
	deadline  time.Time
	scheduled bool

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

// pauseTickMsg counts a 429 pause down, one second at a time.
type pauseTickMsg struct {
	batch, seq int
	step       time.Duration
}

func (m *Model) openBulkConfirm(targets []apiclient.Customer, hidden int) tea.Cmd {
	if m.opts.ReadOnly {
		m.status.Set(statusErr, "Read-only (%s): deleting is disabled", m.opts.ReadOnlyReason)
		return nil
	}
	m.bulkSeq++
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 7
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	m.bulk = &bulkRun{id: m.bulkSeq, targets: targets, hidden: hidden, concurrency: m.opts.Concurrency,
		protected: m.opts.Protected, host: m.opts.Host, input: in, keys: m.keys.typed}
	m.status.Clear()
	m.mode = modeBulkConfirm
	return nil
}

// updateBulk routes a key to the part of the bulk deletion on screen.
func (m *Model) updateBulk(msg tea.KeyMsg) tea.Cmd {
	b := m.bulk
	switch m.mode {
	case modeBulkConfirm:
		v, why := b.updateConfirm(msg)
		switch v {
		case confirmed:
			return m.startBulk()
		case cancelled:
			m.cancelBulk(why)
		}
	case modeBulkRun:
		if key.Matches(msg, m.keys.run.Stop) {
			m.mode = modeBulkStop
		}
	case modeBulkStop:
		switch {
		case key.Matches(msg, m.keys.stop.Yes):
			return m.stopBulk("Stopped by the operator")
		case key.Matches(msg, m.keys.stop.No):
			m.mode = modeBulkRun
			if b.breakerOpen {
				m.mode = modeBulkBreaker
			}
		}
	case modeBulkBreaker:
		switch {
		case key.Matches(msg, m.keys.breaker.Retry):
			b.breakerOpen, b.failStreak = false, 0
			m.mode = modeBulkRun
			m.status.Set(statusInfo, "Retrying: the bulk deletion goes on")
			return m.bulkDispatch()
		case key.Matches(msg, m.keys.breaker.Stop):
			return m.stopBulk("Stopped: the store stopped answering")
		}
	case modeSummary:
		switch {
		case key.Matches(msg, m.keys.summary.Close):
			m.mode = modeBrowse
			m.bulk = nil
		case key.Matches(msg, m.keys.summary.Retry) && len(b.failed) > 0:
			retry := make([]apiclient.Customer, len(b.failed))
			for i, f := range b.failed {
				retry[i] = f.c
			}
			return m.openBulkConfirm(retry, m.table.CountHidden(retry))
		}
	}
	return nil
}

// updateConfirm: the count (digits and backspace; Enter submits), then on
// protected profiles the store's host. Enter with anything else, Esc, and
// every key not bound cancels.
func (b *bulkRun) updateConfirm(msg tea.KeyMsg) (verdict, string) {
	n := len(b.targets)
	submit := key.Matches(msg, b.keys.Submit)
	if b.phase == bulkHost {
		switch {
		case key.Matches(msg, b.keys.Cancel):
			return cancelled, "Cancelled: nothing was deleted"
		case submit && strings.EqualFold(strings.TrimSpace(b.input.Value()), b.host):
			return confirmed, ""
		case submit:
			return cancelled, fmt.Sprintf("Typed %q, not the store's host %s: nothing was deleted", b.input.Value(), b.host)
		}
		b.input, _ = b.input.Update(msg)
		return undecided, ""
	}
	switch {
	case key.Matches(msg, countDigits, countErase):
		b.input, _ = b.input.Update(msg)
		return undecided, ""
	case submit && b.input.Value() == strconv.Itoa(n):
		if b.protected {
			b.phase = bulkHost
			b.input.SetValue("")
			b.input.CharLimit = 255
			return undecided, ""
		}
		return confirmed, ""
	case submit:
		return cancelled, fmt.Sprintf("Typed %q, not %d: nothing was deleted", b.input.Value(), n)
	}
	return cancelled, "Cancelled: nothing was deleted"
}

// The count accepts digits and backspace only.
var (
	countDigits = key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		key.WithHelp("0-9", "type the count"))
	countErase = key.NewBinding(key.WithKeys("backspace"), key.WithHelp("backspace", "erase"))
)

// Paste types pasted text into the field: only its digits for the count.
// It never submits.
func (b *bulkRun) Paste(msg tea.KeyMsg) {
	runes := msg.Runes
	if b.phase == bulkCount {
		runes = []rune(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, string(runes)))
	} else {
		runes = []rune(strings.TrimSpace(strings.ReplaceAll(string(runes), "\n", "")))
	}
	b.input, _ = b.input.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: runes, Paste: true})
}

func (m *Model) cancelBulk(why string) {
	m.bulk = nil
	m.mode = modeBrowse
	m.status.Set(statusInfo, "%s", why)
}

// startBulk starts the run, or first its undo window.
func (m *Model) startBulk() tea.Cmd {
	if m.opts.UndoWindow > 0 {
		return m.startBulkCountdown()
	}
	return m.runBulk()
}

func (m *Model) runBulk() tea.Cmd {
	b := m.bulk
	delete(m.bulkTargets, b.id)
	b.phase = bulkRunning
	b.queue = append([]apiclient.Customer(nil), b.targets...)
	b.started = m.opts.Now()
	m.mode = modeBulkRun
	m.status.Clear()
	m.opts.Log.Printf("bulk %d: deleting %d customers", b.id, len(b.targets))
	return m.bulkDispatch()
}

// bulkDispatch sends DELETEs while there is room, unless paused, waiting for
// the operator or stopped.
func (m *Model) bulkDispatch() tea.Cmd {
	b := m.bulk
	if b.stopped || b.paused || b.breakerOpen {
		return m.bulkMaybeFinish()
	}
	var cmds []tea.Cmd
	for b.inflight < b.concurrency && len(b.queue) > 0 {
		c := b.queue[0]
		b.queue = b.queue[1:]
		b.inflight++
		attempt, _ := m.ledger.take(c.ID) // scheduled in the undo window, or ""
		cmds = append(cmds, m.deleteCustomer(b.id, c, attempt))
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
	if o.Kind == deletion.Deleted || o.Kind == deletion.AlreadyGone || !storeUnreachable(o.Err) {
		b.failStreak = 0
	}
	switch {
	case o.Kind == deletion.Deleted:
		b.deleted = append(b.deleted, t)
		delete(m.table.marks, t.ID)
	case o.Kind == deletion.AlreadyGone:
		b.gone = append(b.gone, t)
		delete(m.table.marks, t.ID)
	case apiclient.IsRateLimited(o.Err) && !o.Sent || o.Status == http.StatusTooManyRequests:
		// Not processed: send it again later, and slow the whole batch down.
		m.ledger.unrecord(t.ID)
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
		if storeUnreachable(o.Err) {
			b.failStreak++
			if b.failStreak >= breakerTrips && !b.breakerOpen && !b.stopped && len(b.queue) > 0 {
				b.breakerOpen = true
				m.mode = modeBulkBreaker
				m.status.Set(statusErr, "%d deletions in a row failed: %s", b.failStreak, m.reason(o))
			}
		}
	}
	return m.bulkDispatch()
}

// storeUnreachable: the failure says the store (or the way to it) is down,
// not that this one customer could not be deleted.
func storeUnreachable(err error) bool {
	var ne *apiclient.NetError
	return errors.As(err, &ne) || apiclient.StatusCode(err) >= 500
}

// bulkPause honours Retry-After up to maxPause (else backs off
// exponentially) and halves the concurrency, so a rate-limited store is not
// hammered. The pause counts down on screen; stopping ends it at once.
func (m *Model) bulkPause(err error) tea.Cmd {
	b := m.bulk
	if b.paused {
		return nil // already waiting: a DELETE that was in flight also hit the limit
	}
	wait := time.Second << min(b.pauses, 5)
	var apiErr *apiclient.Error
	if asAPIError(err, &apiErr) && apiErr.RetryAfter > 0 {
		wait = apiErr.RetryAfter
	}
	wait = min(wait, maxPause)
	b.pauses++
	b.paused = true
	b.pauseLeft = wait
	b.pauseSeq++
	b.concurrency = max(b.concurrency/2, 1)
	m.status.Set(statusInfo, "The store is rate-limiting (429): waiting %s, then %d at a time", wait.Round(time.Millisecond), b.concurrency)
	return b.pauseTick()
}

func (b *bulkRun) pauseTick() tea.Cmd {
	step := min(b.pauseLeft, time.Second)
	id, seq := b.id, b.pauseSeq
	return tea.Tick(step, func(time.Time) tea.Msg { return pauseTickMsg{batch: id, seq: seq, step: step} })
}

func (m *Model) handlePauseTick(msg pauseTickMsg) tea.Cmd {
	b := m.bulk
	if b == nil || b.id != msg.batch || b.pauseSeq != msg.seq || !b.paused {
		return nil
	}
	b.pauseLeft -= msg.step
	if b.pauseLeft > 0 {
		return b.pauseTick()
	}
	b.paused = false
	return m.bulkDispatch()
}

// stopBulk: requests in flight finish; nothing new is sent.
func (m *Model) stopBulk(why string) tea.Cmd {
	b := m.bulk
	b.stopped, b.paused, b.breakerOpen = true, false, false
	b.stopReason = why
	m.mode = modeBulkRun
	return m.bulkMaybeFinish()
}

// bulkMaybeFinish ends the batch once nothing is in flight and nothing more
// will be sent: the summary opens and the list is refreshed.
func (m *Model) bulkMaybeFinish() tea.Cmd {
	b := m.bulk
	if b.inflight > 0 || (!b.stopped && (len(b.queue) > 0 || b.paused || b.breakerOpen)) {
		return nil
	}
	b.phase = bulkFinished
	b.finished = m.opts.Now()
	var gone []int64
	for _, c := range append(append([]apiclient.Customer(nil), b.deleted...), b.gone...) {
		gone = append(gone, c.ID)
	}
	m.ledger.notAttempted(b.queue)
	m.dropGone(gone...)
	m.mode = modeSummary
	kind := statusOK
	if len(b.failed) > 0 || b.stopped {
		kind = statusErr
	}
	m.status.Set(kind, "Bulk delete: %d deleted, %d already gone, %d failed, %d not attempted",
		len(b.deleted), len(b.gone), len(b.failed), len(b.queue))
	return m.refreshWindow()
}
