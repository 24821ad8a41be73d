package apiclient

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The seed corpora live in testdata/fuzz/<Name>/ and run with every `go test`.
// Explore with e.g. go test -fuzz=FuzzDecodePage -fuzztime=30s ./apiclient/

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(shapeAPage))
	f.Add([]byte(shapeBPage))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, o := range []ListOptions{{}, {Limit: 20, Offset: 40}} {
			p, err := decodePage(body, o)
			if err != nil {
				continue
			}
			if p.NextOffset < p.Offset || p.Offset < 0 {
				t.Fatalf("offset %d, next %d", p.Offset, p.NextOffset)
			}
			if p.Total < -1 || p.Skipped < 0 {
				t.Fatalf("total %d, skipped %d", p.Total, p.Skipped)
			}
			if p.NextOffset-p.Offset != len(p.Customers)+p.Skipped {
				t.Fatalf("next %d - offset %d != %d customers + %d skipped", p.NextOffset, p.Offset, len(p.Customers), p.Skipped)
			}
			for _, c := range p.Customers {
				if c.ID <= 0 {
					t.Fatalf("customer with id %d", c.ID)
				}
				if !json.Valid(c.Raw) {
					t.Fatalf("Raw is not JSON: %q", c.Raw)
				}
			}
		}
	})
}

func FuzzDecodeCustomer(f *testing.F) {
	f.Add([]byte(`{"id": 1234, "display_id": 17, "first_name": "Ada"}`))
	f.Add([]byte(`{"customer_id": "78", "internal_id": "1002", "is_in_trash": true}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := decodeCustomer(raw)
		if err != nil {
			return
		}
		if c.ID < 0 {
			t.Fatalf("negative id %d", c.ID)
		}
		if !json.Valid(c.Raw) {
			t.Fatalf("Raw is not JSON: %q", c.Raw)
		}
		_ = c.FullName()
	})
}

func FuzzErrorEnvelope(f *testing.F) {
	f.Add([]byte(`{"status": "error", "code": 400, "message": "invalid customer id", "error": "validation_failed", "errors": [{"field": "id", "code": "invalid_id", "message": "customer id must be numeric"}]}`))
	f.Add([]byte(`{"error": {"code": "duplicate_email", "message": "Email already registered", "details": [{"field": "email", "message": "taken"}], "request_id": "req-9"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{200, 302, 400, 503} {
			h := http.Header{"Content-Type": {"text/html"}, "Location": {string(body)}, "Retry-After": {string(body)}}
			r := &response{status: status, header: h, body: body}
			code := notSuccessCode(body)
			for _, e := range []*Error{newError("GET", "/admin/customers", r), notSuccessError("DELETE", "/admin/customers/1", r, CodeStatusError)} {
				checkError(t, e)
			}
			if code != "" && code != CodeNotSuccess && code != CodeStatusError {
				t.Fatalf("notSuccessCode = %q", code)
			}
			if e := checkJSONBody("GET", "/admin/customers", r); e != nil {
				checkError(t, e)
			}
		}
	})
}

func checkError(t *testing.T, e *Error) {
	t.Helper()
	const ell = len("…")
	if len(e.Message) > 600+ell {
		t.Fatalf("message of %d bytes", len(e.Message))
	}
	if len(e.Code) > maxErrCode+ell || len(e.RequestID) > 200+ell || len(e.Body) > errBodyLimit+ell || len(e.Fields) > maxErrFields {
		t.Fatalf("code %d, request id %d, body %d bytes, %d fields", len(e.Code), len(e.RequestID), len(e.Body), len(e.Fields))
	}
	if e.RetryAfter < 0 {
		t.Fatalf("Retry-After %v", e.RetryAfter)
	}
	msg := e.Error()
	if len(msg) > 4096 {
		t.Fatalf("Error() of %d bytes", len(msg))
	}
}
