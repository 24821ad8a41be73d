package tui

import (
	"strconv"
	"strings"

	"github.com/wcadmin/wcadmin/apiclient"
)

// customerTable holds the loaded customers keyed by id, the filtered and
// sorted view of them, the marks and the cursor. The cursor is an index into
// the view for speed, but it is re-resolved by id whenever rows change, so a
// refresh, a filter or a deletion never moves it onto another customer
// silently. Rendering touches only the visible rows.
type customerTable struct {
	all  []apiclient.Customer
	hay  []string      // per row of all: lower-case "id name email company", for the filter
	keys []rowKey      // per row of all: collation keys for sorting (tablesort.go)
	pos  map[int64]int // id → index in all
	view []int32       // indexes into all that pass the filter, in display order

	query string
	// marks capture the customer when it is marked: bulk deletion acts on
	// exactly these records, whatever the table shows later.
	marks map[int64]apiclient.Customer

	sortCol  int // index into allColumns; 0 (ID)
	sortDesc bool
	// gen changes whenever the rows or their order change, so a sort computed
	// on a snapshot is applied only to the rows it was computed for.
	gen     uint64
	sortSeq uint64      // numbers sort requests; only the latest one's result applies
	sorting bool        // a sort runs off the event loop
	resort  resortState // a server re-sort in flight (tablesort.go)

	cursor int // index into view
	offset int // first visible view row
	height int // visible data rows
	width  int
	st     *styles
	// note, when set, says what is happening to a row's customer (the undo
	// window's "pending 4s"): it replaces the Status cell, or leads the name
	// when that column is hidden.
	note func(id int64) string
}

func newCustomerTable(st *styles) customerTable {
	return customerTable{pos: map[int64]int{}, marks: map[int64]apiclient.Customer{}, st: st}
}

// Len is the number of loaded customers; Visible the number the filter shows.
func (t *customerTable) Len() int     { return len(t.all) }
func (t *customerTable) Visible() int { return len(t.view) }

// Selected is the customer under the cursor.
func (t *customerTable) Selected() (apiclient.Customer, bool) {
	if t.cursor < 0 || t.cursor >= len(t.view) {
		return apiclient.Customer{}, false
	}
	return t.all[t.view[t.cursor]], true
}

func haystack(c *apiclient.Customer) string {
	return strings.ToLower(strconv.FormatInt(c.ID, 10) + " " + c.FullName() + " " + c.Email + " " + c.CompanyName)
}

// rebuild recomputes the index, the haystacks and the view after all changed,
// keeping the cursor on keep when it is still visible.
func (t *customerTable) rebuild(keep int64, hadKeep bool) {
	clear(t.pos)
	t.hay = t.hay[:0]
	t.keys = t.keys[:0]
	for i := range t.all {
		t.pos[t.all[i].ID] = i
		h, k := rowKeys(&t.all[i])
		t.hay = append(t.hay, h)
		t.keys = append(t.keys, k)
	}
	t.gen++
	t.refilter(keep, hadKeep, false)
}

// refilter recomputes the view from the query. narrow means the query only
// grew, so the current view can be searched instead of every row.
func (t *customerTable) refilter(keep int64, hadKeep, narrow bool) {
	q := strings.ToLower(t.query)
	var next []int32
	switch {
	case q == "":
		next = make([]int32, len(t.all))
		for i := range next {
			next[i] = int32(i)
		}
	case narrow:
		next = t.view[:0]
		for _, i := range t.view {
			if strings.Contains(t.hay[i], q) {
				next = append(next, i)
			}
		}
	default:
		next = make([]int32, 0, len(t.view))
		for i, h := range t.hay {
			if strings.Contains(h, q) {
				next = append(next, int32(i))
			}
		}
	}
	oldCursor := t.cursor
	t.view = next
	t.cursor = oldCursor
	if hadKeep {
		t.selectIDOrNear(keep)
	}
	t.clamp()
}

// selectIDOrNear puts the cursor on id if visible; otherwise it stays at the
// same position (clamped), which lands on the nearest row.
func (t *customerTable) selectIDOrNear(id int64) bool {
	i, ok := t.pos[id]
	if !ok {
		return false
	}
	for v, idx := range t.view {
		if int(idx) == i {
			t.cursor = v
			return true
		}
	}
	return false
}

// SetRows replaces the rows (already in display order: the server sorted
// them), keeping the cursor on the customer it was on when that customer is
// still present. Marked customers get their fresh
// record; marks on customers that are gone stay until cleared (they may
// simply not be loaded). When the rows answer a server re-sort and the
// customer is not among them (or the filter hides it), the cursor goes to the
// first row and TakeResortNote says so.
func (t *customerTable) SetRows(rows []apiclient.Customer) {
	cur, had := t.Selected()
	t.all = rows
	for i := range t.all {
		if _, ok := t.marks[t.all[i].ID]; ok {
			t.marks[t.all[i].ID] = t.all[i]
		}
	}
	t.rebuild(cur.ID, had)
	if t.resort.pending {
		found := had && t.selectIDOrNear(cur.ID)
		if !found {
			t.cursor, t.offset = 0, 0
			t.clamp()
		}
		t.resort = resortState{noted: true, id: cur.ID, had: had, lost: had && !found}
	}
}

