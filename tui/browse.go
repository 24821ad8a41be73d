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
		m.prevMode, m.mode = m.mode, modeHelp
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
		return m.loadAll()
	case key.Matches(msg, k.Filter):
		return m.openFilter()
	case key.Matches(msg, k.ClearFilter):
		if m.table.query != "" {
			m.filter.SetValue("")
			m.table.SetFilter("")
		}
	case key.Matches(msg, k.Sort):
		return m.changeSort((m.table.sortCol+1)%len(allColumns), false)
	case key.Matches(msg, k.Reverse):
		return m.changeSort(m.table.sortCol, !m.table.sortDesc)
	case key.Matches(msg, k.Detail):
		return m.openDetail()
	case key.Matches(msg, k.CopyEmail):
		return m.copySelected(false)
	case key.Matches(msg, k.CopyID):
		return m.copySelected(true)
	case key.Matches(msg, k.Refresh):
		m.setStatus(statusInfo, "Refreshing…")
		return m.startLoad(true)
	case key.Matches(msg, k.Mark):
		m.table.ToggleMark()
		m.table.Move(1)
	case key.Matches(msg, k.MarkAll):
		n := m.table.MarkVisible()
		m.setStatus(statusInfo, "Marked %d shown customers (%d marked in all)", n, len(m.table.marks))
	case key.Matches(msg, k.ClearMarks):
		n := len(m.table.marks)
		m.table.ClearMarks()
		m.setStatus(statusInfo, "Cleared %d marks", n)
	case msg.String() == "D" || msg.String() == "delete":
		// Matched on the raw keys, not k.Delete, so that read-only mode (where
		// the binding is disabled) can still explain why nothing happens.
		return m.openDelete()
	case msg.String() == " " && m.opts.ReadOnly:
		m.setStatus(statusInfo, "Read-only (%s): marks are for bulk deletion, which is disabled", m.opts.ReadOnlyReason)
	}
	return m.maybeLoadMore()
}

// changeSort re-orders locally when every customer is loaded, else asks the
// server for the new order from offset 0.
func (m *Model) changeSort(col int, desc bool) tea.Cmd {
	local := !m.hasMore && m.ld == nil
	m.table.SetSort(col, desc, local)
	field, dir := m.table.orderBy()
	if local {
		m.setStatus(statusInfo, "Sorted by %s %s", allColumns[col].title, dir)
		return nil
	}
	m.setStatus(statusInfo, "Sorting by %s %s on the server…", field, dir)
	m.cancelLoad()
	m.refreshing = false
	m.countAsked = false
	return m.beginLoad(0, m.opts.PageSize, true, false)
}

func (m *Model) updateHelp(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "q" {
		return m.quit()
	}
	m.mode = m.prevMode // ?, esc or anything else closes help
	return nil
}

// updateLoadAll: while every page loads, Esc cancels and keeps what arrived.
func (m *Model) updateLoadAll(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "esc" || msg.String() == "q" {
		delivered := m.table.Len()
		m.cancelLoad()
		m.mode = modeBrowse
		m.setStatus(statusInfo, "Stopped loading: %d customers loaded", delivered)
	}
	return nil
}
