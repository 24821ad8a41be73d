package tui

import "github.com/charmbracelet/bubbles/key"

// Every mode has a key map. Update matches keys with key.Matches against
// these bindings and the help line and the ? screen are built from the same
// values, so help can never disagree with behaviour. A disabled binding
// (read-only) neither matches nor shows.

func bind(keys []string, helpKey, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, desc))
}

// browseKeys are the table's bindings.
type browseKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Filter, ClearFilter, Sort, Reverse      key.Binding
	StatusFilter                            key.Binding
	Detail, CopyEmail, CopyID, Refresh      key.Binding
	Mark, MarkAll, ClearMarks, Delete       key.Binding
	// Undo takes back a deletion in its undo window (enabled when there is one).
	Undo       key.Binding
	Help, Quit key.Binding
	// ReadOnlyDelete matches the delete and mark keys in read-only mode only,
	// so the console can say why nothing happens; it is never shown in help.
	ReadOnlyDelete key.Binding
}

func newBrowseKeys(readOnly, undo bool) browseKeys {
	k := browseKeys{
		Up:          bind([]string{"up", "k"}, "↑/k", "up"),
		Down:        bind([]string{"down", "j"}, "↓/j", "down"),
		PageUp:      bind([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown:    bind([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
		Top:         bind([]string{"home", "g"}, "g/home", "first"),
		Bottom:      bind([]string{"end", "G"}, "G/end", "last (loads all)"),
		Filter:      bind([]string{"/"}, "/", "filter"),
		ClearFilter: bind([]string{"esc"}, "esc", "clear filter"),
		// On the store: all, active, inactive, pending, approval_awaiting,
		// awaiting_verification, all...
		StatusFilter: bind([]string{"f"}, "f", "status filter (store)"),
		Sort:         bind([]string{"s"}, "s", "sort column"),
		Reverse:      bind([]string{"S"}, "S", "reverse sort"),
		Detail:       bind([]string{"enter"}, "enter", "details"),
		CopyEmail:    bind([]string{"c"}, "c", "copy email"),
		CopyID:       bind([]string{"C"}, "C", "copy id"),
		Refresh:      bind([]string{"r"}, "r", "refresh"),
		Mark:         bind([]string{" "}, "space", "mark"),
		MarkAll:      bind([]string{"ctrl+a"}, "ctrl+a", "mark all shown"),
		ClearMarks:   bind([]string{"ctrl+\\"}, "ctrl+\\", "clear marks"),
		// Only D and the Delete key: never d, ctrl+d, space or ctrl+k, which
		// operators hit by habit in other tools.
		Delete:         bind([]string{"D", "delete"}, "D/del", "delete"),
		Undo:           bind([]string{"u"}, "u", "undo delete"),
		Help:           bind([]string{"?"}, "?", "help"),
		Quit:           bind([]string{"q", "ctrl+c"}, "q", "quit"),
		ReadOnlyDelete: key.NewBinding(key.WithKeys("D", "delete", " ", "ctrl+a")),
	}
	for _, b := range []*key.Binding{&k.Delete, &k.Mark, &k.MarkAll, &k.ClearMarks} {
		b.SetEnabled(!readOnly)
	}
	k.ReadOnlyDelete.SetEnabled(readOnly)
	k.Undo.SetEnabled(undo && !readOnly)
	return k
}

func (k browseKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.Detail, k.Mark, k.Delete, k.Undo, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the ? screen, one group per column when there is room.
func (k browseKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.ClearFilter, k.StatusFilter, k.Sort, k.Reverse, k.Detail, k.Refresh},
		{k.Mark, k.MarkAll, k.ClearMarks, k.Delete, k.Undo, k.CopyEmail, k.CopyID},
		{k.Help, k.Quit},
	}
}

// helpKeys: the ? screen. q closes it like Esc (as it goes back from the
// detail view); it never quits from here.
type helpKeys struct{ Close, Up, Down key.Binding }

func (k helpKeys) ShortHelp() []key.Binding { return []key.Binding{k.Close, k.Down} }

// filterKeys: the / input. Every other key is text.
type filterKeys struct{ Keep, Clear, Up, Down key.Binding }

func (k filterKeys) ShortHelp() []key.Binding { return []key.Binding{k.Keep, k.Clear, k.Up, k.Down} }

// detailKeys: one customer.
type detailKeys struct {
	Back, Help, Delete, CopyEmail, CopyID, Up, Down, PageUp, PageDown key.Binding
}

func (k detailKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Back, k.Up, k.PageDown, k.Delete, k.CopyEmail, k.CopyID, k.Help}
}

// loadAllKeys: while G loads every page.
type loadAllKeys struct{ Stop key.Binding }

func (k loadAllKeys) ShortHelp() []key.Binding { return []key.Binding{k.Stop} }

// confirmKeys: the single delete modal. Any key not listed cancels.
type confirmKeys struct {
	Confirm, Cancel, Left, Right, Cycle, Choose key.Binding
}

func (k confirmKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Confirm, k.Cancel, k.Left, k.Right, k.Cycle, k.Choose}
}

// typedKeys: a modal where the operator types what it asks for (the email
// on a protected profile, the count of a bulk deletion, the store's host).
type typedKeys struct{ Submit, Cancel key.Binding }

func (k typedKeys) ShortHelp() []key.Binding { return []key.Binding{k.Submit, k.Cancel} }

// runKeys: a bulk deletion runs.
type runKeys struct{ Stop key.Binding }

func (k runKeys) ShortHelp() []key.Binding { return []key.Binding{k.Stop} }

// countdownKeys: a bulk run's undo window.
type countdownKeys struct{ Cancel key.Binding }

func (k countdownKeys) ShortHelp() []key.Binding { return []key.Binding{k.Cancel} }

// stopKeys: "Stop the bulk deletion?"
type stopKeys struct{ Yes, No key.Binding }

func (k stopKeys) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No} }

