package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// A load fetches a range of the customer list with up to Concurrency pages in
// flight. Pages may arrive out of order and may be shorter than asked, so
// they are kept by offset and delivered strictly in order from `flushed`;
// a gap left by a short page is requested again. Rows are deduplicated by id
// on delivery, so a list that shifts on the server shows no duplicates.
type load struct {
	gen     int
	ctx     context.Context
	cancel  context.CancelFunc
	replace bool // collect into pending and swap in at the end (refresh, re-sort)
	all     bool // load everything (G): shows the progress bar
	until   int  // stop once this offset is delivered; -1 means to the end

	flushed  int                          // next offset to deliver
	planNext int                          // next offset not yet asked for
	queue    []int                        // offsets to ask for, in order
	inflight map[int]bool                 // offsets asked for, not answered
	results  map[int][]apiclient.Customer // answered, not yet delivered
	endAt    int                          // offset where the list ends; -1 unknown
	pending  []apiclient.Customer

	pages, rows int
	started     time.Time
}

// startLoad begins a new load from offset 0, superseding any other. A
// refresh re-loads as many rows as are loaded now into a pending list and
// swaps it in when complete, keeping the cursor on the same customer.
func (m *Model) startLoad(refresh bool) tea.Cmd {
	m.cancelLoad()
	until := max(m.table.Len(), m.opts.PageSize)
	if !refresh {
		until = m.opts.PageSize
	}
	m.refreshing = refresh
	return m.beginLoad(0, until, true, false)
}

// loadAll fetches every remaining page behind the progress bar.
func (m *Model) loadAll() tea.Cmd {
	if m.ld != nil || !m.hasMore {
		return nil
	}
	m.mode = modeLoadAll
	return m.beginLoad(m.nextOffset, -1, false, true)
}

// maybeLoadMore fetches the next page when the cursor is within two screens
// of the end of what is loaded, so scrolling rarely waits on the network.
func (m *Model) maybeLoadMore() tea.Cmd {
	if m.ld != nil || !m.hasMore || m.loadErr != nil {
		return nil
	}
	if m.table.RowsBelowCursor() > 2*m.table.height {
		return nil
	}
	return m.beginLoad(m.nextOffset, m.nextOffset+m.opts.PageSize, false, false)
}

func (m *Model) beginLoad(from, until int, replace, all bool) tea.Cmd {
	m.gen++
	ctx, cancel := context.WithCancel(m.ctx)
	m.ld = &load{
		gen: m.gen, ctx: ctx, cancel: cancel, replace: replace, all: all, until: until,
		flushed: from, planNext: from, inflight: map[int]bool{}, results: map[int][]apiclient.Customer{},
		endAt: -1, started: m.opts.Now(),
	}
	m.loadErr = nil
	return m.dispatch()
}

// cancelLoad stops the load in flight; what was delivered stays.
func (m *Model) cancelLoad() {
	if m.ld == nil {
		return
	}
	m.ld.cancel()
	m.nextOffset = m.ld.flushed
	if m.ld.replace {
		m.hasMore = true // the old list stays; more may follow it
	}
	m.ld = nil
	m.gen++ // answers still on their way are dropped
}

// limit is the offset past which nothing needs asking for: the nearest of
// the requested end, the end seen and the total. -1 when none is known.
func (l *load) limit(total int) int {
	lim := -1
	for _, v := range []int{l.until, l.endAt, total} {
		if v >= 0 && (lim < 0 || v < lim) {
			lim = v
		}
	}
	return lim
}

// dispatch asks for more pages while there is room in flight. With no known
// end it walks one page at a time rather than overshoot.
func (m *Model) dispatch() tea.Cmd {
	l := m.ld
	var cmds []tea.Cmd
	lim := l.limit(m.total)
	for len(l.inflight) < m.opts.Concurrency {
		if len(l.queue) == 0 {
			if (lim >= 0 && l.planNext >= lim) || (lim < 0 && len(l.inflight) > 0) {
				break
			}
			l.queue = append(l.queue, l.planNext)
			l.planNext += m.opts.PageSize
		}
		off := l.queue[0]
		l.queue = l.queue[1:]
		if l.inflight[off] {
			continue
		}
		l.inflight[off] = true
		cmds = append(cmds, m.fetchPage(l.gen, l.ctx, off))
	}
	return tea.Batch(cmds...)
}

