package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// The root's side of sorting: a local sort of a large table runs in a
// tea.Cmd and lands as a sortedMsg; a server re-sort is a reload whose answer
// keeps the cursor on the same customer when it is loaded.

// sortLoaded sorts the fully loaded table by col, off the event loop when it
// is large.
func (m *Model) sortLoaded(col int, desc bool) tea.Cmd {
	cmd := m.table.SortAsync(col, desc)
	_, dir := m.table.orderBy()
	if cmd == nil {
		m.status.Set(statusInfo, "Sorted by %s %s", allColumns[col].title, dir)
		return nil
	}
	m.status.Set(statusInfo, "Sorting %d customers by %s %s…", m.table.Len(), allColumns[col].title, dir)
	return cmd
}

// handleSorted applies a finished local sort. A result for rows that changed
// meanwhile (a refresh, a deletion) is dropped and, when everything is still
// loaded, the sort runs again on the current rows; a result for an older sort
// choice is dropped.
func (m *Model) handleSorted(msg sortedMsg) tea.Cmd {
	col := m.table.sortCol
	_, dir := m.table.orderBy()
	switch m.table.ApplySorted(msg) {
	case sortApplied:
		m.status.Set(statusInfo, "Sorted by %s %s", allColumns[col].title, dir)
	case sortStale:
		if m.list.complete() {
			return m.sortLoaded(col, m.table.sortDesc)
		}
		// The rows now come from the server, in its order for this column.
	}
	return nil
}

// noteResort tells the operator where the cursor went when the answer to a
// server re-sort replaced the rows.
func (m *Model) noteResort() {
	arrived, lost, id := m.table.TakeResortNote()
	if !arrived {
		return
	}
	col := allColumns[m.table.sortCol].title
	_, dir := m.table.orderBy()
	switch {
	case !lost:
		m.status.Set(statusInfo, "Sorted by %s %s on the server", col, dir)
	case m.table.isLoaded(id):
		m.status.Set(statusInfo, "Sorted by %s %s on the server; customer #%d is hidden by the filter, so the cursor is on the first row",
			col, dir, id)
	default:
		m.status.Set(statusInfo, "Sorted by %s %s on the server; customer #%d is not loaded in the new order, so the cursor is on the first row",
			col, dir, id)
	}
}
