package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/audit"
)

// auditNow is the clock for --since and --until (tests).
var auditNow = time.Now

// failedResults are the results --failed keeps: the customer was not
// (knowingly) deleted although someone tried.
var failedResults = []string{audit.ResultFailed, audit.ResultUnknown, audit.ResultRefused, audit.ResultNotDeleted}

// Output formats.
const (
	outputTable = "table"
	outputJSON  = "json"
	outputCSV   = "csv"
)

// listFlags are the flags of `wcadmin audit`.
type listFlags struct {
	open, failed    bool
	undone          bool
	customer        int64
	email, operator string
	since, until    string
	output          string
	asJSON          bool // the old --json
}

func (lf *listFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&lf.open, "open", false, "only attempts with no outcome (the DELETE may or may not have happened)")
	fl.BoolVar(&lf.failed, "failed", false, "only attempts whose result is failed, unknown, refused or not_deleted")
	fl.BoolVar(&lf.undone, "undone", false, "only deletions taken back within the undo window (u, or quitting): nothing was sent")
	fl.Int64Var(&lf.customer, "customer", 0, "only attempts on this customer id")
	fl.StringVar(&lf.email, "email", "", "only attempts whose email contains this (any case)")
	fl.StringVar(&lf.operator, "operator", "", "only attempts by this operator (any case)")
	fl.StringVar(&lf.since, "since", "", "only attempts started at or after: a duration back from now (24h, 90m, 7d), a date (2006-01-02) or an RFC 3339 time")
	fl.StringVar(&lf.until, "until", "", "only attempts started at or before: like --since; a date means the end of that day")
	fl.StringVarP(&lf.output, "output", "o", outputTable, "output format: table, json (one object per attempt per line) or csv")
	fl.BoolVar(&lf.asJSON, "json", false, "same as --output json")
	// Deprecated: hidden, and parse says so on stderr (pflag's own
	// deprecation notice would go to stdout, into the data).
	_ = fl.MarkHidden("json")
}

// attemptQuery selects attempts; zero fields match everything.
type attemptQuery struct {
	open, failed    bool
	undone          bool
	customer        int64
	email, operator string // email lower-cased
	since, until    time.Time
}

// parse checks the flags and turns them into a query and an output format.
func (lf *listFlags) parse(cmd *cobra.Command, now time.Time) (attemptQuery, string, error) {
	q := attemptQuery{open: lf.open, failed: lf.failed, undone: lf.undone, customer: lf.customer,
		email: strings.ToLower(lf.email), operator: lf.operator}
	if cmd.Flags().Changed("customer") && lf.customer <= 0 {
		return q, "", fmt.Errorf("--customer must be a positive customer id, not %d", lf.customer)
	}
	var err error
	if lf.since != "" {
		if q.since, err = parseWhen("--since", lf.since, now, false); err != nil {
			return q, "", err
		}
	}
	if lf.until != "" {
		if q.until, err = parseWhen("--until", lf.until, now, true); err != nil {
			return q, "", err
		}
	}
	if !q.since.IsZero() && !q.until.IsZero() && q.until.Before(q.since) {
		return q, "", fmt.Errorf("--until (%s) is before --since (%s): no attempt can match",
			q.until.Format(time.RFC3339), q.since.Format(time.RFC3339))
	}
	format := lf.output
	if lf.asJSON {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning: --json is deprecated: use --output json")
		if cmd.Flags().Changed("output") && format != outputJSON {
			return q, "", fmt.Errorf("--json and --output %s contradict each other: give only --output", format)
		}
		format = outputJSON
	}
	if !slices.Contains([]string{outputTable, outputJSON, outputCSV}, format) {
		return q, "", fmt.Errorf("--output %q: want table, json or csv", format)
	}
	return q, format, nil
}

// parseWhen reads --since or --until: a duration back from now (Go syntax,
// plus "7d" for days), a date (2006-01-02, local time; the end of that day
// when endOfDay) or an RFC 3339 time.
func parseWhen(flag, s string, now time.Time, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("%s %q: give a positive duration back from now (e.g. 24h)", flag, s)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q: want a duration back from now (24h, 90m, 7d), a date (2006-01-02) or an RFC 3339 time", flag, s)
}

// match reports whether a passes the query. An attempt is described by its
// first line: when it started, who, which customer. --open, --failed and
// --undone keep the attempts that are any of them.
func (q attemptQuery) match(a audit.Attempt) bool {
	first := a.First()
	switch {
	case (q.open || q.failed || q.undone) && !(q.open && a.IsOpen() ||
		q.failed && slices.Contains(failedResults, a.Result()) || q.undone && a.IsUndone()):
		return false
	case q.customer != 0 && first.CustomerID != q.customer:
		return false
	case q.email != "" && !strings.Contains(strings.ToLower(first.Email), q.email):
		return false
	case q.operator != "" && !strings.EqualFold(first.Operator, q.operator):
		return false
	case !q.since.IsZero() && first.Time.Before(q.since):
		return false
	case !q.until.IsZero() && first.Time.After(q.until):
		return false
	}
	return true
}

// listAttempts prints the attempts that match q in the given format: data
// on out, the count of a table and "no matching attempts" on errOut.
func listAttempts(out, errOut io.Writer, all []audit.Attempt, q attemptQuery, format string) error {
	var match []audit.Attempt
	for _, a := range all {
		if q.match(a) {
			match = append(match, a)
		}
	}
	if len(match) == 0 {
		fmt.Fprintf(errOut, "no matching attempts (%d attempts in the journal)\n", len(all))
		if format == outputCSV {
			return writeCSV(out, nil)
		}
		return nil
	}
	switch format {
	case outputJSON:
		return writeJSONLines(out, match)
	case outputCSV:
		return writeCSV(out, match)
	}
	if err := writeTable(out, match); err != nil {
		return err
	}
	fmt.Fprintf(errOut, "%d of %d attempts\n", len(match), len(all))
	return nil
}
