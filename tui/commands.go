package tui

import (
	"context"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
)

// All I/O happens in tea.Cmds that return typed messages. Each request gets
// its own timeout under a context that quitting cancels. (The list's
// requests are in loader.go.)

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
// outcome. The timeout covers the whole procedure. The deletion counts as in
// flight from now, when it is dispatched, until its outcome is in the
// ledger, so quitting waits for it even if the program ends first.
//
// attempt is the journal's id of a deletion scheduled in the undo window
// ("" = none).
func (m *Model) deleteCustomer(batch int, target apiclient.Customer, attempt string) tea.Cmd {
	d, opts, ctx, led := m.opts.Deleter, m.opts, m.ctx, m.ledger
	led.dispatched()
	return func() tea.Msg {
		defer led.finished()
		ctx, cancel := context.WithTimeout(ctx, 2*opts.Timeout)
		defer cancel()
		o := d.DeleteScheduled(ctx, target, attempt)
		led.record(target, o)
		return deleteDoneMsg{batch: batch, target: target, outcome: o}
	}
}

// record files one outcome. Refused deletions (nothing sent, e.g. the
// journal is unwritable) count as failed: the operator asked for them.
func (l *ledger) record(t apiclient.Customer, o deletion.Outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// A later outcome for the same customer (R retried it) replaces an
	// earlier failure.
	l.report.Failed = slices.DeleteFunc(l.report.Failed, func(f Failure) bool { return f.ID == t.ID })
	switch o.Kind {
	case deletion.Deleted:
		l.report.Deleted = append(l.report.Deleted, t.ID)
	case deletion.AlreadyGone:
		l.report.Gone = append(l.report.Gone, t.ID)
	default:
		l.report.Failed = append(l.report.Failed, Failure{ID: t.ID, Email: t.Email, Reason: o.Message()})
	}
}

// Untrusted fields are cut at termtext.MaxFieldCells (the deletion package
// compares confirmed and fresh records at that length). Emails are kept
// whole up to far past the longest valid address (254), because a protected
// profile asks the operator to type the whole email.
const maxEmailCells = 1024

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
	for _, f := range []*string{&c.DisplayID, &c.FirstName, &c.LastName, &c.Name,
		&c.Status, &c.CompanyName, &c.StoreCredit, &c.CreditLimit} {
		*f = termtext.CleanMax(*f, termtext.MaxFieldCells)
	}
	c.Email = termtext.CleanMax(c.Email, maxEmailCells)
}
