package tui

import (
	"slices"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Table helpers for rows the store search finds (search.go). The order is
// the table's own: the sort column's collation key (tablesort.go), ties by
// id, reversed when descending.

// rowCollation is row i's sort key in the current order.
func (t *customerTable) rowCollation(i int) collation {
	k := sortKeys[t.sortCol].key(t, i)
	k.id = t.all[i].ID
	k.idx = int32(i)
	return k
}

// compareCollations compares two sort keys in the table's direction.
func (t *customerTable) compareCollations(a, b *collation) int {
	if t.sortDesc {
		return compareCollation(b, a)
	}
	return compareCollation(a, b)
}

// compareIDs compares two loaded rows in table order (0 when either is not loaded).
func (t *customerTable) compareIDs(a, b int64) int {
	i, okA := t.pos[a]
	j, okB := t.pos[b]
	if !okA || !okB {
		return 0
	}
	ka, kb := t.rowCollation(i), t.rowCollation(j)
	return t.compareCollations(&ka, &kb)
}

// Has reports whether id is loaded.
func (t *customerTable) Has(id int64) bool {
	_, ok := t.pos[id]
	return ok
}

// lastIDExcept is the id of the last row in table order whose id is not in skip.
func (t *customerTable) lastIDExcept(skip map[int64]bool) (int64, bool) {
	for i := len(t.all) - 1; i >= 0; i-- {
		if !skip[t.all[i].ID] {
			return t.all[i].ID, true
		}
	}
	return 0, false
}

// InsertSorted adds the rows not loaded yet, each in its sorted place, and
// returns their ids. The cursor stays on the same customer.
func (t *customerTable) InsertSorted(rows []apiclient.Customer) []int64 {
	var added []int64
	for _, c := range rows {
		if !t.Has(c.ID) && !slices.Contains(added, c.ID) {
			added = append(added, c.ID)
		}
	}
	if len(added) == 0 {
		return nil
	}
	t.Append(rows) // at the end, with their keys; then into place
	moved := make(map[int64]bool, len(added))
	for _, id := range added {
		moved[id] = true
	}
	t.Reposition(moved)
	return added
}

// Reposition moves the rows of ids to their sorted place among the others
// (which keep their order), keeping the cursor on the same customer.
func (t *customerTable) Reposition(ids map[int64]bool) {
	var kept []int
	var moved []collation
	for i := range t.all {
		if ids[t.all[i].ID] {
			moved = append(moved, t.rowCollation(i))
		} else {
			kept = append(kept, i)
		}
	}
	if len(moved) == 0 {
		return
	}
	slices.SortFunc(moved, func(a, b collation) int { return t.compareCollations(&a, &b) })
	keptKeys := make([]collation, len(kept))
	for j, i := range kept {
		keptKeys[j] = t.rowCollation(i)
	}
	order := make([]int, 0, len(t.all))
	next := 0
	for _, mk := range moved {
		at, _ := slices.BinarySearchFunc(keptKeys, mk, func(e, target collation) int { return t.compareCollations(&e, &target) })
		for ; next < at; next++ {
			order = append(order, kept[next])
		}
		order = append(order, int(mk.idx))
	}
	order = append(order, kept[next:]...)
	rows := make([]apiclient.Customer, len(order))
	for j, i := range order {
		rows[j] = t.all[i]
	}
	cur, had := t.Selected()
	t.all = rows
	t.rebuild(cur.ID, had)
}