// Append adds rows that are not already present (a list that shifts on the
// server between pages must not produce duplicates). It returns how many
// were new.
func (t *customerTable) Append(rows []apiclient.Customer) int {
	n := 0
	q := strings.ToLower(t.query)
	for _, c := range rows {
		if _, dup := t.pos[c.ID]; dup {
			continue
		}
		i := len(t.all)
		t.pos[c.ID] = i
		t.all = append(t.all, c)
		h, k := rowKeys(&t.all[i])
		t.hay = append(t.hay, h)
		t.keys = append(t.keys, k)
		if q == "" || strings.Contains(h, q) {
			t.view = append(t.view, int32(i))
		}
		n++
	}
	if n > 0 {
		t.gen++
	}
	t.clamp()
	return n
}

// Remove deletes the row with id and puts the cursor on the row that followed
// it, else the one before. Its mark goes too.
func (t *customerTable) Remove(ids ...int64) {
	cur, had := t.Selected()
	follower, hasFollower := int64(0), false
	if had {
		gone := map[int64]bool{}
		for _, id := range ids {
			gone[id] = true
		}
		if gone[cur.ID] {
			had = false
			for v := t.cursor + 1; v < len(t.view); v++ {
				if id := t.all[t.view[v]].ID; !gone[id] {
					follower, hasFollower = id, true
					break
				}
			}
			for v := t.cursor - 1; !hasFollower && v >= 0; v-- {
				if id := t.all[t.view[v]].ID; !gone[id] {
					follower, hasFollower = id, true
				}
			}
		}
	}
	kept := t.all[:0]
	for _, c := range t.all {
		if !containsID(ids, c.ID) {
			kept = append(kept, c)
		}
	}
	clear(t.all[len(kept):]) // drop references held past the new end
	t.all = kept
	for _, id := range ids {
		delete(t.marks, id)
	}
	switch {
	case had:
		t.rebuild(cur.ID, true)
	case hasFollower:
		t.rebuild(follower, true)
	default:
		t.rebuild(0, false)
	}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// SelectID moves the cursor to id when it is visible.
func (t *customerTable) SelectID(id int64) bool {
	ok := t.selectIDOrNear(id)
	t.clamp()
	return ok
}

// SetFilter narrows the view to rows whose id, name, email or company contain
// q (case-insensitive), keeping the cursor on the same customer when it still
// matches.
func (t *customerTable) SetFilter(q string) {
	if q == t.query {
		return
	}
	cur, had := t.Selected()
	narrow := t.query != "" && strings.HasPrefix(strings.ToLower(q), strings.ToLower(t.query))
	t.query = q
	t.refilter(cur.ID, had, narrow)
}

func (t *customerTable) Move(delta int) {
	t.cursor += delta
	t.clamp()
}

func (t *customerTable) Top()    { t.cursor = 0; t.clamp() }
func (t *customerTable) Bottom() { t.cursor = len(t.view) - 1; t.clamp() }

func (t *customerTable) SetSize(w, h int) {
	t.width, t.height = w, max(h, 1)
	t.clamp()
}

// clamp keeps the cursor in range and visible.
func (t *customerTable) clamp() {
	t.cursor = min(max(t.cursor, 0), max(len(t.view)-1, 0))
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+t.height {
		t.offset = t.cursor - t.height + 1
	}
	t.offset = max(min(t.offset, len(t.view)-t.height), 0)
}

// RowsBelowCursor is how many visible rows lie below the cursor.
func (t *customerTable) RowsBelowCursor() int { return len(t.view) - 1 - t.cursor }

// marks ----------------------------------------------------------------------

// ToggleMark marks or unmarks the selected customer.
func (t *customerTable) ToggleMark() {
	c, ok := t.Selected()
	if !ok {
		return
	}
	if _, on := t.marks[c.ID]; on {
		delete(t.marks, c.ID)
	} else {
		t.marks[c.ID] = c
	}
}

// MarkVisible marks every row the filter shows.
func (t *customerTable) MarkVisible() int {
	for _, i := range t.view {
		t.marks[t.all[i].ID] = t.all[i]
	}
	return len(t.view)
}

func (t *customerTable) ClearMarks() { clear(t.marks) }

func (t *customerTable) IsMarked(id int64) bool {
	_, ok := t.marks[id]
	return ok
}

// Marked returns the marked customers in table order, then any marked
// customers no longer loaded, by id.
func (t *customerTable) Marked() []apiclient.Customer {
	out := make([]apiclient.Customer, 0, len(t.marks))
	seen := make(map[int64]bool, len(t.marks))
	for i := range t.all {
		if c, ok := t.marks[t.all[i].ID]; ok {
			out = append(out, c)
			seen[c.ID] = true
		}
	}
	var rest []apiclient.Customer
	for id, c := range t.marks {
		if !seen[id] {
			rest = append(rest, c)
		}
	}
	sortByID(rest)
	return append(out, rest...)
}

// CountHidden counts the customers of cs that are loaded but that the current
// filter hides. Customers that are not loaded at all are not hidden by the
// filter: CountNotLoaded counts those.
func (t *customerTable) CountHidden(cs []apiclient.Customer) int {
	shown := make(map[int64]bool, len(t.view))
	for _, i := range t.view {
		shown[t.all[i].ID] = true
	}
	n := 0
	for _, c := range cs {
		if _, loaded := t.pos[c.ID]; loaded && !shown[c.ID] {
			n++
		}
	}
	return n
}

// CountNotLoaded counts the customers of cs that are not in the table (marked
// before a refresh or a server re-sort, or loaded by an email lookup since
// replaced).
func (t *customerTable) CountNotLoaded(cs []apiclient.Customer) int {
	n := 0
	for _, c := range cs {
		if _, loaded := t.pos[c.ID]; !loaded {
			n++
		}
	}
	return n
}

// isLoaded reports whether the customer id is in the table.
func (t *customerTable) isLoaded(id int64) bool {
	_, ok := t.pos[id]
	return ok
}
