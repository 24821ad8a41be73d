package tui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

// All I/O happens here, inside tea.Cmds that return typed messages. Each
// request gets its own timeout under a context that quitting cancels.

func (m *Model) fetchPage(gen int, ctx context.Context, offset int) tea.Cmd {
	store, opts := m.opts.Store, m.opts
	orderBy, dir := m.table.orderBy()
	if orderBy == "id" && dir == "asc" {
		orderBy, dir = "", "" // the server's default order: keep requests plain
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		p, err := store.ListCustomers(ctx, apiclient.ListOptions{
			Limit: opts.PageSize, Offset: offset, OrderBy: orderBy, Direction: dir})
		sanitizeAll(p.Customers)
		return pageMsg{gen: gen, offset: offset, page: p, err: err}
	}
}

func (m *Model) fetchCount() tea.Cmd {
	ctx, store, opts := m.ctx, m.opts.Store, m.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		n, err := store.CountCustomers(ctx)
		return countMsg{total: n, err: err}
	}
}

func (m *Model) lookupEmail(email string) tea.Cmd {
	ctx, store, opts := m.ctx, m.opts.Store, m.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		p, err := store.ListCustomers(ctx, apiclient.ListOptions{Limit: opts.PageSize, Email: email})
		sanitizeAll(p.Customers)
		return lookupMsg{email: email, customers: p.Customers, err: err}
	}
}

func (m *Model) fetchDetail(id int64) tea.Cmd {
	ctx, store, opts := m.ctx, m.opts.Store, m.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		c, err := store.GetCustomer(ctx, id)
		sanitizeCustomer(&c) // Raw is kept for the detail view and cleaned when shown
		return detailMsg{id: id, customer: c, err: err}
	}
}

// deleteCustomer runs one verified deletion: the deleter fetches the
// customer again, journals the intent, sends the DELETE and journals the
// outcome. The timeout covers the whole procedure.
func (m *Model) deleteCustomer(batch int, ctx context.Context, target apiclient.Customer) tea.Cmd {
	d, opts, inflight := m.opts.Deleter, m.opts, &m.deletesInFlight
	return func() tea.Msg {
		inflight.Add(1)
		defer inflight.Add(-1)
		ctx, cancel := context.WithTimeout(ctx, 2*opts.Timeout)
		defer cancel()
		return deleteDoneMsg{batch: batch, target: target, outcome: d.Delete(ctx, target)}
	}
}

// Display limit for untrusted fields: long enough for any real value, short
// enough that a hostile one cannot flood the screen or the memory.
const maxFieldCells = 200

// sanitizeAll cleans list rows and drops their raw JSON: the table never
// shows it, and 100,000 copies would dominate the memory. The detail view
// fetches the record afresh.
func sanitizeAll(cs []apiclient.Customer) {
	for i := range cs {
		sanitizeCustomer(&cs[i])
		cs[i].Raw = nil
	}
}

// sanitizeCustomer makes every displayed field terminal-safe before the record
// enters the model.
func sanitizeCustomer(c *apiclient.Customer) {
	for _, f := range []*string{&c.DisplayID, &c.FirstName, &c.LastName, &c.Name, &c.Email,
		&c.Status, &c.CompanyName, &c.StoreCredit, &c.CreditLimit} {
		*f = termtext.CleanMax(*f, maxFieldCells)
	}
}
