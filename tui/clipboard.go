package tui

import (
	"fmt"
	"os"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
)

// Copying uses OSC 52: the operator's own terminal puts the text on its
// clipboard, which works over SSH. Inside tmux it needs `set -g
// set-clipboard on`; inside GNU screen the sequence is wrapped for it.

func (m *Model) copySelected(id bool) tea.Cmd {
	c, ok := m.table.Selected()
	if !ok {
		return nil
	}
	if id {
		return m.copyText(fmt.Sprint(c.ID), fmt.Sprintf("id %d", c.ID))
	}
	if c.Email == "" {
		m.status.Set(statusInfo, "Customer #%d has no email to copy", c.ID)
		return nil
	}
	return m.copyText(c.Email, "email "+c.Email)
}

func (m *Model) copyText(text, what string) tea.Cmd {
	w := m.opts.Clipboard
	if w == nil {
		m.status.Set(statusErr, "Copy is not available here (no terminal clipboard)")
		return nil
	}
	return func() tea.Msg {
		seq := osc52.New(text)
		if os.Getenv("STY") != "" {
			seq = seq.Screen()
		}
		_, err := seq.WriteTo(w)
		return clipboardMsg{what: what, err: err}
	}
}

func (m *Model) handleClipboard(msg clipboardMsg) {
	if msg.err != nil {
		m.status.Set(statusErr, "Could not copy %s: %v", msg.what, msg.err)
		return
	}
	m.status.Set(statusOK, "Copied %s to the clipboard", msg.what)
}
