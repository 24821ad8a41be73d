package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/tui"
)

// customerSubcommands build the subcommands of `wcadmin customers`; each
// file registers its own (customers_list.go, customers_get.go,
// customers_delete.go) in an init function.
var customerSubcommands []func(o *options, getenv func(string) string) *cobra.Command

// newCustomersCmd is `wcadmin customers`: the scriptable commands beside the
// console. They share its settings, client, verified deletion and journal.
func newCustomersCmd(o *options, getenv func(string) string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customers",
		Short: "List, show and delete customers from scripts (data on stdout, diagnostics on stderr)",
		Long: `Non-interactive commands for runbooks and scripts. They use the same settings, client,
verified deletion and journal as the console.

Exit status: 0 success, 1 failure, 2 usage error, 3 partial (some deletions failed or were not
attempted), 4 authentication or permission refused, 130 interrupted.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, sub := range customerSubcommands {
		cmd.AddCommand(sub(o, getenv))
	}
	return cmd
}

// storeSession is what a scriptable command needs of the store: the
// settings as resolved for the console, and a client built from them.
type storeSession struct {
	settings config.Settings
	client   *apiclient.Client
}

// openStore resolves the settings exactly as the console does (flags > env >
// profile) and builds the client. cmd's flags are marked first.
func openStore(cmd *cobra.Command, o *options, getenv func(string) string) (*storeSession, error) {
	markSet(cmd, &o.flags)
	s, err := config.Load(o.flags, getenv)
	if err != nil {
		return nil, err
	}
	var copts apiclient.Options
	fromSettings(s, &copts, &tui.Options{})
	copts.Version = version()
	client, err := apiclient.New(copts)
	if err != nil {
		return nil, err
	}
	return &storeSession{settings: s, client: client}, nil
}

// budget bounds one operation against the store (every try of a read and
// the backoff between them), under ctx.
func (s *storeSession) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, operationBudget(s.settings.Timeout))
}

// describeStore names the store for messages.
func (s *storeSession) describeStore() string { return fmt.Sprintf("the store at %s", s.client.Host()) }
