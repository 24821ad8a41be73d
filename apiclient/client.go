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
	// Timeout bounds each HTTP request (the caller's context still applies); 0 means 15s.
	Timeout time.Duration
	// Version goes into the User-Agent "wcadmin/<version>"; "dev" when empty.
	Version string
	// Transport replaces the default HTTP transport (tests).
	Transport http.RoundTripper
	// DebugLog, when set, receives one line per request and per response. Authorization and
	// access_token headers and token request/response bodies are redacted.
	DebugLog io.Writer
	// MaxReadRetries is how often a GET is retried after 429/502/503/504 (honouring a short
	// Retry-After). 0 means the default (2); negative disables. DELETE is never retried.
	MaxReadRetries int
}

const (
	// DefaultTimeout is the per-request timeout when Options.Timeout is 0.
	DefaultTimeout = 15 * time.Second
	// MaxResponseBytes caps every response body; a larger one is an error.
	MaxResponseBytes = 10 << 20

	apiPrefix          = "/api/v4"
	defaultReadRetries = 2
	maxRetryAfterWait  = 10 * time.Second
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

	rc := resty.New()
	if o.Transport != nil {
		rc.SetTransport(o.Transport)
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
// (OAuth only), and retries GETs after transient answers. Non-2xx answers become *Error.
func (c *Client) call(ctx context.Context, method, path string, query url.Values) (*response, error) {
	req := request{method: method, path: path, query: query}
	renewed := false
	retries := 0
	for {
		tok, err := c.auth.get(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.send(ctx, req, tok)
		if err != nil {
			return nil, err
		}
		if resp.status == http.StatusUnauthorized && c.auth.oauth != nil && !renewed {
			// Rejected before acting: safe to renew and repeat once, for every method.
			renewed = true
			c.auth.invalidate(tok)
			continue
		}
		if resp.status >= 200 && resp.status < 300 {
			return resp, nil
		}
		apiErr := newError(req.method, req.path, resp)
		if method == http.MethodGet && retries < c.readRetries && transientStatus(resp.status) {
			wait := apiErr.RetryAfter
			if wait == 0 {
				wait = time.Duration(500<<retries) * time.Millisecond
			}
			if wait <= maxRetryAfterWait {
				retries++
				if err := c.sleep(ctx, wait); err != nil {
					return nil, apiErr
				}
				continue
			}
		}
		return nil, apiErr
	}
}

func transientStatus(s int) bool {
	switch s {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
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
		return nil, c.transportError(ctx, tctx, req, err)
	}
	out := &response{status: resp.StatusCode(), header: resp.Header(), body: resp.Body()}
	c.debug.response(req, u, out, time.Since(start))
	return out, nil
}

func (c *Client) transportError(ctx, tctx context.Context, req request, err error) error {
	what := req.method + " " + req.path
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return fmt.Errorf("%s: response larger than %d MB: %w", what, MaxResponseBytes>>20, err)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", what, ctx.Err())
	case tctx.Err() != nil:
		return fmt.Errorf("%s: no answer within %s: %w", what, c.timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("%s: %w", what, err)
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

func (d *debugLog) failure(req request, u string, dur time.Duration, err error) {
	if d == nil {
		return
	}
	d.printf("<- ERROR %s %s %s %q", req.method, u, dur.Round(time.Millisecond), err.Error())
}
