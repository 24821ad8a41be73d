package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
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
	t := msg.target
	m.opts.Log.Printf("delete: customer #%d: err=%v after %s", t.ID, msg.err, msg.duration)
	switch {
	case msg.err == nil:
		m.table.Remove(t.ID)
		if t.Email != "" {
			m.setStatus(statusOK, "Deleted customer #%d (%s)", t.ID, t.Email)
		} else {
			m.setStatus(statusOK, "Deleted customer #%d", t.ID)
		}
	case apiclient.IsNotFound(msg.err):
		m.table.Remove(t.ID)
		m.setStatus(statusInfo, "Customer #%d was already deleted", t.ID)
	default:
		// Nothing changes: the row stays, the cursor stays.
		m.mode = m.prevMode
		m.setStatus(statusErr, "%s", m.explainDelete(t, msg.err))
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
