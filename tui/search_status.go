package tui

import (
	"context"
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// The status filter runs on the store: f cycles it, the list reloads from
// offset 0 with status=, and the total comes from /count with the same
// filter when the store can count that way.

// statusFilters are the values f cycles through; "" is every customer.
var statusFilters = []string{"", "active", "inactive", "pending", "approval_awaiting", "awaiting_verification"}

// statusFilter is the status the list is filtered by on the store ("" none).
func (m *Model) statusFilter() string { return statusFilters[m.search.status] }

// statusCountMsg answers the count asked when the status filter changed.
type statusCountMsg struct {
	status string
	total  int
	err    error
}

// matchCounter is a store that counts with filters (*apiclient.Client).
type matchCounter interface {
	CountMatching(ctx context.Context, o apiclient.CountOptions) (int, error)
}

var errNoFilteredCount = errors.New("this store cannot count with a filter")

// countMatching counts the customers matching o, or fails when the store
// cannot count with a filter.
func countMatching(ctx context.Context, s Store, o apiclient.CountOptions) (int, error) {
	if o == (apiclient.CountOptions{}) {
		return s.CountCustomers(ctx)
	}
	if c, ok := s.(matchCounter); ok {
		return c.CountMatching(ctx, o)
	}
	return 0, errNoFilteredCount
}

// statusStore is the store as the list loader sees it while a status filter
// is on: every list and count it sends carries status=. It is immutable; a
// new one replaces it when the filter changes, so a request made before
// the change keeps the filter it was made with.
type statusStore struct {
	Store
	status string
}

func (s statusStore) ListCustomers(ctx context.Context, o apiclient.ListOptions) (apiclient.Page, error) {
	if o.Status == "" {
		o.Status = s.status
	}
	return s.Store.ListCustomers(ctx, o)
}

func (s statusStore) CountCustomers(ctx context.Context) (int, error) {
	return countMatching(ctx, s.Store, apiclient.CountOptions{Status: s.status})
}

// cycleStatusFilter moves to the next status, reloads the list from
// offset 0 with it and asks for its count.
func (m *Model) cycleStatusFilter() tea.Cmd {
	m.search.status = (m.search.status + 1) % len(statusFilters)
	st := m.statusFilter()
	if st == "" {
		m.list.opts.Store = m.opts.Store
		m.status.Set(statusInfo, "Showing customers of every status…")
	} else {
		m.list.opts.Store = statusStore{Store: m.opts.Store, status: st}
		m.status.Set(statusInfo, "Showing %s customers (filtered on the store)…", st)
	}
	m.list.total = -1 // the old total counted other customers
	// Found rows and a search in flight belong to the old filter.
	q := m.search.query
	m.stopSearch()
	clear(m.search.outside)
	cmds := []tea.Cmd{m.reload(), m.countStatus(st)}
	if q != "" {
		cmds = append(cmds, m.queueSearch(q))
	}
	return tea.Batch(cmds...)
}

func (m *Model) countStatus(st string) tea.Cmd {
	ctx, store, timeout := m.ctx, m.opts.Store, m.opts.Timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		n, err := countMatching(ctx, store, apiclient.CountOptions{Status: st})
		return statusCountMsg{status: st, total: n, err: err}
	}
}

// handleStatusCount files the count of the current filter. A store that
// cannot count so keeps the total its pages report (or none).
func (m *Model) handleStatusCount(msg statusCountMsg) {
	if msg.status != m.statusFilter() || msg.err != nil {
		return
	}
	m.list.total = msg.total
	m.status.Resolve()
}

// statusLabel is the header's note of the filter ("" when none).
func (m *Model) statusLabel() string {
	if st := m.statusFilter(); st != "" {
		return "status: " + st
	}
	return ""
}
