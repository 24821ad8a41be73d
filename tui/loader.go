package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/listing"
)

// listLoader owns the paging state of the customer list: which load is
// current (gen), how far the list is loaded, the total and the lookups. It
// fetches pages in tea.Cmds and reports what happened to the root, which
// decides what the operator sees.
type listLoader struct {
	ctx  context.Context
	opts Options

	gen        int // increases with every load so stale answers are dropped
	ld         *load
	refreshing bool
	nextOffset int
	hasMore    bool
	total      int // -1 unknown
	countAsked bool
	err        error // the last load failed
	// totalBad: a page said there is more past the total it gave. The
	// next-page signals win: totals are ignored from then on, the header
	// says "more" and G walks on until the store says the end.
	totalBad bool
	// drifted counts re-synchronisations since the last completed load;
	// stormy reports that the store kept changing and the loader gave up
	// re-synchronising (the status says so).
	drifted int
	stormy  bool
	// autoQuery and autoPages bound what a filter fetches by itself: at
	// most maxAutoPages pages per query, then the status offers G.
	autoQuery string
	autoPages int
}

// maxResyncs bounds how often one load starts over because the store
// changed under it.
const maxResyncs = 3

// maxAutoPages is how many pages filling the screen for a filter may fetch
// on its own before the operator is asked (G, or the server search).
const maxAutoPages = 3

func newListLoader(ctx context.Context, opts Options) listLoader {
	return listLoader{ctx: ctx, opts: opts, total: -1}
}

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
	orderBy string
	dir     string
	// patch re-reads [from, until) of what is loaded and swaps just those
	// rows (the window after a deletion); the rest of the list stays.
	patch bool
	from  int
	// resyncs counts how often this load started over after a drift.
	resyncs int

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

// complete reports that every customer is loaded and nothing is loading.
func (l *listLoader) complete() bool { return !l.hasMore && l.ld == nil }

// loading reports a load in flight.
func (l *listLoader) loading() bool { return l.ld != nil }

// begin starts a load of [from, until) in the table's order, superseding
// any other.
func (l *listLoader) begin(from, until int, replace, all bool, orderBy, dir string) tea.Cmd {
	l.gen++
	ctx, cancel := context.WithCancel(l.ctx)
	if orderBy == "id" && dir == "asc" {
		orderBy, dir = "", "" // the server's default order: keep requests plain
	}
	l.ld = &load{
		gen: l.gen, ctx: ctx, cancel: cancel, replace: replace, all: all, until: until,
		orderBy: orderBy, dir: dir, from: from,
		flushed: from, planNext: from, inflight: map[int]bool{}, results: map[int][]apiclient.Customer{},
		endAt: -1, started: l.opts.Now(),
	}
	l.err = nil
	return l.dispatch()
}

// takeOver turns the load in flight into a G load: it goes on to the end.
// A start-up load shows its rows as they come rather than at the end.
func (l *listLoader) takeOver(t *customerTable) tea.Cmd {
	ld := l.ld
	ld.all, ld.until = true, -1
	if ld.replace && t.Len() == 0 {
		t.Append(dedupe(ld.pending))
		ld.pending, ld.replace = nil, false
	}
	return l.dispatch()
}

// cancel stops the load in flight; what was delivered stays.
func (l *listLoader) cancel() {
	if l.ld == nil {
		return
	}
	l.ld.cancel()
	if !l.ld.patch {
		l.nextOffset = l.ld.flushed
	}
	if l.ld.replace && !l.ld.patch {
		l.hasMore = true // the old list stays; more may follow it
	}
	l.ld = nil
	l.gen++ // answers still on their way are dropped
}

// limit is the offset past which nothing needs asking for: the nearest of
// the requested end, the end seen and the total. -1 when none is known.
func (ld *load) limit(total int) int {
	lim := -1
	for _, v := range []int{ld.until, ld.endAt, total} {
		if v >= 0 && (lim < 0 || v < lim) {
			lim = v
		}
	}
	return lim
}

