package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// Real terminals do not deliver one key per message. Bubble Tea v1 turns
// printable characters that arrive in one read (fast typing, a laggy SSH
// link, a paste without bracketed-paste support) into one multi-rune
// KeyMsg, ESC followed by a key into alt+key, and a bracketed paste into a
// KeyMsg with Paste set. handleKeyMsg turns all of them into what the
// operator did, one key at a time.

// handleKeyMsg handles a key message and logs how many keys have been
// consumed in all (end-to-end tests wait for that line after every key).
func (m *Model) handleKeyMsg(msg tea.KeyMsg) tea.Cmd {
	cmd := m.routeKey(msg)
	if msg.Type == tea.KeyRunes {
		m.keysConsumed += len(msg.Runes)
	} else {
		m.keysConsumed++
	}
	m.opts.Log.Printf("keys consumed: %d (mode %s)", m.keysConsumed, m.mode)
	return cmd
}

func (m *Model) routeKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case m.quitting:
		return nil // the rest of a read after q: nothing more happens
	case msg.Paste:
		return m.paste(msg)
	case msg.Type == tea.KeyRunes && len(msg.Runes) > 1:
		// Several keys in one read: each goes, in order, to whatever mode the
		// previous one left active.
		cmds := make([]tea.Cmd, 0, len(msg.Runes))
		for i, r := range msg.Runes {
			one := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt && i == 0}
			if r == ' ' {
				one.Type = tea.KeySpace
			}
			cmds = append(cmds, m.routeKey(one))
		}
		return tea.Batch(cmds...)
	case msg.Alt && !m.bindsAlt(msg):
		// ESC then a key, read together: handle them as the two keys.
		first := m.dispatchKey(tea.KeyMsg{Type: tea.KeyEsc})
		msg.Alt = false
		return tea.Batch(first, m.routeKey(msg))
	}
	return m.dispatchKey(msg)
}

// bindsAlt reports whether the active mode has a binding for an alt+key:
// only the text inputs do (alt+backspace deletes a word, alt+← moves by one).
func (m *Model) bindsAlt(msg tea.KeyMsg) bool {
	in := m.activeInput()
	if in == nil {
		return false
	}
	km := in.KeyMap
	for _, b := range []key.Binding{km.DeleteWordBackward, km.DeleteWordForward, km.WordBackward, km.WordForward} {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// activeInput is the text field that has the keyboard, if any.
func (m *Model) activeInput() *textinput.Model {
	switch m.mode {
	case modeFilter:
		return &m.filter
	case modeConfirm:
		if m.confirm.typed {
			return &m.confirm.input
		}
	case modeBulkConfirm:
		return &m.bulk.input
	}
	return nil
}

// paste delivers pasted text to the active text field. A paste is never a
// key press: in a mode without a text field it is ignored, so a pasted "y"
// or newline can never confirm anything.
func (m *Model) paste(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeFilter:
		return m.updateFilter(msg)
	case modeConfirm:
		if ok, cmd := m.confirm.Paste(msg); ok {
			return cmd
		}
	case modeBulkConfirm:
		m.bulk.Paste(msg)
		return nil
	}
	m.opts.Log.Printf("paste of %d characters ignored in mode %s", len(msg.Runes), m.mode)
	if m.mode == modeBrowse {
		m.status.Set(statusInfo, "Pasted text ignored: press / to filter, then paste")
	}
	return nil
}

// dispatchKey gives one key to the active mode.
func (m *Model) dispatchKey(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeBulkRun, modeBulkStop, modeBulkBreaker:
		// A bulk run binds ctrl+c itself: it asks whether to stop, since
		// quitting would cut requests mid-flight.
		return m.updateBulk(msg)
	}
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	if m.modalTooSmall() {
		// Nothing can be confirmed on a screen that cannot show what would
		// be deleted: only cancelling works until the terminal grows.
		if msg.Type == tea.KeyEsc {
			return m.cancelModal()
		}
		return nil
	}
	switch m.mode {
	case modeFilter:
		return m.updateFilter(msg)
	case modeLoadAll:
		return m.updateLoadAll(msg)
	case modeDetail:
		return m.updateDetail(msg)
	case modeConfirm:
		return m.updateConfirm(msg)
	case modeDeleting:
		return nil // one DELETE at a time; the modal shows progress
	case modeBulkConfirm, modeSummary:
		return m.updateBulk(msg)
	case modeBulkCountdown:
		return m.updateBulkCountdown(msg)
	case modeHelp:
		return m.updateHelp(msg)
	}
	return m.updateBrowse(msg)
}
