package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// TokenHeader selects how the access token is sent on API calls.
type TokenHeader int

const (
	// TokenBearer sends "Authorization: Bearer <token>" (the default; [B]).
	TokenBearer TokenHeader = iota
	// TokenAccessTokenHeader sends a header named "access_token: <token>" (the old Python SDK).
	TokenAccessTokenHeader
)

// String names the header style ("bearer" or "access_token").
func (h TokenHeader) String() string {
	switch h {
	case TokenBearer:
		return "bearer"
	case TokenAccessTokenHeader:
		return "access_token"
	}
	return fmt.Sprintf("TokenHeader(%d)", int(h))
}

// OAuth holds the credentials of the client-credentials flow (POST /oauth2/token).
type OAuth struct {
	ClientID     string
	ClientSecret string
	Username     string // auth_string is base64(Username:Password)
	Password     string
	RedirectURI  string
}

// Options configure a Client.
type Options struct {
	// Site is the store URL, e.g. "https://shop.example.com", optionally already ending in
	// "/api/v4" (a trailing slash is fine). The client adds "/api/v4" when missing.
	Site string
	// Token is an access token to use as is (no OAuth round trip). When OAuth is also set,
	// Token is used first and OAuth renews it once it is rejected.
	Token string
	// TokenHeader selects Authorization: Bearer (default) or the access_token header.
	TokenHeader TokenHeader
	// OAuth enables the client-credentials flow when non-nil.
	OAuth *OAuth
	// Timeout bounds each try of a request (the caller's context still applies); 0 means
	// 15s. A try that times out is a *NetError of kind NetTimeout (retried for reads).
	Timeout time.Duration
	// Version goes into the User-Agent "wcadmin/<version>"; "dev" when empty.
	Version string
	// Transport replaces the default HTTP transport (tests). With CAFile or CAPEM it
	// must be an *http.Transport (it is cloned). A transport that skips TLS
	// verification is refused.
	Transport http.RoundTripper
	// CAFile is a PEM file of extra certificate authorities to trust for TLS, on top of
	// the system roots (a store with a private or self-signed CA). It must hold at
	// least one certificate. TLS verification is always on.
	CAFile string
	// CAPEM is the content of CAFile when the caller has read it already (package
	// config reads and checks ca_file once): New then does not read CAFile again and
	// uses its name only in messages. It must hold at least one PEM certificate.
	CAPEM []byte
	// DebugLog, when set, receives one line per request and per response. Authorization and
	// access_token headers and token request/response bodies are redacted.
	DebugLog io.Writer
	// MaxReadRetries is how often a read (GET: list, get, count) is retried after a
	// network error (refused, reset, a timed-out try; never the caller's context ending),
	// a 429 or a transient 5xx (500, 502, 503, 504, ...; exactly when IsTransient is
	// true), so a read is tried at most
	// MaxReadRetries+1 times. Waits use exponential backoff with jitter (about 0.5s, 1s,
	// ...), or the server's Retry-After when it is at most 30s; a longer Retry-After is
	// returned as the error at once. 0 means the default (2, i.e. 3 tries in total);
	// negative disables retries. DELETE is never retried, except once after a 401 when
	// an OAuth token could be renewed.
	MaxReadRetries int
	// OnRetry, when set, is called before each retry wait of a read (see RetryInfo), so a
	// UI can show "retrying (2/3)…". It runs on the goroutine making the request, which
	// is blocked until it returns: keep it quick, make it safe for concurrent use, and do
	// not touch UI state from it (send a message to the UI instead).
	OnRetry func(RetryInfo)
}

const (
	// DefaultTimeout is the per-request timeout when Options.Timeout is 0.
	DefaultTimeout = 15 * time.Second
	// MaxResponseBytes caps every response body; a larger one is an error.
	MaxResponseBytes = 10 << 20

	apiPrefix          = "/api/v4"
	defaultReadRetries = 2
	errBodyLimit       = 2 << 10
)