// dispatch asks for more pages while there is room in flight. With no known
// end it walks one page at a time rather than overshoot.
func (l *listLoader) dispatch() tea.Cmd {
	ld := l.ld
	var cmds []tea.Cmd
	lim := ld.limit(l.total)
	for len(ld.inflight) < l.opts.Concurrency {
		if len(ld.queue) == 0 {
			// With no known end a load walks one page at a time rather than
			// overshoot; G keeps the pipe full anyway (an empty page ends it).
			if (lim >= 0 && ld.planNext >= lim) || (lim < 0 && !ld.all && len(ld.inflight) > 0) {
				break
			}
			ld.queue = append(ld.queue, ld.planNext)
			ld.planNext += l.opts.PageSize
		}
		off := ld.queue[0]
		ld.queue = ld.queue[1:]
		if ld.inflight[off] {
			continue
		}
		ld.inflight[off] = true
		cmds = append(cmds, l.fetchPage(ld, off))
	}
	return tea.Batch(cmds...)
}

// loadResult tells the root what a page answer changed.
type loadResult struct {
	kind    loadKind
	err     error         // loadFailed
	all     bool          // loadDone: it was a G load
	refresh bool          // loadDone: it was a refresh
	pages   int           // loadDone
	took    time.Duration // loadDone
}

type loadKind int

const (
	loadStale    loadKind = iota // an answer to a superseded load
	loadProgress                 // a page arrived; more to come
	loadFailed                   // the load stopped on an error
	loadDone                     // the load finished
)

// fileTotal takes the total a page reports. It reports a drift: the store
// says a different total than the one the loaded rows were read under, so
// customers were deleted or created elsewhere and offsets have shifted.
// A total smaller than what the page's next-page signals say is there is
// contradictory: the signals win and totals are ignored from then on.
// The rules are listing.FileTotal's, shared with `wcadmin customers list`.
func (l *listLoader) fileTotal(offset int, p apiclient.Page) bool {
	var drift bool
	l.total, l.totalBad, drift = listing.FileTotal(l.total, l.totalBad, offset, p)
	return drift
}

// resync starts the load over from offset 0 (the only point known to be
// consistent once offsets have shifted), collecting into a pending list that
// replaces the table when complete: nothing gone stays listed as live and
// nothing that moved past a page boundary is skipped.
func (l *listLoader) resync(t *customerTable) tea.Cmd {
	ld := l.ld
	until := -1 // G: everything
	if !ld.all {
		// Everything loaded so far, and as far as this load meant to go.
		until = max(ld.until, ld.flushed, l.nextOffset, t.Len(), l.opts.PageSize)
	}
	all, resyncs, refreshing := ld.all, ld.resyncs+1, l.refreshing
	l.drifted++
	ld.cancel()
	l.ld = nil
	cmd := l.begin(0, until, true, all, ld.orderBy, ld.dir)
	l.ld.resyncs = resyncs
	l.refreshing = refreshing
	return cmd
}

// handlePage files one page answer into t.
func (l *listLoader) handlePage(msg pageMsg, t *customerTable) (loadResult, tea.Cmd) {
	ld := l.ld
	if ld == nil || msg.gen != ld.gen {
		return loadResult{kind: loadStale}, nil
	}
	delete(ld.inflight, msg.offset)
	if msg.err != nil {
		l.cancel()
		l.err = msg.err
		return loadResult{kind: loadFailed, err: msg.err}, nil
	}
	p := msg.page
	if l.fileTotal(msg.offset, p) {
		if ld.resyncs < maxResyncs {
			return loadResult{kind: loadProgress}, l.resync(t)
		}
		l.stormy = true
	}
	ld.pages++
	ld.results[msg.offset] = p.Customers
	if !p.HasMore || len(p.Customers) == 0 {
		if end := msg.offset + len(p.Customers); ld.endAt < 0 || end < ld.endAt {
			ld.endAt = end
		}
	}
	l.deliver(ld, t)

	lim := ld.limit(l.total)
	if (lim >= 0 && ld.flushed >= lim) || (ld.endAt >= 0 && ld.flushed >= ld.endAt) {
		if ld.patch && !ld.matches(t) && ld.resyncs < maxResyncs {
			return loadResult{kind: loadProgress}, l.resync(t)
		}
		return l.finish(t), nil
	}
	// A short page leaves a gap at flushed: ask for it unless already asked.
	if !ld.covered(ld.flushed, l.opts.PageSize) {
		ld.queue = append([]int{ld.flushed}, ld.queue...)
		ld.planNext = max(ld.planNext, ld.flushed+l.opts.PageSize)
	}
	var needCount tea.Cmd
	if l.total < 0 && !l.countAsked {
		l.countAsked = true
		needCount = l.fetchCount()
	}
	return loadResult{kind: loadProgress}, tea.Batch(l.dispatch(), needCount)
}

