package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/listing"
	"github.com/wcadmin/wcadmin/termtext"
)

func init() { customerSubcommands = append(customerSubcommands, newCustomersListCmd) }

// customerSortFields are the --sort values: the store's order_by names.
var customerSortFields = []string{"id", "first_name", "last_name", "email", "created_at", "status"}

// customerStatuses are the statuses the store filters by.
var customerStatuses = []string{"active", "inactive", "pending", "approval_awaiting", "awaiting_verification"}

// defaultListLimit is how many customers list prints without --limit or --all.
const defaultListLimit = 100

type customersListFlags struct {
	search, email, status string
	sort                  string
	desc                  bool
	limit                 int
	all                   bool
	output                string
	concurrency           int
}

// isTerminal reports whether w is a terminal (tests pass buffers: never).
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// notifyInterrupt is signal.NotifyContext for the quit signals (SIGINT,
// SIGTERM, SIGHUP): the listing stops, the output is ended (the JSON array
// closed) and the status is 130, as for customers delete. Tests replace it.
var notifyInterrupt = func(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, quitSignals...)
}

func newCustomersListCmd(o *options, getenv func(string) string) *cobra.Command {
	var lf customersListFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List customers (table, json, csv or ids on stdout)",
		Long: `List the store's customers: the first 100 by default, --limit N, or every one with --all.

--all reads the pages with --concurrency requests in flight and prints them in order as they
arrive (the JSON array is streamed, not built in memory). If customers are created or deleted
elsewhere while it runs (the store's total changes), the listing starts over from the first page
and prints only the customers not printed yet, so nothing is printed twice and nothing is skipped.
If the store keeps changing after 3 restarts, a warning goes to stderr and the exit status is 1.

Output (--output): table (aligned on a terminal; tab-separated with a header, nothing cut and
exact RFC 3339 times otherwise), json (an array of objects with stable snake_case fields), csv
(RFC 4180 with a header; cells that a spreadsheet would run as a formula get a leading '),
ids (one id per line). Data goes to stdout, diagnostics to stderr.

Exit status: 0 success, 1 failure (or the store kept changing), 2 usage error, 4 credentials or
permission refused, 130 interrupted (the JSON array is still closed).`,
		Example: `  wcadmin customers list --search smith
  wcadmin customers list --status pending --sort created_at --desc --limit 20
  wcadmin customers list --email ana@example.com --output json
  wcadmin customers list --all --output csv > customers.csv
  wcadmin customers list --all --status inactive --output ids | wc -l
  wcadmin customers list --all --concurrency 8 --output json | jq '.[].email'`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q, err := lf.validate(cmd)
			if err != nil {
				return err
			}
			s, err := openStore(cmd, o, getenv)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stop := notifyInterrupt(ctx)
			defer stop()
			return runCustomersList(ctx, s.client, s.client.Host(), lf, q, cmd.OutOrStdout(), cmd.ErrOrStderr(),
				operationBudget(s.settings.Timeout))
		},
	}
	f := cmd.Flags()
	f.StringVar(&lf.search, "search", "", "free text over name and email; a store that ignores or rejects it is detected (exit 1), never listed unfiltered")
	f.StringVar(&lf.email, "email", "", "only the customer with this email (the store's exact match)")
	f.StringVar(&lf.status, "status", "", "only customers with this status: "+strings.Join(customerStatuses, ", "))
	f.StringVar(&lf.sort, "sort", "", "order by this field: "+strings.Join(customerSortFields, ", ")+" (default: the store's, by id)")
	f.BoolVar(&lf.desc, "desc", false, "reverse the order (with or without --sort)")
	f.IntVar(&lf.limit, "limit", defaultListLimit, "print at most this many customers (not with --all)")
	f.BoolVar(&lf.all, "all", false, "print every customer: all pages, --concurrency at a time, drift-safe")
	f.StringVarP(&lf.output, "output", "o", outputTable, "output format: "+strings.Join(customerOutputs, ", "))
	f.IntVar(&lf.concurrency, "concurrency", listing.DefaultConcurrency, "requests in flight while paging (1-16)")
	return cmd
}

// validate checks the flags (usage errors: exit 2) and builds the query.
func (lf *customersListFlags) validate(cmd *cobra.Command) (apiclient.ListOptions, error) {
	var q apiclient.ListOptions
	if lf.all && cmd.Flags().Changed("limit") {
		return q, usage(errors.New("--limit and --all exclude each other: --all prints every customer"))
	}
	if !lf.all && lf.limit < 1 {
		return q, usage(fmt.Errorf("--limit must be at least 1, not %d (use --all for every customer)", lf.limit))
	}
	if !slices.Contains(customerOutputs, lf.output) {
		return q, usage(fmt.Errorf("unknown --output %q: use one of %s", termtext.Clean(lf.output), strings.Join(customerOutputs, ", ")))
	}
	if lf.sort != "" && !slices.Contains(customerSortFields, lf.sort) {
		return q, usage(fmt.Errorf("unknown --sort field %q: use one of %s", termtext.Clean(lf.sort), strings.Join(customerSortFields, ", ")))
	}
	if lf.status != "" && !slices.Contains(customerStatuses, lf.status) {
		return q, usage(fmt.Errorf("unknown --status %q: use one of %s", termtext.Clean(lf.status), strings.Join(customerStatuses, ", ")))
	}
	if lf.concurrency < 1 || lf.concurrency > listing.MaxConcurrency {
		return q, usage(fmt.Errorf("--concurrency must be between 1 and %d, not %d", listing.MaxConcurrency, lf.concurrency))
	}
	q = apiclient.ListOptions{Search: lf.search, Email: lf.email, Status: lf.status, OrderBy: lf.sort}
	if lf.desc {
		q.Direction = "desc"
		if q.OrderBy == "" {
			q.OrderBy = "id"
		}
	}
	return q, nil
}

