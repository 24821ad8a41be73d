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
	"github.com/wcadmin/wcadmin/termtext"
)

// explain turns an error into one line that says what failed and what to do.
// Server text is untrusted and is cleaned and cut before it is shown.
func (m *Model) explain(what string, err error) string {
	host := m.opts.Host
	var apiErr *apiclient.Error
	switch {
	case apiclient.IsUnauthorized(err):
		return fmt.Sprintf("%s: the store rejected the credentials (401). Check %s.", what, m.opts.CredentialsHint)
	case apiclient.IsForbidden(err):
		return fmt.Sprintf("%s: the credentials lack permission for this (403). Ask for admin customer rights or check %s.", what, m.opts.CredentialsHint)
	case apiclient.IsRateLimited(err):
		return fmt.Sprintf("%s: the store is rate-limiting requests (429). Wait a moment, then press r.", what)
	case errors.As(err, &apiErr):
		msg := termtext.CleanMax(apiErr.Message, 160)
		status := fmt.Sprintf("HTTP %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		if apiErr.StatusCode == http.StatusOK {
			status = "the store answered isSuccess:false"
		}
		if msg != "" && msg != http.StatusText(apiErr.StatusCode) {
			return fmt.Sprintf("%s: %s: %s", what, status, msg)
		}
		return fmt.Sprintf("%s: %s", what, status)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: %s did not answer within %s. Check the network, then press r.", what, host, m.opts.Timeout)
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("%s: cancelled", what)
	}
	var dnsErr *net.DNSError
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("%s: the host name %s could not be resolved. Check the site setting.", what, host)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("%s: %s refused the connection. Check the site setting and that the store is up.", what, host)
	case errors.As(err, &certErr), errors.As(err, &hostErr):
		return fmt.Sprintf("%s: the TLS certificate of %s is not trusted. Check the site setting.", what, host)
	}
	return fmt.Sprintf("%s: %s", what, termtext.CleanMax(err.Error(), 200))
}

// explainDelete adds what the operator most needs after a failed DELETE:
// whether the customer may have been deleted anyway.
func (m *Model) explainDelete(t apiclient.Customer, err error) string {
	what := fmt.Sprintf("Could not delete customer #%d", t.ID)
	s := m.explain(what, err)
	code := apiclient.StatusCode(err)
	if code == 0 || code >= 500 {
		// No answer or a server fault: the DELETE may have happened.
		return s + " It may or may not have been deleted: press r to refresh and check."
	}
	return s
}
