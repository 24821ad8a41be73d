package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func (m *Model) updateBrowse(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.mode = modeHelp
	case key.Matches(msg, k.Up):
		m.table.Move(-1)
	case key.Matches(msg, k.Down):
		m.table.Move(1)
	case key.Matches(msg, k.PageUp):
		m.table.Move(-m.table.height)
	case key.Matches(msg, k.PageDown):
		m.table.Move(m.table.height)
	case key.Matches(msg, k.Top):
		m.table.Top()
	case key.Matches(msg, k.Bottom):
		m.table.Bottom()
	case key.Matches(msg, k.Refresh):
		m.setStatus(statusInfo, "Refreshing…")
		return m.startLoad(true)
	case msg.String() == "D" || msg.String() == "delete":
		// Matched on the raw keys, not k.Delete, so that read-only mode (where
		// the binding is disabled) can still explain why nothing happens.
		return m.openConfirm()
	}
	return m.maybeLoadMore()
}

func (m *Model) updateHelp(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Quit) && msg.String() == "q":
		return m.quit()
	default: // ?, esc or anything else closes help
		m.mode = modeBrowse
	}
	return nil
}
