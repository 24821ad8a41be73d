package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// startLoad begins loading from offset 0. A refresh re-loads as many rows as
// are loaded now into a pending list and swaps it in when complete, keeping
// the cursor on the same customer.
func (m *Model) startLoad(refresh bool) tea.Cmd {
	m.gen++
	m.loading, m.replacing, m.refreshing = true, true, refresh
	m.pending = nil
	m.target = max(m.table.Len(), m.opts.PageSize)
	m.loadErr = nil
	return m.fetchPage(m.gen, 0)
}

// maybeLoadMore fetches the next page when the cursor is within a screen of
// the end of what is loaded, so scrolling rarely waits on the network.
func (m *Model) maybeLoadMore() tea.Cmd {
	if m.loading || !m.hasMore || m.loadErr != nil {
		return nil
	}
	if m.table.Len()-m.table.cursor > m.table.height+1 && m.table.RowsBelowView() > 0 {
		return nil
	}
	m.gen++
	m.loading, m.replacing = true, false
	return m.fetchPage(m.gen, m.nextOffset)
}

func (m *Model) handlePage(msg pageMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil // superseded by a newer load
	}
	if msg.err != nil {
		m.loading = false
		m.loadErr = msg.err
		m.setStatus(statusErr, "%s", m.explain("Could not load customers", msg.err))
		return nil
	}
	p := msg.page
	if p.Total >= 0 {
		m.total = p.Total
	}
	m.hasMore = p.HasMore && len(p.Customers) > 0
	m.nextOffset = p.NextOffset
	if !m.replacing {
		// A "load more" page: append straight to the table.
		m.table.Append(p.Customers)
		m.loading = false
		return m.maybeLoadMore()
	}
	m.pending = append(m.pending, p.Customers...)
	if m.hasMore && len(m.pending) < m.target {
		return m.fetchPage(m.gen, m.nextOffset)
	}
	m.table.SetRows(dedupe(m.pending))
	m.pending = nil
	m.loading = false
	if m.refreshing && m.statusKind == statusInfo && m.status == "Refreshing…" {
		m.setStatus(statusInfo, "Refreshed: %d customers loaded", m.table.Len())
	}
	m.refreshing = false
	return m.maybeLoadMore()
}

// dedupe drops repeated ids (the list can shift on the server between pages),
// keeping the first occurrence.
func dedupe(rows []apiclient.Customer) []apiclient.Customer {
	seen := make(map[int64]struct{}, len(rows))
	out := rows[:0]
	for _, c := range rows {
		if _, dup := seen[c.ID]; dup {
			continue
		}
		seen[c.ID] = struct{}{}
		out = append(out, c)
	}
	return out
}
