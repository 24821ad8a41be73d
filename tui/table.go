package tui

import (
	"strconv"
	"strings"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

// customerTable is a list of customers keyed by id. The cursor is an index for
// speed but is always re-resolved by id when the rows change, so a refresh or a
// deletion never moves it onto a different customer silently.
type customerTable struct {
	rows   []apiclient.Customer
	pos    map[int64]int // id → index in rows
	cursor int
	offset int // first visible row
	height int // visible data rows
	width  int
	st     *styles
}

func newCustomerTable(st *styles) customerTable {
	return customerTable{pos: map[int64]int{}, st: st}
}

func (t *customerTable) Len() int { return len(t.rows) }

// Selected is the customer under the cursor.
func (t *customerTable) Selected() (apiclient.Customer, bool) {
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return apiclient.Customer{}, false
	}
	return t.rows[t.cursor], true
}

func (t *customerTable) reindex() {
	clear(t.pos)
	for i, c := range t.rows {
		t.pos[c.ID] = i
	}
}

// SetRows replaces the rows, keeping the cursor on the customer it was on when
// that customer is still present, else at the same position.
func (t *customerTable) SetRows(rows []apiclient.Customer) {
	cur, had := t.Selected()
	t.rows = rows
	t.reindex()
	if had {
		if i, ok := t.pos[cur.ID]; ok {
			t.cursor = i
		}
	}
	t.clamp()
}

// Append adds rows that are not already present (a list that shifts on the
// server between pages must not produce duplicates).
func (t *customerTable) Append(rows []apiclient.Customer) int {
	n := 0
	for _, c := range rows {
		if _, dup := t.pos[c.ID]; dup {
			continue
		}
		t.pos[c.ID] = len(t.rows)
		t.rows = append(t.rows, c)
		n++
	}
	t.clamp()
	return n
}

// Remove deletes the row with id and puts the cursor on the row that followed
// it, else the one before.
func (t *customerTable) Remove(id int64) {
	i, ok := t.pos[id]
	if !ok {
		return
	}
	cur, _ := t.Selected()
	t.rows = append(t.rows[:i:i], t.rows[i+1:]...)
	t.reindex()
	if cur.ID == id {
		t.cursor = i // the follower slid into place; clamp picks the one before at the end
	} else if j, ok := t.pos[cur.ID]; ok {
		t.cursor = j
	}
	t.clamp()
}

// SelectID moves the cursor to id when present.
func (t *customerTable) SelectID(id int64) bool {
	i, ok := t.pos[id]
	if ok {
		t.cursor = i
		t.clamp()
	}
	return ok
}

func (t *customerTable) Move(delta int) {
	t.cursor += delta
	t.clamp()
}

func (t *customerTable) Top()    { t.cursor = 0; t.clamp() }
func (t *customerTable) Bottom() { t.cursor = len(t.rows) - 1; t.clamp() }

func (t *customerTable) SetSize(w, h int) {
	t.width, t.height = w, max(h, 1)
	t.clamp()
}

// clamp keeps the cursor in range and visible.
func (t *customerTable) clamp() {
	t.cursor = min(max(t.cursor, 0), max(len(t.rows)-1, 0))
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+t.height {
		t.offset = t.cursor - t.height + 1
	}
	t.offset = max(min(t.offset, len(t.rows)-t.height), 0)
}

// RowsBelowView is how many loaded rows lie below the visible window.
func (t *customerTable) RowsBelowView() int {
	return len(t.rows) - (t.offset + t.height)
}

// column layout ------------------------------------------------------------

type column struct {
	title    string
	min, max int // widths in cells; max 0 = flexible
	weight   int // share of the spare width among flexible columns
	cell     func(c *apiclient.Customer) string
}

var allColumns = []column{
	{title: "ID", min: 6, max: 8, cell: func(c *apiclient.Customer) string { return strconv.FormatInt(c.ID, 10) }},
	{title: "Name", min: 10, weight: 2, cell: func(c *apiclient.Customer) string { return c.FullName() }},
	{title: "Email", min: 14, weight: 3, cell: func(c *apiclient.Customer) string { return c.Email }},
	{title: "Status", min: 8, max: 11, cell: func(c *apiclient.Customer) string { return c.Status }},
	{title: "Created", min: 10, max: 10, cell: func(c *apiclient.Customer) string {
		if c.CreatedAt.IsZero() {
			return "-"
		}
		return c.CreatedAt.Format("2006-01-02")
	}},
}

// dropOrder lists which columns give way first when the terminal is narrow.
var dropOrder = []string{"Created", "Status"}

const (
	markerWidth = 2 // "▶ "
	colGap      = 1
)

// layout decides which columns show and how wide, so rows never wrap.
func layout(width int) ([]column, []int) {
	cols := append([]column(nil), allColumns...)
	need := func() int {
		n := markerWidth + colGap*(len(cols)-1)
		for _, c := range cols {
			n += c.min
		}
		return n
	}
	for _, name := range dropOrder {
		if need() <= width {
			break
		}
		for i, c := range cols {
			if c.title == name {
				cols = append(cols[:i], cols[i+1:]...)
				break
			}
		}
	}
	widths := make([]int, len(cols))
	spare := width - need()
	for i, c := range cols {
		widths[i] = c.min
	}
	// Fixed-range columns grow to their max first, then Name and Email share the rest.
	for i, c := range cols {
		if c.max > 0 && spare > 0 {
			g := min(c.max-c.min, spare)
			widths[i] += g
			spare -= g
		}
	}
	total := 0
	for _, c := range cols {
		total += c.weight
	}
	if rest := spare; rest > 0 && total > 0 {
		for i, c := range cols {
			share := rest * c.weight / total
			widths[i] += share
			spare -= share
		}
		for i, c := range cols { // rounding leftovers go to the first flexible column
			if c.weight > 0 {
				widths[i] += spare
				break
			}
		}
	}
	return cols, widths
}

// pad cuts or pads s to exactly w cells.
func pad(s string, w int) string {
	s = termtext.Truncate(s, w)
	if d := w - termtext.Width(s); d > 0 {
		s += strings.Repeat(" ", d)
	}
	return s
}

// View renders the header line and the visible rows only: the cost does not
// grow with the number of loaded customers.
func (t *customerTable) View() string {
	cols, widths := layout(t.width)
	var b strings.Builder
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = pad(c.title, widths[i])
	}
	b.WriteString(t.st.colHeader.Render(pad(strings.Repeat(" ", markerWidth)+strings.Join(cells, " "), t.width)))
	end := min(t.offset+t.height, len(t.rows))
	for r := t.offset; r < end; r++ {
		b.WriteByte('\n')
		c := &t.rows[r]
		for i, col := range cols {
			cells[i] = pad(col.cell(c), widths[i])
		}
		line := strings.Join(cells, " ")
		if r == t.cursor {
			b.WriteString(t.st.selected.Render(pad("▶ "+line, t.width)))
		} else {
			b.WriteString(t.st.cell.Render(pad("  "+line, t.width)))
		}
	}
	for r := end - t.offset; r < t.height; r++ {
		b.WriteByte('\n')
	}
	return b.String()
}
