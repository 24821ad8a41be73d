package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wcadmin/wcadmin/termtext"
)

func (m *Model) View() string {
	if m.width == 0 {
		return "" // before the first WindowSizeMsg
	}
	if m.width < minWidth || m.height < minHeight {
		return place(m.width, m.height, termtext.Truncate(
			fmt.Sprintf("terminal too small (%dx%d): need at least %dx%d", m.width, m.height, minWidth, minHeight), m.width))
	}
	bodyH := m.height - 3
	var body string
	switch m.mode {
	case modeHelp:
		body = place(m.width, bodyH, m.help.FullHelpView(m.keys.FullHelp()))
	case modeConfirm, modeDeleting:
		body = place(m.width, bodyH, m.confirm.view(m.width, m.mode == modeDeleting, m.spinner.View()))
	default:
		body = m.browseBody(bodyH)
	}
	return strings.Join([]string{m.headerView(), body, m.statusView(), m.helpLine()}, "\n")
}

func (m *Model) browseBody(h int) string {
	if m.table.Len() > 0 {
		return m.table.View()
	}
	var msg string
	switch {
	case m.loading:
		msg = fmt.Sprintf("%s Loading customers from %s…", m.spinner.View(), m.opts.Host)
	case m.loadErr != nil:
		msg = "No customers loaded. Press r to try again."
	default:
		msg = "This store has no customers."
	}
	return place(m.width, h, termtext.Truncate(msg, m.width))
}

func (m *Model) headerView() string {
	left := m.st.title.Render("wcadmin")
	if m.opts.Demo {
		left += " " + m.st.badgeDemo.Render("[DEMO]")
	}
	where := m.opts.Host
	if m.opts.Profile != "" {
		where = m.opts.Profile + " · " + where
	}
	left += " " + where
	if m.opts.ReadOnly {
		left += " " + m.st.badgeRO.Render("[READ-ONLY]")
	}
	var right string
	switch {
	case m.total >= 0:
		right = fmt.Sprintf("%d / %d customers", m.table.Len(), m.total)
	default:
		right = fmt.Sprintf("%d customers", m.table.Len())
		if m.hasMore {
			right += "+"
		}
	}
	if m.loading {
		right = m.spinner.View() + " " + right
	}
	return joinEnds(left, right, m.width)
}

func (m *Model) statusView() string {
	s := m.status
	switch m.statusKind {
	case statusErr:
		return m.st.statusErr.Render(termtext.Truncate("✗ "+s, m.width))
	case statusOK:
		return m.st.statusOK.Render(termtext.Truncate("✓ "+s, m.width))
	}
	return m.st.statusInfo.Render(termtext.Truncate(s, m.width))
}

func (m *Model) helpLine() string {
	switch m.mode {
	case modeConfirm:
		return m.help.ShortHelpView(newConfirmKeys().ShortHelp())
	case modeDeleting:
		return m.st.muted.Render("deleting… ctrl+c quits")
	case modeHelp:
		return m.st.muted.Render("esc or ? closes help")
	}
	return m.help.ShortHelpView(m.keys.ShortHelp())
}

// joinEnds puts left and right on one line of width w, cutting left first.
func joinEnds(left, right string, w int) string {
	rw, lw := lipgloss.Width(right), lipgloss.Width(left)
	if lw+1+rw > w {
		if rw >= w {
			return ansi.Truncate(right, w, "…")
		}
		left = ansi.Truncate(left, w-rw-1, "…")
		lw = lipgloss.Width(left)
	}
	return left + strings.Repeat(" ", max(w-lw-rw, 1)) + right
}
