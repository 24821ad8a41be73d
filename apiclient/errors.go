package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNotSuccess matches (errors.Is) an answer that came with a 2xx status but whose
// body says it is an error: an *Error with Code CodeNotSuccess ({"isSuccess": false},
// the API's way of answering a URL it cannot route) or CodeStatusError
// ({"status": "error"}: the store refused the operation). Tell them apart by Code.
var ErrNotSuccess = errors.New("apiclient: server answered isSuccess: false")

// Codes the client sets itself in Error.Code.
const (
	// CodeNotSuccess: a 2xx answer saying {"isSuccess": false}. The API answers so for
	// a URL it cannot route: the site URL (or its base path) probably does not point
	// at the WebCommander API.
	CodeNotSuccess = "isSuccess=false"
	// CodeStatusError: a 2xx answer saying {"status": "error"} (or "fail", "failed",
	// "failure") or {"success": false}. The API routed the request and the store
	// refused the operation; the site URL is fine. Message is the store's reason.
	CodeStatusError     = "status=error"
	CodeInvalidResponse = "invalid_response" // 2xx answer the client cannot understand (e.g. malformed JSON)
	// CodeWrongContentType: JSON was expected but the answer is labelled e.g. text/html
	// and is not JSON (typically a login, proxy or maintenance page answered).
	CodeWrongContentType = "wrong_content_type"
	// CodeTooLarge: the answer's body exceeds MaxResponseBytes; it was not read further.
	CodeTooLarge = "too_large"
)

// Limits on what an error keeps from a body (bodies are untrusted and may be huge).
const (
	maxErrMessage = 500
	maxErrCode    = 100
	maxErrFields  = 50
)

// FieldError is one entry of an error body's "errors" (or "details") list.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

// Error is an API answer that is not a success.
type Error struct {
	StatusCode int
	Method     string
	Path       string // relative to the base URL, e.g. "/admin/customers/12"
	// Message is the server's message (from any envelope), else http.StatusText.
	Message string
	// Code is the server's error code, e.g. "validation_failed", or one of the Code* constants.
	Code       string
	Fields     []FieldError
	RequestID  string
	RetryAfter time.Duration // from Retry-After (seconds or HTTP date); 0 when absent
	// Body is the raw body cut to 2 KB (debugging); empty for the token endpoint.
	Body string
	// Hint is advice for the operator that Error() appends, e.g. after a 401 "the access
	// token was rejected (expired or revoked) — ..."; empty when there is none.
	Hint string
}

