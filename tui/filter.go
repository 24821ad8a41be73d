package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func (m *Model) openFilter() tea.Cmd {
	m.mode = modeFilter
	v := m.table.query
	if localQuery(m.search.query) == v {
		v = m.search.query // "#1234" as typed, not the "1234" the rows are filtered by
	}
	m.filter.SetValue(v)
	m.filter.CursorEnd()
	return m.filter.Focus()
}

// updateFilter: every key goes to the input (never the table) except Enter
// (keep the filter), Esc (clear it) and the arrows (move in the results).
// Pasted text is typed into the input like any other. After a pause in
// typing the store is asked too (search.go).
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
			m.stopSearch()
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
	m.table.SetFilter(localQuery(q))
	return tea.Batch(cmd, m.queueSearch(q))
}

// emailRe is a complete email: the store is asked for it with email=.
var emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$`)