// Client talks to one WebCommander store. It is safe for concurrent use.
type Client struct {
	rc          *resty.Client
	base        string // https://host[:port][/prefix]/api/v4
	host        string
	timeout     time.Duration
	tokenHeader TokenHeader
	readRetries int
	onRetry     func(RetryInfo)
	auth        *tokenSource
	debug       *debugLog

	now   func() time.Time                                 // tests
	sleep func(ctx context.Context, d time.Duration) error // tests
}

// New validates the options and builds a Client. It does no network I/O.
func New(o Options) (*Client, error) {
	base, u, err := normalizeSite(o.Site)
	if err != nil {
		return nil, err
	}
	if o.Token == "" && o.OAuth == nil {
		return nil, errors.New("apiclient: no credentials: set an access token or OAuth client credentials")
	}
	if strings.ContainsAny(o.Token, "\r\n") {
		return nil, errors.New("apiclient: access token contains a line break")
	}
	if o.OAuth != nil && o.OAuth.ClientID == "" {
		return nil, errors.New("apiclient: OAuth needs a client id")
	}
	switch o.TokenHeader {
	case TokenBearer, TokenAccessTokenHeader:
	default:
		return nil, fmt.Errorf("apiclient: unknown token header style %d", int(o.TokenHeader))
	}
	if o.Timeout < 0 {
		return nil, errors.New("apiclient: negative timeout")
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	version := o.Version
	if version == "" {
		version = "dev"
	}
	retries := o.MaxReadRetries
	switch {
	case retries == 0:
		retries = defaultReadRetries
	case retries < 0:
		retries = 0
	}

	transport, err := buildTransport(o.Transport, o.CAFile, o.CAPEM)
	if err != nil {
		return nil, err
	}

	rc := resty.New()
	if transport != nil {
		rc.SetTransport(transport)
	}
	rc.SetCookieJar(nil) // the token is the only credential; no session cookies
	rc.SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
		// Never follow redirects: a redirected DELETE may turn into a GET and "succeed".
		return http.ErrUseLastResponse
	}))
	rc.SetLogger(discardLogger{})
	rc.SetDisableWarn(true)
	rc.SetRetryCount(0)
	rc.SetResponseBodyLimit(MaxResponseBytes)
	rc.SetHeader("User-Agent", "wcadmin/"+version)
	rc.SetHeader("Accept", "application/json")

	c := &Client{
		rc:          rc,
		base:        base,
		host:        u.Host,
		timeout:     timeout,
		tokenHeader: o.TokenHeader,
		readRetries: retries,
		onRetry:     o.OnRetry,
		now:         time.Now,
		sleep:       sleepCtx,
	}
	if o.DebugLog != nil && o.DebugLog != io.Discard {
		c.debug = &debugLog{w: o.DebugLog}
	}
	c.auth = &tokenSource{c: c, static: o.Token}
	if o.OAuth != nil {
		cp := *o.OAuth
		c.auth.oauth = &cp
		if o.Token != "" {
			c.auth.cur = &token{access: o.Token}
		}
	}
	return c, nil
}

