package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wcadmin/wcadmin/config"
)

// options are the command-line flags; secrets are never among them.
type options struct {
	flags         config.Flags
	demo          bool
	demoCustomers int
	debugLog      string
	concurrency   int
}

// configFlags are the flags config.Load resolves; the others are the
// console's own.
var configFlags = map[string]bool{"site": true, "profile": true, "config": true, "read-only": true,
	"allow-insecure-http": true, "timeout": true, "audit-log": true, "undo-window": true}

func newRootCmd(getenv func(string) string) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "wcadmin",
		Short: "Terminal console for the customers of a WebCommander store",
		Long: `wcadmin lists the customers of a WebCommander store and deletes the ones that must go.

Settings come from flags, then WCADMIN_* environment variables, then a profile in
$XDG_CONFIG_HOME/wcadmin/config.toml. Secrets (WCADMIN_TOKEN, WCADMIN_CLIENT_SECRET,
WCADMIN_PASSWORD) are read from the environment or the config file, never from flags.

Try it without a store: wcadmin --demo`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			markSet(cmd, &o.flags)
			return runConsole(cmd.Context(), o, getenv)
		},
	}
	// The store settings apply to every command that talks to the store.
	pf := cmd.PersistentFlags()
	pf.StringVar(&o.flags.Site, "site", "", "store URL, e.g. https://shop.example.com (env WCADMIN_SITE)")
	pf.StringVar(&o.flags.Profile, "profile", "", "profile from the config file (env WCADMIN_PROFILE)")
	pf.StringVar(&o.flags.Config, "config", "", "config file (env WCADMIN_CONFIG; default $XDG_CONFIG_HOME/wcadmin/config.toml)")
	pf.BoolVar(&o.flags.ReadOnly, "read-only", false, "browse only: every delete key is disabled")
	pf.BoolVar(&o.flags.AllowInsecureHTTP, "allow-insecure-http", false, "allow plain http:// to a non-loopback host (never in production)")
	pf.DurationVar(&o.flags.Timeout, "timeout", 15*time.Second, "per-request timeout")
	// The journal: the console writes it, check opens it, audit reads it.
	pf.StringVar(&o.flags.AuditLog, "audit-log", "", "deletion journal (env WCADMIN_AUDIT_LOG; default $XDG_STATE_HOME/wcadmin/audit.jsonl)")
	f := cmd.Flags()
	f.BoolVar(&o.demo, "demo", false, "run against an embedded demo store on a loopback port (no credentials needed)")
	f.IntVar(&o.demoCustomers, "demo-customers", 500, "number of customers in the demo store")
	f.IntVar(&o.concurrency, "concurrency", 4, "requests in flight when loading every page or bulk-deleting (1-16)")
	f.DurationVar(&o.flags.UndoWindow, "undo-window", config.DefaultUndoWindow,
		"how long a confirmed deletion waits before it is sent; u takes it back meanwhile; 0 turns it off (env WCADMIN_UNDO_WINDOW; a protected profile cannot go below its own undo_window)")
	f.StringVar(&o.debugLog, "debug-log", "", "append a debug log to this file (secrets redacted); nothing is written to the terminal")
	cmd.SetVersionTemplate("wcadmin {{.Version}}\n")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w (see wcadmin --help)", err)
	})
	cmd.AddCommand(newAuditCmd(&o, getenv), newCheckCmd(&o, getenv), newCustomersCmd(&o, getenv))
	cmd.AddCommand(newAuthCmd(&o, getenv), newVersionCmd())
	cmd.AddCommand(newServeCmd(&o, getenv))
	initCompletionCmd(cmd)
	return cmd
}

// markSet records which config flags were given, so unset ones do not
// override the environment or the file.
func markSet(cmd *cobra.Command, f *config.Flags) {
	f.Set = map[string]bool{}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if configFlags[fl.Name] {
			f.Set[fl.Name] = true
		}
	})
}

// initCompletionCmd adds cobra's `completion bash|zsh|fish|powershell`
// now rather than when Execute runs, to adjust it: the script goes to the
// command's stdout as it is when run (cobra's own binds the writer at
// creation, before SetOut), and `completion` without a known shell is a
// usage error (exit 2) instead of help with exit status 0.
func initCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	gen := map[string]func(c *cobra.Command, w io.Writer, desc bool) error{
		"bash": func(c *cobra.Command, w io.Writer, desc bool) error { return c.Root().GenBashCompletionV2(w, desc) },
		"zsh": func(c *cobra.Command, w io.Writer, desc bool) error {
			if desc {
				return c.Root().GenZshCompletion(w)
			}
			return c.Root().GenZshCompletionNoDesc(w)
		},
		"fish": func(c *cobra.Command, w io.Writer, desc bool) error { return c.Root().GenFishCompletion(w, desc) },
		"powershell": func(c *cobra.Command, w io.Writer, desc bool) error {
			if desc {
				return c.Root().GenPowerShellCompletionWithDesc(w)
			}
			return c.Root().GenPowerShellCompletion(w)
		},
	}
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.SilenceUsage, c.SilenceErrors = true, true
		c.Example = `  source <(wcadmin completion bash)                                      # this shell only
  wcadmin completion bash > ~/.local/share/bash-completion/completions/wcadmin
  wcadmin completion zsh > "${fpath[1]}/_wcadmin"
  wcadmin completion fish > ~/.config/fish/completions/wcadmin.fish`
		c.RunE = func(*cobra.Command, []string) error {
			return usage(errors.New("name a shell: wcadmin completion bash|zsh|fish|powershell"))
		}
		for _, sh := range c.Commands() {
			if g := gen[sh.Name()]; g != nil {
				sh.RunE = func(cmd *cobra.Command, _ []string) error {
					noDesc, _ := cmd.Flags().GetBool("no-descriptions")
					return g(cmd, cmd.OutOrStdout(), !noDesc)
				}
			}
		}
	}
}
