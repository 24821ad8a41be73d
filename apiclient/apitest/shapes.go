package apitest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// layoutA is [A]'s created_at: local time without a zone.
const layoutA = "2006-01-02T15:04:05"

// sparseKeys are left out entirely (not null) for some customers.
var sparseKeys = []string{"timezone", "referral_code", "note", "sex", "gender", "profile_picture", "account_hold"}

// render builds the served record. It is a fresh map: callers may keep it.
func render(c *customer, shape Shape) map[string]any {
	d := c.details()
	var m map[string]any
	if shape == ShapeB {
		m = renderB(c, d)
	} else {
		m = renderA(c, d)
	}
	if d.sparse {
		for _, k := range sparseKeys {
			delete(m, k)
		}
	}
	for k, v := range c.extra {
		if v == Omit {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

func renderA(c *customer, d details) map[string]any {
	addrs := make([]any, len(d.addrs))
	var billing, shipping any
	for i, a := range d.addrs {
		addrs[i] = renderAddress(a, "address_line1", "address_line2")
		if a.typ != "shipping" && billing == nil {
			billing = a.id
		}
		if a.typ != "billing" {
			shipping = a.id
		}
	}
	return map[string]any{
		"id":                      c.id,
		"display_id":              c.displayID,
		"first_name":              null(c.first),
		"last_name":               null(c.last),
		"email":                   null(c.email),
		"status":                  null(c.status),
		"company":                 c.company,
		"company_name":            null(c.companyName),
		"store_credit":            d.storeCredit,
		"credit_limit":            d.creditLimit,
		"allow_credit_limit":      d.allowCredit,
		"created_at":              c.created.UTC().Format(layoutA),
		"sex":                     null(d.gender),
		"timezone":                null(d.timezone),
		"abn":                     null(d.abn),
		"referral_code":           null(d.referral),
		"default_tax_code":        nil,
		"source":                  null(d.source),
		"profile_picture":         nil,
		"is_in_trash":             c.trashed,
		"addresses":               addrs,
		"active_billing_address":  billing,
		"active_shipping_address": shipping,
	}
}

func renderB(c *customer, d details) map[string]any {
	addrs := make([]any, len(d.addrs))
	for i, a := range d.addrs {
		addrs[i] = renderAddress(a, "address_line_1", "address_line_2")
	}
	groups := make([]any, len(d.groups))
	for i, g := range d.groups {
		groups[i] = map[string]any{"id": int64(g + 1), "name": groupNames[g]}
	}
	return map[string]any{
		"customer_id":        c.id,
		"internal_id":        c.displayID,
		"first_name":         null(c.first),
		"last_name":          null(c.last),
		"name":               null(strings.TrimSpace(c.first + " " + c.last)),
		"email":              null(c.email),
		"status":             null(c.status),
		"company_name":       null(c.companyName),
		"store_credit":       d.storeCredit,
		"credit_limit":       d.creditLimit,
		"allow_credit_limit": d.allowCredit,
		"created_at":         c.created.UTC().Format(time.RFC3339),
		"updated_at":         d.updated.UTC().Format(time.RFC3339),
		"gender":             null(d.gender),
		"customer_groups":    groups,
		"custom_properties":  []any{},
		"account_hold":       d.accountHold,
		"note":               null(d.note),
		"source":             null(d.source),
		"timezone":           null(d.timezone),
		"is_in_trash":        c.trashed,
		"addresses":          addrs,
	}
}

func renderAddress(a address, line1, line2 string) map[string]any {
	return map[string]any{
		"id":           a.id,
		"type":         a.typ,
		"first_name":   null(a.first),
		"last_name":    null(a.last),
		"email":        null(a.email),
		"company_name": null(a.companyName),
		line1:          null(a.line1),
		line2:          null(a.line2),
		"country":      renderPlace(a.country),
		"state":        renderPlace(a.state),
		"city":         null(a.city),
		"post_code":    null(a.postCode),
		"mobile":       null(a.mobile),
		"phone":        null(a.phone),
		"fax":          null(a.fax),
	}
}

func renderPlace(p *place) any {
	if p == nil {
		return nil
	}
	return map[string]any{"id": p.id, "name": p.name, "code": p.code}
}

// null serves an empty string as JSON null.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// pageInfo is everything a pagination object is built from.
type pageInfo struct {
	total, limit, offset, count int
}

func (p pageInfo) hasNext() bool { return p.count > 0 && p.offset+p.count < p.total }

// paginationA: counts as strings, neighbours as absolute URLs or null.
func paginationA(r *http.Request, p pageInfo) map[string]any {
	m := map[string]any{
		"records":       p.total,
		"limit":         strconv.Itoa(p.limit),
		"offset":        strconv.Itoa(p.offset),
		"next_page":     nil,
		"previous_page": nil,
	}
	if p.hasNext() {
		m["next_page"] = pageURL(r, p.offset+p.count, p.limit)
	}
	if p.offset > 0 {
		m["previous_page"] = pageURL(r, max(0, p.offset-p.limit), p.limit)
	}
	return m
}

// paginationB: numbers, page counters, neighbours as page numbers or null.
func paginationB(p pageInfo) map[string]any {
	page := p.offset/p.limit + 1
	pages := (p.total + p.limit - 1) / p.limit
	m := map[string]any{
		"total":         p.total,
		"limit":         p.limit,
		"offset":        p.offset,
		"count":         p.count,
		"current_page":  page,
		"total_pages":   pages,
		"has_next":      p.hasNext(),
		"has_previous":  p.offset > 0,
		"next_page":     nil,
		"previous_page": nil,
	}
	if p.hasNext() {
		m["next_page"] = page + 1
	}
	if p.offset > 0 {
		m["previous_page"] = max(1, page-1)
	}
	return m
}

// pageURL is the request's own URL with another offset (page dropped, since
// offset wins anyway).
func pageURL(r *http.Request, offset, limit int) string {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		q[k] = v
	}
	q.Del("page")
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(limit))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}).String()
}
