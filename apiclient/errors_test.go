package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestErrorEnvelopes(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		message string
		code    string
		fields  []FieldError
		reqID   string
		after   time.Duration
		text    string // Error(), when set
	}{
		{
			name: "B validation", status: 400,
			body:    `{"status": "error", "code": 400, "message": "invalid customer id", "error": "validation_failed", "errors": [{"field": "id", "code": "invalid_id", "message": "customer id must be numeric"}]}`,
			message: "invalid customer id", code: "validation_failed",
			fields: []FieldError{{Field: "id", Code: "invalid_id", Message: "customer id must be numeric"}},
			text:   "GET /admin/customers/5: 400 Bad Request: invalid customer id (validation_failed); id: customer id must be numeric",
		},
		{
			name: "A errors list only", status: 403,
			body:    `{"errors": [{"message": "Access denied"}, {"message": "Scope missing"}], "status": "error"}`,
			message: "Access denied", fields: []FieldError{{Message: "Access denied"}, {Message: "Scope missing"}},
			text: "GET /admin/customers/5: 403 Forbidden: Access denied; Scope missing",
		},
		{
			name: "A top-level message and error", status: 401,
			body:    `{"status": 401, "message": "Token expired", "error": "invalid_token"}`,
			message: "Token expired", code: "invalid_token",
		},
		{
			name: "A error sentence", status: 404,
			body:    `{"error": "Customer not found"}`,
			message: "Customer not found",
		},
		{
			name: "nested error object", status: 409,
			body:    `{"error": {"code": "duplicate_email", "message": "Email already registered", "details": [{"field": "email", "message": "taken"}, "second detail"], "request_id": "req-9"}}`,
			message: "Email already registered", code: "duplicate_email", reqID: "req-9",
			fields: []FieldError{{Field: "email", Message: "taken"}, {Message: "second detail"}},
		},
		{
			name: "nested numeric code", status: 500,
			body:    `{"error": {"code": 5001, "message": "db down"}}`,
			message: "db down", code: "5001",
		},
		{
			name: "errors map", status: 422,
			body:    `{"message": "The given data was invalid.", "errors": {"email": ["is invalid", "is taken"], "name": "required"}}`,
			message: "The given data was invalid.",
			fields:  []FieldError{{Field: "email", Message: "is invalid; is taken"}, {Field: "name", Message: "required"}},
		},
		{
			name: "html", status: 502, body: `<html><body>Bad gateway</body></html>`,
			message: "Bad Gateway", text: "GET /admin/customers/5: 502 Bad Gateway",
		},
		{
			name: "empty", status: 500, body: ``, message: "Internal Server Error",
		},
		{
			name: "nulls", status: 400, body: `{"message": null, "error": null, "errors": null, "code": null}`,
			message: "Bad Request",
		},
		{
			name: "rate limit seconds", status: 429, header: map[string]string{"Retry-After": "30", "X-Request-Id": "abc"},
			body: `{"message": "Too many"}`, message: "Too many", reqID: "abc", after: 30 * time.Second,
		},
		{
			name: "isSuccess false on error status", status: 404, body: `{"isSuccess": false, "message": "No such route"}`,
			message: "No such route", code: CodeNotSuccess,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				writeJSON(w, tt.status, tt.body)
			}, func(o *Options) { o.MaxReadRetries = -1 })
			_, err := c.GetCustomer(context.Background(), 5)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if e.StatusCode != tt.status || e.Method != "GET" || e.Path != "/admin/customers/5" {
				t.Errorf("status/method/path = %d %s %s", e.StatusCode, e.Method, e.Path)
			}
			if e.Message != tt.message || e.Code != tt.code || e.RequestID != tt.reqID || e.RetryAfter != tt.after {
				t.Errorf("message %q code %q reqID %q after %v; want %q %q %q %v", e.Message, e.Code, e.RequestID, e.RetryAfter,
					tt.message, tt.code, tt.reqID, tt.after)
			}
			if !reflect.DeepEqual(e.Fields, tt.fields) {
				t.Errorf("fields = %+v, want %+v", e.Fields, tt.fields)
			}
			if e.Body != tt.body {
				t.Errorf("Body = %q", e.Body)
			}
			if tt.text != "" && e.Error() != tt.text {
				t.Errorf("Error() = %q\n          want %q", e.Error(), tt.text)
			}
		})
	}
}

func TestErrorBodyCut(t *testing.T) {
	long := `{"message": "` + strings.Repeat("é", 3000) + `"}`
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 400, long) })
	_, err := c.GetCustomer(context.Background(), 1)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if len(e.Body) > 2048+len("…") || !strings.HasPrefix(long, strings.TrimSuffix(e.Body, "…")) {
		t.Errorf("Body has %d bytes", len(e.Body))
	}
	if len(e.Message) > 500+len("…") {
		t.Errorf("Message has %d bytes", len(e.Message))
	}
}

func TestPredicates(t *testing.T) {
	mk := func(s int) error { return fmt.Errorf("wrapped: %w", &Error{StatusCode: s}) }
	if !IsNotFound(mk(404)) || !IsUnauthorized(mk(401)) || !IsForbidden(mk(403)) || !IsRateLimited(mk(429)) {
		t.Error("predicate false on matching status")
	}
	if IsNotFound(mk(400)) || IsNotFound(errors.New("404")) || IsNotFound(nil) {
		t.Error("IsNotFound true on non-404")
	}
	if StatusCode(nil) != 0 || StatusCode(errors.New("x")) != 0 || StatusCode(mk(503)) != 503 {
		t.Error("StatusCode")
	}
	if !IsTransient(mk(503)) || !IsTransient(mk(429)) || IsTransient(mk(404)) {
		t.Error("IsTransient")
	}
	if errors.Is(mk(200), ErrNotSuccess) {
		t.Error("plain 200 *Error matches ErrNotSuccess")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-5", 0}, {"120", 2 * time.Minute}, {"soon", 0},
		{"Wed, 01 Jan 2025 12:01:00 GMT", time.Minute},
		{"Wed, 01 Jan 2025 11:59:00 GMT", 0},
	} {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
