// Package apiclient talks to the WebCommander REST API v4 (customer endpoints).
// It has no terminal code: callers make text terminal-safe themselves.
package apiclient

import (
	"encoding/json"
	"time"
)

// Customer is one customer record, normalised from either response shape
// ([A] id/display_id or [B] customer_id/internal_id).
type Customer struct {
	// ID is the only number ever used in a /admin/customers/{id} path.
	ID int64
	// DisplayID is display_id ([A]) or internal_id ([B]). Never send it in a path.
	DisplayID string

	FirstName   string
	LastName    string
	Name        string // [B] only; FullName() falls back to first + last
	Email       string
	Status      string
	Company     bool
	CompanyName string

	StoreCredit      string // kept as text: numbers may arrive as strings
	CreditLimit      string
	AllowCreditLimit bool

	CreatedAt time.Time // zero when missing or unparseable
	UpdatedAt time.Time

	// InTrash is is_in_trash: [B] still returns a deleted customer, marked as in the trash.
	InTrash bool

	// Raw is the record exactly as the server sent it (detail view, snapshots).
	Raw json.RawMessage
}

// FullName is the display name: name when the server sends it, else first + last.
func (c Customer) FullName() string {
	if c.Name != "" {
		return c.Name
	}
	switch {
	case c.FirstName == "":
		return c.LastName
	case c.LastName == "":
		return c.FirstName
	}
	return c.FirstName + " " + c.LastName
}

// ListOptions are the query parameters of GET /admin/customers. Zero values are not sent.
type ListOptions struct {
	Limit     int
	Offset    int
	OrderBy   string // e.g. "id", "first_name", "email", "created_at", "status"
	Direction string // "asc" or "desc"
	Email     string
	Search    string // [B] only: free text over name and email; [A] stores may ignore it
	Status    string // [B]: active, inactive, pending, approval_awaiting, awaiting_verification
}

// CountOptions are the filters GET /admin/customers/count takes (the list's
// filters, without paging or order). Zero values are not sent.
type CountOptions struct {
	Email  string
	Search string
	Status string
}

// Page is one page of GET /admin/customers.
type Page struct {
	Customers []Customer
	// Offset is where this page started.
	Offset int
	// Total is the number of customers the server reports (records or total); -1 when it did not say.
	Total int
	// HasMore reports whether another page follows.
	HasMore bool
	// NextOffset is Offset + len(Customers) + Skipped: pages can be shorter than asked.
	NextOffset int
	// Skipped counts records on this page that had no usable (positive) id or customer_id;
	// they are left out of Customers because no path may be built for them.
	Skipped int
}
