package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wcadmin/wcadmin/termtext"
	"github.com/wcadmin/wcadmin/tui"
)

// summaryMaxListed is how many ids (or failures) the exit summary lists per
// kind before it only counts the rest.
const summaryMaxListed = 20

// writeExitSummary prints what this session did to the store, once the
// terminal is restored: the counts, the deleted, failed, not attempted and
// cancelled customers (the first summaryMaxListed of each, then how many
// more) and the journal that holds the details. Cancelled are the
// deletions still waiting out their undo window when the console quit:
// nothing was sent for them. It prints nothing when the session
// confirmed no deletion. Emails, reasons and the path are made
// terminal-safe: they can come from the server or the environment.
func writeExitSummary(w io.Writer, r tui.Report, journal string) {
	if !r.Any() {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "wcadmin: deletions this session: deleted %d, already gone %d, failed %d, not attempted %d",
		len(r.Deleted), len(r.Gone), len(r.Failed), len(r.NotAttempted))
	if len(r.Cancelled) > 0 {
		fmt.Fprintf(&b, ", cancelled %d", len(r.Cancelled))
	}
	b.WriteString("\n")
	if len(r.Deleted) > 0 {
		fmt.Fprintf(&b, "  deleted: %s\n", idList(r.Deleted))
	}
	if len(r.Gone) > 0 {
		fmt.Fprintf(&b, "  already gone (nothing sent): %s\n", idList(r.Gone))
	}
	if len(r.Failed) > 0 {
		b.WriteString("  failed:\n")
		for i, f := range r.Failed {
			if i == summaryMaxListed {
				fmt.Fprintf(&b, "    and %d more\n", len(r.Failed)-summaryMaxListed)
				break
			}
			fmt.Fprintf(&b, "    #%d", f.ID)
			if email := termtext.CleanMax(f.Email, 80); email != "" {
				fmt.Fprintf(&b, " (%s)", email)
			}
			if reason := termtext.CleanMax(f.Reason, 200); reason != "" {
				fmt.Fprintf(&b, ": %s", reason)
			}
			b.WriteString("\n")
		}
	}
	if len(r.NotAttempted) > 0 {
		fmt.Fprintf(&b, "  not attempted (nothing sent, still in the store): %s\n", idList(r.NotAttempted))
	}
	if n := len(r.Cancelled); n > 0 {
		what := "ids"
		if n == 1 {
			what = "id"
		}
		fmt.Fprintf(&b, "  cancelled (still in the undo window, nothing sent): %d — %s %s\n", n, what, idList(r.Cancelled))
	}
	if journal != "" {
		fmt.Fprintf(&b, "  journal: %s\n", termtext.Clean(journal))
	}
	_, _ = io.WriteString(w, b.String())
}

// idList is "1, 2, 3", cut after summaryMaxListed ids with "and N more".
func idList(ids []int64) string {
	n := min(len(ids), summaryMaxListed)
	parts := make([]string, n)
	for i, id := range ids[:n] {
		parts[i] = strconv.FormatInt(id, 10)
	}
	s := strings.Join(parts, ", ")
	if len(ids) > n {
		s += fmt.Sprintf(" and %d more", len(ids)-n)
	}
	return s
}
