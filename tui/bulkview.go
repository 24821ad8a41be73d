package tui

import (
	"fmt"
	"io"
	"time"
)

// bulkConfirmView is the bulk modal: as many of the captured customers as fit
// (at least one, and at most bulkPreview), how many more, and the prompt. It
// reports false when not even one customer fits.
func (m *Model) bulkConfirmView(h int) (string, bool) {
	b := m.bulk
	n := len(b.targets)
	inner := modalInner(m.width)
	// Marked customers the table does not hold (marked before a refresh or a
	// server re-sort) are not hidden by the filter: they are counted apart.
	notLoaded := m.table.CountNotLoaded(b.targets)
	for show := min(n, bulkPreview); show >= 1; show-- {
		rows := []modalRow{{text: fmt.Sprintf("Delete %d customers?", n), style: m.st.modalTitle}}
		if n == 1 {
			rows[0].text = "Delete 1 customer?"
		}
		// Every listed customer is required: when they do not fit, fewer are
		// listed (and counted in "and N more"), never silently cut.
		for _, c := range b.targets[:show] {
			rows = append(rows, row(bulkLine(c.ID, c.FullName(), c.Email, inner), keep))
		}
		if n > show {
			rows = append(rows, row(fmt.Sprintf("… and %d more", n-show), keep))
		}
		rows = append(rows, row("", dropFirst))
		if b.hidden > 0 {
			rows = append(rows, modalRow{text: fmt.Sprintf("%d of them are hidden by the current filter.", b.hidden),
				style: m.st.danger, wrap: true})
		}
		if notLoaded > 0 {
			rows = append(rows, modalRow{text: fmt.Sprintf("%d of them are not loaded in the list.", notLoaded),
				style: m.st.danger, wrap: true})
		}
		rows = append(rows,
			modalRow{text: "DELETE /api/v4/admin/customers/{id} for each", style: m.st.muted},
			modalRow{text: "on " + m.opts.Host, style: m.st.muted, drop: dropLater},
			modalRow{text: irreversible(m.opts.UndoWindow), style: m.st.danger, drop: dropSoon, wrap: true})
		switch b.phase {
		case bulkHost:
			rows = append(rows,
				modalRow{text: fmt.Sprintf("Protected profile: type the store's host (%s) and press Enter.", m.opts.Host),
					style: m.st.danger, wrap: true})
		default:
			prompt := fmt.Sprintf("Type %d and press Enter; any other key cancels.", n)
			if b.protected {
				prompt = fmt.Sprintf("Type %d and press Enter (then the store's host); any other key cancels.", n)
			}
			rows = append(rows, modalRow{text: prompt, wrap: true})
		}
		rows = append(rows, modalRow{text: b.input.View(), raw: true})
		if s, ok := renderModal(&m.st, rows, m.width, h); ok {
			return s, true
		}
	}
	return "", false
}

const bulkPreview = 10 // customers listed at most in the bulk modal

// bulkLine is one customer of the bulk modal: id, name, email, in columns
// when there is room.
func bulkLine(id int64, name, email string, inner int) string {
	idCol := pad(fmt.Sprintf("#%d", id), 9)
	if inner < 50 {
		return idCol + " " + email
	}
	return idCol + " " + pad(name, min(24, inner/4)) + " " + email
}

func (m *Model) bulkProgressView(h int) string {
	b := m.bulk
	inner := modalInner(m.width)
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
	rows := []modalRow{
		{text: title, style: m.st.modalTitle},
		row("", dropFirst),
		{text: bar.ViewAs(pct), raw: true},
		{text: fmt.Sprintf("done %d · deleted %d · already gone %d · failed %d · remaining %d · %s",
			done, len(b.deleted), len(b.gone), len(b.failed), b.remaining(), eta), wrap: true},
	}
	if b.paused {
		rows = append(rows, modalRow{text: fmt.Sprintf("Rate-limited (429): resuming in %s, %d at a time",
			b.pauseLeft.Round(time.Second), b.concurrency), style: m.st.danger, wrap: true})
	}
	switch m.mode {
	case modeBulkStop:
		rows = append(rows, row("", dropFirst),
			modalRow{text: "Stop the bulk deletion? Requests in flight finish; nothing new is sent.", style: m.st.danger, wrap: true},
			modalRow{text: "y or ctrl+c stop · n or esc continue", wrap: true})
	case modeBulkBreaker:
		rows = append(rows, row("", dropFirst),
			modalRow{text: fmt.Sprintf("The store is not answering: %d deletions in a row failed. %d customers have not been attempted.",
				b.failStreak, len(b.queue)), style: m.st.danger, wrap: true},
			modalRow{text: "r retry · s or esc stop (the rest are not attempted)", wrap: true})
	}
	s, _ := renderModal(&m.st, rows, m.width, h)
	return s
}

func (m *Model) summaryView(h int) string {
	b := m.bulk
	rows := []modalRow{
		{text: "Bulk deletion finished", style: m.st.modalTitle},
		row("", dropFirst),
		{text: fmt.Sprintf("Deleted: %d   Already gone: %d   Failed: %d   Not attempted: %d",
			len(b.deleted), len(b.gone), len(b.failed), len(b.queue)), wrap: true},
	}
	if b.stopReason != "" {
		rows = append(rows, modalRow{text: b.stopReason, style: m.st.danger, wrap: true})
	}
	// Lists share what room there is; each ends with "and N more".
	room := max(h-2-len(rows)-8, 2)
	list := func(title string, lines []string, drop int) {
		if len(lines) == 0 {
			return
		}
		rows = append(rows, row("", dropFirst), row(title, drop))
		n := min(len(lines), max(room/2, 1))
		for _, l := range lines[:n] {
			rows = append(rows, row(l, drop))
		}
		if len(lines) > n {
			more := fmt.Sprintf("… and %d more", len(lines)-n)
			if m.hasDebugLog() {
				more += " (see the debug log)"
			}
			rows = append(rows, row(more, drop))
		}
	}
	// In the order the modal listed them, not the order answers came in.
	why := map[int64]string{}
	for _, f := range b.failed {
		why[f.c.ID] = f.reason
	}
	wasDeleted := map[int64]bool{}
	for _, c := range b.deleted {
		wasDeleted[c.ID] = true
	}
	var failed, deleted []string
	for _, c := range b.targets {
		if r, ok := why[c.ID]; ok {
			failed = append(failed, fmt.Sprintf("#%d %s: %s", c.ID, c.Email, r))
		}
		if wasDeleted[c.ID] {
			deleted = append(deleted, fmt.Sprintf("#%d %s", c.ID, c.Email))
		}
	}
	list("Failed (still marked; R retries them):", failed, dropLater)
	list("Deleted:", deleted, dropSoon)
	if len(b.queue) > 0 {
		rows = append(rows, row("", dropFirst),
			modalRow{text: fmt.Sprintf("%d customers were not attempted and are still marked.", len(b.queue)), wrap: true})
	}
	s, _ := renderModal(&m.st, rows, m.width, h)
	return s
}

// hasDebugLog reports whether a debug log is being written.
func (m *Model) hasDebugLog() bool { return m.opts.Log.Writer() != io.Discard }
