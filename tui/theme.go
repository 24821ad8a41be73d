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

func newStyles(t theme) styles {
	return styles{
		header:         lipgloss.NewStyle().Bold(true),
		title:          lipgloss.NewStyle().Bold(true).Foreground(t.accent),
		badgeRO:        lipgloss.NewStyle().Bold(true).Foreground(t.warn),
		badgeDemo:      lipgloss.NewStyle().Bold(true).Foreground(t.success),
		badgeProtected: lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(t.danger),
		muted:          lipgloss.NewStyle().Foreground(t.muted),
		colHeader:      lipgloss.NewStyle().Bold(true).Foreground(t.accent),
		selected:       lipgloss.NewStyle().Bold(true).Foreground(t.selFg).Background(t.selBg),
		marked:         lipgloss.NewStyle().Foreground(t.warn),
		statusInfo:     lipgloss.NewStyle(),
		statusOK:       lipgloss.NewStyle().Foreground(t.success),
		statusErr:      lipgloss.NewStyle().Bold(true).Foreground(t.danger),
		modal:          lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.danger).Padding(0, 1),
		modalTitle:     lipgloss.NewStyle().Bold(true).Foreground(t.danger),
		danger:         lipgloss.NewStyle().Bold(true).Foreground(t.danger),
		button:         lipgloss.NewStyle().Foreground(t.muted),
		buttonFocused:  lipgloss.NewStyle().Bold(true).Reverse(true),
	}
}
