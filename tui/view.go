package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wcadmin/wcadmin/termtext"
)

func (m *Model) View() string {
	if m.width == 0 {
		return "" // before the first WindowSizeMsg
	}
	if m.width < minWidth || m.height < minHeight {
		return m.tooSmallView()
	}
	if m.modalMode() {
		// A modal gets every line but the header: at 40x10 it must still show
		// who is deleted. The status was cleared when it opened.
		box, ok := m.modalView(m.modalHeight())
		if !ok {
			return m.tooSmallView()
		}
		return m.headerView() + "\n" + place(m.width, m.modalHeight(), box)
	}
	status := m.statusView()
	bodyH := m.height - 2 - lipgloss.Height(status)
	var body string
	switch m.mode {
	case modeHelp:
		body = place(m.width, bodyH, fullHelpView(&m.help, m.keys.browse.FullHelp(), m.width, bodyH, &m.helpOffset))
	case modeDetail:
		body = m.detailBody(bodyH)
	case modeBulkRun, modeBulkStop, modeBulkBreaker:
		body = place(m.width, bodyH, m.bulkProgressView(bodyH))
	case modeBulkCountdown:
		body = place(m.width, bodyH, m.bulkCountdownView(bodyH))
	case modeSummary:
		body = place(m.width, bodyH, m.summaryView(bodyH))
	case modeLoadAll:
		body = m.browseBody(bodyH-2) + "\n\n" + m.loadAllView()
	default:
		body = m.browseBody(bodyH)
	}
	return strings.Join([]string{m.headerView(), body, status, m.helpLine()}, "\n")
}

// modalMode reports a confirmation on screen.
func (m *Model) modalMode() bool {
	switch m.mode {
	case modeConfirm, modeDeleting, modeBulkConfirm:
		return true
	}
	return false
}

// modalHeight is the room a confirmation has: everything below the header.
func (m *Model) modalHeight() int { return m.height - 1 }

// modalView renders the open confirmation in h lines; false when it cannot
// show what is about to be deleted.
func (m *Model) modalView(h int) (string, bool) {
	switch m.mode {
	case modeConfirm, modeDeleting:
		return m.confirm.View(m.width, h, m.mode == modeDeleting, m.spinner.View())
	case modeBulkConfirm:
		return m.bulkConfirmView(h)
	}
	return "", false
}

// tooSmallView says what size is needed, wrapped rather than cut, and
// keeps the header's host when there is room.
func (m *Model) tooSmallView() string {
	msg := fmt.Sprintf("terminal too small (%dx%d): needs at least %dx%d", m.width, m.height, minWidth, minHeight)
	if m.width >= minWidth && m.height >= minHeight {
		msg = fmt.Sprintf("terminal too small (%dx%d) to show this confirmation: make it larger to continue, or press esc to cancel",
			m.width, m.height)
	}
	lines := strings.Split(ansi.Wrap(msg, max(m.width, 1), " "), "\n")
	return place(m.width, m.height, strings.Join(lines[:min(len(lines), max(m.height, 1))], "\n"))
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
	case m.list.loading():
		msg = fmt.Sprintf("%s Loading customers from %s…", m.spinner.View(), m.opts.Host)
	case m.list.err != nil:
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
	case m.list.total >= 0:
		loaded += fmt.Sprintf(" / %d customers", m.list.total)
	case m.list.totalBad && !m.list.complete(): // the store's total contradicts its next-page signals
		loaded += " + more customers"
	case m.list.hasMore:
		loaded += "+ customers"
	default:
		loaded += " customers"
	}
	right := loaded
	if m.table.query != "" {
		right = fmt.Sprintf("%d matches of %s loaded", m.table.Visible(), strings.TrimSuffix(loaded, " customers"))
		if m.list.hasMore {
			right += " · G loads all"
		}
	}
	if st := m.statusLabel(); st != "" { // search_status.go
		right = st + " · " + right
	}
	if n := len(m.table.marks); n > 0 {
		right = fmt.Sprintf("● %d marked · %s", n, right)
	}
	if n := m.pending.waiting(); n > 0 {
		right = fmt.Sprintf("%d pending · u undo · %s", n, right)
	}
	if m.list.loading() {
		right = m.spinner.View() + " " + right
	}
	return joinEnds(left, right, m.width)
}

func (m *Model) statusView() string {
	if m.mode == modeFilter {
		return m.filterLine() // search.go
	}
	idle := ""
	if m.table.query != "" {
		idle = "filter: " + m.table.query + " (esc clears)" + m.searchNote()
	}
	return m.status.View(m.width, &m.st, idle)
}

// helpLine shows the active mode's bindings: the same ones it matches.
func (m *Model) helpLine() string {
	var bs []key.Binding
	switch m.mode {
	case modeConfirm:
		bs = m.confirm.help()
	case modeDeleting:
		bs = []key.Binding{m.keys.ForceQuit}
	case modeHelp:
		bs = m.keys.help.ShortHelp()
	case modeFilter:
		bs = m.keys.filter.ShortHelp()
	case modeDetail:
		bs = m.keys.detail.ShortHelp()
	case modeLoadAll:
		bs = m.keys.loadAll.ShortHelp()
	case modeBulkConfirm:
		bs = m.keys.typed.ShortHelp()
		if m.bulk.phase == bulkCount {
			bs = append([]key.Binding{countDigits}, bs...)
		}
	case modeBulkRun:
		bs = m.keys.run.ShortHelp()
	case modeBulkCountdown:
		bs = m.keys.countdown.ShortHelp()
	case modeBulkStop:
		bs = m.keys.stop.ShortHelp()
	case modeBulkBreaker:
		bs = m.keys.breaker.ShortHelp()
	case modeSummary:
		bs = m.keys.summary.ShortHelp()
		if len(m.bulk.failed) == 0 {
			bs = bs[1:]
		}
	default:
		bs = m.keys.browse.ShortHelp()
	}
	return ansi.Truncate(m.help.ShortHelpView(bs), m.width, "…")
}

func (m *Model) loadAllView() string {
	l := m.list.ld
	if l == nil {
		return ""
	}
	total := m.list.total
	pct := 0.0
	expected := total - m.table.Len()
	if total > 0 {
		pct = float64(m.table.Len()) / float64(total)
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
