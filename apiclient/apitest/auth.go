package apitest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

type tokenState struct {
	mu       sync.Mutex
	access   map[string]accessToken
	refresh  map[string]bool // unused refresh tokens (they rotate on use)
	requests int
}

type accessToken struct {
	expires time.Time
	revoked bool
}

func (t *tokenState) init() {
	t.access = map[string]accessToken{}
	t.refresh = map[string]bool{}
}

// RevokeTokens makes every issued OAuth access token answer 401. Refresh
// tokens keep working, so a client's refresh-and-retry path can be tested.
func (s *Store) RevokeTokens() {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	for k, t := range s.tokens.access {
		t.revoked = true
		s.tokens.access[k] = t
	}
}

// TokenRequests counts requests to the token endpoint, failed and faulted ones included.
func (s *Store) TokenRequests() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.requests
}

// authorize checks the access token of an admin call; "" means allowed,
// otherwise it is the reason for the 401.
func (s *Store) authorize(r *http.Request) string {
	if s.opts.Token == "" && s.opts.ClientID == "" {
		return ""
	}
	tok := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "Authorization header must be \"Bearer <token>\""
		}
		tok = strings.TrimSpace(rest)
	} else if s.opts.AcceptAccessTokenHeader {
		tok = r.Header.Get("access_token")
	}
	if tok == "" {
		return "missing access token"
	}
	if s.opts.Token != "" && tok == s.opts.Token {
		return ""
	}
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	t, ok := s.tokens.access[tok]
	switch {
	case !ok:
		return "invalid access token"
	case t.revoked:
		return "access token revoked"
	case !s.now().Before(t.expires):
		return "access token expired"
	}
	return ""
}

// tokenRequest is the body of POST /oauth2/token, for both grant types.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	AuthString   string `json:"auth_string"`
	RedirectURI  string `json:"redirect_uri"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
}

// countTokenRequest runs for every request routed to the token endpoint,
// before latency and faults, so retries of failed attempts are counted too.
func (s *Store) countTokenRequest() {
	s.tokens.mu.Lock()
	s.tokens.requests++
	s.tokens.mu.Unlock()
}

func (s *Store) handleToken(w http.ResponseWriter, r *http.Request) {
	req, err := readTokenRequest(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid token request body", "invalid_request",
			fieldError{"body", "invalid_json", err.Error()})
		return
	}
	switch req.GrantType {
	case "client_credentials":
		if !s.clientOK(req) || !s.userOK(req.AuthString) {
			writeError(w, http.StatusUnauthorized, "invalid client credentials", "invalid_client",
				fieldError{"auth_string", "invalid_credentials", "client or user credentials are wrong"})
			return
		}
	case "refresh_token":
		if !s.clientOK(req) {
			writeError(w, http.StatusUnauthorized, "invalid client credentials", "invalid_client",
				fieldError{"client_id", "invalid_credentials", "client credentials are wrong"})
			return
		}
		s.tokens.mu.Lock()
		known := s.tokens.refresh[req.RefreshToken]
		delete(s.tokens.refresh, req.RefreshToken)
		s.tokens.mu.Unlock()
		if req.RefreshToken == "" || !known {
			writeError(w, http.StatusUnauthorized, "invalid refresh token", "invalid_grant",
				fieldError{"refresh_token", "invalid_grant", "unknown or already used refresh token"})
			return
		}
	default:
		writeError(w, http.StatusBadRequest, "unsupported grant type", "unsupported_grant_type",
			fieldError{"grant_type", "unsupported", "grant_type must be client_credentials or refresh_token"})
		return
	}
	writeJSON(w, http.StatusOK, s.issue())
}

// issue creates a fresh access/refresh token pair.
func (s *Store) issue() map[string]any {
	access, refresh := "wcat_"+randomHex(), "wcrt_"+randomHex()
	ttl := s.opts.TokenTTL
	s.tokens.mu.Lock()
	s.tokens.access[access] = accessToken{expires: s.now().Add(ttl)}
	s.tokens.refresh[refresh] = true
	s.tokens.mu.Unlock()
	// Round up so a sub-second TTL in tests is not announced as 0.
	secs := int64((ttl + time.Second - 1) / time.Second)
	return map[string]any{"access_token": access, "refresh_token": refresh, "expires_in": secs}
}

func (s *Store) clientOK(req tokenRequest) bool {
	o := s.opts
	return o.ClientID == "" ||
		req.ClientID == o.ClientID && req.ClientSecret == o.ClientSecret && req.RedirectURI == o.RedirectURI
}

func (s *Store) userOK(authString string) bool {
	if s.opts.ClientID == "" {
		return true
	}
	raw, err := base64.StdEncoding.DecodeString(authString)
	if err != nil {
		return false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	return ok && user == s.opts.Username && pass == s.opts.Password
}

// readTokenRequest takes JSON as documented; a form body is tolerated
// because some OAuth clients send one by habit.
func readTokenRequest(r *http.Request) (tokenRequest, error) {
	var req tokenRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return req, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return req, err
		}
		return tokenRequest{v.Get("grant_type"), v.Get("auth_string"), v.Get("redirect_uri"),
			v.Get("client_id"), v.Get("client_secret"), v.Get("refresh_token")}, nil
	}
	err = json.Unmarshal(body, &req)
	return req, err
}

func randomHex() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
