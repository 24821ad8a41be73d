package tui

import (
	"cmp"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Local and server order agree: each column sorts locally by exactly the key
// the store orders by for its order_by (case-insensitive first_name, email;
// status as sent; created_at; id), ties by id, and a descending sort is the
// ascending one reversed (ties included), as the store walks its list
// backwards. The keys are computed once per row when rows arrive (rowKeys),
// never per comparison.

// sortKey says which order_by the server gets for a column while the list is
// only partly loaded, and how a row's collation key is read locally.
type sortKey struct {
	orderBy string
	key     func(t *customerTable, i int) collation
}

// collation is one row's sort key for one column: compared by s, then n1,
// n2, then id. idx is the row's index in the table.
type collation struct {
	s   string
	n1  int64
	n2  int64
	id  int64
	idx int32
}

func compareCollation(a, b *collation) int {
	if c := strings.Compare(a.s, b.s); c != 0 {
		return c
	}
	if c := cmp.Compare(a.n1, b.n1); c != 0 {
		return c
	}
	if c := cmp.Compare(a.n2, b.n2); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

var sortKeys = []sortKey{ // parallel to allColumns
	{"id", func(t *customerTable, i int) collation { return collation{} }},
	{"first_name", func(t *customerTable, i int) collation { return collation{s: t.keys[i].name} }},
	{"email", func(t *customerTable, i int) collation { return collation{s: t.keys[i].email} }},
	{"status", func(t *customerTable, i int) collation { return collation{s: t.all[i].Status} }},
	{"created_at", func(t *customerTable, i int) collation {
		c := &t.all[i].CreatedAt
		return collation{n1: c.Unix(), n2: int64(c.Nanosecond())}
	}},
}

// rowKey holds the precomputed collation keys of one row. Both strings are
// slices of the row's haystack (or of the record) wherever possible, so they
// cost two string headers per customer.
type rowKey struct {
	name  string // lower-case first name: the store's order_by=first_name
	email string // lower-case email
}

// rowKeys builds the filter haystack (lower-case "id name email company",
// exactly what haystack returns) and the collation keys in one pass.
func rowKeys(c *apiclient.Customer) (string, rowKey) {
	var b strings.Builder
	lfirst := strings.ToLower(c.FirstName)
	lemail := strings.ToLower(c.Email)
	id := c.ID
	var idBuf [24]byte
	ids := appendInt(idBuf[:0], id)
	b.Grow(len(ids) + len(c.FirstName) + len(c.LastName) + len(c.Name) + len(c.Email) + len(c.CompanyName) + 8)
	b.Write(ids)
	b.WriteByte(' ')
	nameAt := -1
	switch {
	case c.Name != "":
		b.WriteString(strings.ToLower(c.Name))
	case c.FirstName == "":
		b.WriteString(strings.ToLower(c.LastName))
	default:
		nameAt = b.Len()
		b.WriteString(lfirst)
		if c.LastName != "" {
			b.WriteByte(' ')
			b.WriteString(strings.ToLower(c.LastName))
		}
	}
	b.WriteByte(' ')
	emailAt := b.Len()
	b.WriteString(lemail)
	b.WriteByte(' ')
	b.WriteString(strings.ToLower(c.CompanyName))
	hay := b.String()
	k := rowKey{name: lfirst, email: hay[emailAt : emailAt+len(lemail)]}
	if nameAt >= 0 {
		k.name = hay[nameAt : nameAt+len(lfirst)]
	}
	return hay, k
}

func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		u := uint64(-n)
		return appendUint(b, u)
	}
	return appendUint(b, uint64(n))
}

