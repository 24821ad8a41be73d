package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// fullHelpView is the ? screen: every enabled binding of the groups, in as
// many columns as the width allows (one at 40 cells), so no binding is ever
// cut off. Entries keep their group order, column by column. When they do
// not fit the height, the lines from offset on are shown with a scroll hint.
func fullHelpView(h *help.Model, groups [][]key.Binding, width, height int, offset *int) string {
	var keys, descs []string
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "" {
				keys = append(keys, b.Help().Key)
				descs = append(descs, b.Help().Desc)
			}
		}
	}
	kw, dw := 0, 0
	for i := range keys {
		kw = max(kw, lipgloss.Width(keys[i]))
		dw = max(dw, lipgloss.Width(descs[i]))
	}
	const gap = 4
	entry := kw + 1 + dw
	cols := max(1, min((width+gap)/(entry+gap), len(keys)))
	rows := (len(keys) + cols - 1) / cols
	// Prefer fewer, taller columns while they fit the height.
	for cols > 1 && (len(keys)+cols-2)/(cols-1) <= height-2 {
		cols--
		rows = (len(keys) + cols - 1) / cols
	}
	var lines []string
	for r := 0; r < rows; r++ {
		var line strings.Builder
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(keys) {
				break
			}
			if c > 0 {
				line.WriteString(strings.Repeat(" ", gap))
			}
			k := h.Styles.FullKey.Render(keys[i] + strings.Repeat(" ", kw-lipgloss.Width(keys[i])))
			d := descs[i]
			if c < cols-1 {
				d += strings.Repeat(" ", dw-lipgloss.Width(d))
			}
			line.WriteString(k + " " + h.Styles.FullDesc.Render(d))
		}
		lines = append(lines, line.String())
	}
	// One block: every line as wide as the widest, so centring keeps the
	// columns aligned.
	w := 0
	for _, l := range lines {
		w = max(w, lipgloss.Width(l))
	}
	for i, l := range lines {
		lines[i] = l + strings.Repeat(" ", w-lipgloss.Width(l))
	}
	if len(lines) <= height {
		*offset = 0
		return strings.Join(lines, "\n")
	}
	page := max(height-1, 1)
	*offset = max(min(*offset, len(lines)-page), 0)
	shown := lines[*offset:min(*offset+page, len(lines))]
	more := fmt.Sprintf("↑/↓ scroll · %d-%d of %d", *offset+1, *offset+len(shown), len(lines))
	return strings.Join(append(shown, h.Styles.ShortDesc.Render(more)), "\n")
}