// matches reports whether a patch load read back the rows the table holds
// in its range: then nothing shifted and the fresh records can be swapped in.
func (ld *load) matches(t *customerTable) bool {
	n := ld.until - ld.from
	if len(ld.pending) > n {
		ld.pending = ld.pending[:n]
	}
	if ld.from+n > t.Len() || len(ld.pending) != n {
		return false
	}
	for i, c := range ld.pending {
		if t.all[ld.from+i].ID != c.ID {
			return false
		}
	}
	return true
}

// covered reports whether offset is already asked for by a page in flight or queued.
func (ld *load) covered(offset, pageSize int) bool {
	for o := range ld.inflight {
		if o <= offset && offset < o+pageSize {
			return true
		}
	}
	for _, o := range ld.queue {
		if o == offset {
			return true
		}
	}
	return false
}

// deliver moves answered pages into the table (or pending) in offset order.
func (l *listLoader) deliver(ld *load, t *customerTable) {
	for {
		progressed := false
		for off, rows := range ld.results {
			end := off + len(rows)
			if end <= ld.flushed {
				delete(ld.results, off)
				continue
			}
			if off > ld.flushed {
				continue
			}
			fresh := rows[ld.flushed-off:]
			if ld.replace {
				ld.pending = append(ld.pending, fresh...)
			} else {
				t.Append(fresh)
			}
			ld.rows += len(fresh)
			ld.flushed = end
			delete(ld.results, off)
			progressed = true
		}
		if !progressed {
			return
		}
	}
}

func (l *listLoader) finish(t *customerTable) loadResult {
	ld := l.ld
	switch {
	case ld.patch:
		t.ReplaceRange(ld.from, ld.until, ld.pending)
		if ld.endAt >= 0 && ld.endAt < l.nextOffset {
			// The list ends inside the window: nothing is past it.
			l.nextOffset, l.hasMore = ld.endAt, false
		}
	case ld.replace:
		t.SetRows(dedupe(ld.pending))
		fallthrough
	default:
		l.nextOffset = ld.flushed
		l.hasMore = ld.endAt < 0 || ld.flushed < ld.endAt
		if l.total >= 0 && ld.flushed >= l.total {
			l.hasMore = false
		}
	}
	ld.cancel()
	l.ld = nil
	res := loadResult{kind: loadDone, all: ld.all, refresh: l.refreshing, pages: ld.pages,
		took: l.opts.Now().Sub(ld.started)}
	l.refreshing = false
	return res
}

// handleCount files the answer of GET /admin/customers/count. It reports
// whether the read succeeded.
func (l *listLoader) handleCount(msg countMsg) bool {
	if msg.err != nil {
		return false
	}
	if l.total < 0 && !l.totalBad {
		l.total = msg.total
	}
	return true
}

// All I/O happens in tea.Cmds that return typed messages. Each request gets
// its own timeout under a context that quitting cancels.

func (l *listLoader) fetchPage(ld *load, offset int) tea.Cmd {
	store, opts, gen, ctx := l.opts.Store, l.opts, ld.gen, ld.ctx
	lo := apiclient.ListOptions{Limit: opts.PageSize, Offset: offset, OrderBy: ld.orderBy, Direction: ld.dir}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		p, err := store.ListCustomers(ctx, lo)
		sanitizeAll(p.Customers)
		return pageMsg{gen: gen, offset: offset, page: p, err: err}
	}
}

func (l *listLoader) fetchCount() tea.Cmd {
	ctx, store, opts := l.ctx, l.opts.Store, l.opts
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		n, err := store.CountCustomers(ctx)
		return countMsg{total: n, err: err}
	}
}

// dedupe drops repeated ids (the list can shift on the server between pages),
// keeping the first occurrence.
func dedupe(rows []apiclient.Customer) []apiclient.Customer { return listing.Dedupe(rows) }
