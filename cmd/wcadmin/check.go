package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/termtext"
	"github.com/wcadmin/wcadmin/tui"
)

// newCheckCmd is `wcadmin check`: resolve the settings, ask the store for one
// customer and the total, and open the journal — the same steps the console
// takes, reported on the command line. For setting up a profile and for
// scripts that want to know a store is reachable before a shift.
func newCheckCmd(o *options, getenv func(string) string) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the settings, the store's answer and the deletion journal, then exit",
		Example: `  wcadmin check --profile production
  WCADMIN_SITE=https://shop.example.com WCADMIN_TOKEN=… wcadmin check`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			markSet(cmd, &o.flags)
			s, err := config.Load(o.flags, getenv)
			if err != nil {
				return err
			}
			var copts apiclient.Options
			fromSettings(s, &copts, &tui.Options{})
			copts.Version = version()
			client, err := apiclient.New(copts)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), operationBudget(copts.Timeout))
			defer cancel()
			p, err := client.ListCustomers(ctx, apiclient.ListOptions{Limit: 1})
			if err != nil {
				return fmt.Errorf("the store at %s: %w", client.Host(), err)
			}
			out := cmd.OutOrStdout()
			total := "an unknown number of"
			if p.Total >= 0 {
				total = fmt.Sprint(p.Total)
			}
			fmt.Fprintf(out, "store:   %s answered: %s customers\n", client.BaseURL(), total)
			fmt.Fprintf(out, "profile: %s\n", s.String())

			// The journal the console would write: Load resolved it as
			// wcadmin audit does (config.ResolveAuditLog).
			path := s.AuditLog
			if path == "" {
				return errors.New("the deletion journal has no path (neither XDG_STATE_HOME nor HOME is set), so deleting would be refused: give --audit-log PATH or set WCADMIN_AUDIT_LOG")
			}
			j, err := audit.Open(path, getenv)
			if err != nil {
				return fmt.Errorf("the deletion journal %s (%s) cannot be written, so deleting would be refused: %w",
					path, sourcePhrase(s.Source("audit_log")), err)
			}
			_ = j.Close()
			fmt.Fprintf(out, "journal: %s (%s) is writable\n", termtext.Clean(path), sourcePhrase(s.Source("audit_log")))
			warnBrokenChain(out, path)
			if s.ReadOnly {
				fmt.Fprintln(out, "mode:    read-only (deleting is disabled)")
			}
			fmt.Fprintf(out, "undo:    %s\n", undoWindowText(s))
			return nil
		},
	}
}
