package tui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// mode is what the keyboard talks to. Exactly one is active; keys go to it
// first and never leak to the table while a modal is open.
type mode int

const (
	modeBrowse   mode = iota
	modeConfirm       // the delete modal is open
	modeDeleting      // a DELETE is in flight
	modeHelp          // the full key list
)

func (m mode) String() string {
	return [...]string{"browse", "confirm", "deleting", "help"}[m]
}

// Minimum usable terminal.
const minWidth, minHeight = 40, 10

// statusKind decides how the status line is styled (and worded: errors say so).
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

	mode    mode
	keys    keyMap
	st      styles
	table   customerTable
	confirm confirmModel
	help    help.Model
	spinner spinner.Model

	width, height int

	// Loading state. gen increases with every new load so stale answers are
	// dropped. pending collects a refresh until it is complete, so the table
	// never flickers through a half-loaded list.
	gen        int
	loading    bool
	replacing  bool // the load in flight rebuilds the list from offset 0
	refreshing bool // ...because the operator (or a deletion) asked for it
	pending    []apiclient.Customer
	target     int // rows a refresh should re-load before swapping
	nextOffset int
	hasMore    bool
	total      int // -1 unknown
	loadErr    error

	status     string
	statusKind statusKind
}

// New builds the root model. Call Close (or quit) to cancel in-flight requests.
func New(opts Options) *Model {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	st := newStyles(newTheme(opts.DarkBackground))
	m := &Model{
		opts:    opts,
		ctx:     ctx,
		cancel:  cancel,
		keys:    newKeyMap(opts.ReadOnly),
		st:      st,
		help:    help.New(),
		spinner: spinner.New(spinner.WithSpinner(spinner.Line)),
		total:   -1,
	}
	m.table = newCustomerTable(&m.st)
	m.confirm = newConfirm(&m.st, opts.Host)
	m.help.ShortSeparator = "  "
	return m
}

// Close cancels every request still in flight.
func (m *Model) Close() { m.cancel() }

// Mode reports the active mode (tests, debug log).
func (m *Model) Mode() string { return m.mode.String() }

func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.spinner.Tick, m.startLoad(false))
}

func (m *Model) setStatus(k statusKind, format string, args ...any) {
	m.status, m.statusKind = fmt.Sprintf(format, args...), k
	m.opts.Log.Printf("status: %s", m.status)
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, m.maybeLoadMore()
	case tea.KeyMsg:
		// ctrl+c always quits, whatever the mode: the operator must never be trapped.
		if msg.String() == "ctrl+c" {
			return m, m.quit()
		}
		return m, m.handleKey(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case pageMsg:
		return m, m.handlePage(msg)
	case deleteDoneMsg:
		return m, m.handleDeleteDone(msg)
	}
	return m, nil
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeConfirm:
		return m.updateConfirm(msg)
	case modeDeleting:
		return nil // one DELETE at a time; the modal shows progress
	case modeHelp:
		return m.updateHelp(msg)
	default:
		return m.updateBrowse(msg)
	}
}

// chrome is the fixed lines around the table: header, column titles, status, help.
const chromeLines = 4

func (m *Model) resize() {
	m.table.SetSize(m.width, m.height-chromeLines)
	m.help.Width = m.width
}
