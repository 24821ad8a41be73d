package tui

import "github.com/charmbracelet/lipgloss"

// theme is the one place colours are chosen. 256-colour values; every meaning
// carried by colour is also carried by text (markers, badges, words).
type theme struct {
	accent, muted, danger, success, warn, selBg, selFg lipgloss.Color
}

func newTheme(dark bool) theme {
	if dark {
		return theme{accent: "75", muted: "245", danger: "203", success: "114", warn: "221", selBg: "238", selFg: "255"}
	}
	return theme{accent: "25", muted: "242", danger: "160", success: "28", warn: "130", selBg: "252", selFg: "232"}
}

// styles are derived from the theme once; components never build colours.
type styles struct {
	header, title, badgeRO, badgeDemo, muted lipgloss.Style
	badgeProtected                           lipgloss.Style
	colHeader, selected, marked              lipgloss.Style
	statusInfo, statusOK, statusErr          lipgloss.Style
	modal, modalTitle, danger                lipgloss.Style
	button, buttonFocused                    lipgloss.Style
}

// newStyles derives every style from t, rendered by r: each SSH session of
// `wcadmin serve` has its own, so colours follow the client's terminal (nil:
// lipgloss's default, this process's terminal).
func newStyles(t theme, r *lipgloss.Renderer) styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	return styles{
		header:         r.NewStyle().Bold(true),
		title:          r.NewStyle().Bold(true).Foreground(t.accent),
		badgeRO:        r.NewStyle().Bold(true).Foreground(t.warn),
		badgeDemo:      r.NewStyle().Bold(true).Foreground(t.success),
		badgeProtected: r.NewStyle().Bold(true).Reverse(true).Foreground(t.danger),
		muted:          r.NewStyle().Foreground(t.muted),
		colHeader:      r.NewStyle().Bold(true).Foreground(t.accent),
		selected:       r.NewStyle().Bold(true).Foreground(t.selFg).Background(t.selBg),
		marked:         r.NewStyle().Foreground(t.warn),
		statusInfo:     r.NewStyle(),
		statusOK:       r.NewStyle().Foreground(t.success),
		statusErr:      r.NewStyle().Bold(true).Foreground(t.danger),
		modal:          r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.danger).Padding(0, 1),
		modalTitle:     r.NewStyle().Bold(true).Foreground(t.danger),
		danger:         r.NewStyle().Bold(true).Foreground(t.danger),
		button:         r.NewStyle().Foreground(t.muted),
		buttonFocused:  r.NewStyle().Bold(true).Reverse(true),
	}
}
