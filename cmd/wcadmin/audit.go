package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// auditNow is the clock for --since (tests).
var auditNow = time.Now

// newAuditCmd is `wcadmin audit`: it shows the deletion journal.
func newAuditCmd(getenv func(string) string) *cobra.Command {
	var (
		path     string
		customer int64
		since    string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Show the deletion journal (who deleted which customer, when, and what happened)",
		Long: `Every delete attempt is recorded in the deletion journal before the request goes out
(with the full customer record, enough to re-create it by hand) and again afterwards.
This command prints the journal as a table, or as JSON lines with --json.

The journal is $XDG_STATE_HOME/wcadmin/audit.jsonl (default ~/.local/state/wcadmin/audit.jsonl).`,
		Example: `  wcadmin audit --since 24h
  wcadmin audit --customer 1234 --json`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := audit.Filter{CustomerID: customer}
			if cmd.Flags().Changed("customer") && customer <= 0 {
				return fmt.Errorf("--customer must be a positive customer id, not %d", customer)
			}
			if since != "" {
				t, err := parseSince(since, auditNow())
				if err != nil {
					return err
				}
				f.Since = t
			}
			if path == "" {
				return errors.New("cannot tell where the journal is: set HOME or XDG_STATE_HOME, or give --audit-log PATH")
			}
			return runAudit(cmd.OutOrStdout(), cmd.ErrOrStderr(), path, f, asJSON)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "audit-log", audit.DefaultPath(getenv), "deletion journal to read")
	fl.Int64Var(&customer, "customer", 0, "only entries about this customer id")
	fl.StringVar(&since, "since", "", "only entries newer than this: a duration (24h, 90m, 7d) or a date (2006-01-02, RFC 3339)")
	fl.BoolVar(&asJSON, "json", false, "print the matching entries as JSON lines (with the full records)")
	return cmd
}

func runAudit(out, errOut io.Writer, path string, f audit.Filter, asJSON bool) error {
	shown := termtext.Clean(path)
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(out, "no deletions recorded yet (journal: %s)\n", shown)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the deletion journal: %w", err)
	}
	defer file.Close()
	entries, bad, err := audit.Scan(file)
	if err != nil {
		return fmt.Errorf("read the deletion journal %s: %w", shown, err)
	}
	if len(bad) > 0 {
		fmt.Fprintf(errOut, "warning: skipped %d unreadable line(s) in %s (line %s)\n",
			len(bad), shown, joinInts(bad, 5))
	}
	var match []audit.Entry
	for _, e := range entries {
		if f.Match(e) {
			match = append(match, e)
		}
	}
	if asJSON {
		for _, e := range match {
			line, err := audit.EncodeLine(e)
			if err != nil {
				return err
			}
			if _, err := out.Write(line); err != nil {
				return err
			}
		}
		return nil
	}
	if len(match) == 0 {
		if len(entries) == 0 {
			fmt.Fprintf(out, "no deletions recorded yet (journal: %s)\n", shown)
		} else {
			fmt.Fprintf(out, "no matching entries (journal: %s, %d entries)\n", shown, len(entries))
		}
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tOPERATOR\tPROFILE\tSITE\tCUSTOMER\tEMAIL\tPHASE/RESULT\tSTATUS\tMESSAGE")
	for _, e := range match {
		status := ""
		if e.Status != 0 {
			status = strconv.Itoa(e.Status)
		}
		fmt.Fprintln(tw, strings.Join([]string{
			e.Time.UTC().Format("2006-01-02T15:04:05Z"),
			cell(e.Operator, 20),
			cell(e.Profile, 16),
			cell(e.Site, 40),
			strconv.FormatInt(e.CustomerID, 10),
			cell(e.Email, 40),
			cell(phaseResult(e), 24),
			cell(status, 3),
			cell(e.Message, 80),
		}, "\t"))
	}
	return tw.Flush()
}

func phaseResult(e audit.Entry) string {
	switch {
	case e.Phase == audit.PhaseIntent || e.Result == "":
		return e.Phase
	case e.Phase == audit.PhaseOutcome:
		return e.Result
	}
	return e.Phase + "/" + e.Result
}

// cell makes a journal value safe and short for one table cell ("-" when empty).
func cell(s string, width int) string {
	s = termtext.CleanMax(s, width)
	if s == "" {
		return "-"
	}
	return s
}

func joinInts(ns []int, limit int) string {
	var parts []string
	for i, n := range ns {
		if i == limit {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ", ")
}

// parseSince reads --since: a duration back from now (Go syntax, plus "7d"
// for days), a date (2006-01-02, local time) or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("--since %q: give a positive duration (e.g. 24h)", s)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration (24h, 90m, 7d) or a date (2006-01-02)", s)
}
