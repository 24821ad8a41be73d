package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// mode is what the keyboard talks to. Exactly one is active; keys go to it
// first and never leak to the table while a modal or an input is open.
type mode int

const (
	modeBrowse        mode = iota
	modeFilter             // typing in the / filter
	modeLoadAll            // G: every remaining page loads behind a progress bar
	modeDetail             // one customer, fetched afresh
	modeConfirm            // the single delete modal
	modeDeleting           // a single DELETE is in flight
	modeBulkConfirm        // the bulk modal: type the count (and the host)
	modeBulkCountdown      // the bulk run's undo window: nothing sent yet
	modeBulkRun            // a bulk deletion runs
	modeBulkStop           // asked whether to stop the bulk deletion
	modeBulkBreaker        // the store stopped answering: retry or stop
	modeSummary            // the bulk deletion's result
	modeHelp               // the full key list
)

func (m mode) String() string {
	return [...]string{"browse", "filter", "load-all", "detail", "confirm", "deleting",
		"bulk-confirm", "bulk-countdown", "bulk-run", "bulk-stop", "bulk-breaker", "summary", "help"}[m]
}

// Minimum usable terminal.
const minWidth, minHeight = 40, 10

// Model is the root model of the console. It owns the mode, the size and the
// routing; each component owns its state and its Update and returns a
// decision that the root acts on.
type Model struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc

	mode     mode
	prevMode mode // where help and the delete modal return to
	// helpOffset scrolls the ? screen when it is taller than the terminal.
	helpOffset int
	quitting   bool // keys after a quit in the same read are dropped
	spinning   bool // a spinner tick is on its way (animating)

	width, height int
	keys          keyMaps
	st            styles
	help          help.Model
	spinner       spinner.Model
	progress      progress.Model

	table   customerTable
	list    listLoader
	status  statusLine
	filter  textinput.Model
	detail  detailView
	confirm deleteModal
	bulk    *bulkRun
	bulkSeq int // numbers bulk runs so late answers of an old run are dropped
	// pending are the single deletions in their undo window (undo.go);
	// bulkTargets the customers of bulk runs in theirs (bulk_undo.go).
	pending     pendingDeletes
	bulkTargets map[int][]apiclient.Customer
	// search is the filter's conversation with the store and the status
	// filter (search.go, search_status.go).
	search searchState

	// ledger records every deletion outcome for the exit summary and counts
	// the deletions in flight.
	ledger *ledger
	// keysConsumed counts the keys handled (a multi-rune message counts its
	// runes), written to the debug log so tests can wait for each key.
	keysConsumed int
}

// New builds the root model. Call Close (or quit) to cancel in-flight requests.
func New(opts Options) *Model {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	th := newTheme(opts.DarkBackground)
	m := &Model{
		opts:     opts,
		ctx:      ctx,
		cancel:   cancel,
		keys:     newKeyMaps(opts.ReadOnly, opts.UndoWindow > 0),
		st:       newStyles(th, opts.Renderer),
		help:     help.New(),
		spinner:  spinner.New(spinner.WithSpinner(spinner.Line)),
		progress: progress.New(progress.WithoutPercentage(), progress.WithSolidFill(string(th.accent))),
		status:   statusLine{log: opts.Log},
		ledger:   &ledger{},
	}
	m.table = newCustomerTable(&m.st)
	m.table.note = m.pendingNote // undo.go
	m.list = newListLoader(ctx, opts)
	if opts.Notice != "" {
		m.status.Set(statusErr, "%s", opts.Notice)
	}
	m.confirm = newDeleteModal(&m.st, m.keys, opts.Host, opts.Protected, opts.UndoWindow)
	m.help.ShortSeparator = "  "
	m.filter = textinput.New()
	m.filter.Prompt = "/"
	m.filter.CharLimit = 200
	// A steady cursor: no blink timer redrawing the screen over slow SSH links.
	m.filter.Cursor.SetMode(cursor.CursorStatic)
	m.detail = detailView{vp: viewport.New(0, 0)}
	return m
}