// breakerKeys: the store stopped answering during a bulk run.
type breakerKeys struct{ Retry, Stop key.Binding }

func (k breakerKeys) ShortHelp() []key.Binding { return []key.Binding{k.Retry, k.Stop} }

// summaryKeys: the bulk deletion's result.
type summaryKeys struct{ Close, Retry key.Binding }

func (k summaryKeys) ShortHelp() []key.Binding { return []key.Binding{k.Retry, k.Close} }

// keyMaps holds every mode's bindings.
type keyMaps struct {
	browse    browseKeys
	help      helpKeys
	filter    filterKeys
	detail    detailKeys
	loadAll   loadAllKeys
	confirm   confirmKeys
	typed     typedKeys
	run       runKeys
	countdown countdownKeys
	stop      stopKeys
	breaker   breakerKeys
	summary   summaryKeys
	// ForceQuit quits from every mode that does not bind ctrl+c itself.
	ForceQuit key.Binding
}

func newKeyMaps(readOnly, undo bool) keyMaps {
	k := keyMaps{
		browse:    newBrowseKeys(readOnly, undo),
		countdown: countdownKeys{Cancel: bind([]string{"u", "esc"}, "u/esc", "cancel: nothing is sent")},
		help: helpKeys{
			Close: bind([]string{"esc", "?", "q"}, "esc/?/q", "close help"),
			Up:    bind([]string{"up", "k"}, "↑/k", "scroll up"),
			Down:  bind([]string{"down", "j"}, "↓/j", "scroll"),
		},
		filter: filterKeys{
			Keep:  bind([]string{"enter"}, "enter", "keep filter"),
			Clear: bind([]string{"esc"}, "esc", "clear"),
			Up:    bind([]string{"up"}, "↑", "up"),
			Down:  bind([]string{"down"}, "↓", "down"),
		},
		detail: detailKeys{
			Back:      bind([]string{"esc", "q", "backspace"}, "esc/q", "back"),
			Help:      bind([]string{"?"}, "?", "help"),
			Delete:    bind([]string{"D", "delete"}, "D/del", "delete"),
			CopyEmail: bind([]string{"c"}, "c", "copy email"),
			CopyID:    bind([]string{"C"}, "C", "copy id"),
			Up:        bind([]string{"up", "k"}, "↑/k", "scroll up"),
			Down:      bind([]string{"down", "j"}, "↓/j", "scroll down"),
			PageUp:    bind([]string{"pgup", "b"}, "pgup", "page up"),
			PageDown:  bind([]string{"pgdown", "f", " "}, "pgdn", "page down"),
		},
		loadAll: loadAllKeys{Stop: bind([]string{"esc", "q"}, "esc", "stop loading (keeps what arrived)")},
		confirm: confirmKeys{
			Confirm: bind([]string{"y", "Y"}, "y", "delete"),
			Cancel:  bind([]string{"n", "N", "esc"}, "n/esc", "cancel"),
			Left:    bind([]string{"left", "h"}, "←/h", "focus left"),
			Right:   bind([]string{"right", "l"}, "→/l", "focus right"),
			Cycle:   bind([]string{"tab", "shift+tab"}, "tab", "next button"),
			Choose:  bind([]string{"enter"}, "enter", "choose focused"),
		},
		typed: typedKeys{
			Submit: bind([]string{"enter"}, "enter", "confirm when it matches"),
			Cancel: bind([]string{"esc"}, "esc", "cancel"),
		},
		run: runKeys{Stop: bind([]string{"esc", "q", "ctrl+c"}, "esc/q/ctrl+c", "stop…")},
		stop: stopKeys{
			Yes: bind([]string{"y", "Y", "ctrl+c"}, "y", "stop"),
			No:  bind([]string{"n", "N", "esc"}, "n/esc", "continue"),
		},
		breaker: breakerKeys{
			Retry: bind([]string{"r", "R"}, "r", "retry"),
			Stop:  bind([]string{"s", "S", "esc", "q", "ctrl+c"}, "s/esc", "stop"),
		},
		summary: summaryKeys{
			Close: bind([]string{"enter", "esc", "q"}, "enter/esc", "close"),
			Retry: bind([]string{"R"}, "R", "retry the failed"),
		},
		ForceQuit: bind([]string{"ctrl+c"}, "ctrl+c", "quit"),
	}
	k.detail.Delete.SetEnabled(!readOnly)
	return k
}
