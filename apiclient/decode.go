package apiclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Lenient JSON readers: numbers may arrive as strings, anything may be null or missing.

func asObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	return m, true
}

// flexString: a string as is, a number or bool as its JSON text, anything else "".
func flexString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	case c == '-' || (c >= '0' && c <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return ""
		}
		return n.String()
	case bytes.Equal(raw, []byte("true")), bytes.Equal(raw, []byte("false")):
		return string(raw)
	}
	return ""
}

// flexInt64: a JSON integer or a string holding one (an integral float such as 12.0 too).
func flexInt64(raw json.RawMessage) (int64, bool) {
	s := strings.TrimSpace(flexString(raw))
	if s == "" || s == "true" || s == "false" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// flexInt is flexInt64 limited to int.
func flexInt(raw json.RawMessage) (int, bool) {
	n, ok := flexInt64(raw)
	if !ok || int64(int(n)) != n {
		return 0, false
	}
	return int(n), true
}

// flexBool: true/false, "true"/"false"/"1"/"0"/"yes"/"no", 1/0. ok is false for null or missing.
func flexBool(raw json.RawMessage) (value, ok bool) {
	s := strings.ToLower(strings.TrimSpace(flexString(raw)))
	switch s {
	case "true", "1", "yes", "y", "on":
		return true, true
	case "false", "0", "no", "n", "off", "":
		return false, s != ""
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f != 0, true
	}
	return false, false
}

var localLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	time.RFC1123Z,
	time.RFC1123,
}

// flexTime: RFC 3339 (or a close variant) with a zone, or a zoneless timestamp read as UTC
// ("2024-05-01T10:00:00"). Zero when missing or unparseable.
func flexTime(raw json.RawMessage) time.Time {
	s := strings.TrimSpace(flexString(raw))
	if s == "" {
		return time.Time{}
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// decodeCustomer normalises one record of either shape. It fails only when the record
// is not an object or its id fields contradict each other; a record without a positive
// id decodes with ID 0 (callers skip it).
func decodeCustomer(raw json.RawMessage) (Customer, error) {
	m, ok := asObject(raw)
	if !ok {
		return Customer{}, fmt.Errorf("customer record is not a JSON object")
	}
	var c Customer
	id, err := customerID(m)
	if err != nil {
		return Customer{}, err
	}
	c.ID = id
	c.DisplayID = flexString(m["display_id"])
	if c.DisplayID == "" {
		c.DisplayID = flexString(m["internal_id"])
	}
	c.FirstName = flexString(m["first_name"])
	c.LastName = flexString(m["last_name"])
	c.Name = flexString(m["name"])
	c.Email = flexString(m["email"])
	c.Status = flexString(m["status"])
	c.Company, _ = flexBool(m["company"])
	c.CompanyName = flexString(m["company_name"])
	c.StoreCredit = flexString(m["store_credit"])
	c.CreditLimit = flexString(m["credit_limit"])
	c.AllowCreditLimit, _ = flexBool(m["allow_credit_limit"])
	c.InTrash, _ = flexBool(m["is_in_trash"])
	c.CreatedAt = flexTime(m["created_at"])
	c.UpdatedAt = flexTime(m["updated_at"])
	c.Raw = append(json.RawMessage(nil), bytes.TrimSpace(raw)...)
	return c, nil
}

// customerID reads id ([A]) or customer_id ([B]): the only numbers a path may use.
// Both present with different positive values is an error: guessing could target the
// wrong customer.
func customerID(m map[string]json.RawMessage) (int64, error) {
	a, okA := flexInt64(m["id"])
	b, okB := flexInt64(m["customer_id"])
	okA = okA && a > 0
	okB = okB && b > 0
	switch {
	case okA && okB && a != b:
		return 0, fmt.Errorf("customer record has both id %d and customer_id %d; refusing to guess which one is the customer id", a, b)
	case okB:
		return b, nil
	case okA:
		return a, nil
	}
	return 0, nil
}

// decodePage reads {"customers": [...], "pagination": {...}} of either shape.
func decodePage(body []byte, o ListOptions) (Page, error) {
	top, ok := asObject(body)
	if !ok {
		return Page{}, fmt.Errorf("body is not a JSON object")
	}
	rawList, ok := top["customers"]
	if !ok {
		return Page{}, fmt.Errorf(`no "customers" field`)
	}
	var records []json.RawMessage
	if t := bytes.TrimSpace(rawList); !bytes.Equal(t, []byte("null")) {
		if json.Unmarshal(t, &records) != nil {
			return Page{}, fmt.Errorf(`"customers" is not a list`)
		}
	}
	p := Page{Offset: o.Offset, Total: -1, Customers: make([]Customer, 0, len(records))}
	for i, r := range records {
		if bytes.Equal(bytes.TrimSpace(r), []byte("null")) {
			p.Skipped++
			continue
		}
		c, err := decodeCustomer(r)
		if err != nil {
			return Page{}, fmt.Errorf("customer %d of the page: %v", i+1, err)
		}
		if c.ID <= 0 {
			p.Skipped++
			continue
		}
		p.Customers = append(p.Customers, c)
	}

	pag, hasPag := asObject(top["pagination"])
	if hasPag {
		if off, ok := flexInt(pag["offset"]); ok && off >= 0 {
			p.Offset = off
		}
		if t, ok := flexInt(pag["total"]); ok && t >= 0 {
			p.Total = t
		} else if t, ok := flexInt(pag["records"]); ok && t >= 0 {
			p.Total = t
		}
	} else if t, ok := flexInt(top["total"]); ok && t >= 0 {
		p.Total = t
	}
	n := len(records)
	if p.Offset > math.MaxInt-n {
		return Page{}, fmt.Errorf("pagination offset %d is out of range", p.Offset)
	}
	p.NextOffset = p.Offset + n
	switch {
	case n == 0:
		p.HasMore = false
	case hasPag:
		if v, ok := flexBool(pag["has_next"]); ok && v {
			p.HasMore = true
		}
		if present(pag["next_page"]) {
			p.HasMore = true
		}
		if p.Total >= 0 && p.NextOffset < p.Total {
			p.HasMore = true
		}
	case p.Total >= 0:
		p.HasMore = p.NextOffset < p.Total
	default:
		// No pagination at all: a full page may have a successor; an empty one ends the list.
		p.HasMore = o.Limit > 0 && n >= o.Limit
	}
	return p, nil
}

// present: not missing, null, false, "" or 0.
func present(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return false
	}
	switch string(raw) {
	case "null", "false", `""`, "0", `"0"`:
		return false
	}
	return true
}
