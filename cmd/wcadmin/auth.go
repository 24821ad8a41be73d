package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/termtext"
)

// newAuthCmd is `wcadmin auth`: commands about the credentials.
func newAuthCmd(o *options, getenv func(string) string) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "auth",
		Short:         "Check the credentials of a profile",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Without this, cobra would print the help and exit 0 for
		// `wcadmin auth` and `wcadmin auth chek`.
		RunE: func(*cobra.Command, []string) error {
			return usage(errors.New("name a subcommand: wcadmin auth check (see wcadmin auth --help)"))
		},
	}
	cmd.AddCommand(newAuthCheckCmd(o, getenv))
	return cmd
}

// newAuthCheckCmd is `wcadmin auth check`: resolve the profile and the
// credentials as the console does, make one authenticated call and say
// what was used, where each setting came from, and whether the store
// accepted it. It never prints a secret.
func newAuthCheckCmd(o *options, getenv func(string) string) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Make one authenticated call and say which credentials were used and whether the store accepted them",
		Long: `Resolve the profile and the credentials exactly as the console does, ask the store for one
customer (GET /api/v4/admin/customers?limit=1), and print the store's host, the kind of
credentials (an access token, or OAuth client credentials), the header the token is sent in
(Authorization: Bearer or access_token), where each came from, and whether it worked.
Secrets are never printed.

Exit status: 0 the store accepted the credentials; 4 it refused them (401) or the permission
(403); 1 any other failure (network, settings).`,
		Example: `  wcadmin auth check --profile production
  WCADMIN_SITE=https://shop.example.com WCADMIN_TOKEN=… wcadmin auth check`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd, o, getenv)
			if err != nil {
				return err
			}
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			s := st.settings
			describeAuth(out, s, st.client.Host())

			ctx, cancel := st.budget(cmd.Context())
			defer cancel()
			p, err := st.client.ListCustomers(ctx, apiclient.ListOptions{Limit: 1})
			switch {
			case err == nil:
				total := ""
				if p.Total >= 0 {
					total = fmt.Sprintf(" (%d customers)", p.Total)
				}
				fmt.Fprintf(out, "result:  ok: the store accepted the credentials and listed customers%s\n", total)
				return nil
			case apiclient.IsUnauthorized(err) || apiclient.IsForbidden(err):
				fmt.Fprintf(out, "result:  refused (%d)\n", apiclient.StatusCode(err))
				what := "the credentials"
				if apiclient.IsForbidden(err) {
					what = "the permission"
				}
				fmt.Fprintf(errw, "wcadmin: %s refused %s: %s\n", st.describeStore(), what, termtext.Clean(err.Error()))
				fmt.Fprintf(errw, "hint: %s\n", termtext.Clean(authHint(s, err)))
				return exitError{code: exitAuth} // said above
			default:
				fmt.Fprintln(out, "result:  failed (see the error)")
				return fmt.Errorf("%s: %w", st.describeStore(), err)
			}
		},
	}
}

// describeAuth prints what auth check uses and where each came from.
func describeAuth(w io.Writer, s config.Settings, host string) {
	line := func(label, value, src string) {
		if label != "" {
			label += ":"
		}
		fmt.Fprintf(w, "%-8s %s (%s)\n", label, termtext.Clean(value), termtext.Clean(src))
	}
	line("store", host, sourcePhrase(s.Source("site")))
	if s.Profile != "" {
		line("profile", s.Profile, sourcePhrase(s.Source("profile")))
	} else {
		fmt.Fprintln(w, "profile: none")
	}
	if s.ConfigFile != "" {
		fmt.Fprintf(w, "config:  %s\n", termtext.Clean(s.ConfigFile))
	}
	header, name := headerStyle(s.TokenHeader)
	headerSrc := fmt.Sprintf("token_header %q, %s", name, sourcePhrase(s.Source("token_header")))
	if s.UsesOAuth() {
		fmt.Fprintln(w, "auth:    OAuth client credentials (wcadmin gets the access token from POST /api/v4/oauth2/token and renews it)")
		line("", "client_id "+s.ClientID, sourcePhrase(s.Source("client_id")))
		line("", "username "+s.Username, sourcePhrase(s.Source("username")))
		// Where the secrets came from; never their values.
		line("", "client_secret", sourcePhrase(s.Source("client_secret")))
		line("", "password", sourcePhrase(s.Source("password")))
		line("header", header+", carrying the OAuth access token", headerSrc)
	} else {
		line("auth", "access token", sourcePhrase(s.Source("token")))
		line("header", header, headerSrc)
	}
}

// headerStyle describes a token_header value and names it ("bearer" when unset).
func headerStyle(h string) (description, name string) {
	if h == config.HeaderAccessToken {
		return "access_token: <token>", config.HeaderAccessToken
	}
	return "Authorization: Bearer <token>", config.HeaderBearer
}

// authHint says what to check after a 401 or 403.
func authHint(s config.Settings, err error) string {
	if apiclient.IsForbidden(err) {
		return "the store accepted the credentials but refused the permission: the API user needs the right to read customers"
	}
	var which string
	if s.UsesOAuth() {
		which = fmt.Sprintf("check client_id, client_secret, username and password (%s)", s.Source("client_id"))
		var ae *apiclient.Error
		if errors.As(err, &ae) && strings.Contains(ae.Path, "oauth2/token") {
			return which + ": the store refused them when asked for an access token"
		}
	} else {
		which = fmt.Sprintf("check the access token (%s): it may be expired or revoked", s.Source("token"))
	}
	if _, name := headerStyle(s.TokenHeader); name == config.HeaderBearer {
		return which + `; the token was sent as "Authorization: Bearer": some stores want the old header instead, ` +
			`set token_header = "access_token" in the profile`
	}
	return which + `; the token was sent in the old access_token header: most stores want "Authorization: Bearer", ` +
		`set token_header = "bearer" (or remove token_header) in the profile`
}
