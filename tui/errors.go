package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
)

// explain turns an error into one line that says what failed and what to do.
// next is how to try again from where the operator is ("press r to try
// again"); it ends advice for failures that may pass.
func (m *Model) explain(what string, err error, next string) string {
	return what + ": " + m.describe(err, next)
}

// describe says what went wrong and what to do about it. Server text is
// untrusted and is cleaned and cut before it is shown; the status line wraps
// up to three lines, so the advice at the end survives.
func (m *Model) describe(err error, next string) string {
	var apiErr *apiclient.Error
	var netErr *apiclient.NetError
	switch {
	case errors.As(err, &netErr):
		// The client already says what failed and what to do.
		return termtext.CleanMax(netErr.Error(), 300)
	case apiclient.IsUnauthorized(err):
		return fmt.Sprintf("the store rejected the credentials (401): wrong, expired or revoked. Check %s.", m.opts.CredentialsHint)
	case apiclient.IsForbidden(err):
		return fmt.Sprintf("the credentials lack permission for this (403). Ask for admin customer rights or check %s.", m.opts.CredentialsHint)
	case apiclient.IsRateLimited(err):
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			return fmt.Sprintf("the store is rate-limiting requests (429) and asks to wait %s. Try again after that.",
				apiErr.RetryAfter.Round(time.Second))
		}
		return "the store is rate-limiting requests (429). Wait a moment, then try again."
	case errors.As(err, &apiErr):
		return describeAPIError(apiErr, next)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s did not answer within %s. Check the network, then try again.", m.opts.Host, m.opts.Timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return termtext.CleanMax(err.Error(), 300)
}

// describeAPIError renders an HTTP-level error: status, the server's
// message, the client's hint, and a next step where the status implies one.
func describeAPIError(e *apiclient.Error, next string) string {
	msg := termtext.CleanMax(e.Message, 300)
	var s string
	switch {
	case e.Code == apiclient.CodeNotSuccess:
		s = "the store answered isSuccess:false"
	case e.Code == apiclient.CodeStatusError:
		// The API itself refused (status: error): the site URL is fine.
		s = "the store refused the request"
	case e.StatusCode >= 200 && e.StatusCode < 300:
		s = "the store's answer could not be used"
	default:
		s = fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if msg != "" && msg != http.StatusText(e.StatusCode) {
		s += ": " + msg
	}
	if e.Hint != "" {
		s += " — " + termtext.CleanMax(e.Hint, 200)
	}
	switch {
	case e.Code == apiclient.CodeNotSuccess:
		s += ". The site URL may not point at the WebCommander API: check the site setting."
	case e.StatusCode >= 500:
		s += ". The store had a problem"
		if next != "" {
			s += ": " + next + " shortly"
		}
		s += "."
	}
	return s
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
		return "the check before deleting failed: " + m.describe(err, retryDelete) + " Nothing was sent."
	case errors.Is(err, deletion.ErrStillThere):
		return "a check shows the customer is still there after " + m.describe(err, retryDelete)
	case errors.Is(err, deletion.ErrOutcomeUnknown), o.Kind == deletion.Unknown:
		return "the DELETE got no clear answer and the check failed too. It may or may not have been deleted: press r to refresh and check."
	case err == nil:
		return o.Kind.String()
	}
	return m.describe(err, retryDelete)
}

// retryDelete is the way to try a failed deletion again.
const retryDelete = "try the delete again (D)"

func asAPIError(err error, target **apiclient.Error) bool { return errors.As(err, target) }
