package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func (m *Model) updateBrowse(msg tea.KeyMsg) tea.Cmd {
	k := m.keys.browse
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.prevMode, m.mode, m.helpOffset = m.mode, modeHelp, 0
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
			m.stopSearch() // search.go
		}
	case key.Matches(msg, k.StatusFilter):
		return m.cycleStatusFilter() // search_status.go
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
		m.status.Set(statusInfo, "Refreshing…")
		return m.startLoad(true)
	case key.Matches(msg, k.Mark):
		m.table.ToggleMark()
		m.table.Move(1)
	case key.Matches(msg, k.MarkAll):
		n := m.table.MarkVisible()
		m.status.Set(statusInfo, "Marked %d shown customers (%d marked in all)", n, len(m.table.marks))
	case key.Matches(msg, k.ClearMarks):
		n := len(m.table.marks)
		m.table.ClearMarks()
		m.status.Set(statusInfo, "Cleared %d marks", n)
	case key.Matches(msg, k.Delete):
		return m.openDelete()
	case key.Matches(msg, k.Undo):
		return m.undo()
	case key.Matches(msg, k.ReadOnlyDelete):
		m.status.Set(statusErr, "Read-only (%s): deleting and marking for deletion are disabled", m.opts.ReadOnlyReason)
	}
	return m.maybeLoadMore()
}

// changeSort re-orders locally when every customer is loaded, else asks the
// server for the new order from offset 0.
func (m *Model) changeSort(col int, desc bool) tea.Cmd {
	if m.list.complete() {
		return m.sortLoaded(col, desc) // sort_model.go: off the event loop when large
	}
	m.table.SetSort(col, desc, false)
	field, dir := m.table.orderBy()
	m.status.Set(statusInfo, "Sorting by %s %s on the server…", field, dir)
	return m.reload()
}

// updateHelp: ?, Esc and q close help (q goes back, as in the detail view).
// Other keys do nothing.
func (m *Model) updateHelp(msg tea.KeyMsg) tea.Cmd {
	switch k := m.keys.help; {
	case key.Matches(msg, k.Close):
		m.mode = m.prevMode
	case key.Matches(msg, k.Up):
		m.helpOffset--
	case key.Matches(msg, k.Down):
		m.helpOffset++
	}
	return nil
}

// updateLoadAll: while every page loads, Esc cancels and keeps what arrived.
func (m *Model) updateLoadAll(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.loadAll.Stop) {
		delivered := m.table.Len()
		m.list.cancel()
		m.mode = modeBrowse
		m.status.Set(statusInfo, "Stopped loading: %d customers loaded", delivered)
	}
	return nil
}
