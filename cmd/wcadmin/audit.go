package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/termtext"
)

// newAuditCmd is `wcadmin audit`: the deletion journal for an auditor, with
// `show` and `verify` under it.
func newAuditCmd(o *options, getenv func(string) string) *cobra.Command {
	var lf listFlags
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "List the delete attempts in the deletion journal (who deleted which customer, when, and what happened)",
		Long: `Every delete attempt is recorded in the deletion journal before the request goes out
(with the full customer record, enough to re-create it by hand) and again afterwards.
wcadmin audit prints one row per attempt: the intent and its outcome joined.

The journal is found as the console finds it: --audit-log, else WCADMIN_AUDIT_LOG, else
the profile's audit_log (--profile, WCADMIN_PROFILE or default_profile), else
$XDG_STATE_HOME/wcadmin/audit.jsonl. The path read, and why, is printed on stderr.
Every file of the journal (audit.jsonl.1, audit.jsonl.2, … and audit.jsonl) is read.

Filters combine (all must match), except that --open, --failed and --undone
together keep the attempts that are any of them. --failed means the results failed,
unknown, refused and not_deleted. --undone means deletions taken back within the
undo window (u, or quitting while they waited): nothing was sent for them. --since and --until take a duration back from now (24h, 90m, 7d),
a date (2006-01-02, local time; for --until the end of that day) or an RFC 3339 time.

--output json prints JSON Lines: one object per attempt per line, with the full
customer record as it was before deletion. --output csv prints a header row and one
row per attempt (cells a spreadsheet would run as a formula are prefixed with ').`,
		Example: `  wcadmin audit --since 24h
  wcadmin audit --profile production --failed
  wcadmin audit --undone --since 7d
  wcadmin audit --customer 1234 --output json
  wcadmin audit show 3f2a9c
  wcadmin audit verify`,
		Args:              cobra.NoArgs,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return refuseStoreFlags(cmd) },
		RunE: func(cmd *cobra.Command, _ []string) error {
			q, format, err := lf.parse(cmd, auditNow())
			if err != nil {
				return err
			}
			set, err := loadJournalSet(cmd, o, getenv)
			if err != nil {
				return err
			}
			return listAttempts(cmd.OutOrStdout(), cmd.ErrOrStderr(), audit.Attempts(set.Lines), q, format)
		},
	}
	lf.register(cmd)
	// The store flags are refused here: keep them out of the help too (for
	// show and verify as well, which inherit the help function).
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		for _, name := range storeFlags {
			if fl := c.Root().PersistentFlags().Lookup(name); fl != nil {
				fl.Hidden = true
			}
		}
		help(c, args)
	})
	cmd.AddCommand(newAuditShowCmd(o, getenv), newAuditVerifyCmd(o, getenv))
	return cmd
}

// storeFlags are the root's persistent flags about the store, which mean
// nothing to `wcadmin audit`.
var storeFlags = []string{"site", "read-only", "allow-insecure-http", "timeout"}

// refuseStoreFlags rejects the store flags under `audit`: they would be
// silently ignored, and an auditor might think --site filters by store.
func refuseStoreFlags(cmd *cobra.Command) error {
	for _, name := range storeFlags {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			return fmt.Errorf("--%s does not apply to wcadmin %s: it reads the deletion journal, not the store", name, cmd.Name())
		}
	}
	return nil
}

// locateJournal resolves the journal exactly as the console does and says
// on stderr which path it is and why.
func locateJournal(cmd *cobra.Command, o *options, getenv func(string) string) (config.JournalLocation, error) {
	markSet(cmd, &o.flags)
	loc, err := config.ResolveAuditLog(o.flags, getenv)
	if err != nil {
		return loc, err
	}
	why := sourcePhrase(loc.Source)
	if loc.Source == "default" && loc.Profile != "" {
		why += "; profile " + loc.Profile + " sets no audit_log"
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "journal: %s (%s)\n", termtext.Clean(loc.Path), termtext.Clean(why))
	return loc, nil
}

// sourcePhrase turns a config source into words: "from env
// WCADMIN_AUDIT_LOG", "the default".
func sourcePhrase(src string) string {
	if strings.HasPrefix(src, "default") {
		return "the " + src
	}
	return "from " + src
}

// journalError explains a failure to read the journal; a missing one is
// reported with its path and where that came from, never as "no deletions".
func journalError(loc config.JournalLocation, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no journal at %s (%s): nothing has been recorded there — is this the right path?",
			loc.Path, sourcePhrase(loc.Source))
	}
	return fmt.Errorf("read the deletion journal %s: %w", loc.Path, err)
}

// loadJournalSet locates and reads every file of the journal set, warning on
// stderr about unreadable lines and a broken hash chain.
func loadJournalSet(cmd *cobra.Command, o *options, getenv func(string) string) (*audit.Set, error) {
	loc, err := locateJournal(cmd, o, getenv)
	if err != nil {
		return nil, err
	}
	set, err := audit.ReadSet(loc.Path)
	if err != nil {
		return nil, journalError(loc, err)
	}
	errOut := cmd.ErrOrStderr()
	if n := len(set.Unreadable); n > 0 {
		fmt.Fprintf(errOut, "warning: skipped %d unreadable line(s) (a write cut short by a crash, or an edit): %s\n",
			n, lineList(set.Unreadable, 5))
	}
	warnBrokenChain(errOut, loc.Path)
	return set, nil
}

// warnBrokenChain checks the recent part of the chain (as the console does
// at start-up) and points at `wcadmin audit verify` when it is broken.
func warnBrokenChain(w io.Writer, path string) {
	rep, err := audit.VerifyRecent(path)
	switch {
	case err != nil:
		fmt.Fprintf(w, "warning: the journal's hash chain could not be checked (%s) — run wcadmin audit verify\n", termtext.Clean(err.Error()))
	case rep.Problem != nil:
		fmt.Fprintf(w, "warning: the journal's hash chain is broken at %s — run wcadmin audit verify\n",
			where(rep.Problem.File, rep.Problem.Line))
	}
}

// where is FILE:LINE, terminal-safe.
func where(file string, n int) string {
	return fmt.Sprintf("%s:%d", termtext.Clean(file), n)
}

// lineList names up to limit lines as FILE:LINE (the file's base name).
func lineList(lines []audit.Line, limit int) string {
	var parts []string
	for i, l := range lines {
		if i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(lines)-limit))
			break
		}
		parts = append(parts, where(filepath.Base(l.File), l.N))
	}
	return strings.Join(parts, ", ")
}
