package tui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

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
	{title: "Status", min: 8, weight: 1, cell: func(c *apiclient.Customer) string { return c.Status }},
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
	markerWidth = 3 // cursor "▶", mark "●", space
	colGap      = 1
)

// layout decides which columns show and how wide, so rows never wrap. It
// returns indexes into allColumns and their widths.
func layout(width int) ([]int, []int) {
	cols := []int{0, 1, 2, 3, 4}
	need := func() int {
		n := markerWidth + colGap*(len(cols)-1)
		for _, c := range cols {
			n += allColumns[c].min
		}
		return n
	}
	for _, name := range dropOrder {
		if need() <= width {
			break
		}
		cols = slices.DeleteFunc(cols, func(c int) bool { return allColumns[c].title == name })
	}
	widths := make([]int, len(cols))
	spare := width - need()
	for i, c := range cols {
		widths[i] = allColumns[c].min
	}
	// Fixed-range columns grow to their max first, then Name and Email share the rest.
	for i, c := range cols {
		if col := allColumns[c]; col.max > 0 && spare > 0 {
			g := min(col.max-col.min, spare)
			widths[i] += g
			spare -= g
		}
	}
	total := 0
	for _, c := range cols {
		total += allColumns[c].weight
	}
	if rest := spare; rest > 0 && total > 0 {
		for i, c := range cols {
			share := rest * allColumns[c].weight / total
			widths[i] += share
			spare -= share
		}
		for i, c := range cols { // rounding leftovers go to the first flexible column
			if allColumns[c].weight > 0 {
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

// View renders the column titles and the visible rows only: the cost does not
// grow with the number of loaded customers.
func (t *customerTable) View() string {
	cols, widths := layout(t.width)
	var b strings.Builder
	cells := make([]string, len(cols))
	for i, c := range cols {
		title := allColumns[c].title
		if c == t.sortCol {
			if t.sortDesc {
				title += " ▼"
			} else {
				title += " ▲"
			}
			if t.sorting {
				title += " sorting…"
			}
		}
		cells[i] = pad(title, widths[i])
	}
	b.WriteString(t.st.colHeader.Render(pad(strings.Repeat(" ", markerWidth)+strings.Join(cells, " "), t.width)))
	end := min(t.offset+t.height, len(t.view))
	for v := t.offset; v < end; v++ {
		b.WriteByte('\n')
		c := &t.all[t.view[v]]
		note := ""
		if t.note != nil {
			note = t.note(c.ID)
		}
		for i, col := range cols {
			text := allColumns[col].cell(c)
			switch {
			case note == "":
			case allColumns[col].title == "Status":
				text, note = note, ""
			case allColumns[col].title == "Name" && !slices.Contains(cols, 3):
				text = "[" + note + "] " + text
			}
			cells[i] = pad(text, widths[i])
		}
		cur, marked := v == t.cursor, t.IsMarked(c.ID)
		line := rowMarker(cur, marked) + strings.Join(cells, " ")
		switch {
		case cur:
			b.WriteString(t.st.selected.Render(pad(line, t.width)))
		case marked:
			b.WriteString(t.st.marked.Render(pad(line, t.width)))
		default:
			b.WriteString(pad(line, t.width))
		}
	}
	for r := end - t.offset; r < t.height; r++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// rowMarker is the text that shows the cursor and marks without colour.
func rowMarker(cursor, marked bool) string {
	switch {
	case cursor && marked:
		return "▶● "
	case cursor:
		return "▶  "
	case marked:
		return " ● "
	}
	return "   "
}