// Close cancels every request still in flight.
func (m *Model) Close() { m.cancel() }

// WaitDeletes waits up to timeout for the deletions dispatched so far to
// finish (a cancelled DELETE still checks what happened and writes its
// outcome to the journal). It reports whether none is left.
func (m *Model) WaitDeletes(timeout time.Duration) bool {
	if m.ledger.pending.Load() == 0 {
		return true
	}
	done := make(chan struct{})
	go func() { m.ledger.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Report is what this session deleted, including deletions that finished
// after the program loop ended. Call it after the program has returned.
func (m *Model) Report() Report {
	r := m.ledger.snapshot()
	if b := m.bulk; b != nil && b.phase == bulkRunning {
		for _, c := range b.queue {
			r.NotAttempted = append(r.NotAttempted, c.ID)
		}
	}
	return r
}

// Mode reports the active mode (tests, debug log).
func (m *Model) Mode() string { return m.mode.String() }

func (m *Model) Init() tea.Cmd {
	m.spinning = true
	return tea.Batch(m.spinner.Tick, m.startLoad(false))
}

// Update routes msg, then keeps the spinner turning only while something
// it stands for runs: an idle console does not redraw ten times a second
// (a served console has many).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(spinner.TickMsg); ok {
		if !m.animating() {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	}
	model, cmd := m.update(msg)
	if !m.spinning && m.animating() {
		m.spinning = true
		cmd = tea.Batch(cmd, m.spinner.Tick)
	}
	return model, cmd
}

// animating reports that a spinner is on screen.
func (m *Model) animating() bool {
	switch {
	case m.list.loading(), m.mode == modeDeleting:
		return true
	case m.mode == modeDetail:
		return !m.detail.loaded && m.detail.err == nil
	case m.mode == modeBulkRun || m.mode == modeBulkStop || m.mode == modeBulkBreaker:
		return true
	}
	return false
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, m.maybeLoadMore()
	case tea.KeyMsg:
		return m, m.handleKeyMsg(msg)
	case pageMsg:
		cmd := m.handlePage(msg)
		m.noteResort() // sort_model.go: where a server re-sort put the cursor
		m.placeFound() // search.go: rows the store search found, into place
		return m, cmd
	case sortedMsg:
		return m, m.handleSorted(msg)
	case countMsg:
		m.handleCount(msg)
	case searchTickMsg:
		return m, m.handleSearchTick(msg)
	case searchResultMsg:
		return m, m.handleSearchResult(msg)
	case statusCountMsg:
		m.handleStatusCount(msg)
	case detailMsg:
		return m, m.handleDetail(msg)
	case deleteDoneMsg:
		if msg.batch != 0 {
			return m, m.handleBulkDone(msg)
		}
		return m, m.handleDeleteDone(msg)
	case pauseTickMsg:
		return m, m.handlePauseTick(msg)
	case scheduledMsg:
		return m, m.handleScheduled(msg)
	case undoTickMsg:
		return m, m.handleUndoTick()
	case undoneMsg:
		m.handleUndone(msg)
	case bulkScheduledMsg:
		return m, m.handleBulkScheduled(msg)
	case bulkCountdownMsg:
		return m, m.handleBulkCountdown(msg)
	case clipboardMsg:
		m.handleClipboard(msg)
	case retryMsg:
		m.handleRetry(msg)
	}
	return m, nil
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.cancel()
	return tea.Quit
}

// Fixed lines around the table: header, status and help (plus the column
// titles inside the table).
const chromeLines = 4

func (m *Model) resize() {
	m.table.SetSize(m.width, m.height-chromeLines)
	m.help.Width = m.width
	m.progress.Width = max(min(m.width-20, 60), 10)
	m.filter.Width = max(m.width-30, 10)
	m.detail.resize(m.width, m.height-3)
}
