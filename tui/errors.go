package tui

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
)

// explain turns an error into one line that says what failed and what to do.
func (m *Model) explain(what string, err error) string {
	return what + ": " + m.describe(err)
}

// describe says what went wrong and what to do about it. Server text is
// untrusted and is cleaned and cut before it is shown.
func (m *Model) describe(err error) string {
	host := m.opts.Host
	var apiErr *apiclient.Error
	var netErr *apiclient.NetError
	switch {
	case errors.As(err, &netErr):
		// The client already says what failed and what to do.
		return termtext.CleanMax(netErr.Error(), 200)
	case apiclient.IsUnauthorized(err):
		return fmt.Sprintf("the store rejected the credentials (401): wrong, expired or revoked. Check %s.", m.opts.CredentialsHint)
	case apiclient.IsForbidden(err):
		return fmt.Sprintf("the credentials lack permission for this (403). Ask for admin customer rights or check %s.", m.opts.CredentialsHint)
	case apiclient.IsRateLimited(err):
		return "the store is rate-limiting requests (429). Wait a moment, then try again."
	case errors.As(err, &apiErr):
		msg := termtext.CleanMax(apiErr.Message, 160)
		status := fmt.Sprintf("HTTP %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		if apiErr.StatusCode == http.StatusOK {
			status = "the store answered isSuccess:false"
		}
		if msg != "" && msg != http.StatusText(apiErr.StatusCode) {
			status += ": " + msg
		}
		if apiErr.Hint != "" {
			status += " — " + termtext.CleanMax(apiErr.Hint, 120)
		}
		return status
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s did not answer within %s. Check the network, then try again.", host, m.opts.Timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	var dnsErr *net.DNSError
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("the host name %s could not be resolved. Check the site setting.", host)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("%s refused the connection. Check the site setting and that the store is up.", host)
	case errors.As(err, &certErr), errors.As(err, &hostErr):
		return fmt.Sprintf("the TLS certificate of %s is not trusted. Check the site setting (or ca_file).", host)
	}
	return termtext.CleanMax(err.Error(), 200)
}

// explainOutcome says why a deletion did not happen (or may have).
func (m *Model) explainOutcome(t apiclient.Customer, o deletion.Outcome) string {
	return fmt.Sprintf("Could not delete customer #%d: %s", t.ID, m.reason(o))
}

// reason is explainOutcome without the customer, for the bulk summary.
func (m *Model) reason(o deletion.Outcome) string {
	err := o.Err
	switch {
	case errors.Is(err, deletion.ErrNoJournal), errors.Is(err, deletion.ErrJournal):
		return termtext.CleanMax(err.Error(), 300) + ". Check the audit_log setting (--audit-log) and the disk."
	case errors.Is(err, deletion.ErrPrecheck):
		return "the check before deleting failed: " + m.describe(err) + " Nothing was sent."
	case errors.Is(err, deletion.ErrStillThere):
		return m.describe(err) + " (a check shows the customer is still there)"
	case errors.Is(err, deletion.ErrOutcomeUnknown), o.Kind == deletion.Unknown:
		return "the DELETE got no clear answer and the check failed too. It may or may not have been deleted: press r to refresh and check."
	case err == nil:
		return o.Kind.String()
	}
	return m.describe(err)
}

func asAPIError(err error, target **apiclient.Error) bool { return errors.As(err, target) }
