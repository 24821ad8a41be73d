package apiclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// NetErrorKind classifies a failure to get an answer from the store at all.
type NetErrorKind int

const (
	// NetOther is any other transport failure (the zero value).
	NetOther NetErrorKind = iota
	// NetConnRefused: nothing listens at the host and port (store down, wrong port).
	NetConnRefused
	// NetDNS: the host name does not resolve.
	NetDNS
	// NetTLS: the TLS handshake failed: certificate signed by an unknown authority,
	// not valid for the host name, expired, or the server does not speak TLS.
	NetTLS
	// NetTimeout: one try got no (complete) answer within Options.Timeout, or a dial
	// timed out. The caller's own context expiring is not a NetError.
	NetTimeout
	// NetReset: the connection was reset or closed before a complete answer.
	NetReset
)

// String names the kind: "other", "connection refused", "dns", "tls", "timeout", "reset".
func (k NetErrorKind) String() string {
	switch k {
	case NetOther:
		return "other"
	case NetConnRefused:
		return "connection refused"
	case NetDNS:
		return "dns"
	case NetTLS:
		return "tls"
	case NetTimeout:
		return "timeout"
	case NetReset:
		return "reset"
	}
	return fmt.Sprintf("NetErrorKind(%d)", int(k))
}

// NetError is a request that got no usable HTTP answer: the store could not be
// reached, or the connection failed. Error() says what failed and what to do, e.g.
// "cannot reach shop.example.com: connection refused — check the site URL and that
// the store is up". The client returns it wrapped with the method and path
// ("GET /admin/customers: ..."); use errors.As.
type NetError struct {
	Kind NetErrorKind
	Host string // host[:port] of the store
	Err  error  // the underlying error (*net.OpError, x509 error, ...)

	timeout      time.Duration // the per-try timeout, for the message
	tokenRequest bool          // the token request failed: the API request did not go out
}

func (e *NetError) Unwrap() error { return e.Err }

func (e *NetError) Error() string {
	h := e.Host
	if h == "" {
		h = "the store"
	}
	switch e.Kind {
	case NetConnRefused:
		return fmt.Sprintf("cannot reach %s: connection refused — check the site URL and that the store is up", h)
	case NetDNS:
		return fmt.Sprintf("cannot find %s: the host name does not resolve (DNS) — check the site URL for typos and your network or DNS settings", h)
	case NetTLS:
		return tlsMessage(h, e.Err)
	case NetTimeout:
		within := ""
		if e.timeout > 0 {
			within = " within " + e.timeout.String()
		}
		return fmt.Sprintf("no answer from %s%s: timed out — the store or the network is slow or down; try again later (or raise the timeout)", h, within)
	case NetReset:
		return fmt.Sprintf("the connection to %s was reset or closed before a complete answer — the store or a proxy dropped it; try again", h)
	}
	return fmt.Sprintf("cannot reach %s: %s — check the site URL and your network", h, cut(errText(e.Err), 300))
}

func tlsMessage(h string, err error) string {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return fmt.Sprintf("cannot verify the TLS certificate of %s: it is signed by an unknown authority — if the store uses a private or self-signed CA, give its certificate (PEM) as the CA file; otherwise something is intercepting the connection", h)
	case errors.As(err, &hostErr):
		return fmt.Sprintf("the TLS certificate of %s is not valid for that name (%s) — check the host in the site URL", h, cut(hostErr.Error(), 200))
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Sprintf("the TLS certificate of %s has expired or is not yet valid — the store must renew its certificate (or check this computer's clock)", h)
	case errors.As(err, &invalid):
		return fmt.Sprintf("the TLS certificate of %s is not acceptable (%s) — the store must fix its certificate", h, cut(invalid.Error(), 200))
	case strings.Contains(errText(err), "HTTP response to HTTPS client"):
		return fmt.Sprintf("%s does not speak TLS on that port — use http:// in the site URL, or the HTTPS port", h)
	}
	return fmt.Sprintf("TLS connection to %s failed: %s — check the site URL (https vs http, port) and the store's certificate", h, cut(errText(err), 200))
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// retryable: a read may try again after a refused connection, a reset or a
// timeout of one try, and after a DNS failure the resolver calls temporary.
// (Part of IsTransient.)
func (e *NetError) retryable() bool {
	switch e.Kind {
	case NetConnRefused, NetReset, NetTimeout:
		return true
	case NetDNS:
		var de *net.DNSError
		return errors.As(e.Err, &de) && (de.IsTimeout || de.IsTemporary) && !de.IsNotFound
	}
	return false
}