// Error reads e.g. "DELETE /admin/customers/12: 404 Not Found: Customer already in trash".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if st := http.StatusText(e.StatusCode); st != "" {
		b.WriteByte(' ')
		b.WriteString(st)
	}
	msg := e.Message
	if msg != "" && msg != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.Code != "" && e.Code != msg {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	for i, f := range e.Fields {
		if i == 3 {
			b.WriteString("; ...")
			break
		}
		if f.Message == msg && f.Field == "" {
			continue
		}
		b.WriteString("; ")
		if f.Field != "" {
			b.WriteString(f.Field)
			b.WriteString(": ")
		}
		switch {
		case f.Message != "":
			b.WriteString(f.Message)
		default:
			b.WriteString(f.Code)
		}
	}
	if e.Hint != "" {
		b.WriteString(" — ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNotSuccess) true for 2xx answers whose body says error
// (Code CodeNotSuccess or CodeStatusError).
func (e *Error) Is(target error) bool {
	return target == ErrNotSuccess && (e.Code == CodeNotSuccess || e.Code == CodeStatusError)
}

// StatusCode is the HTTP status of an *Error in err's chain, 0 otherwise.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports a 404 (unknown id, or [B] "Customer already in trash").
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsUnauthorized reports a 401 (bad or expired token, or bad OAuth credentials).
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports a 403.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsRateLimited reports a 429; see Error.RetryAfter.
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsTransient reports whether a read that failed with err is worth trying again
// later. It is the client's own retry policy (reads are retried exactly when it is
// true, while tries and the caller's context allow):
//   - a *NetError of kind NetConnRefused, NetReset or NetTimeout, or NetDNS when the
//     resolver calls the failure temporary;
//   - a 429, or a 5xx answer that may go away on its own: every 5xx except 501 (not
//     implemented), 505 (HTTP version not supported) and 511 (network login, e.g.
//     a captive portal);
//   - but never an answer the client could not use (Code CodeTooLarge,
//     CodeWrongContentType, CodeInvalidResponse) or one saying error in its body
//     (CodeNotSuccess, CodeStatusError), whatever its status; nor the caller's
//     context ending, nor any other error.
//
// It says nothing about whether a DELETE happened: see IsAmbiguous.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var ne *NetError
	if errors.As(err, &ne) {
		return ne.retryable()
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeTooLarge, CodeWrongContentType, CodeInvalidResponse, CodeNotSuccess, CodeStatusError:
		return false
	}
	switch s := e.StatusCode; {
	case s == http.StatusTooManyRequests:
		return true
	case s == http.StatusNotImplemented, s == http.StatusHTTPVersionNotSupported,
		s == http.StatusNetworkAuthenticationRequired:
		return false
	default:
		return s >= 500 && s <= 599
	}
}

// newError builds an *Error from a non-success answer, reading any known envelope.
func newError(method, path string, r *response) *Error {
	e := &Error{
		StatusCode: r.status,
		Method:     method,
		Path:       path,
		Body:       bodyExcerpt(r.body),
		RequestID:  requestIDHeader(r.header),
		RetryAfter: parseRetryAfter(r.header.Get("Retry-After"), time.Now()),
	}
	readEnvelope(e, r.body)
	if r.status >= 300 && r.status < 400 {
		if loc := r.header.Get("Location"); loc != "" && e.Message == "" {
			e.Message = "redirected to " + cut(loc, 200) + " (check the site URL)"
		}
	}
	if e.Message == "" {
		for _, f := range e.Fields {
			if f.Message != "" {
				e.Message = f.Message
				break
			}
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(r.status)
	}
	return e
}

// readEnvelope fills Message, Code, Fields and RequestID from a JSON error body:
//
//	[B]     {"status":"error","code":400,"message":..,"error":"validation_failed","errors":[{field,code,message}]}
//	[A]     {"errors":[{"message":..}],"status":..,"message":..,"error":..}
//	other   {"error":{"code":..,"message":..,"details":[..],"request_id":..}}
//	routing {"isSuccess":false,"message":..}
func readEnvelope(e *Error, body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return
	}
	if v, ok := m["isSuccess"]; ok && isFalse(v) {
		e.Code = CodeNotSuccess
	}
	e.Message = cut(flexString(m["message"]), 500)
	if e.Message == "" {
		e.Message = cut(flexString(m["error_description"]), 500)
	}
	if raw, ok := m["error"]; ok {
		if obj, ok := asObject(raw); ok {
			if e.Code == "" {
				e.Code = cut(flexString(obj["code"]), maxErrCode)
			}
			if msg := flexString(obj["message"]); msg != "" && e.Message == "" {
				e.Message = cut(msg, 500)
			}
			if id := flexString(obj["request_id"]); id != "" {
				e.RequestID = cut(id, 200)
			}
			e.Fields = append(e.Fields, fieldErrors(obj["details"])...)
			e.Fields = append(e.Fields, fieldErrors(obj["errors"])...)
		} else if s := flexString(raw); s != "" {
			// A code ("validation_failed") or, in some modules, a sentence.
			switch {
			case strings.ContainsAny(s, " \t") && e.Message == "":
				e.Message = cut(s, 500)
			case !strings.ContainsAny(s, " \t") && e.Code == "":
				e.Code = cut(s, maxErrCode)
			}
		}
	}
	if e.Code == "" {
		// "code" is the HTTP status in [B]; only a textual code is worth keeping.
		if s := flexString(m["code"]); s != "" {
			if _, err := strconv.Atoi(s); err != nil {
				e.Code = cut(s, maxErrCode)
			}
		}
	}
	if id := flexString(m["request_id"]); id != "" && e.RequestID == "" {
		e.RequestID = cut(id, 200)
	}
	e.Fields = append(e.Fields, fieldErrors(m["errors"])...)
	if len(e.Fields) > maxErrFields {
		e.Fields = e.Fields[:maxErrFields:maxErrFields]
	}
}

// fieldErrors reads a list of {field,code,message} objects or strings, or a map
// field → message(s).
func fieldErrors(raw json.RawMessage) []FieldError {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var out []FieldError
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		for _, it := range items {
			if obj, ok := asObject(it); ok {
				f := FieldError{
					Field:   cut(flexString(obj["field"]), maxErrCode),
					Code:    cut(flexString(obj["code"]), maxErrCode),
					Message: cut(flexString(obj["message"]), maxErrMessage),
				}
				if f.Field == "" {
					f.Field = cut(flexString(obj["param"]), maxErrCode)
				}
				if f != (FieldError{}) {
					out = append(out, f)
				}
			} else if s := flexString(it); s != "" {
				out = append(out, FieldError{Message: cut(s, 500)})
			}
		}
	case '{':
		obj, _ := asObject(raw)
		for k, v := range obj {
			if s := flexString(v); s != "" {
				out = append(out, FieldError{Field: cut(k, maxErrCode), Message: cut(s, maxErrMessage)})
				continue
			}
			var list []string
			if json.Unmarshal(v, &list) == nil && len(list) > 0 {
				out = append(out, FieldError{Field: cut(k, maxErrCode), Message: cut(strings.Join(list, "; "), maxErrMessage)})
			}
		}
		sortFields(out)
	case '"':
		if s := flexString(raw); s != "" {
			out = append(out, FieldError{Message: cut(s, 500)})
		}
	}
	return out
}

func sortFields(f []FieldError) {
	slices.SortStableFunc(f, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
}

// notSuccessCode says whether a 2xx body says it is an error: CodeNotSuccess for
// {"isSuccess": false}, CodeStatusError for {"success": false} or
// {"status": "error"|"fail"|"failed"|"failure"}, "" otherwise.
func notSuccessCode(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	if v, ok := m["isSuccess"]; ok && isFalse(v) {
		return CodeNotSuccess
	}
	if v, ok := m["success"]; ok && isFalse(v) {
		return CodeStatusError
	}
	switch strings.ToLower(flexString(m["status"])) {
	case "error", "fail", "failed", "failure":
		return CodeStatusError
	}
	return ""
}

// notSuccessError turns a 2xx error-saying body into an *Error with the given Code
// (from notSuccessCode), matching ErrNotSuccess.
func notSuccessError(method, path string, r *response, code string) *Error {
	e := newError(method, path, r)
	e.Code = code
	if e.Message == http.StatusText(r.status) {
		switch code {
		case CodeNotSuccess:
			e.Message = "server answered isSuccess: false"
		default:
			e.Message = "the store answered that the operation failed"
		}
	}
	return e
}

// invalidResponse is a 2xx answer the client cannot use.
func invalidResponse(method, path string, r *response, why string) *Error {
	return &Error{
		StatusCode: r.status,
		Method:     method,
		Path:       path,
		Message:    "unexpected answer: " + why,
		Code:       CodeInvalidResponse,
		RequestID:  requestIDHeader(r.header),
		Body:       bodyExcerpt(r.body),
	}
}

func isFalse(raw json.RawMessage) bool {
	b, ok := flexBool(raw)
	return ok && !b
}

func requestIDHeader(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Request-ID", "Request-Id", "X-Correlation-Id"} {
		if v := h.Get(k); v != "" {
			return cut(v, 200)
		}
	}
	return ""
}

// parseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > 86400*7 {
			n = 86400 * 7
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d.Round(time.Second)
		}
	}
	return 0
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}

