package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func (m *Model) openFilter() tea.Cmd {
	m.mode = modeFilter
	m.filter.SetValue(m.table.query)
	m.filter.CursorEnd()
	return m.filter.Focus()
}

// updateFilter: every key goes to the input (never the table) except Enter
// (keep the filter), Esc (clear it) and the arrows (move in the results).
// Pasted text is typed into the input like any other.
func (m *Model) updateFilter(msg tea.KeyMsg) tea.Cmd {
	k := m.keys.filter
	if !msg.Paste {
		switch {
		case key.Matches(msg, k.Keep):
			m.filter.Blur()
			m.mode = modeBrowse
			return m.maybeLoadMore()
		case key.Matches(msg, k.Clear):
			m.filter.Blur()
			m.filter.SetValue("")
			m.table.SetFilter("")
			m.mode = modeBrowse
			return nil
		case key.Matches(msg, k.Up):
			m.table.Move(-1)
			return nil
		case key.Matches(msg, k.Down):
			m.table.Move(1)
			return nil
		}
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	q := strings.TrimSpace(m.filter.Value())
	m.table.SetFilter(q)
	return tea.Batch(cmd, m.maybeLookup(q))
}

var emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$`)

// maybeLookup asks the server for an exact email, so a customer whose page
// was never loaded is found too.
func (m *Model) maybeLookup(q string) tea.Cmd {
	q = strings.ToLower(q)
	if !emailRe.MatchString(q) {
		return nil
	}
	return m.list.lookup(q)
}

func (m *Model) handleLookup(msg lookupMsg) tea.Cmd {
	if msg.err != nil {
		m.status.Set(statusErr, "%s", m.explain("Could not look up "+msg.email, msg.err, "press / and Enter to try again"))
		return nil
	}
	m.status.Resolve()
	if n := m.table.Append(msg.customers); n > 0 {
		m.status.Set(statusInfo, "Found %s on the server", msg.email)
	}
	return nil
}
