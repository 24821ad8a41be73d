package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every binding the browse mode matches. The help views are
// built from these same values, so help can never disagree with behaviour.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Filter, ClearFilter, Sort, Reverse      key.Binding
	Detail, CopyEmail, CopyID, Refresh      key.Binding
	Mark, MarkAll, ClearMarks, Delete       key.Binding
	Help, Quit                              key.Binding
}

func newKeyMap(readOnly bool) keyMap {
	k := keyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last (loads all)")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort column")),
		Reverse:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
		Detail:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		CopyEmail:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy email")),
		CopyID:      key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy id")),
		Refresh:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Mark:        key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "mark")),
		MarkAll:     key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "mark all shown")),
		ClearMarks:  key.NewBinding(key.WithKeys("ctrl+\\"), key.WithHelp("ctrl+\\", "clear marks")),
		// Only D and the Delete key: never d, ctrl+d, space or ctrl+k, which
		// operators hit by habit in other tools.
		Delete: key.NewBinding(key.WithKeys("D", "delete"), key.WithHelp("D/del", "delete")),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:   key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
	// Disabled bindings are hidden from help. Marks only feed bulk deletion.
	for _, b := range []*key.Binding{&k.Delete, &k.Mark, &k.MarkAll, &k.ClearMarks} {
		b.SetEnabled(!readOnly)
	}
	return k
}

// ShortHelp is the always-visible line.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.Detail, k.Mark, k.Delete, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the ? screen, one column per group.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.ClearFilter, k.Sort, k.Reverse, k.Detail, k.Refresh},
		{k.Mark, k.MarkAll, k.ClearMarks, k.Delete, k.CopyEmail, k.CopyID},
		{k.Help, k.Quit},
	}
}

// confirmKeys are the single delete modal's bindings. Anything not listed cancels.
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

// Short key lists of the other modes, for the help line.
var (
	filterHelp = []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
	}
	detailHelp = []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓ pgup/pgdn", "scroll")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/q", "back")),
		key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete")),
		key.NewBinding(key.WithKeys("c"), key.WithHelp("c/C", "copy email/id")),
	}
	bulkConfirmHelp = []key.Binding{
		key.NewBinding(key.WithKeys("0"), key.WithHelp("type the count", "")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "delete")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("any other key", "cancel")),
	}
	stopHelp = []key.Binding{
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/ctrl+c", "stop…")),
	}
)