// runCustomersList lists into stdout in the chosen format; diagnostics and
// the progress line go to stderr.
func runCustomersList(ctx context.Context, store listing.Store, host string, lf customersListFlags,
	q apiclient.ListOptions, stdout, stderr io.Writer, pageTimeout time.Duration) error {
	sink := newCustomersSink(stdout, lf.output, isTerminal(stdout))
	prog := newProgressLine(stderr, lf.all && isTerminal(stderr))
	opts := listing.Options{Query: q, Concurrency: lf.concurrency, PageTimeout: pageTimeout, Progress: prog.update}
	if !lf.all {
		opts.Max = lf.limit
	}
	emit := func(cs []apiclient.Customer) error {
		if lf.search != "" && !allMatch(cs, lf.search) {
			return errSearchIgnored
		}
		return sink.Write(cs)
	}
	res, err := listing.Run(ctx, store, opts, emit)
	prog.clear()
	var closeErr error
	if err == nil || res.Rows > 0 {
		// Ended even after an error or ctrl+c, so the JSON array stays valid;
		// a listing that failed before any customer prints nothing.
		closeErr = sink.Close()
	}
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "wcadmin: "+format+"\n", a...) }
	switch {
	case err != nil && ctx.Err() != nil && !errors.Is(err, errSearchIgnored):
		say("interrupted after %d customers: the output is incomplete", res.Rows)
		return exitError{code: exitInterrupted}
	case errors.Is(err, errSearchIgnored):
		return fmt.Errorf("the store at %s ignored --search %q (it answered customers that do not match): "+
			"filter with --email or your own tools instead", host, termtext.Clean(lf.search))
	case apiclient.IsUnknownParameter(err, "search"):
		return fmt.Errorf("the store at %s does not support --search (it answered 400 unknown_parameter): "+
			"filter with --email or your own tools instead", host)
	case err != nil:
		if res.Rows > 0 {
			say("stopped after %d customers: the output is incomplete", res.Rows)
		}
		return fmt.Errorf("listing customers from %s: %w", host, err)
	case closeErr != nil:
		return closeErr
	}
	if d := res.Drifts; len(d) > 0 {
		from, to := d[0].From, d[len(d)-1].To
		if res.Unstable {
			say("the store changed while listing (total %d → %d) and kept changing after %d restarts: "+
				"the list may miss or repeat customers; run again", from, to, res.Restarts)
			return exitError{code: exitFailure}
		}
		say("the store changed while listing (total %d → %d): read again from the start %d time(s); "+
			"every customer listed once (customers deleted meanwhile may still be listed)", from, to, res.Restarts)
	}
	if res.Skipped > 0 {
		say("%d records without a customer id were left out", res.Skipped)
	}
	if res.More {
		// On stderr in every format: a script must not take the first
		// --limit customers for all of them unknowingly.
		more := "more"
		if res.Total >= 0 {
			more = fmt.Sprintf("%d in all", res.Total)
		}
		say("showing the first %d customers (%s): --limit N for more, --all for every one", res.Rows, more)
	}
	return nil
}

// errSearchIgnored: a page with a customer that does not match --search,
// from a store that ignores the parameter ([A] stores may: they answer the
// unfiltered list, which must never be printed as matches). The console
// applies the same rule.
var errSearchIgnored = errors.New("the store ignored search")

// allMatch reports whether every customer contains the query in its id,
// name, email or company name, in any case.
func allMatch(cs []apiclient.Customer, query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	for _, c := range cs {
		hay := strings.ToLower(strings.Join([]string{strconv.FormatInt(c.ID, 10), c.FirstName, c.LastName,
			c.FirstName + " " + c.LastName, c.FullName(), c.Email, c.CompanyName}, "\x00"))
		if !strings.Contains(hay, q) {
			return false
		}
	}
	return true
}

// progressLine is the "Listing customers: n of N" line on stderr, redrawn
// in place at most every 100 ms, only when stderr is a terminal.
type progressLine struct {
	w    io.Writer
	on   bool
	mu   sync.Mutex
	last time.Time
	used bool
}

func newProgressLine(w io.Writer, on bool) *progressLine { return &progressLine{w: w, on: on} }

func (p *progressLine) update(pr listing.Progress) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		of := ""
		if pr.Total >= 0 {
			of = fmt.Sprintf(" of %d", pr.Total)
		}
		again := ""
		if pr.Restarts > 0 {
			again = " (the store changed: reading again)"
		}
		fmt.Fprintf(p.w, "\r\x1b[KListing customers: %d%s%s", pr.Rows, of, again)
		p.used = true
	}
}

func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
