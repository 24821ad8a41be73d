package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
)

// finish prints the results and the totals and picks the exit status.
func (r *deleteRun) finish(ctx context.Context, results []deleteResult, authStop bool) error {
	var werr error
	if r.flags.output == "json" {
		for _, res := range results {
			if werr = writeSafeJSON(r.out, deleteJSONOf(res)); werr != nil {
				break
			}
		}
		fmt.Fprintln(r.errOut, totalsLine(results, r.flags.dryRun))
	} else {
		werr = writeDeleteTable(r.out, results)
		if werr == nil {
			_, werr = fmt.Fprintln(r.out, totalsLine(results, r.flags.dryRun))
		}
	}
	if !r.flags.dryRun {
		fmt.Fprintf(r.errOut, "wcadmin: journal: %s\n", termtext.Clean(r.deleter.Journal.Path()))
	}
	code := deleteExitCode(results, ctx.Err() != nil, authStop)
	if werr != nil && code == exitOK {
		return fmt.Errorf("writing the results: %w", werr)
	}
	switch code {
	case exitOK:
		return nil
	case exitInterrupted:
		fmt.Fprintln(r.errOut, "wcadmin: interrupted: deletions in flight were finished and journaled; the rest were not attempted")
	case exitAuth:
		fmt.Fprintln(r.errOut, "wcadmin: the store refused the credentials or the permission: no further DELETE was sent")
	}
	return exitError{code: code} // everything has been said
}

// deleteExitCode: 130 interrupted, 4 credentials refused, else 0 when every
// id was deleted or already gone (or would be deleted, in a dry run), 1 when
// none was, 3 in between.
func deleteExitCode(results []deleteResult, interrupted, authStop bool) int {
	switch {
	case interrupted:
		return exitInterrupted
	case authStop:
		return exitAuth
	}
	good := 0
	for _, res := range results {
		switch res.Result {
		case resultDeleted, resultAlreadyGone, resultWouldDelete:
			good++
		}
	}
	switch {
	case good == len(results):
		return exitOK
	case good == 0:
		return exitFailure
	}
	return exitPartial
}

// resultText is the table's RESULT cell.
func (res deleteResult) resultText() string {
	switch res.Result {
	case resultDeleted:
		return "deleted"
	case resultAlreadyGone:
		return "already gone"
	case resultChanged:
		// The message is ErrChanged and how it changed, in brackets.
		detail := strings.TrimSpace(strings.TrimPrefix(res.Message, deletion.ErrChanged.Error()))
		detail = strings.TrimSuffix(strings.TrimPrefix(detail, "("), ")")
		if detail != "" {
			return "changed since it was shown (not deleted): " + detail
		}
		return "changed since it was shown (not deleted)"
	case resultWouldDelete:
		return "would delete"
	case resultNotAttempted:
		return res.Message
	case resultUnknown:
		return "unknown: " + res.Message
	}
	return "failed: " + res.Message
}

func writeDeleteTable(w io.Writer, results []deleteResult) error {
	rows := [][]string{{"ID", "NAME", "EMAIL", "RESULT"}}
	for _, res := range results {
		rows = append(rows, []string{strconv.FormatInt(res.ID, 10), res.Customer.FullName(), res.Customer.Email, res.resultText()})
	}
	return writeAlignedRows(w, rows, []int{12, 40, 48, 300})
}

// deleteJSON is one line of `customers delete --output json`.
type deleteJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Result  string `json:"result"`
	Status  int    `json:"status"`  // the DELETE's HTTP status; 0 when none was sent or answered
	Message string `json:"message"` // terminal-safe
	Attempt string `json:"attempt"` // the journal's attempt id; "" when nothing was journaled
}

func deleteJSONOf(res deleteResult) deleteJSON {
	return deleteJSON{ID: res.ID, Name: res.Customer.FullName(), Email: res.Customer.Email, Result: res.Result,
		Status: res.Status, Message: res.Message, Attempt: res.Attempt}
}

// totalsLine is e.g. "4 customers: 2 deleted, 1 already gone, 1 failed".
func totalsLine(results []deleteResult, dryRun bool) string {
	counts := map[string]int{}
	for _, res := range results {
		counts[res.Result]++
	}
	var parts []string
	for _, k := range []struct{ result, label string }{
		{resultWouldDelete, "would be deleted"},
		{resultDeleted, "deleted"},
		{resultAlreadyGone, "already gone"},
		{resultChanged, "changed (not deleted)"},
		{resultFailed, "failed"},
		{resultUnknown, "unknown (check the store)"},
		{resultNotAttempted, "not attempted"},
	} {
		if n := counts[k.result]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k.label))
		}
	}
	s := pluralNoun(len(results), "customer") + ": " + strings.Join(parts, ", ")
	if dryRun {
		s = "dry run: " + s + " — nothing was sent or journaled"
	}
	return s
}

// pluralNoun is "1 customer" or "N customers".
func pluralNoun(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}
