package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Keeping the list exact while the store changes.
//
// Offsets shift when customers before them are deleted or created. The
// loader detects it from the total every page reports: a page whose total
// differs from the one the loaded rows were read under means the store
// changed, and the load starts over from offset 0 into a pending list that
// replaces the table when complete (a G load stays a G load, with its bar).
// Pages stay aligned at the page size (no overlap, so no row of the capped
// 20 is spent on checking): the check is free when the store reports a
// total. The console's own deletions are accounted (total and offsets move
// by one per row removed) so they do not count as drift.
//
// After a deletion only the pages holding the visible window are re-read
// (a patch load). If their ids are what the console expects, the fresh
// records are swapped in; otherwise the store changed elsewhere and the whole
// loaded range is re-read.

// dropGone removes customers the store no longer has from the list and
// shifts the loaded offsets by the number of listed rows removed. It returns
// that number.
func (m *Model) dropGone(ids ...int64) int {
	l := &m.list
	n := 0
	for _, id := range ids {
		if m.table.hasID(id) {
			n++
		}
	}
	if l.loading() && (l.ld.patch || !l.ld.replace) {
		// Its offsets were planned before the shift.
		l.cancel()
	}
	m.table.Remove(ids...)
	if n == 0 {
		return 0
	}
	if !l.loading() {
		l.nextOffset = max(l.nextOffset-n, 0)
	}
	if l.total >= 0 {
		l.total = max(l.total-n, 0)
	}
	return n
}

// refreshWindow re-reads only the pages that hold the visible rows: after a
// deletion the cost is O(screen), not O(loaded). A refresh already in
// flight re-reads everything anyway.
func (m *Model) refreshWindow() tea.Cmd {
	l := &m.list
	if l.loading() {
		return nil
	}
	from, to, ok := m.table.windowRange()
	to = min(to, l.nextOffset)
	if !ok || from >= to {
		return m.maybeLoadMore()
	}
	orderBy, dir := m.table.orderBy()
	cmd := l.begin(from, to, true, false, orderBy, dir)
	l.ld.patch = true
	return cmd
}

// goneElsewhere takes a customer the store no longer has (a 404 or
// is_in_trash seen by the detail view) off the list at once.
func (m *Model) goneElsewhere(id int64) tea.Cmd {
	if m.mode == modeDetail && m.detail.id == id {
		m.mode = modeBrowse
	}
	m.dropGone(id)
	m.status.Set(statusInfo, "Customer #%d was deleted elsewhere: removed from the list", id)
	return m.refreshWindow()
}

// customerGone reports whether a detail answer says the customer is gone.
func customerGone(c apiclient.Customer, err error) bool {
	if err != nil {
		return apiclient.IsNotFound(err)
	}
	return c.InTrash
}

// reportDrift tells the operator when a G load had to start over because the
// store changed while it ran, or when the store kept changing.
func (m *Model) reportDrift(res loadResult) {
	l := &m.list
	if l.drifted == 0 {
		return
	}
	switch {
	case l.stormy:
		m.status.Set(statusErr, "The store kept changing while loading: the list may be out of date, press r to reload")
	case res.all:
		m.status.Set(statusInfo, "Loaded all %d customers (%d pages in %s); customers changed elsewhere, so the list was re-read",
			m.table.Len(), res.pages, res.took.Round(1e6))
	}
	// Otherwise the list was kept in step quietly: what the status says
	// (a deletion's outcome, say) stays.
	l.drifted, l.stormy = 0, false
}
