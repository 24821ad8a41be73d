package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

// detailView shows one customer fetched afresh with GET /admin/customers/{id}.
type detailView struct {
	vp       viewport.Model
	id       int64
	customer apiclient.Customer
	loaded   bool
	err      error
}

func (d *detailView) resize(w, h int) {
	d.vp.Width, d.vp.Height = max(w, 1), max(h-1, 1)
	if d.loaded {
		d.vp.SetContent(formatDetail(d.customer, d.vp.Width))
	}
}

func (m *Model) openDetail() tea.Cmd {
	c, ok := m.table.Selected()
	if !ok {
		return nil
	}
	m.mode = modeDetail
	m.detail.id, m.detail.customer, m.detail.loaded, m.detail.err = c.ID, c, false, nil
	m.detail.vp.SetContent("")
	return m.fetchDetail(c.ID)
}

func (m *Model) handleDetail(msg detailMsg) tea.Cmd {
	if m.mode != modeDetail || msg.id != m.detail.id {
		return nil // the operator has moved on
	}
	if customerGone(msg.customer, msg.err) {
		return m.goneElsewhere(msg.id)
	}
	if msg.err != nil {
		m.detail.err = msg.err
		m.status.Set(statusErr, "%s", m.explain(fmt.Sprintf("Could not load customer #%d", msg.id), msg.err,
			"press esc, then enter to try again"))
		return nil
	}
	m.status.Resolve()
	m.detail.customer, m.detail.loaded = msg.customer, true
	m.detail.vp.SetContent(formatDetail(msg.customer, m.detail.vp.Width))
	m.detail.vp.GotoTop()
	return nil
}

func (m *Model) updateDetail(msg tea.KeyMsg) tea.Cmd {
	k := m.keys.detail
	switch {
	case key.Matches(msg, k.Back):
		m.mode = modeBrowse
		m.table.SelectID(m.detail.id)
	case key.Matches(msg, k.Help):
		m.prevMode, m.mode, m.helpOffset = m.mode, modeHelp, 0
	case key.Matches(msg, k.Delete):
		m.prevMode = modeDetail
		return m.openSingleDelete(m.detail.customer)
	case key.Matches(msg, k.CopyEmail):
		return m.copyText(m.detail.customer.Email, "email "+m.detail.customer.Email)
	case key.Matches(msg, k.CopyID):
		return m.copyText(fmt.Sprint(m.detail.id), fmt.Sprintf("id %d", m.detail.id))
	case key.Matches(msg, k.Up):
		m.detail.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		m.detail.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		m.detail.vp.PageUp()
	case key.Matches(msg, k.PageDown):
		m.detail.vp.PageDown()
	case key.Matches(msg, m.keys.browse.ReadOnlyDelete):
		m.status.Set(statusErr, "Read-only (%s): deleting is disabled", m.opts.ReadOnlyReason)
	}
	return nil
}

func (m *Model) detailBody(h int) string {
	d := &m.detail
	title := m.st.title.Render(termtext.Truncate(fmt.Sprintf("Customer #%d", d.id), m.width))
	switch {
	case d.err != nil:
		return title + "\n" + place(m.width, h-1, "Could not load this customer (see below). Esc returns.")
	case !d.loaded:
		return title + "\n" + place(m.width, h-1, m.spinner.View()+" Loading…")
	}
	vp := d.vp // the status line may take more lines this frame
	vp.Height = max(h-1, 1)
	return title + "\n" + vp.View()
}

// formatDetail lays the record out as labelled lines. Known fields first,
// addresses as postal addresses, then every remaining field of the raw
// record. All of it is untrusted and cleaned line by line.
func formatDetail(c apiclient.Customer, width int) string {
	var b strings.Builder
	line := func(label, value string) {
		if value == "" {
			value = "-"
		}
		b.WriteString(termtext.Truncate(fmt.Sprintf("%-16s %s", label+":", termtext.Clean(value)), width))
		b.WriteByte('\n')
	}
	line("ID", fmt.Sprint(c.ID))
	line("Display number", c.DisplayID)
	line("Name", c.FullName())
	line("Email", c.Email)
	line("Status", c.Status)
	line("Company", c.CompanyName)
	line("Store credit", c.StoreCredit)
	line("Credit limit", c.CreditLimit)
	if !c.CreatedAt.IsZero() {
		line("Created", c.CreatedAt.Format("2006-01-02 15:04"))
	}
	if !c.UpdatedAt.IsZero() {
		line("Updated", c.UpdatedAt.Format("2006-01-02 15:04"))
	}
	if c.InTrash {
		line("In trash", "yes")
	}

	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(c.Raw))
	dec.UseNumber()
	if len(c.Raw) == 0 || dec.Decode(&raw) != nil {
		return b.String()
	}
	if addrs, ok := raw["addresses"].([]any); ok && len(addrs) > 0 {
		b.WriteString("\nAddresses\n")
		for _, a := range addrs {
			if am, ok := a.(map[string]any); ok {
				for _, l := range postalAddress(am) {
					b.WriteString(termtext.Truncate("  "+l, width))
					b.WriteByte('\n')
				}
				b.WriteByte('\n')
			}
		}
	}
	shown := map[string]bool{"id": true, "customer_id": true, "display_id": true, "internal_id": true,
		"name": true, "first_name": true, "last_name": true, "email": true, "status": true,
		"company_name": true, "store_credit": true, "credit_limit": true, "created_at": true,
		"updated_at": true, "addresses": true, "is_in_trash": true}
	var rest []string
	for k := range raw {
		if !shown[k] {
			rest = append(rest, k)
		}
	}
	if len(rest) > 0 {
		slices.Sort(rest)
		b.WriteString("Other fields\n")
		for _, k := range rest {
			line("  "+termtext.Clean(k), scalar(raw[k]))
		}
	}
	return b.String()
}

// postalAddress formats one address as the lines of an envelope.
func postalAddress(a map[string]any) []string {
	s := func(keys ...string) string {
		for _, k := range keys {
			if v := termtext.Clean(scalar(a[k])); v != "" {
				return v
			}
		}
		return ""
	}
	sub := func(key string) string {
		if m, ok := a[key].(map[string]any); ok {
			if v := termtext.Clean(scalar(m["name"])); v != "" {
				return v
			}
			return termtext.Clean(scalar(m["code"]))
		}
		return termtext.Clean(scalar(a[key]))
	}
	var out []string
	add := func(parts ...string) {
		l := strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	typ := s("type")
	if typ == "" {
		typ = "address"
	}
	add("[" + typ + "]")
	add(s("first_name"), s("last_name"))
	add(s("company_name"))
	add(s("address_line1", "address_line_1"))
	add(s("address_line2", "address_line_2"))
	add(s("city"), sub("state"), s("post_code"))
	add(sub("country"))
	for _, k := range []string{"phone", "mobile", "email"} {
		if v := s(k); v != "" {
			add(k+":", v)
		}
	}
	return out
}

// scalar renders a JSON value as one line: strings as is, others as JSON.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "yes"
		}
		return "no"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
