package tui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/wcadmin/wcadmin/apiclient"
)

// sortKey says how a column orders rows locally and which order_by the
// server gets while the list is only partly loaded.
type sortKey struct {
	orderBy string
	cmp     func(a, b *apiclient.Customer) int
}

var sortKeys = []sortKey{ // parallel to allColumns
	{"id", func(a, b *apiclient.Customer) int { return cmp.Compare(a.ID, b.ID) }},
	{"first_name", func(a, b *apiclient.Customer) int {
		return cmp.Compare(strings.ToLower(a.FullName()), strings.ToLower(b.FullName()))
	}},
	{"email", func(a, b *apiclient.Customer) int {
		return cmp.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
	}},
	{"status", func(a, b *apiclient.Customer) int { return cmp.Compare(a.Status, b.Status) }},
	{"created_at", func(a, b *apiclient.Customer) int { return a.CreatedAt.Compare(b.CreatedAt) }},
}

// SetSort changes the sort column and direction. When local is true (every
// customer is loaded) the rows are re-ordered here; otherwise the caller
// reloads from the server in the new order.
func (t *customerTable) SetSort(col int, desc, local bool) {
	t.sortCol, t.sortDesc = col, desc
	if !local {
		return
	}
	cur, had := t.Selected()
	t.sortLocal()
	t.rebuild(cur.ID, had)
}

// sortLocal orders all by the current sort, ties by id so the order is total.
func (t *customerTable) sortLocal() {
	k := sortKeys[t.sortCol]
	slices.SortStableFunc(t.all, func(a, b apiclient.Customer) int {
		c := k.cmp(&a, &b)
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if t.sortDesc {
			return -c
		}
		return c
	})
}

func sortByID(cs []apiclient.Customer) {
	slices.SortFunc(cs, func(a, b apiclient.Customer) int { return cmp.Compare(a.ID, b.ID) })
}

// orderBy is the server's name for the current sort.
func (t *customerTable) orderBy() (field, direction string) {
	direction = "asc"
	if t.sortDesc {
		direction = "desc"
	}
	return sortKeys[t.sortCol].orderBy, direction
}
