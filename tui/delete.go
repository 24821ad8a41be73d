package tui

import (
	"fmt"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

// openDelete opens the bulk modal when customers are marked, else the single
// modal for the selected customer.
func (m *Model) openDelete() tea.Cmd {
	if len(m.table.marks) > 0 {
		// Customers already waiting out their undo window are not asked twice.
		marked := slices.DeleteFunc(m.table.Marked(), func(c apiclient.Customer) bool {
			_, ok := m.pending.get(c.ID)
			return ok
		})
		if len(marked) == 0 {
			m.status.Set(statusInfo, "Every marked customer is already being deleted (u undoes them while they wait)")
			return nil
		}
		return m.openBulkConfirm(marked, m.table.CountHidden(marked))
	}
	c, ok := m.table.Selected()
	if !ok {
		m.status.Set(statusInfo, "No customer selected")
		return nil
	}
	m.prevMode = modeBrowse
	return m.openSingleDelete(c)
}

// openSingleDelete opens the modal for c, capturing it: whatever happens to
// the table meanwhile, the DELETE goes to exactly this id.
func (m *Model) openSingleDelete(c apiclient.Customer) tea.Cmd {
	if m.opts.ReadOnly {
		m.status.Set(statusErr, "Read-only (%s): deleting is disabled", m.opts.ReadOnlyReason)
		return nil
	}
	if _, ok := m.pending.get(c.ID); ok {
		m.status.Set(statusInfo, "Customer #%d is already being deleted (u undoes it while it waits)", c.ID)
		return nil
	}
	m.confirm.open(c)
	m.status.Clear() // what it said is about something else
	m.mode = modeConfirm
	return nil
}

// updateConfirm hands the key to the modal and acts on its decision.
func (m *Model) updateConfirm(msg tea.KeyMsg) tea.Cmd {
	v, why, cmd := m.confirm.Update(msg)
	switch v {
	case confirmed:
		return m.startDelete()
	case cancelled:
		m.mode = m.prevMode
		m.status.Set(statusInfo, "%s", why)
	}
	return cmd
}

// cancelModal closes whichever confirmation is open, sending nothing.
func (m *Model) cancelModal() tea.Cmd {
	switch m.mode {
	case modeConfirm:
		m.mode = m.prevMode
		m.status.Set(statusInfo, "Cancelled: customer #%d was not deleted", m.confirm.target.ID)
	case modeBulkConfirm:
		m.cancelBulk("Cancelled: nothing was deleted")
	}
	return nil
}

// modalTooSmall reports that a confirmation is open on a terminal that cannot
// show what it would delete: then nothing can be confirmed.
func (m *Model) modalTooSmall() bool {
	switch m.mode {
	case modeConfirm, modeBulkConfirm:
	default:
		return false
	}
	if m.width < minWidth || m.height < minHeight {
		return true
	}
	_, ok := m.modalView(m.modalHeight())
	return !ok
}

// startDelete sends the confirmed deletion, or with an undo window closes
// the modal and lets it wait (undo.go).
func (m *Model) startDelete() tea.Cmd {
	t := m.confirm.target
	if m.opts.UndoWindow > 0 {
		m.mode = m.prevMode
		return m.scheduleDelete(t)
	}
	m.mode = modeDeleting
	m.opts.Log.Printf("delete: sending DELETE for customer #%d (%s)", t.ID, t.Email)
	return m.deleteCustomer(0, t, "")
}

// handleDeleteDone reports a single deletion. One sent from the modal
// (no undo window) held the screen; one whose window ended ran while the
// operator went on: it leaves the mode alone.
func (m *Model) handleDeleteDone(msg deleteDoneMsg) tea.Cmd {
	fromModal := m.mode == modeDeleting
	if fromModal {
		m.mode = modeBrowse
	}
	delete(m.pending.items, msg.target.ID)
	t, o := msg.target, msg.outcome
	m.opts.Log.Printf("delete: customer #%d: %s (sent=%v status=%d) after %s", t.ID, o.Kind, o.Sent, o.Status, o.Duration)
	warn, kind := "", statusOK
	if o.JournalErr != nil {
		warn = " But the audit journal could not record the outcome (" + m.describe(o.JournalErr, "") +
			"): check the disk and the audit_log setting (--audit-log) before deleting more."
		kind = statusErr
	}
	switch o.Kind {
	case deletion.Deleted:
		m.dropGone(t.ID)
		what := fmt.Sprintf("Deleted customer #%d", t.ID)
		if t.Email != "" {
			what += " (" + t.Email + ")"
		}
		if o.Checked {
			what += ", confirmed by a follow-up check"
		}
		m.status.Set(kind, "%s%s", what, warn)
	case deletion.AlreadyGone:
		m.dropGone(t.ID)
		m.status.Set(statusInfo, "Customer #%d was already deleted%s", t.ID, warn)
	case deletion.Changed:
		m.status.Set(statusErr, "Customer #%d changed since it was loaded (email or name differ): nothing was deleted. Check the refreshed row.%s", t.ID, warn)
	default:
		// Nothing changes: the row stays, the cursor stays.
		if fromModal {
			m.mode = m.prevMode
		}
		m.status.Set(statusErr, "%s%s", m.explainOutcome(t, o), warn)
		return nil
	}
	return m.refreshWindow()
}
