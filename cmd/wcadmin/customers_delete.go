package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
)

// Defaults and bounds of `customers delete`.
const (
	defaultDeleteMax         = 50
	defaultDeleteConcurrency = 4
	maxDeleteConcurrency     = 16
)

// Results of one id of `customers delete` (the "result" of --output json).
const (
	resultDeleted      = audit.ResultDeleted     // "deleted"
	resultAlreadyGone  = audit.ResultAlreadyGone // "already_gone"
	resultChanged      = audit.ResultChanged     // "changed": nothing sent
	resultFailed       = audit.ResultFailed      // "failed": not deleted (the store refused, or nothing could be sent)
	resultUnknown      = audit.ResultUnknown     // "unknown": the DELETE got no clear answer and the check failed
	resultNotAttempted = "not_attempted"         // interrupted, or the store refused the credentials first
	resultWouldDelete  = "would_delete"          // --dry-run only
)

// deleteFlags are the flags of `customers delete`.
type deleteFlags struct {
	fromFile    string
	dryRun, yes bool
	confirmSite string
	max         int
	concurrency int
	reason      string
	output      string
}

// confirmTerminal is where `customers delete` asks for confirmation.
type confirmTerminal struct {
	in    io.Reader
	out   io.Writer
	close func()
}

// openDeleteTerminal finds the terminal to ask on: stdin when it is a
// terminal and did not carry the ids, else /dev/tty; nil when there is none
// (a cron job, a pipeline without a controlling terminal). Tests replace it.
var openDeleteTerminal = func(stdin io.Reader, stdinUsed bool) *confirmTerminal {
	if f, ok := stdin.(*os.File); ok && !stdinUsed && term.IsTerminal(f.Fd()) {
		return &confirmTerminal{in: f, out: os.Stderr, close: func() {}}
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if !term.IsTerminal(tty.Fd()) {
		tty.Close()
		return nil
	}
	return &confirmTerminal{in: tty, out: tty, close: func() { tty.Close() }}
}

// deleteSignals are the signals that interrupt a delete run: nothing new is
// sent, deletions in flight finish and are journaled, the exit status is 130.
var deleteSignals = quitSignals

func newCustomersDeleteCmd(o *options, getenv func(string) string) *cobra.Command {
	var f deleteFlags
	cmd := &cobra.Command{
		Use:   "delete [ID...] [-] [--from-file FILE]",
		Short: "Delete customers by id, verified and journaled like the console",
		Long: `Delete customers by id: from the arguments, from stdin (the argument -) or from a file
(--from-file; one id per line, blank lines and # comments allowed). Duplicates are removed; a
line that is not a positive integer is a usage error naming the line, and nothing is deleted.

Each customer is fetched afresh and shown (id, name, email); without --yes wcadmin asks on the
terminal (type yes or the number of customers), and with no terminal it refuses. A protected
profile also needs --yes and --confirm-site with the store's host. Then every customer goes
through the console's deletion: a fresh GET (already gone or changed → nothing sent), the intent
in the journal, one DELETE, a follow-up check when the answer is unclear, the outcome in the
journal (with --reason, and via "cli"). There is no undo window. Interrupted deletions left in
the journal by an earlier wcadmin are settled first.

--dry-run does every check (fresh GET, changed record, journal writable) and prints what would
happen; it sends no DELETE and writes nothing to the journal.

Output: one result per id, in the order given — deleted, already gone, changed (not deleted),
failed: reason, unknown: reason, not attempted — then a totals line. --output table prints both
on stdout; --output json prints one object per line on stdout ({"id","name","email","result",
"status","message","attempt"}) and the totals line on stderr.

Exit status: 0 every customer deleted or already gone; 3 partial (some failed, changed, unknown
or not attempted); 1 nothing could be done (or not confirmed); 2 usage error (nothing was sent);
4 the store refused the credentials or the permission (no further DELETE is sent; the rest are
"not attempted"); 130 interrupted by SIGINT, SIGTERM or SIGHUP (deletions in flight finish and are
journaled, the rest are "not attempted").`,
		Example: `  # Ask on the terminal before deleting two customers
  wcadmin customers delete 1042 1043 --reason "GDPR request #5521"

  # A runbook: ids from a file, no questions, at most 200
  wcadmin customers delete --from-file ids.txt --yes --max 200 --reason "ticket OPS-77"

  # Ids from a pipeline, JSON results
  cut -d, -f1 export.csv | wcadmin customers delete - --yes --output json

  # A protected (production) profile: name the store's host
  wcadmin --profile production customers delete 1042 --yes --confirm-site shop.example.com

  # See what would happen, send nothing
  wcadmin customers delete --from-file ids.txt --dry-run`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCustomersDelete(cmd, o, getenv, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.fromFile, "from-file", "", "read ids from FILE, one per line (# comments and blank lines allowed; - is stdin)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "check everything and print what would happen; send no DELETE, write no journal line")
	fl.BoolVarP(&f.yes, "yes", "y", false, "do not ask for confirmation (needed without a terminal, and on a protected profile)")
	fl.StringVar(&f.confirmSite, "confirm-site", "", "the store's host (host[:port]), required on a protected profile")
	fl.IntVar(&f.max, "max", defaultDeleteMax, "refuse more than this many customers in one run")
	fl.StringVar(&f.reason, "reason", "", "why the customers are deleted: recorded in the journal")
	fl.IntVar(&f.concurrency, "concurrency", defaultDeleteConcurrency, "deletions in flight (1-16)")
	fl.StringVarP(&f.output, "output", "o", "table", "output format: table or json (one object per line)")
	return cmd
}

// deleteResult is what happened to one id.
type deleteResult struct {
	ID       int64
	Customer apiclient.Customer // the freshest record seen (ID only when none)
	Result   string             // result* constants
	Status   int
	Message  string
	Attempt  string
}

// deleteRun is one `customers delete` after its checks.
type deleteRun struct {
	sess    *storeSession
	deleter *deletion.Deleter
	flags   deleteFlags
	ids     []int64
	out     io.Writer
	errOut  io.Writer
}

func runCustomersDelete(cmd *cobra.Command, o *options, getenv func(string) string, f deleteFlags, args []string) error {
	// 1. The command line and the ids: nothing is asked of the store yet.
	switch {
	case f.output != "table" && f.output != "json":
		return usage(fmt.Errorf("--output %q: use table or json", termtext.CleanMax(f.output, 40)))
	case f.concurrency < 1 || f.concurrency > maxDeleteConcurrency:
		return usage(fmt.Errorf("--concurrency must be between 1 and %d, not %d", maxDeleteConcurrency, f.concurrency))
	case f.max < 1:
		return usage(fmt.Errorf("--max must be at least 1, not %d", f.max))
	}
	stdin := cmd.InOrStdin()
	stdinUsed := f.fromFile == "-"
	for _, a := range args {
		stdinUsed = stdinUsed || a == "-"
	}
	ids, err := collectIDs(args, stdin, f.fromFile)
	if err != nil {
		return err
	}
	switch {
	case len(ids) == 0:
		return usage(errors.New("no customer ids: give IDs as arguments, - to read them from stdin, or --from-file FILE"))
	case len(ids) > f.max:
		return usage(fmt.Errorf("%d customers is more than --max %d: nothing was deleted (raise --max to delete them in one run)",
			len(ids), f.max))
	}

	// 2. The settings and the safety switches.
	sess, err := openStore(cmd, o, getenv)
	if err != nil {
		return err
	}
	s := sess.settings
	host := sess.client.Host()
	if s.ReadOnly {
		return usage(fmt.Errorf("read-only (%s): deleting is disabled, nothing was deleted", termtext.Clean(s.Source("read_only"))))
	}
	if f.confirmSite != "" && !strings.EqualFold(strings.TrimSpace(f.confirmSite), host) {
		return usage(fmt.Errorf("--confirm-site %q does not match the store's host %s: nothing was deleted",
			termtext.CleanMax(f.confirmSite, 100), host))
	}
	if s.Protected && !f.dryRun {
		what := "the profile"
		if s.Profile != "" {
			what = "profile " + termtext.Clean(s.Profile)
		}
		switch {
		case !f.yes:
			return usage(fmt.Errorf("%s is protected: deleting needs --yes and --confirm-site %s (nothing was deleted)", what, host))
		case f.confirmSite == "":
			return usage(fmt.Errorf("%s is protected: deleting needs --confirm-site %s as well as --yes (nothing was deleted)", what, host))
		}
	}
	var tty *confirmTerminal
	if !f.yes && !f.dryRun {
		if tty = openDeleteTerminal(stdin, stdinUsed); tty == nil {
			return usage(errors.New("no terminal to ask for confirmation on: give --yes to delete without asking (nothing was deleted)"))
		}
		defer tty.close()
	}

	// 3. The journal: no journal, no deletion (fail closed).
	path := s.AuditLog
	if path == "" {
		return errors.New("the deletion journal has no path (neither XDG_STATE_HOME nor HOME is set), so nothing was deleted: give --audit-log PATH or set WCADMIN_AUDIT_LOG")
	}
	journal, err := audit.Open(path, getenv)
	if err != nil {
		return fmt.Errorf("the deletion journal %s (%s) cannot be written, so nothing was deleted: %w",
			termtext.Clean(path), sourcePhrase(s.Source("audit_log")), err)
	}
	defer journal.Close()
	errOut := cmd.ErrOrStderr()
	warnBrokenChain(errOut, path)

	// From here a signal stops the run instead of killing the process.
	ctx, stop := signal.NotifyContext(cmd.Context(), deleteSignals...)
	defer stop()

	r := &deleteRun{
		sess:   sess,
		flags:  f,
		ids:    ids,
		out:    cmd.OutOrStdout(),
		errOut: errOut,
		deleter: &deletion.Deleter{API: sess.client, Journal: journal, Profile: s.Profile, Site: sess.client.BaseURL(),
			Via: "cli", Reason: f.reason},
	}
	r.settle(ctx)

	// 4. A fresh look at every customer: what will be deleted.
	fresh, err := r.preview(ctx)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		results := make([]deleteResult, len(ids))
		for i, id := range ids {
			results[i] = notAttempted(id, fresh[i].c, "interrupted before anything was sent")
		}
		return r.finish(ctx, results, false)
	}

	// 5. Confirmation.
	if tty != nil {
		if err := r.confirm(ctx, tty, fresh); err != nil {
			return err
		}
	}

	// 6. The deletions (or the dry run's checks).
	results, authStop := r.deleteAll(ctx, fresh)
	return r.finish(ctx, results, authStop)
}

// settle settles the attempts an earlier wcadmin left open (a dry run only
// says how many there are), as the console does at start.
func (r *deleteRun) settle(ctx context.Context) {
	if r.flags.dryRun {
		a, err := r.deleter.Interrupted()
		if err == nil && countIntents(a) > 0 {
			fmt.Fprintf(r.errOut, "wcadmin: %s in the journal (dry run: left open; a real run settles them first) — %s\n",
				interruptedDeletions(countIntents(a)), deletion.OpenCommand)
		}
		return
	}
	a, err := r.deleter.Interrupted()
	switch {
	case err != nil:
		fmt.Fprintf(r.errOut, "wcadmin: interrupted deletions were not settled (%s) — %s\n",
			termtext.CleanMax(err.Error(), 500), deletion.OpenCommand)
		return
	case len(a) == 0:
		return
	}
	fmt.Fprintf(r.errOut, "wcadmin: checking %s from the journal…\n", interruptedDeletions(len(a)))
	sctx, cancel := r.sess.budget(ctx)
	defer cancel()
	if msg := r.deleter.SettleAttempts(sctx, a).Message(); msg != "" {
		fmt.Fprintf(r.errOut, "wcadmin: %s\n", msg)
	}
}

// freshLook is the pre-confirmation GET of one id.
type freshLook struct {
	c    apiclient.Customer
	err  error
	done bool
}

// gone reports that the store does not have the customer (404 or trash).
func (l freshLook) gone() bool {
	return apiclient.IsNotFound(l.err) || (l.err == nil && l.c.InTrash)
}

// preview GETs every id, --concurrency at a time. A 401 or 403 ends the
// command (exit 4): nothing was sent.
func (r *deleteRun) preview(ctx context.Context) ([]freshLook, error) {
	looks := make([]freshLook, len(r.ids))
	runBounded(ctx, len(r.ids), r.flags.concurrency, func(i int) bool {
		bctx, cancel := r.sess.budget(ctx)
		defer cancel()
		c, err := r.sess.client.GetCustomer(bctx, r.ids[i])
		if err == nil && c.ID != r.ids[i] {
			err = fmt.Errorf("the store answered with customer %d for id %d", c.ID, r.ids[i])
		}
		looks[i] = freshLook{c: c, err: err, done: true}
		return !isAuthError(err)
	})
	for _, l := range looks {
		if isAuthError(l.err) {
			return nil, fmt.Errorf("%s: %w (nothing was deleted)", r.sess.describeStore(), l.err)
		}
	}
	for i := range looks {
		if !looks[i].done {
			looks[i].c = apiclient.Customer{ID: r.ids[i]}
		}
	}
	return looks, nil
}

// confirm shows what will be deleted and asks on the terminal: yes or the
// count goes ahead; anything else (or the end of input) deletes nothing.
func (r *deleteRun) confirm(ctx context.Context, tty *confirmTerminal, looks []freshLook) error {
	rows := [][]string{{"ID", "NAME", "EMAIL"}}
	var gone, unreadable []string
	n := 0
	for i, l := range looks {
		switch {
		case l.gone():
			gone = append(gone, strconv.FormatInt(r.ids[i], 10))
		case l.err != nil:
			unreadable = append(unreadable, strconv.FormatInt(r.ids[i], 10))
		default:
			n++
			rows = append(rows, []string{strconv.FormatInt(l.c.ID, 10), l.c.FullName(), l.c.Email})
		}
	}
	var b strings.Builder
	if n > 0 {
		fmt.Fprintf(&b, "These customers will be deleted from %s (permanently; no undo):\n\n", r.sess.client.Host())
		_ = writeAlignedRows(&b, rows, []int{12, 40, 60})
		b.WriteByte('\n')
	}
	if len(gone) > 0 {
		fmt.Fprintf(&b, "Already gone (nothing to delete): %s\n", strings.Join(gone, ", "))
	}
	if len(unreadable) > 0 {
		fmt.Fprintf(&b, "Could not be read (will not be deleted): %s\n", strings.Join(unreadable, ", "))
	}
	if n == 0 {
		_, _ = io.WriteString(tty.out, b.String())
		return nil // nothing to confirm: the results say what happened
	}
	fmt.Fprintf(&b, "Delete %s from %s? Type yes or %d to confirm: ", pluralNoun(n, "customer"), r.sess.client.Host(), n)
	if _, err := io.WriteString(tty.out, b.String()); err != nil {
		return fmt.Errorf("asking for confirmation: %w", err)
	}
	answer := make(chan string, 1)
	go func() { // a terminal read cannot be cancelled: a signal leaves it behind
		line, _ := bufio.NewReader(tty.in).ReadString('\n')
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(tty.out)
		fmt.Fprintln(r.errOut, "wcadmin: interrupted: nothing was deleted")
		return exitError{code: exitInterrupted}
	case a := <-answer:
		if strings.EqualFold(a, "yes") || a == strconv.Itoa(n) {
			return nil
		}
		return exitError{code: exitFailure, err: errors.New("not confirmed: nothing was deleted")}
	}
}

// deleteAll runs every id through the deletion (Deleter.Delete, or Check in
// a dry run), --concurrency at a time, and returns the results in input
// order. Dispatching stops at a signal (ctx) and after a 401 or 403; a
// deletion already dispatched runs to its end on a context of its own, so
// it is journaled whatever happens. authStop reports the 401 or 403.
func (r *deleteRun) deleteAll(ctx context.Context, looks []freshLook) (results []deleteResult, authStop bool) {
	results = make([]deleteResult, len(r.ids))
	ran := make([]bool, len(r.ids))
	var (
		mu        sync.Mutex
		authErr   error
		authIndex = -1
	)
	runBounded(ctx, len(r.ids), r.flags.concurrency, func(i int) bool {
		ran[i] = true
		l := looks[i]
		id := r.ids[i]
		if l.err != nil && !l.gone() {
			results[i] = deleteResult{ID: id, Customer: l.c, Result: resultFailed,
				Message: termtext.CleanMax("could not be read before deleting, nothing was sent: "+l.err.Error(), 500)}
			return true
		}
		confirmed := l.c
		if l.err != nil {
			confirmed = apiclient.Customer{ID: id}
		}
		// The deletion's own context: a signal must not cut off a DELETE
		// already on its way, nor the journal line that records it.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*operationBudget(r.sess.settings.Timeout))
		defer cancel()
		var out deletion.Outcome
		if r.flags.dryRun {
			out = r.deleter.Check(dctx, confirmed)
		} else {
			out = r.deleter.Delete(dctx, confirmed)
		}
		results[i] = resultOf(id, out)
		if isAuthError(out.Err) {
			mu.Lock()
			if authIndex < 0 || i < authIndex {
				authErr, authIndex = out.Err, i
			}
			mu.Unlock()
			return false
		}
		return true
	})
	for i, id := range r.ids {
		if ran[i] {
			continue
		}
		why := "interrupted before it was sent"
		if authIndex >= 0 {
			why = fmt.Sprintf("the store refused the credentials or the permission (%d) at customer %d",
				apiclient.StatusCode(authErr), r.ids[authIndex])
		}
		results[i] = notAttempted(id, looks[i].c, why)
	}
	return results, authIndex >= 0
}

func notAttempted(id int64, c apiclient.Customer, why string) deleteResult {
	if c.ID == 0 {
		c.ID = id
	}
	return deleteResult{ID: id, Customer: c, Result: resultNotAttempted, Message: "not attempted: " + why}
}

// resultOf maps a deletion outcome to the command's result.
func resultOf(id int64, o deletion.Outcome) deleteResult {
	r := deleteResult{ID: id, Customer: o.Customer, Status: o.Status, Message: o.Message(), Attempt: o.Attempt}
	switch o.Kind {
	case deletion.Deleted:
		r.Result = resultDeleted
	case deletion.AlreadyGone:
		r.Result = resultAlreadyGone
	case deletion.Changed:
		r.Result = resultChanged
	case deletion.Unknown:
		r.Result = resultUnknown
	case deletion.WouldDelete:
		r.Result = resultWouldDelete
	default: // Failed, Refused: not deleted
		r.Result = resultFailed
	}
	return r
}

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
		// Delete's message is ErrChanged; Check's adds how it changed.
		if detail := strings.TrimPrefix(res.Message, deletion.ErrChanged.Error()); strings.TrimSpace(detail) != "" {
			return "changed (not deleted):" + detail
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
