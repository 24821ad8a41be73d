package tui

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// mode is what the keyboard talks to. Exactly one is active; keys go to it
// first and never leak to the table while a modal or an input is open.
type mode int

const (
	modeBrowse      mode = iota
	modeFilter           // typing in the / filter
	modeLoadAll          // G: every remaining page loads behind a progress bar
	modeDetail           // one customer, fetched afresh
	modeConfirm          // the single delete modal
	modeDeleting         // a single DELETE is in flight
	modeBulkConfirm      // the bulk modal: type the count
	modeBulkRun          // a bulk deletion runs
	modeBulkStop         // asked whether to stop the bulk deletion
	modeSummary          // the bulk deletion's result
	modeHelp             // the full key list
)

func (m mode) String() string {
	return [...]string{"browse", "filter", "load-all", "detail", "confirm", "deleting",
		"bulk-confirm", "bulk-run", "bulk-stop", "summary", "help"}[m]
}

// Minimum usable terminal.
const minWidth, minHeight = 40, 10

// statusKind decides how the status line is styled (and marked: ✓ ✗).
type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

// Model is the root model of the console.
type Model struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc

	mode       mode
	prevMode   mode // where help and the delete modal return to
	keys       keyMap
	st         styles
	table      customerTable
	confirm    confirmModel
	help       help.Model
	spinner    spinner.Model
	progress   progress.Model
	filter     textinput.Model
	countInput textinput.Model // the bulk modal's typed count
	detail     detailView
	bulk       *bulkRun
	bulkSeq    int // numbers bulk runs so late answers of an old run are dropped
	// deletesInFlight counts deletions still running, so the program can let
	// them finish their journal lines after the terminal is restored.
	deletesInFlight atomic.Int64

	width, height int

	// The list. gen increases with every load so stale answers are dropped.
	gen        int
	ld         *load
	refreshing bool
	nextOffset int
	hasMore    bool
	total      int // -1 unknown
	countAsked bool
	loadErr    error
	lookedUp   map[string]bool // emails already asked of the server

	status      string
	statusKind  statusKind
	retryNotice bool // the status is a retry notice, cleared when a read succeeds
	// beforeRetry is the status a retry notice replaced, put back after it.
	beforeRetry     string
	beforeRetryKind statusKind
}

// New builds the root model. Call Close (or quit) to cancel in-flight requests.
func New(opts Options) *Model {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{
		opts:     opts,
		ctx:      ctx,
		cancel:   cancel,
		keys:     newKeyMap(opts.ReadOnly),
		st:       newStyles(newTheme(opts.DarkBackground)),
		help:     help.New(),
		spinner:  spinner.New(spinner.WithSpinner(spinner.Line)),
		progress: progress.New(progress.WithoutPercentage(), progress.WithSolidFill(string(newTheme(opts.DarkBackground).accent))),
		total:    -1,
		lookedUp: map[string]bool{},
	}
	m.table = newCustomerTable(&m.st)
	if opts.Notice != "" {
		m.status, m.statusKind = opts.Notice, statusErr
	}
	m.confirm = newConfirm(&m.st, opts.Host, opts.Protected)
	m.help.ShortSeparator = "  "
	m.filter = textinput.New()
	m.filter.Prompt = "/"
	m.filter.CharLimit = 200
	m.detail = detailView{vp: viewport.New(0, 0)}
	m.countInput = textinput.New()
	m.countInput.Prompt = "> "
	m.countInput.CharLimit = 7
	// A steady cursor: no blink timer redrawing the screen over slow SSH links.
	m.filter.Cursor.SetMode(cursor.CursorStatic)
	m.countInput.Cursor.SetMode(cursor.CursorStatic)
	return m
}

// Close cancels every request still in flight.
func (m *Model) Close() { m.cancel() }

// WaitDeletes waits up to timeout for running deletions to finish (a
// cancelled DELETE still checks what happened and writes its outcome to the
// journal). It reports whether none is left.
func (m *Model) WaitDeletes(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for m.deletesInFlight.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// Mode reports the active mode (tests, debug log).
func (m *Model) Mode() string { return m.mode.String() }

func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.spinner.Tick, m.startLoad(false))
}

func (m *Model) setStatus(k statusKind, format string, args ...any) {
	m.status, m.statusKind = fmt.Sprintf(format, args...), k
	m.retryNotice = false
	m.opts.Log.Printf("status: %s", m.status)
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, m.maybeLoadMore()
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case pageMsg:
		return m, m.handlePage(msg)
	case countMsg:
		return m, m.handleCount(msg)
	case lookupMsg:
		return m, m.handleLookup(msg)
	case detailMsg:
		return m, m.handleDetail(msg)
	case deleteDoneMsg:
		if msg.batch != 0 {
			return m, m.handleBulkDone(msg)
		}
		return m, m.handleDeleteDone(msg)
	case resumeMsg:
		return m, m.handleResume(msg)
	case clipboardMsg:
		m.handleClipboard(msg)
	case retryMsg:
		m.handleRetry(msg)
	}
	return m, nil
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		// ctrl+c quits from anywhere, except that a running bulk deletion
		// first asks whether to stop: quitting would cut requests mid-flight.
		if m.mode == modeBulkRun {
			m.mode = modeBulkStop
			return nil
		}
		return m.quit()
	}
	switch m.mode {
	case modeFilter:
		return m.updateFilter(msg)
	case modeLoadAll:
		return m.updateLoadAll(msg)
	case modeDetail:
		return m.updateDetail(msg)
	case modeConfirm:
		return m.updateConfirm(msg)
	case modeDeleting:
		return nil // one DELETE at a time; the modal shows progress
	case modeBulkConfirm:
		return m.updateBulkConfirm(msg)
	case modeBulkRun:
		return m.updateBulkRun(msg)
	case modeBulkStop:
		return m.updateBulkStop(msg)
	case modeSummary:
		return m.updateSummary(msg)
	case modeHelp:
		return m.updateHelp(msg)
	default:
		return m.updateBrowse(msg)
	}
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