// normalizeSite turns the operator's site URL into the API base URL.
func normalizeSite(site string) (string, *url.URL, error) {
	site = strings.TrimSpace(site)
	if site == "" {
		return "", nil, errors.New("apiclient: no site URL (e.g. https://shop.example.com)")
	}
	u, err := url.Parse(site)
	if err != nil {
		return "", nil, fmt.Errorf("apiclient: site URL %q: %v", site, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
	case "":
		return "", nil, fmt.Errorf("apiclient: site URL %q has no scheme (use e.g. https://%s)", site, strings.TrimLeft(site, "/"))
	default:
		return "", nil, fmt.Errorf("apiclient: site URL %q: scheme must be http or https, not %q", site, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", nil, fmt.Errorf("apiclient: site URL %q has no host", site)
	}
	if u.User != nil {
		return "", nil, fmt.Errorf("apiclient: site URL must not contain a user name or password")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", nil, fmt.Errorf("apiclient: site URL %q must not have a query or fragment", site)
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	if !strings.HasSuffix(strings.ToLower(p), apiPrefix) {
		p += apiPrefix
	} else {
		p = p[:len(p)-len(apiPrefix)] + apiPrefix
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	u2 := &url.URL{Scheme: scheme, Host: host}
	return scheme + "://" + host + p, u2, nil
}

// Host is the store host (host[:port]), e.g. "shop.example.com".
func (c *Client) Host() string { return c.host }

// BaseURL is the API base, e.g. "https://shop.example.com/api/v4".
func (c *Client) BaseURL() string { return c.base }

// response is what do hands back: the status, headers and the full (capped) body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// request describes one API call. path is relative to the base URL and starts with "/".
type request struct {
	method string
	path   string
	query  url.Values
	body   []byte // JSON
	token  bool   // the oauth2/token endpoint: no auth header, bodies redacted in logs
}

// call runs an authenticated API request: it adds the token, renews it once after a 401
// (OAuth only), and retries reads after network errors and transient answers (see
// Options.MaxReadRetries). Non-2xx answers and 2xx answers whose body is not JSON (or
// too large) become *Error; failed exchanges a *NetError wrapped with method and path.
func (c *Client) call(ctx context.Context, method, path string, query url.Values) (*response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	req := request{method: method, path: path, query: query}
	tries := 1
	if method == http.MethodGet {
		tries += c.readRetries
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, &unsentError{fmt.Errorf("%s %s: %w", method, path, err)}
		}
		resp, err := c.callOnce(ctx, req)
		if err == nil {
			if e := checkJSONBody(method, path, resp); e != nil {
				return nil, e
			}
			return resp, nil
		}
		if attempt >= tries || !retryable(ctx, err) {
			return nil, err
		}
		wait, ok := retryWait(attempt, err)
		if !ok {
			return nil, err // Retry-After beyond what is worth waiting for
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, err // the caller would give up while waiting
		}
		c.debug.retry(req, attempt, tries, wait)
		c.notifyRetry(RetryInfo{Method: method, Path: path, Attempt: attempt, Max: tries, Wait: wait, Err: err})
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, serr)
		}
	}
}

// callOnce is one try: get a token, send, and after a 401 with OAuth renew the token
// and send once more (the server rejected the request before acting, so this is safe
// for every method).
func (c *Client) callOnce(ctx context.Context, req request) (*response, error) {
	renewed := false
	for {
		tok, err := c.auth.get(ctx)
		if err != nil {
			return nil, err // IsAmbiguous knows that a token failure sent nothing
		}
		resp, err := c.send(ctx, req, tok)
		if err != nil {
			return nil, err
		}
		if resp.status == http.StatusUnauthorized && c.auth.oauth != nil && !renewed {
			renewed = true
			c.auth.invalidate(tok)
			continue
		}
		if resp.status >= 200 && resp.status < 300 {
			return resp, nil
		}
		apiErr := newError(req.method, req.path, resp)
		if resp.status == http.StatusUnauthorized {
			if renewed {
				apiErr.Hint = hintTokenRejectedOAuth
			} else {
				apiErr.Hint = hintTokenRejected
			}
		}
		return nil, apiErr
	}
}

// send performs exactly one HTTP exchange.
func (c *Client) send(ctx context.Context, req request, tok string) (*response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	tctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	u := c.base + req.path
	if len(req.query) > 0 {
		u += "?" + req.query.Encode()
	}
	r := c.rc.R().SetContext(tctx)
	if req.body != nil {
		r.SetHeader("Content-Type", "application/json").SetBody(req.body)
	}
	if !req.token && tok != "" {
		switch c.tokenHeader {
		case TokenAccessTokenHeader:
			r.SetHeaderVerbatim("access_token", tok)
		default:
			r.SetHeader("Authorization", "Bearer "+tok)
		}
	}
	start := time.Now()
	c.debug.request(req, u, c.tokenHeader, tok != "" && !req.token)
	resp, err := r.Execute(req.method, u)
	if err != nil {
		c.debug.failure(req, u, time.Since(start), err)
		if errors.Is(err, resty.ErrResponseBodyTooLarge) && resp != nil && resp.RawResponse != nil {
			return nil, tooLargeError(req.method, req.path, resp.StatusCode(), resp.Header())
		}
		return nil, c.transportError(ctx, tctx, req, err)
	}
	out := &response{status: resp.StatusCode(), header: resp.Header(), body: resp.Body()}
	c.debug.response(req, u, out, time.Since(start))
	return out, nil
}

// transportError turns a failed exchange into the caller's context error (not a
// NetError: the caller gave up), or a *NetError wrapped with the method and path.
func (c *Client) transportError(ctx, tctx context.Context, req request, err error) error {
	what := req.method + " " + req.path
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return tooLargeError(req.method, req.path, 0, nil)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", what, ctx.Err())
	}
	ne := &NetError{Host: c.host, Err: err, timeout: c.timeout, tokenRequest: req.token}
	if tctx.Err() != nil {
		ne.Kind = NetTimeout
		if !errors.Is(err, context.DeadlineExceeded) {
			ne.Err = fmt.Errorf("%w (%w)", context.DeadlineExceeded, err)
		}
	} else {
		ne.Kind = classifyNetError(err)
	}
	return fmt.Errorf("%s: %w", what, ne)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type discardLogger struct{}

func (discardLogger) Errorf(string, ...interface{}) {}
func (discardLogger) Warnf(string, ...interface{})  {}
func (discardLogger) Debugf(string, ...interface{}) {}

// debugLog writes one line per request and per response; safe for concurrent use.
type debugLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (d *debugLog) printf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.w, "%s "+format+"\n", append([]any{time.Now().UTC().Format("2006-01-02T15:04:05.000Z")}, args...)...)
}

