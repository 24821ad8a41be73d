package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every binding the model matches. The help views are built from
// these same values, so help can never disagree with behaviour.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Refresh, Delete, Help, Quit             key.Binding
}

func newKeyMap(readOnly bool) keyMap {
	k := keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		// Only D and the Delete key: never d, ctrl+d, space or ctrl+k, which
		// operators hit by habit in other tools.
		Delete: key.NewBinding(key.WithKeys("D", "delete"), key.WithHelp("D/del", "delete")),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:   key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
	// Disabled bindings are hidden from help.
	k.Delete.SetEnabled(!readOnly)
	return k
}

// ShortHelp is the always-visible line.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Delete, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the ? screen, one column per group.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Delete, k.Refresh},
		{k.Help, k.Quit},
	}
}

// confirmKeys are the delete modal's bindings. Anything not listed cancels.
type confirmKeys struct {
	Confirm, Cancel, Focus, Choose key.Binding
}

func newConfirmKeys() confirmKeys {
	return confirmKeys{
		Confirm: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "delete")),
		Cancel:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
		Focus:   key.NewBinding(key.WithKeys("tab", "shift+tab", "left", "right", "h", "l"), key.WithHelp("tab/←/→", "move focus")),
		Choose:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose focused")),
	}
}

func (k confirmKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Confirm, k.Cancel, k.Focus, k.Choose}
}

func (k confirmKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
