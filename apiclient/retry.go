package apiclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryInfo describes a read that failed transiently and is about to be tried again.
type RetryInfo struct {
	Method string // "GET"
	Path   string // relative to the base URL, e.g. "/admin/customers"
	// Attempt is the try that just failed (1-based); the next one is Attempt+1 of Max.
	Attempt int
	// Max is the total number of tries, e.g. 3 with the default two retries.
	Max int
	// Wait is how long the client waits before the next try (backoff or Retry-After).
	Wait time.Duration
	// Err is why the try failed: a *NetError or a 429/5xx *Error (possibly wrapped).
	Err error
}

type retryNotifyKey struct{}

// WithRetryNotify returns a context that makes every request made with it call f
// before each retry wait, in addition to Options.OnRetry. It replaces a hook set
// earlier on ctx; a nil f removes it. f runs on the goroutine of the request (see
// Options.OnRetry): it must be quick and must not touch UI state directly.
func WithRetryNotify(ctx context.Context, f func(RetryInfo)) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, retryNotifyKey{}, f)
}

func (c *Client) notifyRetry(ctx context.Context, info RetryInfo) {
	if c.onRetry != nil {
		c.onRetry(info)
	}
	if f, ok := ctx.Value(retryNotifyKey{}).(func(RetryInfo)); ok && f != nil {
		f(info)
	}
}

const (
	// maxRetryAfterWait caps how long a read waits for Retry-After; a longer one is
	// returned to the caller as the error instead.
	maxRetryAfterWait = 30 * time.Second
	backoffBase       = 500 * time.Millisecond
	backoffMax        = 8 * time.Second
)

// retryable reports whether a failed read may be tried again: network errors that
// are not the caller's doing or a certificate problem, and 429 / 5xx answers.
// The caller's context being done is never retryable.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || err == nil {
		return false
	}
	var ne *NetError
	if errors.As(err, &ne) {
		return ne.retryable()
	}
	var e *Error
	if errors.As(err, &e) {
		switch e.Code {
		case CodeTooLarge, CodeWrongContentType, CodeInvalidResponse, CodeNotSuccess:
			return false
		}
		return transientStatus(e.StatusCode)
	}
	return false
}

// transientStatus: 429 and the 5xx answers that may go away on their own.
// 501 (not implemented), 505 (HTTP version) and 511 (network login, e.g. a captive
// portal) will not.
func transientStatus(s int) bool {
	switch {
	case s == http.StatusTooManyRequests:
		return true
	case s == http.StatusNotImplemented, s == http.StatusHTTPVersionNotSupported,
		s == http.StatusNetworkAuthenticationRequired:
		return false
	}
	return s >= 500 && s <= 599
}

// retryWait is how long to wait after failed try number attempt (1-based): the
// server's Retry-After when it sent one (ok false when that exceeds
// maxRetryAfterWait), else exponential backoff with jitter: a random duration in
// [b/2, b] with b = 500ms, 1s, 2s, ... capped at 8s.
func retryWait(attempt int, err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, e.RetryAfter <= maxRetryAfterWait
	}
	b := backoffBase
	for i := 1; i < attempt && b < backoffMax; i++ {
		b *= 2
	}
	b = min(b, backoffMax)
	half := b / 2
	return half + rand.N(half+1), true
}
