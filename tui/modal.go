package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wcadmin/wcadmin/termtext"
)

// modalRow is one line (or, wrapped, several) of a modal box. Rows with a
// higher drop value give way first when the terminal is short; drop 0 rows
// are what the operator must see to confirm (title, id, email, the request,
// the buttons or prompt) and are never dropped: if they do not fit, the
// modal does not fit and nothing can be confirmed.
type modalRow struct {
	text  string
	style lipgloss.Style
	drop  int
	// wrap wraps the text over several lines instead of cutting it with …
	// (the text the operator must type, questions).
	wrap bool
	// raw rows are already rendered components (a text input, buttons).
	raw bool
}

func row(text string, drop int) modalRow { return modalRow{text: text, drop: drop} }

// Drop priorities, lowest kept longest.
const (
	keep      = 0
	dropLater = 3 // the name, the host line
	dropSoon  = 4 // warnings repeated elsewhere, key hints
	dropFirst = 5 // blank spacers
)

// modalInner is the text width of a modal on a terminal w cells wide.
func modalInner(w int) int { return max(min(w-4, 72), 10) }

// renderModal lays rows out in a bordered box of at most width x height
// cells, dropping optional rows (highest drop first, from the bottom) until
// it fits. It reports false when even the required rows do not fit.
func renderModal(st *styles, rows []modalRow, width, height int) (string, bool) {
	inner := modalInner(width)
	lines := func(r modalRow) []string {
		switch {
		case r.raw:
			return []string{ansi.Truncate(r.text, inner, "…")}
		case r.wrap:
			return strings.Split(ansi.Wrap(r.text, inner, " -"), "\n")
		}
		return []string{termtext.Truncate(r.text, inner)}
	}
	count := func(rs []modalRow) int {
		n := 0
		for _, r := range rs {
			n += len(lines(r))
		}
		return n
	}
	room := height - 2 // the border
	rs := slices.Clone(rows)
	for count(rs) > room {
		worst := -1
		for i, r := range rs {
			if r.drop > keep && (worst < 0 || r.drop >= rs[worst].drop) {
				worst = i
			}
		}
		if worst < 0 {
			return "", false
		}
		rs = slices.Delete(rs, worst, worst+1)
	}
	// No blank line at the top or bottom of the box.
	for len(rs) > 0 && rs[0].text == "" && !rs[0].raw {
		rs = rs[1:]
	}
	for len(rs) > 0 && rs[len(rs)-1].text == "" && !rs[len(rs)-1].raw {
		rs = rs[:len(rs)-1]
	}
	var out []string
	for _, r := range rs {
		for _, l := range lines(r) {
			if r.raw {
				out = append(out, l)
			} else {
				out = append(out, r.style.Render(l))
			}
		}
	}
	return st.modal.Width(inner + 2).Render(strings.Join(out, "\n")), true
}

// place centres the box over the screen.
func place(w, h int, box string) string {
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}
