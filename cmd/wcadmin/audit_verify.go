package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// newAuditVerifyCmd is `wcadmin audit verify`: check the whole hash chain.
func newAuditVerifyCmd(o *options, getenv func(string) string) *cobra.Command {
	var head string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the journal's hash chain: report the first line changed, removed or inserted",
		Long: `Every journal line holds the SHA-256 of the line before it (prev) and a sequence number
(seq), across all files of the journal (audit.jsonl.1, audit.jsonl.2, … audit.jsonl).
verify reads them all and reports the first line that was changed, removed or inserted,
with its file and line number, and exits with status 1.

On success it prints the files and lines it read, the lines written before the chain
started (legacy: they cannot be verified), lines torn by a crash (warnings), and the
head: the hash and seq of the last line. Record the head somewhere else: lines cut
off the end of the journal can only be detected by comparing with a recorded head.
--head HASH does that comparison: verify fails unless the line with that hash is
still in the chain.`,
		Example: `  wcadmin audit verify
  wcadmin audit verify --profile production --head 99be61fa…`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loc, err := locateJournal(cmd, o, getenv)
			if err != nil {
				return err
			}
			rep, err := audit.Verify(loc.Path)
			if err != nil {
				return journalError(loc, err)
			}
			if err := reportVerify(cmd.OutOrStdout(), cmd.ErrOrStderr(), rep); err != nil || head == "" {
				return err
			}
			return checkRecordedHead(cmd.OutOrStdout(), loc.Path, rep, head)
		},
	}
	cmd.Flags().StringVar(&head, "head", "", "a head (sha256) recorded earlier: fail unless that line is still in the chain")
	return cmd
}

// checkRecordedHead makes sure the line a recorded head names is still in
// the (verified) chain: it is the last line, or a later line's prev.
func checkRecordedHead(out io.Writer, path string, rep audit.VerifyReport, head string) error {
	head = strings.ToLower(strings.TrimSpace(head))
	found := head == rep.Head
	if !found {
		set, err := audit.ReadSet(path)
		if err != nil {
			return fmt.Errorf("read the deletion journal %s: %w", path, err)
		}
		for _, l := range set.Lines {
			if l.Entry.Prev == head {
				found = true
				break
			}
		}
	}
	if !found {
		return fmt.Errorf("the recorded head %s is not in the journal: the lines up to it were cut off the end, or the journal was replaced",
			termtext.CleanMax(head, 64))
	}
	fmt.Fprintln(out, "The recorded head is still in the chain: nothing was cut off before it.")
	return nil
}

// reportVerify prints what Verify found; a broken chain is the error.
func reportVerify(out, errOut io.Writer, rep audit.VerifyReport) error {
	names := make([]string, len(rep.Files))
	for i, f := range rep.Files {
		names[i] = termtext.Clean(filepath.Base(f))
	}
	fmt.Fprintf(out, "files:  %d (%s)\n", len(rep.Files), strings.Join(names, ", "))
	fmt.Fprintf(out, "lines:  %d\n", rep.Lines)
	if rep.Legacy > 0 {
		fmt.Fprintf(out, "legacy: %d line(s) written before the chain started: they cannot be verified\n", rep.Legacy)
	}
	for _, l := range rep.Torn {
		fmt.Fprintf(errOut, "warning: %s is torn (a write cut short by a crash); the chain still covers it\n",
			where(filepath.Base(l.File), l.N))
	}
	if p := rep.Problem; p != nil {
		return fmt.Errorf("the journal's hash chain is broken at %s (%s): %s",
			where(p.File, p.Line), termtext.Clean(p.Kind), termtext.Clean(p.Detail))
	}
	if rep.Lines == 0 {
		fmt.Fprintln(out, "The journal is empty: nothing to verify.")
		return nil
	}
	if rep.Head == "" || rep.Seq == 0 {
		fmt.Fprintln(out, "No line is chained yet (every line is legacy): nothing could be verified.")
		return nil
	}
	fmt.Fprintf(out, "head:   seq %d, sha256 %s\n", rep.Seq, rep.Head)
	fmt.Fprintln(out, "The hash chain verifies: no chained line was changed, removed or inserted.\n"+
		"Record the head (seq and sha256) somewhere else, e.g. in your audit notes: lines cut off\n"+
		"the end of the journal can only be detected by comparing with a recorded head\n"+
		"(wcadmin audit verify --head HASH).")
	return nil
}
