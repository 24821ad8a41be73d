package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/wcadmin/wcadmin/termtext"
)

const bulkPreview = 10 // customers listed by name in the bulk modal

func (m *Model) modalWidth() int { return min(m.width-4, 90) }

func (m *Model) bulkConfirmView(h int) string {
	b := m.bulk
	inner := m.modalWidth()
	line := func(s string) string { return termtext.Truncate(s, inner) }
	n := len(b.targets)
	rows := []string{m.st.modalTitle.Render(line(fmt.Sprintf("Delete %d customers?", n)))}
	// Everything but the preview takes 10 lines (11 with the hidden-marks
	// warning), borders included: at 80x24 all ten fit.
	fixed := 10
	if b.hidden > 0 {
		fixed++
	}
	show := min(n, bulkPreview, max(h-fixed, 1))
	for _, c := range b.targets[:show] {
		rows = append(rows, line(pad(fmt.Sprintf("#%d", c.ID), 9)+" "+pad(c.FullName(), 24)+" "+c.Email))
	}
	if n > show {
		rows = append(rows, line(fmt.Sprintf("… and %d more", n-show)))
	}
	rows = append(rows, "")
	if b.hidden > 0 {
		rows = append(rows, m.st.danger.Render(line(fmt.Sprintf("%d of them are hidden by the current filter.", b.hidden))))
	}
	rows = append(rows,
		m.st.muted.Render(line("DELETE /api/v4/admin/customers/{id} for each, on "+m.opts.Host)),
		m.st.danger.Render(line("This cannot be undone.")),
		line(fmt.Sprintf("Type %d and press Enter to delete them; any other key cancels.", n)),
		m.countInput.View(),
	)
	return m.st.modal.Width(inner + 2).Render(strings.Join(rows, "\n"))
}

func (m *Model) bulkProgressView() string {
	b := m.bulk
	inner := m.modalWidth()
	line := func(s string) string { return termtext.Truncate(s, inner) }
	total := len(b.targets)
	done := b.done()
	pct := 0.0
	if total > 0 {
		pct = float64(done) / float64(total)
	}
	bar := m.progress
	bar.Width = max(inner-2, 10)
	eta := "estimating…"
	if elapsed := m.opts.Now().Sub(b.started); done > 0 && elapsed > 0 {
		eta = "~" + (elapsed / time.Duration(done) * time.Duration(b.remaining())).Round(time.Second).String() + " left"
	}
	title := fmt.Sprintf("%s Deleting %d customers", m.spinner.View(), total)
	if b.stopped {
		title = fmt.Sprintf("%s Stopping: waiting for %d requests in flight", m.spinner.View(), b.inflight)
	}
	rows := []string{
		m.st.modalTitle.Render(line(title)), "",
		bar.ViewAs(pct),
		line(fmt.Sprintf("done %d · deleted %d · already gone %d · failed %d · remaining %d · %s",
			done, len(b.deleted), len(b.gone), len(b.failed), b.remaining(), eta)),
	}
	if m.mode == modeBulkStop {
		rows = append(rows, "", m.st.danger.Render(line("Stop the bulk deletion? Requests in flight finish; nothing new is sent. y stops, any other key continues.")))
	}
	return m.st.modal.Width(inner + 2).Render(strings.Join(rows, "\n"))
}

func (m *Model) summaryView(h int) string {
	b := m.bulk
	inner := m.modalWidth()
	line := func(s string) string { return termtext.Truncate(s, inner) }
	rows := []string{
		m.st.modalTitle.Render(line("Bulk deletion finished")), "",
		line(fmt.Sprintf("Deleted: %d   Already gone: %d   Failed: %d   Not attempted: %d",
			len(b.deleted), len(b.gone), len(b.failed), len(b.queue))),
	}
	if b.stopReason != "" {
		rows = append(rows, m.st.danger.Render(line(b.stopReason)))
	}
	if len(b.failed) > 0 {
		rows = append(rows, "", line("Failed (still marked):"))
		room := max(h-12, 1)
		for i, f := range b.failed {
			if i == room {
				rows = append(rows, line(fmt.Sprintf("… and %d more (see the debug log)", len(b.failed)-room)))
				break
			}
			rows = append(rows, line(fmt.Sprintf("#%d %s: %s", f.c.ID, f.c.Email, f.reason)))
		}
	}
	if len(b.queue) > 0 {
		rows = append(rows, "", line(fmt.Sprintf("%d customers were not attempted and are still marked.", len(b.queue))))
	}
	return m.st.modal.Width(inner + 2).Render(strings.Join(rows, "\n"))
}
