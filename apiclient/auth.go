package apiclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

const (
	tokenPath = "/oauth2/token"
	// renewEarlyMax is how long before expiry a token is renewed at most; short-lived
	// tokens are renewed when 10% of their lifetime remains.
	renewEarlyMax = 30 * time.Second
)

type token struct {
	access  string
	refresh string
	expires time.Time // zero: unknown, used until rejected
	stale   bool      // rejected with a 401
}

// tokenSource hands out the access token: the static one, or an OAuth token that it
// fetches, caches and renews. Concurrent callers share one fetch.
type tokenSource struct {
	c      *Client
	static string
	oauth  *OAuth

	mu       sync.Mutex
	cur      *token
	inflight *fetchCall
}

type fetchCall struct {
	done chan struct{}
	tok  *token
	err  error
}

func (t *token) usable(now time.Time) bool {
	return t != nil && !t.stale && t.access != "" && (t.expires.IsZero() || now.Before(t.expires))
}

// get returns a usable token, fetching or renewing it when needed.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	if s.oauth == nil {
		return s.static, nil
	}
	s.mu.Lock()
	if s.cur.usable(s.c.now()) {
		tok := s.cur.access
		s.mu.Unlock()
		return tok, nil
	}
	call := s.inflight
	if call == nil {
		call = &fetchCall{done: make(chan struct{})}
		s.inflight = call
		prev := s.cur
		// The fetch outlives any one caller's cancellation: others may be waiting on it.
		fctx := context.WithoutCancel(ctx)
		go s.fetch(fctx, call, prev)
	}
	s.mu.Unlock()

	select {
	case <-call.done:
		if call.err != nil {
			return "", call.err
		}
		return call.tok.access, nil
	case <-ctx.Done():
		return "", &unsentError{fmt.Errorf("%s %s: %w", http.MethodPost, tokenPath, ctx.Err())}
	}
}

func (s *tokenSource) fetch(ctx context.Context, call *fetchCall, prev *token) {
	var tok *token
	var err error
	if prev != nil && prev.refresh != "" {
		tok, err = s.request(ctx, "refresh_token", prev.refresh)
		if st := StatusCode(err); st == http.StatusUnauthorized || st == http.StatusBadRequest {
			tok, err = s.request(ctx, "client_credentials", "")
		}
	} else {
		tok, err = s.request(ctx, "client_credentials", "")
	}
	s.mu.Lock()
	if err == nil {
		if tok.refresh == "" && prev != nil {
			tok.refresh = prev.refresh
		}
		s.cur = tok
	}
	s.inflight = nil
	call.tok, call.err = tok, err
	s.mu.Unlock()
	close(call.done)
}

// invalidate marks the token as rejected so the next get renews it, unless it has
// already been replaced by a newer one.
func (s *tokenSource) invalidate(access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.access == access {
		s.cur.stale = true
	}
}

// request does one POST /oauth2/token.
func (s *tokenSource) request(ctx context.Context, grant, refresh string) (*token, error) {
	o := s.oauth
	body := map[string]string{
		"grant_type":    grant,
		"client_id":     o.ClientID,
		"client_secret": o.ClientSecret,
		"redirect_uri":  o.RedirectURI,
	}
	if grant == "refresh_token" {
		body["refresh_token"] = refresh
	} else {
		body["auth_string"] = base64.StdEncoding.EncodeToString([]byte(o.Username + ":" + o.Password))
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req := request{method: http.MethodPost, path: tokenPath, body: b, token: true}
	resp, err := s.c.send(ctx, req, "")
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status >= 300 {
		e := newError(req.method, req.path, resp)
		e.Body = "" // may echo credentials
		if resp.status == http.StatusUnauthorized {
			e.Hint = hintOAuthRejected
		}
		return nil, e
	}
	if e := checkJSONBody(req.method, req.path, resp); e != nil && e.Code == CodeWrongContentType {
		e.Body = ""
		return nil, e
	}
	if code := notSuccessCode(resp.body); code != "" {
		e := notSuccessError(req.method, req.path, resp, code)
		e.Body = ""
		return nil, e
	}
	m, ok := asObject(resp.body)
	if !ok {
		e := invalidResponse(req.method, req.path, resp, "token answer is not a JSON object")
		e.Body = ""
		return nil, e
	}
	if d, ok := asObject(m["data"]); ok && flexString(m["access_token"]) == "" {
		m = d
	}
	t := &token{access: flexString(m["access_token"]), refresh: flexString(m["refresh_token"])}
	if t.access == "" {
		e := invalidResponse(req.method, req.path, resp, "no access_token in the token answer")
		e.Body = ""
		return nil, e
	}
	if len(t.access) > 8192 || containsCtl(t.access) {
		e := invalidResponse(req.method, req.path, resp, "access_token is not a usable header value")
		e.Body = ""
		return nil, e
	}
	if secs, ok := flexInt64(m["expires_in"]); ok && secs > 0 {
		if secs > 366*86400 {
			secs = 366 * 86400
		}
		life := time.Duration(secs) * time.Second
		early := life / 10
		if early > renewEarlyMax {
			early = renewEarlyMax
		}
		t.expires = s.c.now().Add(life - early)
	}
	return t, nil
}

func containsCtl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
