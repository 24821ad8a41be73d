package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

func init() {
	customerSubcommands = append(customerSubcommands, newCustomersGetCmd, newCustomersDeleteCmd)
}

// newCustomersGetCmd is `wcadmin customers get ID...`: one fresh GET per id,
// printed as a table or as JSON lines. Exit status: 0 when every id was
// found; 1 when one or more were not (each named on stderr; the ones found
// are still printed); 4 when the store refused the credentials; 2 for a bad
// id or flag.
func newCustomersGetCmd(o *options, getenv func(string) string) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "get ID...",
		Short: "Show customers by id (table or JSON lines on stdout)",
		Long: `Fetch each customer afresh from the store and print it.

--output table (the default) prints the main fields as customers list does: aligned columns on
a terminal, tab-separated values otherwise; --output json prints one JSON object per customer per
line (the fields of customers list --output json); csv and ids work as for customers list. The
order is the order given; duplicates are shown once. Everything printed is terminal-safe.

Exit status: 0 every id was found; 1 one or more were not found or could not be read (each is
named on stderr, the others are still printed); 2 usage error; 4 the store refused the
credentials or the permission.`,
		Example: `  wcadmin customers get 1042
  wcadmin customers get 1042 1043 --output json | jq -r .email
  wcadmin --profile production customers get 1042`,
		Args:          cobra.MinimumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(customerOutputs, output) {
				return usage(fmt.Errorf("--output %q: use %s", termtext.CleanMax(output, 40), strings.Join(customerOutputs, ", ")))
			}
			var ids []int64
			seen := map[int64]bool{}
			for _, a := range args {
				id, ok := parseID(a)
				if !ok {
					return usage(fmt.Errorf("%q is not a customer id (a positive integer)", termtext.CleanMax(a, 60)))
				}
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
			sess, err := openStore(cmd, o, getenv)
			if err != nil {
				return err
			}
			return runCustomersGet(cmd.Context(), sess, ids, output, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table, json (one object per line), csv or ids")
	return cmd
}

// runCustomersGet fetches ids (up to 4 at a time) and prints the ones found
// in the order given.
func runCustomersGet(ctx context.Context, sess *storeSession, ids []int64, output string, out, errOut io.Writer) error {
	type got struct {
		c   apiclient.Customer
		err error
	}
	results := make([]got, len(ids))
	runBounded(ctx, len(ids), 4, func(i int) bool {
		bctx, cancel := sess.budget(ctx)
		defer cancel()
		c, err := sess.client.GetCustomer(bctx, ids[i])
		results[i] = got{c, err}
		// Credentials refused: asking again for the others is pointless.
		return !isAuthError(err)
	})
	var found []apiclient.Customer
	missing := 0
	for i, r := range results {
		switch {
		case isAuthError(r.err):
			return fmt.Errorf("%s: %w", sess.describeStore(), r.err)
		case r.err == nil && r.c.ID == 0: // never fetched: interrupted
			missing++
			fmt.Fprintf(errOut, "wcadmin: customer %d: not fetched (interrupted)\n", ids[i])
		case apiclient.IsNotFound(r.err):
			missing++
			fmt.Fprintf(errOut, "wcadmin: customer %d: not found\n", ids[i])
		case r.err != nil:
			missing++
			fmt.Fprintf(errOut, "wcadmin: customer %d: %s\n", ids[i], termtext.CleanMax(r.err.Error(), 500))
		case r.c.InTrash:
			missing++
			fmt.Fprintf(errOut, "wcadmin: customer %d: in the trash (deleted)\n", ids[i])
		default:
			found = append(found, r.c)
		}
	}
	var err error
	switch output {
	case outputJSON: // one object per line, the list's field names
		for _, c := range found {
			if err = writeCustomerJSON(out, c); err != nil {
				break
			}
		}
	default: // the list's table (aligned on a terminal, else TSV), CSV or ids
		if len(found) > 0 {
			sink := newCustomersSink(out, output, isTerminal(out))
			if err = sink.Write(found); err == nil {
				err = sink.Close()
			}
		}
	}
	switch {
	case err != nil:
		return err
	case ctx.Err() != nil:
		return exitError{code: exitInterrupted}
	case missing > 0:
		return exitError{code: exitFailure} // each one is on stderr already
	}
	return nil
}

// isAuthError reports a 401 or 403 from the store.
func isAuthError(err error) bool {
	return err != nil && (apiclient.IsUnauthorized(err) || apiclient.IsForbidden(err))
}

// writeAlignedRows prints rows as columns padded by display width; every
// cell is made terminal-safe and cut to its column's limit ("-" when empty).
// The last column is not padded.
func writeAlignedRows(w io.Writer, rows [][]string, limits []int) error {
	widths := make([]int, len(limits))
	clean := make([][]string, len(rows))
	for r, row := range rows {
		clean[r] = make([]string, len(row))
		for i, cell := range row {
			if clean[r][i] = termtext.CleanMax(cell, limits[i]); clean[r][i] == "" {
				clean[r][i] = "-"
			}
			widths[i] = max(widths[i], termtext.Width(clean[r][i]))
		}
	}
	var b strings.Builder
	for _, row := range clean {
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-termtext.Width(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runBounded calls fn(i) for i in [0, n), dispatched in order, at most
// workers at a time. It stops dispatching when ctx ends or a call returns
// false; the calls already running finish. It returns how many were
// dispatched (indexes [0, dispatched)).
func runBounded(ctx context.Context, n, workers int, fn func(i int) bool) int {
	workers = max(workers, 1)
	sem := make(chan struct{}, workers)
	stop := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	dispatched := 0
	for i := range n {
		select {
		case <-ctx.Done():
		case <-stop:
		case sem <- struct{}{}:
		}
		if ctx.Err() != nil || isDone(stop) {
			break
		}
		dispatched++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if !fn(i) {
				once.Do(func() { close(stop) })
			}
		}()
	}
	wg.Wait()
	return dispatched
}

// isDone reports whether ch is closed.
func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
