package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// minAttemptPrefix is the shortest attempt id prefix `audit show` accepts.
const minAttemptPrefix = 6

// newAuditShowCmd is `wcadmin audit show ATTEMPT`: one attempt's lines and
// the customer record as it was before deletion.
func newAuditShowCmd(o *options, getenv func(string) string) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show ATTEMPT",
		Short: "Show one delete attempt: its journal lines and the customer record before deletion",
		Long: `Prints every journal line of the attempt (file:line, time, phase, result, HTTP status,
message, and who settled it if a later wcadmin did) and then the customer record exactly
as it was fetched right before the DELETE: what support needs to re-create the customer.

The WebCommander API cannot restore a deleted customer. The store's web admin can
restore it from its trash while it is still there; after that, re-create it by hand
from this record.

ATTEMPT is the id from the ATTEMPT column of wcadmin audit, or a unique prefix of it
(at least 6 characters). --output json prints the attempt's lines as JSON Lines.`,
		Example: `  wcadmin audit show 3f2a9c
  wcadmin audit show 3f2a9c0d11aa22bb --output json`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != outputJSON {
				return fmt.Errorf("--output %q: want text or json", output)
			}
			set, err := loadJournalSet(cmd, o, getenv)
			if err != nil {
				return err
			}
			a, err := findAttempt(audit.Attempts(set.Lines), args[0])
			if err != nil {
				return err
			}
			if output == outputJSON {
				return showJSON(cmd.OutOrStdout(), a)
			}
			return showText(cmd.OutOrStdout(), a)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text, or json (the attempt's journal lines, one object per line)")
	return cmd
}

// findAttempt picks the attempt whose id is id, or starts with id (at least
// minAttemptPrefix characters, matching one attempt only).
func findAttempt(attempts []audit.Attempt, id string) (audit.Attempt, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, a := range attempts {
		if strings.ToLower(a.ID) == id {
			return a, nil
		}
	}
	if len(id) < minAttemptPrefix {
		return audit.Attempt{}, fmt.Errorf("attempt %q: give at least %d characters of the attempt id (see the ATTEMPT column of wcadmin audit)",
			termtext.Clean(id), minAttemptPrefix)
	}
	var match []audit.Attempt
	for _, a := range attempts {
		if strings.HasPrefix(strings.ToLower(a.ID), id) {
			match = append(match, a)
		}
	}
	switch len(match) {
	case 0:
		return audit.Attempt{}, fmt.Errorf("no attempt %s in the journal (%d attempts; see wcadmin audit)", termtext.Clean(id), len(attempts))
	case 1:
		return match[0], nil
	}
	var b strings.Builder
	for i, a := range match {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(match)-10)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		first := a.First()
		fmt.Fprintf(&b, "%s (customer %d, %s)", termtext.Clean(a.ID), first.CustomerID, first.Time.UTC().Format(time.RFC3339))
	}
	return audit.Attempt{}, fmt.Errorf("attempt %s is ambiguous: it starts %d attempts: %s; give more of the id",
		termtext.Clean(id), len(match), b.String())
}

