package tui

import "github.com/wcadmin/wcadmin/apiclient"

// ReplaceRange swaps the loaded rows [from, to) (in server order) for rows,
// the same range read afresh; the rest of the list stays. Rows already
// present elsewhere in the list are not repeated. The cursor stays on the
// customer it was on when that customer is still listed, else on the row
// now at its place. Marked customers get their fresh record.
func (t *customerTable) ReplaceRange(from, to int, rows []apiclient.Customer) {
	from = min(max(from, 0), len(t.all))
	to = min(max(to, from), len(t.all))
	keep := make(map[int64]bool, len(t.all)-(to-from))
	for _, c := range t.all[:from] {
		keep[c.ID] = true
	}
	for _, c := range t.all[to:] {
		keep[c.ID] = true
	}
	fresh := make([]apiclient.Customer, 0, len(rows))
	for _, c := range rows {
		if keep[c.ID] {
			continue
		}
		keep[c.ID] = true
		if _, ok := t.marks[c.ID]; ok {
			t.marks[c.ID] = c
		}
		fresh = append(fresh, c)
	}
	cur, had := t.Selected()
	next := make([]apiclient.Customer, 0, from+len(fresh)+len(t.all)-to)
	next = append(next, t.all[:from]...)
	next = append(next, fresh...)
	next = append(next, t.all[to:]...)
	t.all = next
	if had {
		if _, ok := t.pos[cur.ID]; ok {
			t.rebuild(cur.ID, true)
			if !t.SelectID(cur.ID) {
				t.clamp()
			}
			return
		}
	}
	t.rebuild(0, false)
}

// windowRange is the range of loaded rows (indexes into the list in server
// order) that the screen shows, widened to the cursor's row: what a refresh
// after a deletion re-reads. ok is false when nothing is shown.
func (t *customerTable) windowRange() (from, to int, ok bool) {
	if len(t.view) == 0 {
		return 0, 0, false
	}
	first := t.offset
	last := min(t.offset+t.height, len(t.view)) - 1
	lo, hi := int(t.view[t.cursor]), int(t.view[t.cursor])
	for v := first; v <= last; v++ {
		i := int(t.view[v])
		// With a filter the shown rows may be far apart: re-read only those
		// near the cursor, so the cost stays O(screen).
		if i < lo && int(t.view[t.cursor])-i < 2*t.height {
			lo = i
		}
		if i > hi && i-int(t.view[t.cursor]) < 2*t.height {
			hi = i
		}
	}
	return lo, hi + 1, true
}

// hasID reports whether id is listed.
func (t *customerTable) hasID(id int64) bool {
	_, ok := t.pos[id]
	return ok
}
