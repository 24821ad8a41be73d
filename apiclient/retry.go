package apiclient

import (
	"context"
	"errors"
	"math/rand/v2"
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

func (c *Client) notifyRetry(info RetryInfo) {
	if c.onRetry != nil {
		c.onRetry(info)
	}
}

const (
	// maxRetryAfterWait caps how long a read waits for Retry-After; a longer one is
	// returned to the caller as the error instead.
	maxRetryAfterWait = 30 * time.Second
	backoffBase       = 500 * time.Millisecond
	backoffMax        = 8 * time.Second
)

// retryable reports whether a failed read may be tried again: IsTransient, unless
// the caller's context is done.
func retryable(ctx context.Context, err error) bool {
	return ctx.Err() == nil && IsTransient(err)
}

// OperationBudget is how long one operation of a caller (a read, with the client's
// default retries; or a DELETE) may take in all, given the per-try timeout
// (Options.Timeout; <= 0 means DefaultTimeout): every try timing out, plus the
// longest backoff before each retry:
//
//	(defaultReadRetries+1)*perTry + defaultReadRetries*backoffMax  // 3*perTry + 16s
//
// A caller that bounds an operation with a shorter deadline cuts the client's
// retries short: the client does not start a wait that would outlast the deadline.
// A Retry-After longer than what remains is returned as the error instead.
func OperationBudget(perTry time.Duration) time.Duration {
	if perTry <= 0 {
		perTry = DefaultTimeout
	}
	return (defaultReadRetries+1)*perTry + defaultReadRetries*backoffMax
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
