package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

// confirmModel is the delete modal. It holds a copy of the customer captured
// when it opened: whatever happens to the table meanwhile (a refresh, a
// re-order), the DELETE goes to exactly this id.
type confirmModel struct {
	target      apiclient.Customer
	focusDelete bool // Cancel has the focus when the modal opens
	host        string
	st          *styles
	// typed is set on protected profiles: the operator must type the
	// customer's email (its id when it has none) instead of pressing y.
	typed bool
	input textinput.Model
}

// expected is what a protected profile asks the operator to type.
func (c *confirmModel) expected() string {
	if c.target.Email != "" {
		return c.target.Email
	}
	return fmt.Sprint(c.target.ID)
}

// typedMatches compares what was typed with the expected text; emails
// compare case-insensitively, as mail systems do.
func (c *confirmModel) typedMatches() bool {
	return strings.EqualFold(strings.TrimSpace(c.input.Value()), c.expected())
}

func newConfirm(st *styles, host string, typed bool) confirmModel {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 256
	in.Cursor.SetMode(cursor.CursorStatic)
	return confirmModel{st: st, host: host, typed: typed, input: in}
}

func (c *confirmModel) open(target apiclient.Customer) {
	c.target = target
	c.focusDelete = false
	c.input.SetValue("")
	c.input.Width = 60
	c.input.Focus()
}

// view renders the modal box, at most width cells wide. While deleting, the
// buttons give way to the spinner line.
func (c *confirmModel) view(width int, deleting bool, spin string) string {
	inner := min(width-4, 72) // border + padding
	t := c.target
	name := t.FullName()
	if name == "" {
		name = "(no name)"
	}
	email := t.Email
	if email == "" {
		email = "(no email)"
	}
	line := func(s string) string { return termtext.Truncate(s, inner) }
	rows := []string{
		c.st.modalTitle.Render(line("Delete customer?")),
		"",
		line(fmt.Sprintf("ID:    #%d", t.ID)),
		line("Name:  " + name),
		line("Email: " + email),
		"",
		c.st.muted.Render(line(fmt.Sprintf("DELETE /api/v4/admin/customers/%d", t.ID))),
		c.st.muted.Render(line("on " + c.host)),
		c.st.danger.Render(line("This cannot be undone.")),
		"",
	}
	switch {
	case deleting:
		rows = append(rows, line(fmt.Sprintf("%s Deleting customer #%d…", spin, t.ID)))
	case c.typed:
		rows = append(rows,
			c.st.danger.Render(line("PROTECTED profile: type the customer's "+map[bool]string{true: "email", false: "id"}[t.Email != ""]+" to confirm.")),
			line(c.expected()),
			c.input.View(),
			c.st.muted.Render(line("enter delete (when it matches) · esc cancel")))
	default:
		cancel, del := "[ Cancel ]", "[ Delete ]"
		cs, ds := c.st.buttonFocused, c.st.button
		if c.focusDelete {
			cs, ds = c.st.button, c.st.buttonFocused
			del = "[>Delete<]"
		} else {
			cancel = "[>Cancel<]"
		}
		rows = append(rows,
			cs.Render(cancel)+"  "+ds.Render(del),
			c.st.muted.Render(line("y delete · n/esc cancel · tab move · enter choose")))
	}
	return c.st.modal.Width(inner + 2).Render(strings.Join(rows, "\n"))
}

// place centres the box over the screen.
func place(w, h int, box string) string {
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}
