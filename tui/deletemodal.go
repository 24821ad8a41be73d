package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
)

// verdict is what a modal decided about a key.
type verdict int

const (
	undecided verdict = iota // still open
	confirmed                // delete exactly the captured target(s)
	cancelled                // closed; nothing is sent
)

// deleteModal asks whether to delete one customer. It holds a copy of the
// customer captured when it opened: whatever happens to the table meanwhile
// (a refresh, a re-order), the DELETE goes to exactly this id.
type deleteModal struct {
	target      apiclient.Customer
	undoWindow  time.Duration // 0: sent at once
	focusDelete bool          // Cancel (leftmost) has the focus when the modal opens
	host        string
	st          *styles
	keys        confirmKeys
	typedKeys   typedKeys
	// typed is set on protected profiles: the operator must type the
	// customer's full email (its id when it has none) instead of pressing y.
	typed bool
	input textinput.Model
}

func newDeleteModal(st *styles, keys keyMaps, host string, typed bool, undoWindow time.Duration) deleteModal {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = maxEmailCells
	in.Cursor.SetMode(cursor.CursorStatic)
	return deleteModal{st: st, keys: keys.confirm, typedKeys: keys.typed, host: host, typed: typed, input: in,
		undoWindow: undoWindow}
}

func (d *deleteModal) open(target apiclient.Customer) {
	d.target = target
	d.focusDelete = false
	d.input.SetValue("")
	d.input.Focus()
}

// expected is what a protected profile asks the operator to type.
func (d *deleteModal) expected() string {
	if d.target.Email != "" {
		return d.target.Email
	}
	return fmt.Sprint(d.target.ID)
}

// typedMatches compares what was typed with the whole expected text; emails
// compare case-insensitively, as mail systems do.
func (d *deleteModal) typedMatches() bool {
	return strings.EqualFold(strings.TrimSpace(d.input.Value()), d.expected())
}

// Update takes one key (never a paste: see Paste) and says what the operator
// decided. Every key the modal does not bind cancels: a stray key never
// deletes and never reaches the table.
func (d *deleteModal) Update(msg tea.KeyMsg) (verdict, string, tea.Cmd) {
	cancel := fmt.Sprintf("Cancelled: customer #%d was not deleted", d.target.ID)
	if d.typed {
		switch {
		case key.Matches(msg, d.typedKeys.Cancel):
			return cancelled, cancel, nil
		case key.Matches(msg, d.typedKeys.Submit) && d.typedMatches():
			return confirmed, "", nil
		case key.Matches(msg, d.typedKeys.Submit):
			return cancelled, fmt.Sprintf("What was typed does not match: customer #%d was not deleted", d.target.ID), nil
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return undecided, "", cmd
	}
	k := d.keys
	switch {
	case key.Matches(msg, k.Confirm):
		return confirmed, "", nil
	case key.Matches(msg, k.Left):
		d.focusDelete = false // arrows never wrap: ← always ends on Cancel
	case key.Matches(msg, k.Right):
		d.focusDelete = true
	case key.Matches(msg, k.Cycle):
		d.focusDelete = !d.focusDelete
	case key.Matches(msg, k.Choose) && d.focusDelete:
		return confirmed, "", nil
	default:
		return cancelled, cancel, nil
	}
	return undecided, "", nil
}

// Paste is text for the typed field; it never confirms (a pasted y or
// newline is not a decision). Without a field it is ignored.
func (d *deleteModal) Paste(msg tea.KeyMsg) (bool, tea.Cmd) {
	if !d.typed {
		return false, nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return true, cmd
}

// help is the modal's key line.
func (d *deleteModal) help() []key.Binding {
	if d.typed {
		return d.typedKeys.ShortHelp()
	}
	return d.keys.ShortHelp()
}

// View renders the modal in at most width x height cells. While deleting,
// the buttons give way to the spinner line. It reports false when the
// terminal is too small to show what is about to be deleted.
func (d *deleteModal) View(width, height int, deleting bool, spin string) (string, bool) {
	t := d.target
	name := t.FullName()
	if name == "" {
		name = "(no name)"
	}
	email := t.Email
	if email == "" {
		email = "(no email)"
	}
	st := d.st
	rows := []modalRow{
		{text: "Delete 1 customer?", style: st.modalTitle},
		row("", dropFirst),
		row(fmt.Sprintf("ID:    #%d", t.ID), keep),
		row("Name:  "+name, dropLater),
		row("Email: "+email, map[bool]int{true: dropLater, false: keep}[d.typed && t.Email != ""]),
		row("", dropFirst),
		{text: fmt.Sprintf("DELETE /api/v4/admin/customers/%d", t.ID), style: st.muted},
		{text: "on " + d.host, style: st.muted, drop: dropLater},
		{text: irreversible(d.undoWindow), style: st.danger, drop: dropSoon, wrap: true},
		row("", dropFirst),
	}
	switch {
	case deleting:
		rows = append(rows, row(fmt.Sprintf("%s Deleting customer #%d…", spin, t.ID), keep))
	case d.typed:
		// The expected text is shown whole (wrapped): it is what is compared.
		what := map[bool]string{true: "email", false: "id"}[t.Email != ""]
		d.input.Width = max(modalInner(width)-3, 1)
		rows = append(rows,
			modalRow{text: "Protected profile.", style: st.danger, drop: dropSoon},
			modalRow{text: "Type the " + what + " to confirm:", style: st.danger, wrap: true},
			modalRow{text: d.expected(), wrap: true},
			modalRow{text: d.input.View(), raw: true},
			modalRow{text: "enter delete (when it matches) · esc cancel", style: st.muted, drop: dropSoon})
	default:
		cancel, del := "[ Cancel ]", "[ Delete ]"
		cs, ds := st.buttonFocused, st.button
		if d.focusDelete {
			cs, ds = st.button, st.buttonFocused
			del = "[>Delete<]"
		} else {
			cancel = "[>Cancel<]"
		}
		rows = append(rows,
			modalRow{text: cs.Render(cancel) + "  " + ds.Render(del), raw: true},
			modalRow{text: "y delete · n/esc cancel · ←/→ tab move · enter choose", style: st.muted, drop: dropSoon})
	}
	return renderModal(st, rows, width, height)
}