// classifyNetError sorts a transport error into a NetErrorKind.
func classifyNetError(err error) NetErrorKind {
	var dnsErr *net.DNSError
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var recHdr tls.RecordHeaderError
	var alert tls.AlertError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return NetDNS
	case errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &recHdr), errors.As(err, &alert):
		return NetTLS
	case errors.Is(err, syscall.ECONNREFUSED):
		return NetConnRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return NetReset
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return NetTimeout
	}
	s := errText(err)
	switch {
	case strings.Contains(s, "tls: "), strings.Contains(s, "x509: "), strings.Contains(s, "HTTP response to HTTPS client"):
		return NetTLS
	case strings.Contains(s, "connection refused"):
		return NetConnRefused
	case strings.Contains(s, "connection reset"), strings.Contains(s, "broken pipe"),
		strings.Contains(s, "server closed"), strings.Contains(s, "unexpected EOF"):
		return NetReset
	}
	return NetOther
}

// unsentError marks a failure before the request went out: the caller's context
// ending before a try or while waiting for an access token, or an invalid id. The
// store did not act on the request, so it is never ambiguous.
type unsentError struct{ err error }

func (e *unsentError) Error() string { return e.err.Error() }
func (e *unsentError) Unwrap() error { return e.err }

// IsAmbiguous is the one definition of "a DELETE failed with err and may still have
// happened": the request may have reached the store, but no answer says what it
// did. Package deletion verifies exactly these with a follow-up GET (and never
// sends the DELETE again). Ambiguous:
//   - a timeout, a reset or dropped connection, or an unclassified network failure
//     (NetTimeout, NetReset, NetOther): the request may have been sent and acted on;
//   - the caller's context ending while the request was in flight;
//   - a 5xx answer: the store may have acted before failing;
//   - a 3xx answer: the client never follows redirects and a redirect is not a
//     deletion, but something did receive the DELETE, and it may be the store
//     itself (an application that acts and then redirects, as web admins do);
//   - a 2xx answer the client could not use (CodeTooLarge, CodeWrongContentType,
//     CodeInvalidResponse): a success may hide behind it;
//   - any error the client does not know (the client's own are all classified
//     here; another implementation of a DELETE may return anything): the outcome
//     is checked rather than assumed.
//
// Not ambiguous, because the store certainly did not act:
//   - nothing was sent: a refused connection (nothing listens there), a DNS or TLS
//     failure (no HTTP request went out), the caller's context ending before the
//     request went out, any failure to get an OAuth token (before the request, or
//     before sending it again after a 401, which the store rejected unacted);
//   - a 4xx answer: the store rejected the request;
//   - a 2xx answer whose body says error (CodeNotSuccess, CodeStatusError);
//   - an invalid customer id (nothing was sent).
func IsAmbiguous(err error) bool {
	if err == nil {
		return false
	}
	var unsent *unsentError
	if errors.As(err, &unsent) {
		return false
	}
	var ne *NetError
	if errors.As(err, &ne) {
		switch {
		case ne.tokenRequest:
			return false
		case ne.Kind == NetConnRefused, ne.Kind == NetDNS, ne.Kind == NetTLS:
			return false
		}
		return true
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Path == tokenPath {
			return false // getting a token failed: the request did not go out (again)
		}
		switch s := e.StatusCode; {
		case s >= 500, s >= 300 && s < 400:
			return true
		case s >= 200 && s < 300, s == 0: // 0: an answer came, its status unknown
			switch e.Code {
			case CodeTooLarge, CodeWrongContentType, CodeInvalidResponse:
				return true
			}
		}
		return false
	}
	return true // the caller's context ending mid-request, or an error unknown here
}