func (d *debugLog) request(req request, u string, h TokenHeader, authed bool) {
	if d == nil {
		return
	}
	auth := ""
	if authed {
		if h == TokenAccessTokenHeader {
			auth = " access_token: [REDACTED]"
		} else {
			auth = " Authorization: Bearer [REDACTED]"
		}
	}
	body := ""
	if req.body != nil {
		if req.token {
			body = " body=[REDACTED]"
		} else {
			body = fmt.Sprintf(" body=%q", cut(string(req.body), 512))
		}
	}
	d.printf("-> %s %s%s%s", req.method, u, auth, body)
}

func (d *debugLog) response(req request, u string, r *response, dur time.Duration) {
	if d == nil {
		return
	}
	extra := ""
	if id := requestIDHeader(r.header); id != "" {
		extra += fmt.Sprintf(" request_id=%q", id)
	}
	if ra := r.header.Get("Retry-After"); ra != "" {
		extra += fmt.Sprintf(" retry_after=%q", ra)
	}
	if loc := r.header.Get("Location"); loc != "" {
		extra += fmt.Sprintf(" location=%q", loc)
	}
	switch {
	case req.token:
		extra += " body=[REDACTED]"
	case r.status < 200 || r.status >= 300:
		extra += fmt.Sprintf(" body=%q", cut(string(r.body), 1024))
	}
	d.printf("<- %d %s %s %s %dB%s", r.status, req.method, u, dur.Round(time.Millisecond), len(r.body), extra)
}

func (d *debugLog) retry(req request, attempt, tries int, wait time.Duration) {
	if d == nil {
		return
	}
	d.printf("~~ RETRY %s %s after try %d/%d in %s", req.method, req.path, attempt, tries, wait.Round(time.Millisecond))
}

func (d *debugLog) failure(req request, u string, dur time.Duration, err error) {
	if d == nil {
		return
	}
	d.printf("<- ERROR %s %s %s %q", req.method, u, dur.Round(time.Millisecond), err.Error())
}