func (m *Model) handlePage(msg pageMsg) tea.Cmd {
	l := m.ld
	if l == nil || msg.gen != l.gen {
		return nil // superseded by a newer load
	}
	delete(l.inflight, msg.offset)
	if msg.err != nil {
		m.cancelLoad()
		if m.mode == modeLoadAll {
			m.mode = modeBrowse
		}
		m.loadErr = msg.err
		m.setStatus(statusErr, "%s", m.explain("Could not load customers", msg.err))
		return nil
	}
	m.clearRetryNotice()
	p := msg.page
	if p.Total >= 0 {
		m.total = p.Total
	}
	l.pages++
	l.results[msg.offset] = p.Customers
	if !p.HasMore || len(p.Customers) == 0 {
		if end := msg.offset + len(p.Customers); l.endAt < 0 || end < l.endAt {
			l.endAt = end
		}
	}
	m.deliver(l)

	lim := l.limit(m.total)
	if (lim >= 0 && l.flushed >= lim) || (l.endAt >= 0 && l.flushed >= l.endAt) {
		return m.finishLoad()
	}
	// A short page leaves a gap at flushed: ask for it unless already asked.
	if !l.covered(l.flushed, m.opts.PageSize) {
		l.queue = append([]int{l.flushed}, l.queue...)
		l.planNext = max(l.planNext, l.flushed+m.opts.PageSize)
	}
	var needCount tea.Cmd
	if m.total < 0 && !m.countAsked {
		m.countAsked = true
		needCount = m.fetchCount()
	}
	return tea.Batch(m.dispatch(), needCount)
}

// covered reports whether offset is already asked for by a page in flight or queued.
func (l *load) covered(offset, pageSize int) bool {
	for o := range l.inflight {
		if o <= offset && offset < o+pageSize {
			return true
		}
	}
	for _, o := range l.queue {
		if o == offset {
			return true
		}
	}
	return false
}

// deliver moves answered pages into the table (or pending) in offset order.
func (m *Model) deliver(l *load) {
	for {
		progressed := false
		for off, rows := range l.results {
			end := off + len(rows)
			if end <= l.flushed {
				delete(l.results, off)
				continue
			}
			if off > l.flushed {
				continue
			}
			fresh := rows[l.flushed-off:]
			if l.replace {
				l.pending = append(l.pending, fresh...)
			} else {
				m.table.Append(fresh)
			}
			l.rows += len(fresh)
			l.flushed = end
			delete(l.results, off)
			progressed = true
		}
		if !progressed {
			return
		}
	}
}

func (m *Model) finishLoad() tea.Cmd {
	l := m.ld
	if l.replace {
		m.table.SetRows(dedupe(l.pending))
	}
	m.nextOffset = l.flushed
	m.hasMore = l.endAt < 0 || l.flushed < l.endAt
	if m.total >= 0 && l.flushed >= m.total {
		m.hasMore = false
	}
	l.cancel()
	m.ld = nil
	if m.refreshing && m.status == "Refreshing…" {
		m.setStatus(statusInfo, "Refreshed: %d customers loaded", m.table.Len())
	}
	m.refreshing = false
	if l.all {
		m.mode = modeBrowse
		m.table.Bottom()
		m.setStatus(statusInfo, "Loaded all %d customers (%d pages in %s)", m.table.Len(), l.pages,
			m.opts.Now().Sub(l.started).Round(time.Millisecond))
	}
	return m.maybeLoadMore()
}

func (m *Model) handleCount(msg countMsg) tea.Cmd {
	if msg.err == nil && m.total < 0 {
		m.total = msg.total
	}
	return nil
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
