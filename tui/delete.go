package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

// openDelete opens the bulk modal when customers are marked, else the single
// modal for the selected customer.
func (m *Model) openDelete() tea.Cmd {
	if m.opts.ReadOnly {
		m.setStatus(statusErr, "Read-only (%s): deleting is disabled", m.opts.ReadOnlyReason)
		return nil
	}
	if len(m.table.marks) > 0 {
		return m.openBulkConfirm()
	}
	c, ok := m.table.Selected()
	if !ok {
		m.setStatus(statusInfo, "No customer selected")
		return nil
	}
	m.prevMode = modeBrowse
	return m.openSingleDelete(c)
}

// openSingleDelete opens the modal for c, capturing it: whatever happens to
// the table meanwhile, the DELETE goes to exactly this id.
func (m *Model) openSingleDelete(c apiclient.Customer) tea.Cmd {
	if m.opts.ReadOnly {
		m.setStatus(statusErr, "Read-only (%s): deleting is disabled", m.opts.ReadOnlyReason)
		return nil
	}
	m.confirm.open(c)
	m.mode = modeConfirm
	return nil
}

// updateConfirm handles keys while the modal is open: y deletes, Enter chooses
// the focused button, focus keys move it, and every other key cancels.
func (m *Model) updateConfirm(msg tea.KeyMsg) tea.Cmd {
	if m.confirm.typed {
		return m.updateTypedConfirm(msg)
	}
	k := newConfirmKeys()
	switch {
	case key.Matches(msg, k.Confirm):
		return m.startDelete()
	case key.Matches(msg, k.Focus):
		m.confirm.focusDelete = !m.confirm.focusDelete
		return nil
	case key.Matches(msg, k.Choose) && m.confirm.focusDelete:
		return m.startDelete()
	}
	m.mode = m.prevMode
	m.setStatus(statusInfo, "Cancelled: customer #%d was not deleted", m.confirm.target.ID)
	return nil
}

func (m *Model) startDelete() tea.Cmd {
	m.mode = modeDeleting
	t := m.confirm.target
	m.opts.Log.Printf("delete: sending DELETE for customer #%d (%s)", t.ID, t.Email)
	return m.deleteCustomer(0, m.ctx, t)
}

func (m *Model) handleDeleteDone(msg deleteDoneMsg) tea.Cmd {
	m.mode = modeBrowse
	t, o := msg.target, msg.outcome
	m.opts.Log.Printf("delete: customer #%d: %s (sent=%v status=%d) after %s", t.ID, o.Kind, o.Sent, o.Status, o.Duration)
	warn, kind := "", statusOK
	if o.JournalErr != nil {
		warn = " But the audit journal could not record the outcome (" + m.describe(o.JournalErr) +
			"): check the disk and the audit_log setting (--audit-log) before deleting more."
		kind = statusErr
	}
	switch o.Kind {
	case deletion.Deleted:
		m.table.Remove(t.ID)
		what := fmt.Sprintf("Deleted customer #%d", t.ID)
		if t.Email != "" {
			what += " (" + t.Email + ")"
		}
		if o.Checked {
			what += ", confirmed by a follow-up check"
		}
		m.setStatus(kind, "%s%s", what, warn)
	case deletion.AlreadyGone:
		m.table.Remove(t.ID)
		m.setStatus(statusInfo, "Customer #%d was already deleted%s", t.ID, warn)
	case deletion.Changed:
		m.setStatus(statusErr, "Customer #%d changed since it was loaded (email or name differ): nothing was deleted. Check the refreshed row.%s", t.ID, warn)
	default:
		// Nothing changes: the row stays, the cursor stays.
		m.mode = m.prevMode
		m.setStatus(statusErr, "%s%s", m.explainOutcome(t, o), warn)
		return nil
	}
	return m.startLoad(true)
}

// updateTypedConfirm is the protected profile's modal: the operator types
// the email; Enter deletes only when it matches, Esc cancels.
func (m *Model) updateTypedConfirm(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
	case "enter":
		if m.confirm.typedMatches() {
			return m.startDelete()
		}
		m.mode = m.prevMode
		m.setStatus(statusInfo, "What was typed does not match: customer #%d was not deleted", m.confirm.target.ID)
		return nil
	default:
		var cmd tea.Cmd
		m.confirm.input, cmd = m.confirm.input.Update(msg)
		return cmd
	}
	m.mode = m.prevMode
	m.setStatus(statusInfo, "Cancelled: customer #%d was not deleted", m.confirm.target.ID)
	return nil
}
