package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"

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
