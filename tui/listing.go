package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// The root's side of the list loader: what starts loads and what the
// operator is told about them.

// startLoad begins a new load from offset 0, superseding any other. A
// refresh re-loads as many rows as are loaded now into a pending list and
// swaps it in when complete, keeping the cursor on the same customer.
func (m *Model) startLoad(refresh bool) tea.Cmd {
	m.list.cancel()
	until := m.opts.PageSize
	if refresh {
		until = max(m.table.Len(), m.opts.PageSize)
	}
	m.list.refreshing = refresh
	orderBy, dir := m.table.orderBy()
	return m.list.begin(0, until, true, false, orderBy, dir)
}

// reload asks the server for the list again from offset 0 in the table's
// (new) order.
func (m *Model) reload() tea.Cmd {
	m.list.cancel()
	m.list.refreshing = false
	m.list.countAsked = false
	orderBy, dir := m.table.orderBy()
	return m.list.begin(0, m.opts.PageSize, true, false, orderBy, dir)
}

// loadAll fetches every remaining page behind the progress bar. Pressed
// while a page is loading (start-up, prefetch, refresh, a slow store) it
// takes that load over: the load goes on to the end, with the bar.
func (m *Model) loadAll() tea.Cmd {
	l := &m.list
	if l.loading() {
		if l.ld.patch {
			// A window re-read after a deletion: let it land, then load the rest.
			l.cancel()
		} else {
			m.mode = modeLoadAll
			return l.takeOver(&m.table)
		}
	}
	if !l.hasMore {
		return nil
	}
	m.mode = modeLoadAll
	orderBy, dir := m.table.orderBy()
	return l.begin(l.nextOffset, -1, false, true, orderBy, dir)
}

// maybeLoadMore fetches the next page when the cursor is within two screens
// of the end of what is loaded, so scrolling rarely waits on the network.
func (m *Model) maybeLoadMore() tea.Cmd {
	l := &m.list
	if l.loading() || !l.hasMore || l.err != nil {
		return nil
	}
	if m.table.RowsBelowCursor() > 2*m.table.height {
		return nil
	}
	if q := m.table.query; q != "" {
		// Filling the screen for a narrow filter must not turn into an
		// unannounced full load: a few pages, then ask.
		if l.autoQuery != q {
			l.autoQuery, l.autoPages = q, 0
		}
		if l.autoPages >= maxAutoPages {
			m.status.Set(statusInfo, "%d matches in %d loaded: G loads all, or keep typing to search the store",
				m.table.Visible(), m.table.Len())
			return nil
		}
		l.autoPages++
	}
	orderBy, dir := m.table.orderBy()
	return l.begin(l.nextOffset, l.nextOffset+m.opts.PageSize, false, false, orderBy, dir)
}

func (m *Model) handlePage(msg pageMsg) tea.Cmd {
	res, cmd := m.list.handlePage(msg, &m.table)
	switch res.kind {
	case loadFailed:
		if m.mode == modeLoadAll {
			m.mode = modeBrowse
		}
		m.status.Set(statusErr, "%s", m.explain("Could not load customers", res.err, "press r to try again"))
	case loadProgress:
		m.status.Resolve()
	case loadDone:
		m.status.Resolve()
		if res.refresh && m.status.text == "Refreshing…" {
			// No count here: prefetch may still be filling the screen.
			m.status.Set(statusInfo, "Refreshed from the store at %s", m.opts.Now().Format("15:04:05"))
		}
		if res.all {
			if m.mode == modeLoadAll {
				m.mode = modeBrowse
			}
			m.table.Bottom()
			m.status.Set(statusInfo, "Loaded all %d customers (%d pages in %s)", m.table.Len(), res.pages,
				res.took.Round(1e6))
		}
		m.reportDrift(res)
		return tea.Batch(cmd, m.maybeLoadMore())
	}
	return cmd
}

func (m *Model) handleCount(msg countMsg) {
	if m.list.handleCount(msg) {
		m.status.Resolve()
	}
}