// checkJSONBody vets a 2xx body that should be JSON (an empty body passes: callers
// decide whether that is fine). A body that does not parse is CodeWrongContentType
// when the Content-Type names something other than JSON (a login, proxy or
// maintenance page answered), else CodeInvalidResponse (malformed JSON). A JSON body
// under a wrong label is accepted: some stores mislabel their answers.
//
// The messages say what the store sent, not what it means for a DELETE: whether a
// DELETE happened is IsAmbiguous's call (these are ambiguous), settled by the
// caller's follow-up check (package deletion), which words the outcome.
func checkJSONBody(method, path string, r *response) *Error {
	body := bytes.TrimSpace(r.body)
	if len(body) == 0 {
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal(body, &raw) // validates without building a tree
	if err == nil {
		return nil
	}
	if ct, ok := nonJSONContentType(r.header.Get("Content-Type")); ok {
		e := invalidResponse(method, path, r, "")
		e.Code = CodeWrongContentType
		e.Message = fmt.Sprintf("expected JSON but the store answered with %s — a login page, proxy or maintenance page "+
			"probably answered instead of the API: check the site URL (and any proxy or VPN)", ct)
		return e
	}
	why := err.Error()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		why = fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	e := invalidResponse(method, path, r, "")
	e.Message = fmt.Sprintf("the store answered with malformed JSON (%s) — the store or something in between sent a "+
		"broken answer: check the site URL and try again", cut(why, 200))
	return e
}

// nonJSONContentType returns the media type when ct names one that is not JSON;
// ok is false for JSON types (application/json, text/json, */*+json) and when ct is
// missing or unparseable.
func nonJSONContentType(ct string) (string, bool) {
	if strings.TrimSpace(ct) == "" {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", false
	}
	if strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "/x-json") {
		return "", false
	}
	return cut(mt, 100), true
}

// tooLargeError is an answer whose body exceeded MaxResponseBytes.
func tooLargeError(method, path string, status int, h http.Header) *Error {
	msg := fmt.Sprintf("the store's answer is larger than %d MB, more than the client accepts — "+
		"check that the site URL points at the store's API, or ask for smaller pages", MaxResponseBytes>>20)
	return &Error{
		StatusCode: status,
		Method:     method,
		Path:       path,
		Message:    msg,
		Code:       CodeTooLarge,
		RequestID:  requestIDHeader(h),
	}
}

// Hints for rejected credentials.
const (
	hintTokenRejected = "the access token was rejected (expired or revoked) — get a new access token or check " +
		"the credentials (and the token header style: Bearer or access_token)"
	hintTokenRejectedOAuth = "the access token was rejected (expired or revoked) even after renewing it — check the " +
		"OAuth credentials, the API user's rights and the token header style (Bearer or access_token)"
	hintOAuthRejected = "the store rejected the OAuth credentials — check the client id, client secret, " +
		"user name and password"
)

// bodyExcerpt is the start of body for Error.Body, converting only what is kept.
func bodyExcerpt(body []byte) string {
	if len(body) > errBodyLimit+utf8.UTFMax {
		body = body[:errBodyLimit+utf8.UTFMax]
	}
	return cut(string(body), errBodyLimit)
}
