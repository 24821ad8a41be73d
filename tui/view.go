package tui

import (
	"fmt"
	"strings"
	"time"

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
	status := m.statusView()
	bodyH := m.height - 2 - lipgloss.Height(status)
	var body string
	switch m.mode {
	case modeHelp:
		body = place(m.width, bodyH, m.help.FullHelpView(m.keys.FullHelp()))
	case modeConfirm, modeDeleting:
		body = place(m.width, bodyH, m.confirm.view(m.width, m.mode == modeDeleting, m.spinner.View()))
	case modeDetail:
		body = m.detailBody(bodyH)
	case modeBulkConfirm:
		body = place(m.width, bodyH, m.bulkConfirmView(bodyH))
	case modeBulkRun, modeBulkStop:
		body = place(m.width, bodyH, m.bulkProgressView())
	case modeSummary:
		body = place(m.width, bodyH, m.summaryView(bodyH))
	case modeLoadAll:
		body = m.browseBody(bodyH-2) + "\n\n" + m.loadAllView()
	default:
		body = m.browseBody(bodyH)
	}
	return strings.Join([]string{m.headerView(), body, status, m.helpLine()}, "\n")
}

func (m *Model) browseBody(h int) string {
	if m.table.Len() > 0 {
		if h != m.table.height+1 {
			t := m.table // a shorter window for this frame only
			t.SetSize(m.width, h-1)
			return t.View()
		}
		return m.table.View()
	}
	var msg string
	switch {
	case m.ld != nil:
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
	if m.opts.Protected {
		left += " " + m.st.badgeProtected.Render("[PROTECTED]")
	}
	if m.opts.ReadOnly {
		left += " " + m.st.badgeRO.Render("[READ-ONLY]")
	}
	loaded := fmt.Sprintf("%d", m.table.Len())
	switch {
	case m.total >= 0:
		loaded += fmt.Sprintf(" / %d customers", m.total)
	case m.hasMore:
		loaded += "+ customers"
	default:
		loaded += " customers"
	}
	right := loaded
	if m.table.query != "" {
		right = fmt.Sprintf("%d matches of %s loaded", m.table.Visible(), strings.TrimSuffix(loaded, " customers"))
		if m.hasMore {
			right += " · G loads all"
		}
	}
	if n := len(m.table.marks); n > 0 {
		right = fmt.Sprintf("● %d marked · %s", n, right)
	}
	if m.ld != nil {
		right = m.spinner.View() + " " + right
	}
	return joinEnds(left, right, m.width)
}

// maxStatusLines bounds how far a long message (an error with its advice)
// may push the table up.
const maxStatusLines = 4

// statusView renders the status line, wrapped to at most maxStatusLines
// lines so the advice at the end of an error is not cut off.
func (m *Model) statusView() string {
	if m.mode == modeFilter {
		return m.filter.View()
	}
	s, style := m.status, m.st.statusInfo
	switch m.statusKind {
	case statusErr:
		s, style = "✗ "+s, m.st.statusErr
	case statusOK:
		s, style = "✓ "+s, m.st.statusOK
	default:
		if m.table.query != "" && s == "" {
			s = "filter: " + m.table.query + " (esc clears)"
		}
	}
	lines := strings.Split(ansi.Wrap(s, m.width, " "), "\n")
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = termtext.Truncate(lines[maxStatusLines-1]+" …", m.width)
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n")
}

func (m *Model) helpLine() string {
	var line string
	switch m.mode {
	case modeConfirm:
		line = m.help.ShortHelpView(newConfirmKeys().ShortHelp())
		if m.confirm.typed {
			line = m.st.muted.Render("type the email · enter delete · esc cancel")
		}
	case modeDeleting:
		line = m.st.muted.Render("deleting… ctrl+c quits")
	case modeHelp:
		line = m.st.muted.Render("esc or ? closes help")
	case modeFilter:
		line = m.help.ShortHelpView(filterHelp)
	case modeDetail:
		line = m.help.ShortHelpView(detailHelp)
	case modeLoadAll:
		line = m.st.muted.Render("esc stops loading and keeps what arrived")
	case modeBulkConfirm:
		line = m.help.ShortHelpView(bulkConfirmHelp)
	case modeBulkRun:
		line = m.help.ShortHelpView(stopHelp)
	case modeBulkStop:
		line = m.st.muted.Render("y stops · any other key continues")
	case modeSummary:
		line = m.st.muted.Render("enter or esc closes")
	default:
		line = m.help.ShortHelpView(m.keys.ShortHelp())
	}
	return ansi.Truncate(line, m.width, "…")
}

func (m *Model) loadAllView() string {
	l := m.ld
	if l == nil {
		return ""
	}
	pct := 0.0
	expected := m.total - m.table.Len()
	if m.total > 0 {
		pct = float64(m.table.Len()) / float64(m.total)
	}
	elapsed := m.opts.Now().Sub(l.started)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(l.rows) / elapsed.Seconds()
	}
	info := fmt.Sprintf(" %d pages · %d customers · %.0f/s", l.pages, m.table.Len(), rate)
	if expected > 0 && rate > 0 {
		info += fmt.Sprintf(" · ~%s left", (time.Duration(float64(expected)/rate) * time.Second).Round(time.Second))
	}
	return ansi.Truncate(m.progress.ViewAs(pct)+info, m.width, "…")
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
