package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wcadmin/wcadmin/apiclient"
)

// The / filter narrows the loaded rows at once, and after a pause in typing
// asks the store too, so a customer whose page was never loaded is found:
//
//   - "#1234" or "1234": GET /admin/customers/1234, selected when it exists;
//   - a complete email: the list with email= (every store has it);
//   - other text of two or more characters: the list with search= (name or
//     email substring; [B] stores). A store that rejects search (400
//     unknown_parameter) or ignores it (answers rows that do not contain the
//     query) is remembered for the session and only emails and ids are
//     asked of it from then on; the operator is told once.
//
// The pause is a tea.Tick carrying a sequence number: every change of the
// query bumps it and cancels the request in flight, and ticks or answers
// carrying an older number are dropped. So typing sends one request per
// pause, never one per key, and at most one is in flight.
//
// Rows the store finds are merged into the table in their sorted place. Those
// that sort beyond the loaded pages are remembered as found "outside the
// loaded range" (the status line says so for the selected row) and are moved
// into place as later pages arrive.

// searchDelay is the pause after the last change of the query before the
// store is asked.
const searchDelay = 250 * time.Millisecond

// searchTick times the pause: a tea.Tick delivering msg after d. Tests
// replace it (they deliver the tick message themselves).
var searchTick = func(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// searchSupport is what the store is known to do with search=.
type searchSupport int

const (
	searchUntried  searchSupport = iota
	searchWorks                  // it filtered
	searchRejected               // 400 unknown_parameter
	searchIgnored                // it answered rows that do not match
)

// searchKind is how a query is asked of the store.
type searchKind int

const (
	searchNone  searchKind = iota // not worth asking (too short, or no search on this store)
	searchText                    // list with search=
	searchEmail                   // list with email=
	searchID                      // GET /admin/customers/{id}
)

// searchState is the filter's conversation with the store.
type searchState struct {
	seq     int                // numbers queries; older ticks and answers are dropped
	query   string             // the query (trimmed filter text) seq belongs to
	cancel  context.CancelFunc // the request in flight, nil when none
	support searchSupport
	told    bool   // the operator was told the store cannot search
	note    string // about the current query, shown after the filter
	// outside holds the ids found by the store that sort beyond the loaded
	// pages: the table shows them in place although the rows between are
	// not loaded yet.
	outside map[int64]bool
	status  int // index into statusFilters: the status filter on the store
	// tick replaces searchTick for one model (tests); nil means searchTick.
	tick func(time.Duration, tea.Msg) tea.Cmd
}

// searchTickMsg ends the pause after the query seq was typed.
type searchTickMsg struct {
	seq   int
	query string
}

// searchResultMsg answers one search.
type searchResultMsg struct {
	seq       int
	query     string
	kind      searchKind
	id        int64 // searchID
	customers []apiclient.Customer
	err       error
}

// jumpID reads "#1234" or "1234" as a customer id.
func jumpID(q string) (int64, bool) {
	digits := strings.TrimPrefix(q, "#")
	if digits == "" || len(digits) > 18 {
		return 0, false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil && id > 0
}

// localQuery is what the loaded rows are filtered by: "#1234" matches the
// id 1234 (the rows' haystacks hold the id without #).
func localQuery(q string) string {
	if _, ok := jumpID(q); ok {
		return strings.TrimPrefix(q, "#")
	}
	return q
}

// searchKindOf decides how q is asked of the store.
func (m *Model) searchKindOf(q string) searchKind {
	switch {
	case q == "":
		return searchNone
	case strings.HasPrefix(q, "#") || isDigits(q):
		if _, ok := jumpID(q); ok {
			return searchID
		}
		return searchNone
	case emailRe.MatchString(strings.ToLower(q)):
		return searchEmail
	case m.search.support == searchRejected || m.search.support == searchIgnored:
		return searchNone
	case utf8.RuneCountInString(q) < 2:
		return searchNone
	}
	return searchText
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// queueSearch is called whenever the filter text may have changed. A new
// query cancels the request in flight and starts the pause.
func (m *Model) queueSearch(q string) tea.Cmd {
	if q == m.search.query {
		return nil // the cursor moved, or the same text was retyped
	}
	m.stopSearch()
	m.search.query = q
	if m.searchKindOf(q) == searchNone {
		return nil
	}
	tick := m.search.tick
	if tick == nil {
		tick = searchTick
	}
	return tick(searchDelay, searchTickMsg{seq: m.search.seq, query: q})
}

// stopSearch forgets the current query: its tick and its answer will be
// dropped, and its request is cancelled.
func (m *Model) stopSearch() {
	m.search.seq++
	m.search.query = ""
	m.search.note = ""
	if m.search.cancel != nil {
		m.search.cancel()
		m.search.cancel = nil
	}
}

// current reports whether an answer or tick for (seq, query) still matters:
// nothing was typed since, and the filter was not cleared elsewhere.
func (m *Model) current(seq int, query string) bool {
	return seq == m.search.seq && query == m.search.query && localQuery(query) == m.table.query
}

// handleSearchTick: the pause is over; ask the store.
func (m *Model) handleSearchTick(msg searchTickMsg) tea.Cmd {
	if !m.current(msg.seq, msg.query) {
		return nil
	}
	q := msg.query
	kind := m.searchKindOf(q)
	if kind == searchNone {
		return nil
	}
	if kind == searchID {
		id, _ := jumpID(q)
		if m.table.SelectID(id) {
			m.search.note = ""
			return nil // loaded already
		}
	} else if m.list.complete() {
		return nil // every customer is loaded: the table already shows every match
	}
	ctx, cancel := context.WithTimeout(m.ctx, m.opts.Timeout)
	m.search.cancel = cancel
	m.search.note = "searching the store…"
	store, seq := m.opts.Store, msg.seq
	if kind == searchID {
		id, _ := jumpID(q)
		return func() tea.Msg {
			c, err := store.GetCustomer(ctx, id)
			var cs []apiclient.Customer
			if err == nil {
				cs = []apiclient.Customer{c}
				sanitizeAll(cs)
			}
			return searchResultMsg{seq: seq, query: q, kind: kind, id: id, customers: cs, err: err}
		}
	}
	orderBy, dir := m.table.orderBy()
	lo := apiclient.ListOptions{Limit: m.opts.PageSize, OrderBy: orderBy, Direction: dir, Status: m.statusFilter()}
	if kind == searchEmail {
		lo.Email = strings.ToLower(q)
	} else {
		lo.Search = q
	}
	return func() tea.Msg {
		p, err := store.ListCustomers(ctx, lo)
		sanitizeAll(p.Customers)
		return searchResultMsg{seq: seq, query: q, kind: kind, customers: p.Customers, err: err}
	}
}

// handleSearchResult merges what the store found.
func (m *Model) handleSearchResult(msg searchResultMsg) tea.Cmd {
	if msg.seq != m.search.seq {
		return nil // superseded (and cancelled)
	}
	if m.search.cancel != nil {
		m.search.cancel()
		m.search.cancel = nil
	}
	if !m.current(msg.seq, msg.query) {
		return nil
	}
	if msg.err != nil {
		return m.searchFailed(msg)
	}
	m.status.Resolve()
	rows := msg.customers
	switch msg.kind {
	case searchText:
		lq := strings.ToLower(msg.query)
		matching := rows[:0:0]
		for i := range rows {
			if strings.Contains(haystack(&rows[i]), lq) {
				matching = append(matching, rows[i])
			}
		}
		if len(matching) < len(rows) {
			// An [A] store answers the unfiltered list: never show that as matches.
			m.search.support = searchIgnored
			m.sayNoSearch("ignores")
			rows = matching
		} else if m.search.support == searchUntried {
			m.search.support = searchWorks
		}
	case searchID:
		c := rows[0]
		if c.InTrash {
			m.search.note = fmt.Sprintf("customer #%d is in the store's trash", c.ID)
			return nil
		}
	}
	added := m.mergeFound(rows)
	switch {
	case msg.kind == searchID:
		m.table.SelectID(msg.id)
		m.search.note = fmt.Sprintf("#%d fetched from the store", msg.id)
	case m.search.support == searchIgnored && msg.kind == searchText:
		m.search.note = "this store cannot search: type a complete email or #id"
	case added > 0:
		m.search.note = fmt.Sprintf("%d more found on the store", added)
	case len(rows) == 0:
		m.search.note = "no match on the store"
	default:
		m.search.note = "no more on the store"
	}
	return nil
}

func (m *Model) searchFailed(msg searchResultMsg) tea.Cmd {
	var apiErr *apiclient.Error
	switch {
	case msg.kind == searchText && apiclient.IsUnknownParameter(msg.err, "search"):
		m.search.support = searchRejected
		m.sayNoSearch("rejects")
		m.search.note = "this store cannot search: type a complete email or #id"
	case msg.kind == searchID && errors.As(msg.err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		m.search.note = fmt.Sprintf("no customer #%d on the store", msg.id)
	case errors.Is(msg.err, context.Canceled) && m.ctx.Err() != nil:
		// quitting
	default:
		m.search.note = "the store search failed"
		m.status.Set(statusErr, "%s", m.explain("Could not search the store for "+msg.query, msg.err, "type in the filter again to retry"))
	}
	return nil
}

// sayNoSearch tells the operator once that this store cannot search.
func (m *Model) sayNoSearch(how string) {
	if m.search.told {
		return
	}
	m.search.told = true
	m.status.Set(statusInfo, "This store %s search=: the filter now asks it only for complete emails and #ids", how)
}

// mergeFound puts rows the store found into the table in their sorted place
// and remembers those beyond the loaded pages. It returns how many were new.
func (m *Model) mergeFound(rows []apiclient.Customer) int {
	if len(rows) == 0 {
		return 0
	}
	if m.search.outside == nil {
		m.search.outside = map[int64]bool{}
	}
	last, hasLast := m.table.lastIDExcept(m.search.outside)
	partial := !m.list.complete()
	added := m.table.InsertSorted(rows)
	for _, id := range added {
		if partial && (!hasLast || m.table.compareIDs(id, last) > 0) {
			m.search.outside[id] = true
		}
	}
	return len(added)
}

// repositionInlineMax is the largest table whose found rows are moved into
// place after every page; a larger one waits for the load to end (moving
// them rebuilds the table's index).
const repositionInlineMax = 5000

// placeFound runs after every page: rows found by the store that the pages
// have reached are no longer outside, and those still outside move behind
// the rows just appended, to their sorted place.
func (m *Model) placeFound() {
	out := m.search.outside
	if len(out) == 0 {
		return
	}
	for id := range out {
		if !m.table.Has(id) {
			delete(out, id) // a reload replaced the rows, or it was deleted
		}
	}
	if len(out) == 0 || (m.list.loading() && m.table.Len() > repositionInlineMax) {
		return // a long load (G) puts them in place once, when it ends
	}
	m.table.Reposition(out)
	if m.list.complete() {
		clear(out)
		return
	}
	last, hasLast := m.table.lastIDExcept(out)
	for id := range out {
		if hasLast && m.table.compareIDs(id, last) < 0 {
			delete(out, id)
		}
	}
}

// searchNote is what the filter's line says after the input (or the idle
// status after the filter): the store search, and whether the selected row
// was found beyond the loaded pages.
func (m *Model) searchNote() string {
	var parts []string
	if m.search.note != "" && localQuery(m.search.query) == m.table.query {
		parts = append(parts, m.search.note)
	}
	if c, ok := m.table.Selected(); ok && m.search.outside[c.ID] {
		parts = append(parts, fmt.Sprintf("◆ #%d is beyond the loaded pages", c.ID))
	}
	if len(parts) == 0 {
		return ""
	}
	return " · " + strings.Join(parts, " · ")
}

// filterLine is the filter's input with the note after the text (not after
// the input's padding), cut to the terminal's width.
func (m *Model) filterLine() string {
	v := m.filter.View()
	note := m.searchNote()
	if note == "" {
		return v
	}
	// The padding is spaces; the cursor cell at the end is kept.
	v = strings.TrimRight(v, " ") + " "
	return ansi.Truncate(v+note, m.width, "…")
}
