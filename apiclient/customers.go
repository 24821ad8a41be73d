package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const customersPath = "/admin/customers"

// customerPath is the only way a customer path is built: from the positive numeric id.
func customerPath(id int64) (string, error) {
	if id <= 0 {
		return "", fmt.Errorf("apiclient: invalid customer id %d (must be positive)", id)
	}
	return customersPath + "/" + strconv.FormatInt(id, 10), nil
}

// ListCustomers reads one page of GET /admin/customers. Records without a positive
// id/customer_id are left out (counted in Page.Skipped).
func (c *Client) ListCustomers(ctx context.Context, o ListOptions) (Page, error) {
	if o.Limit < 0 || o.Offset < 0 {
		return Page{}, errors.New("apiclient: negative limit or offset")
	}
	q := url.Values{}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Offset > 0 {
		q.Set("offset", strconv.Itoa(o.Offset))
	}
	if s := strings.TrimSpace(o.OrderBy); s != "" {
		q.Set("order_by", s)
	}
	if s := strings.ToLower(strings.TrimSpace(o.Direction)); s != "" {
		if s != "asc" && s != "desc" {
			return Page{}, fmt.Errorf("apiclient: direction must be asc or desc, not %q", o.Direction)
		}
		q.Set("direction", s)
	}
	if o.Email != "" {
		q.Set("email", o.Email)
	}
	if o.Search != "" {
		q.Set("search", o.Search)
	}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	resp, err := c.call(ctx, http.MethodGet, customersPath, q)
	if err != nil {
		return Page{}, err
	}
	if code := notSuccessCode(resp.body); code != "" {
		return Page{}, notSuccessError(http.MethodGet, customersPath, resp, code)
	}
	p, err := decodePage(resp.body, o)
	if err != nil {
		return Page{}, invalidResponse(http.MethodGet, customersPath, resp, err.Error())
	}
	return p, nil
}

// GetCustomer reads GET /admin/customers/{id} ({"customer": {...}}). [B] still returns a
// customer that is in the trash (Customer.InTrash).
func (c *Client) GetCustomer(ctx context.Context, id int64) (Customer, error) {
	path, err := customerPath(id)
	if err != nil {
		return Customer{}, err
	}
	resp, err := c.call(ctx, http.MethodGet, path, nil)
	if err != nil {
		return Customer{}, err
	}
	if code := notSuccessCode(resp.body); code != "" {
		return Customer{}, notSuccessError(http.MethodGet, path, resp, code)
	}
	top, ok := asObject(resp.body)
	if !ok {
		return Customer{}, invalidResponse(http.MethodGet, path, resp, "body is not a JSON object")
	}
	raw, ok := top["customer"]
	if !ok {
		return Customer{}, invalidResponse(http.MethodGet, path, resp, `no "customer" field`)
	}
	if _, isObj := asObject(raw); !isObj {
		return Customer{}, invalidResponse(http.MethodGet, path, resp, `"customer" is not an object`)
	}
	cu, err := decodeCustomer(raw)
	if err != nil {
		return Customer{}, invalidResponse(http.MethodGet, path, resp, err.Error())
	}
	switch {
	case cu.ID == 0:
		cu.ID = id // the record omits its id; it is the one asked for
	case cu.ID != id:
		return Customer{}, invalidResponse(http.MethodGet, path, resp,
			fmt.Sprintf("asked for customer %d, got customer %d", id, cu.ID))
	}
	return cu, nil
}

// CountCustomers reads GET /admin/customers/count ({"total": N}; [B] only).
func (c *Client) CountCustomers(ctx context.Context) (int, error) {
	return c.CountMatching(ctx, CountOptions{})
}

// CountMatching reads GET /admin/customers/count with the list's filters
// (email, search, status), e.g. the number of pending customers.
func (c *Client) CountMatching(ctx context.Context, o CountOptions) (int, error) {
	path := customersPath + "/count"
	var q url.Values
	for _, kv := range [][2]string{{"email", o.Email}, {"search", o.Search}, {"status", o.Status}} {
		if kv[1] != "" {
			if q == nil {
				q = url.Values{}
			}
			q.Set(kv[0], kv[1])
		}
	}
	resp, err := c.call(ctx, http.MethodGet, path, q)
	if err != nil {
		return 0, err
	}
	if code := notSuccessCode(resp.body); code != "" {
		return 0, notSuccessError(http.MethodGet, path, resp, code)
	}
	top, ok := asObject(resp.body)
	if !ok {
		return 0, invalidResponse(http.MethodGet, path, resp, "body is not a JSON object")
	}
	for _, k := range []string{"total", "count", "records"} {
		if n, ok := flexInt(top[k]); ok && n >= 0 {
			return n, nil
		}
	}
	return 0, invalidResponse(http.MethodGet, path, resp, `no "total" field`)
}

// DeleteCustomer sends DELETE /admin/customers/{id}, built only from id. It succeeds on
// 204, or on another 2xx whose body is empty or a JSON object that does not say
// isSuccess:false (CodeNotSuccess) or status:error (CodeStatusError: the store
// refused). Whether a failed DELETE may still have happened is IsAmbiguous's call. It is never retried, except once after a 401 when an
// OAuth token could be renewed (the server rejected the request before acting).
// A second delete of the same customer answers 404 on [B] ("Customer already in trash").
func (c *Client) DeleteCustomer(ctx context.Context, id int64) error {
	path, err := customerPath(id)
	if err != nil {
		return &unsentError{err}
	}
	resp, err := c.call(ctx, http.MethodDelete, path, nil)
	if err != nil {
		return err
	}
	if resp.status == http.StatusNoContent {
		return nil
	}
	body := strings.TrimSpace(string(resp.body))
	if body == "" {
		return nil
	}
	if code := notSuccessCode(resp.body); code != "" {
		return notSuccessError(http.MethodDelete, path, resp, code)
	}
	if _, ok := asObject(resp.body); !ok {
		return invalidResponse(http.MethodDelete, path, resp, "delete answered with JSON that is not an object")
	}
	return nil
}

// CodeUnknownParameter is the error code a [B] store answers (with 400) for a
// query parameter it does not know.
const CodeUnknownParameter = "unknown_parameter"

// IsUnknownParameter reports whether err is the store's 400 refusing the
// query parameter name as unknown ("error": "unknown_parameter", or a field
// error of that code naming it): the store does not support that filter.
func IsUnknownParameter(err error, name string) bool {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusBadRequest {
		return false
	}
	named := false
	for _, f := range e.Fields {
		if f.Field == name {
			if f.Code == CodeUnknownParameter {
				return true
			}
			named = true
		}
	}
	// The envelope's code alone: only when no field error names another cause.
	return e.Code == CodeUnknownParameter && (named || len(e.Fields) == 0)
}