// showText prints the attempt for a person.
func showText(w io.Writer, a audit.Attempt) error {
	v := viewOf(a)
	var b strings.Builder
	fmt.Fprintf(&b, "Attempt %s: customer %d %s", termtext.Clean(a.ID), v.Customer, termtext.CleanMax(v.Email, 200))
	if v.Name != "" {
		fmt.Fprintf(&b, " (%s)", termtext.CleanMax(v.Name, 200))
	}
	fmt.Fprintf(&b, "\nStore: %s", termtext.CleanMax(v.Site, 200))
	if v.Profile != "" {
		fmt.Fprintf(&b, " (profile %s)", termtext.CleanMax(v.Profile, 100))
	}
	fmt.Fprintf(&b, "\nResult: %s\n\n", termtext.Clean(v.resultText()))
	wide := 0 // the FILE:LINE column
	for _, l := range a.Lines {
		wide = max(wide, termtext.Width(where(filepath.Base(l.File), l.N)))
	}
	for _, l := range a.Lines {
		writeLineText(&b, l, wide)
	}
	switch {
	case a.IsOpen():
		b.WriteString("\nNo outcome was recorded: the DELETE may or may not have happened. The next wcadmin\n" +
			"console started for this store asks the store and settles the attempt; or look the customer up.\n")
	case a.IsPending():
		b.WriteString("\nThe deletion was confirmed and waited out its undo window; nothing was sent. If its wcadmin\n" +
			"has ended, the next console started for this store records it as not sent.\n")
	}
	b.WriteString("\n")
	rec := a.Record()
	if len(rec) == 0 {
		why := "it was skipped"
		switch {
		case a.IsUndone():
			why = "it was undone within the undo window"
		case a.Scheduled != nil && a.Intent == nil:
			why = "it was scheduled and never sent"
		}
		fmt.Fprintf(&b, "No customer record was recorded: nothing was sent for this attempt (%s).\n", why)
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("Customer record before deletion:\n")
	b.WriteString(prettyRecord(rec))
	b.WriteString("\n\n")
	if r := a.Result(); r != audit.ResultDeleted && r != audit.ResultOpen && r != audit.ResultUnknown {
		fmt.Fprintf(&b, "The result is %s: the customer was probably not deleted; check the store before re-creating anything.\n", termtext.Clean(r))
	}
	b.WriteString("The API cannot restore a deleted customer. The store's web admin can restore it from\n" +
		"its trash while it is still there; after that, re-create it by hand from this record.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeLineText prints one journal line of an attempt: where it is (padded
// to wide), when, what it says.
func writeLineText(b *strings.Builder, l audit.Line, wide int) {
	e := l.Entry
	at := where(filepath.Base(l.File), l.N)
	at += strings.Repeat(" ", max(0, wide-termtext.Width(at)))
	fields := []string{at, e.Time.UTC().Format(time.RFC3339), fmt.Sprintf("%-7s", termtext.CleanMax(e.Phase, 20))}
	if e.Result != "" {
		fields = append(fields, e.Result)
	}
	if e.Status != 0 {
		fields = append(fields, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.DurationMS != 0 {
		fields = append(fields, (time.Duration(e.DurationMS) * time.Millisecond).String())
	}
	who := "by " + e.Operator
	if ip, _, _ := strings.Cut(e.SSHClient, " "); ip != "" {
		who += " from " + ip
	}
	if e.Host != "" {
		who += " on " + e.Host
	}
	if e.PID != 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	fields = append(fields, who)
	for i := 3; i < len(fields); i++ {
		fields[i] = termtext.CleanMax(fields[i], 200)
	}
	fmt.Fprintf(b, "  %s\n", strings.Join(fields, "  "))
	if e.Message != "" {
		fmt.Fprintf(b, "      message: %s\n", termtext.CleanMax(e.Message, 500))
	}
	if s := e.Settled; s != nil {
		by := s.By
		if s.Host != "" {
			by += " on " + s.Host
		}
		how := ""
		if s.How != "" {
			how = ": " + s.How
		}
		fmt.Fprintf(b, "      settled by %s at %s (the attempt was interrupted at %s)%s\n", termtext.CleanMax(by, 200),
			s.At.UTC().Format(time.RFC3339), s.Interrupted.UTC().Format(time.RFC3339), termtext.CleanMax(how, 300))
	}
}

// prettyRecord indents the record for reading; it stays JSON, with every
// character a terminal could act on escaped.
func prettyRecord(rec json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, rec, "", "  "); err != nil {
		return termtext.Clean(string(rec))
	}
	return string(audit.EscapeJSON(buf.Bytes()))
}

// showJSON prints the attempt's journal lines, one object per line: where
// the line is and the entry as the journal encodes it.
func showJSON(w io.Writer, a audit.Attempt) error {
	for _, l := range a.Lines {
		line, err := audit.EncodeLine(l.Entry)
		if err != nil {
			return err
		}
		err = writeSafeJSON(w, struct {
			File  string          `json:"file"`
			Line  int             `json:"line"`
			Entry json.RawMessage `json:"entry"`
		}{l.File, l.N, bytes.TrimSpace(line)})
		if err != nil {
			return err
		}
	}
	return nil
}
