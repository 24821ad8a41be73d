package tui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

// All I/O happens here, inside tea.Cmds that return typed messages. Each
// request gets its own timeout under the model's root context, which quitting
// cancels.

func (m *Model) fetchPage(gen, offset int) tea.Cmd {
	ctx, store, opts := m.ctx, m.opts.Store, m.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		p, err := store.ListCustomers(ctx, apiclient.ListOptions{Limit: opts.PageSize, Offset: offset})
		for i := range p.Customers {
			sanitizeCustomer(&p.Customers[i])
		}
		return pageMsg{gen: gen, offset: offset, page: p, err: err}
	}
}

func (m *Model) deleteCustomer(target apiclient.Customer) tea.Cmd {
	ctx, store, opts := m.ctx, m.opts.Store, m.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		start := opts.Now()
		err := store.DeleteCustomer(ctx, target.ID)
		return deleteDoneMsg{target: target, err: err, duration: opts.Now().Sub(start)}
	}
}

// Display limits for untrusted fields: long enough for any real value, short
// enough that a hostile one cannot flood the screen or the memory.
const maxFieldCells = 200

// sanitizeCustomer makes every displayed field terminal-safe before the record
// enters the model.
func sanitizeCustomer(c *apiclient.Customer) {
	for _, f := range []*string{&c.DisplayID, &c.FirstName, &c.LastName, &c.Name, &c.Email,
		&c.Status, &c.CompanyName, &c.StoreCredit, &c.CreditLimit} {
		*f = termtext.CleanMax(*f, maxFieldCells)
	}
}