func appendUint(b []byte, u uint64) []byte {
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// sortInlineMax is the largest table sorted on the event loop; larger ones
// sort in a tea.Cmd so the console keeps drawing and answering keys. A
// variable only so that tests can run the off-loop path on small tables.
var sortInlineMax = 5000

// SetSort changes the sort column and direction. When local is true (every
// customer is loaded) the rows are re-ordered here, at once; otherwise the
// caller reloads from the server in the new order, and the next SetRows keeps
// the cursor on the same customer if it is loaded, else puts it on the first
// row (see TakeResortNote).
func (t *customerTable) SetSort(col int, desc, local bool) {
	t.sortCol, t.sortDesc = col, desc
	t.sortSeq++ // a sort still running is for an older choice
	t.sorting = false
	if !local {
		cur, had := t.Selected()
		t.resort = resortState{pending: true, id: cur.ID, had: had}
		return
	}
	t.resort = resortState{}
	s := t.sortSnapshot()
	t.applySort(s.run())
}

// SortAsync changes the sort column and direction of a fully loaded table. A
// small table is sorted at once and nil is returned; a large one is sorted by
// the returned command on a snapshot of its keys, and the result lands as a
// sortedMsg for ApplySorted. Until then the table shows the old order and
// Sorting reports true.
func (t *customerTable) SortAsync(col int, desc bool) tea.Cmd {
	if len(t.all) <= sortInlineMax {
		t.SetSort(col, desc, true)
		return nil
	}
	t.sortCol, t.sortDesc = col, desc
	t.sortSeq++
	t.sorting = true
	s := t.sortSnapshot()
	return func() tea.Msg { return s.run() }
}

// Sorting reports that a sort runs off the event loop.
func (t *customerTable) Sorting() bool { return t.sorting }

// sortSnapshot copies what a sort needs: the rows with their haystacks and
// keys, and the collation key of every row for the sort column. It shares
// nothing mutable with the table (strings are immutable), so it may be
// sorted and permuted on another goroutine.
type sortSnapshot struct {
	seq, gen uint64
	desc     bool
	keys     []collation
	all      []apiclient.Customer
	hay      []string
	rk       []rowKey
}

func (t *customerTable) sortSnapshot() sortSnapshot {
	keys := make([]collation, len(t.all))
	for i := range t.all {
		keys[i] = t.rowCollationKey(i)
	}
	return sortSnapshot{seq: t.sortSeq, gen: t.gen, desc: t.sortDesc, keys: keys,
		all: slices.Clone(t.all), hay: slices.Clone(t.hay), rk: slices.Clone(t.keys)}
}

// rowCollationKey is row i's collation key for the sort column, with its id
// and index.
func (t *customerTable) rowCollationKey(i int) collation {
	k := sortKeys[t.sortCol].key(t, i)
	k.id = t.all[i].ID
	k.idx = int32(i)
	return k
}

// sortedMsg is a finished sort: the snapshot's rows, haystacks and keys in
// the new order, and the id index for them. seq and gen say which sort and
// which rows it was computed for.
type sortedMsg struct {
	seq, gen uint64
	all      []apiclient.Customer
	hay      []string
	keys     []rowKey
	pos      map[int64]int
}

// run sorts the snapshot. It touches only the snapshot.
func (s sortSnapshot) run() sortedMsg {
	keys := s.keys
	sortCollations(keys, s.desc)
	n := len(keys)
	msg := sortedMsg{seq: s.seq, gen: s.gen, all: s.all, hay: s.hay, keys: s.rk, pos: make(map[int64]int, n)}
	if len(s.all) != n || len(s.hay) != n || len(s.rk) != n {
		msg.all = nil // inconsistent: ApplySorted refuses it
		return msg
	}
	// Permute in place along the cycles of the order: position j takes the
	// row at index keys[j].idx.
	done := make([]bool, n)
	for i := range n {
		if done[i] {
			continue
		}
		c, h, k := msg.all[i], msg.hay[i], msg.keys[i]
		j := i
		for {
			done[j] = true
			src := int(keys[j].idx)
			if src == i {
				msg.all[j], msg.hay[j], msg.keys[j] = c, h, k
				break
			}
			msg.all[j], msg.hay[j], msg.keys[j] = msg.all[src], msg.hay[src], msg.keys[src]
			j = src
		}
	}
	for i := range msg.all {
		msg.pos[msg.all[i].ID] = i
	}
	return msg
}

// sortCollations sorts keys ascending (descending: the exact reverse) by
// compareCollation, with a cheaper comparison when every key is a string
// (or every key a number).
func sortCollations(keys []collation, desc bool) {
	strs, nums := true, true
	for i := range keys {
		k := &keys[i]
		if k.n1 != 0 || k.n2 != 0 {
			strs = false
		}
		if k.s != "" {
			nums = false
		}
	}
	var f func(a, b collation) int
	switch {
	case strs:
		sortStrings(keys, desc)
		return
	case nums:
		f = func(a, b collation) int {
			if a.n1 != b.n1 {
				return cmp.Compare(a.n1, b.n1)
			}
			if a.n2 != b.n2 {
				return cmp.Compare(a.n2, b.n2)
			}
			return cmp.Compare(a.id, b.id)
		}
	default:
		f = func(a, b collation) int { return compareCollation(&a, &b) }
	}
	if desc {
		slices.SortFunc(keys, func(a, b collation) int { return f(b, a) })
		return
	}
	slices.SortFunc(keys, f)
}

// strItem is a string key with its first 8 bytes as a big-endian number:
// most comparisons end there, without touching the string.
type strItem struct {
	pre uint64
	s   string
	id  int64
	idx int32
}

func prefix64(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// sortStrings sorts keys whose only key is s, then id. A prefix order is
// consistent with the string order (a shorter string pads with zero bytes,
// and ties fall through to the whole strings), so the result is exactly
// compareCollation's order.
func sortStrings(keys []collation, desc bool) {
	items := make([]strItem, len(keys))
	for i := range keys {
		k := &keys[i]
		items[i] = strItem{pre: prefix64(k.s), s: k.s, id: k.id, idx: k.idx}
	}
	f := func(a, b strItem) int {
		if a.pre != b.pre {
			return cmp.Compare(a.pre, b.pre)
		}
		if c := strings.Compare(a.s, b.s); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	}
	if desc {
		slices.SortFunc(items, func(a, b strItem) int { return f(b, a) })
	} else {
		slices.SortFunc(items, f)
	}
	for i := range items {
		keys[i] = collation{s: items[i].s, id: items[i].id, idx: items[i].idx}
	}
}

// sortOutcome says what ApplySorted did with a result.
type sortOutcome int

const (
	sortApplied  sortOutcome = iota
	sortObsolete             // a newer sort was asked for: dropped
	sortStale                // the rows changed since the snapshot: dropped, sort again
)

// ApplySorted puts a finished sort into effect, keeping the cursor on the
// same customer, unless the table changed since its snapshot (generation
// guard) or another sort was asked for since.
func (t *customerTable) ApplySorted(msg sortedMsg) sortOutcome {
	if msg.seq != t.sortSeq {
		return sortObsolete
	}
	t.sorting = false
	if msg.gen != t.gen || !t.applySort(msg) {
		return sortStale
	}
	return sortApplied
}

// applySort swaps in the sorted rows. It reports false, changing nothing,
// when they do not match the table (same number of rows, same ids).
func (t *customerTable) applySort(msg sortedMsg) bool {
	if msg.all == nil && len(t.all) > 0 || len(msg.all) != len(t.all) || len(msg.pos) != len(t.pos) {
		return false
	}
	cur, had := t.Selected()
	t.all, t.hay, t.keys, t.pos = msg.all, msg.hay, msg.keys, msg.pos
	t.gen++
	t.refilter(cur.ID, had, false)
	return true
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

// resortState remembers, across a server re-sort, which customer the cursor
// was on, and what became of it.
type resortState struct {
	pending bool // a server re-sort was asked for; the next SetRows is its answer
	id      int64
	had     bool
	lost    bool // the answer did not contain the customer: the cursor went to the first row
	noted   bool // the answer arrived (lost is meaningful)
}

// TakeResortNote reports, once, that a server re-sort's rows arrived, and
// whether the customer the cursor was on is not among them (the cursor then
// went to the first row).
func (t *customerTable) TakeResortNote() (arrived, lost bool, id int64) {
	r := t.resort
	if !r.noted {
		return false, false, 0
	}
	t.resort = resortState{}
	return true, r.lost, r.id
}
