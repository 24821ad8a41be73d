package apitest

import (
	"strings"
	"time"
)

// customer is the store's own record; render turns it into either shape.
// Empty strings are served as null.
//
// Only what filters and orders need is kept; the rest (money, addresses,
// groups...) is regenerated from the seed on each render, which keeps
// seeding 100k customers fast and the details stable.
type customer struct {
	id, displayID int64
	first, last   string
	email, status string
	company       bool
	companyName   string
	created       time.Time
	updated       time.Time // zero: derived from the seed
	detailSeed    int64
	hostile       int // 1 + index into hostileText; 0 for ordinary customers
	trashed       bool

	extra map[string]any // SetField/Add overrides, served verbatim

	// lower-cased copies for case-insensitive ordering and filtering
	lfirst, llast, lemail, lname string
}

// details are the fields no filter or order looks at.
type details struct {
	storeCredit      any // float64, string or nil: numbers may arrive as strings
	creditLimit      any
	allowCredit      bool
	updated          time.Time
	gender           string
	timezone, source string
	referral, abn    string
	note             string
	groups           []int // indexes into groupNames
	accountHold      bool
	addrs            []address
	sparse           bool // some optional keys are missing, not just null
}

type address struct {
	id                 int64
	typ                string
	first, last, email string
	companyName        string
	line1, line2       string
	country, state     *place
	city, postCode     string
	mobile, phone, fax string
}

type place struct {
	id         int64
	name, code string
}

// relower refreshes the lower-cased copies after a name or email change.
func (c *customer) relower() {
	c.lfirst = strings.ToLower(c.first)
	c.llast = strings.ToLower(c.last)
	c.lemail = strings.ToLower(c.email)
	c.lname = strings.ToLower(strings.TrimSpace(c.first + " " + c.last))
}

// set applies one served field. Searchable string fields update the record so
// filters and orders see them; anything else becomes a verbatim override.
func (c *customer) set(key string, v any) {
	if s, isStr := v.(string); isStr || v == nil {
		var field *string
		switch key {
		case "first_name":
			field = &c.first
		case "last_name":
			field = &c.last
		case "email":
			field = &c.email
		case "status":
			field = &c.status
		case "company_name":
			field = &c.companyName
		}
		if field != nil {
			*field = s
			delete(c.extra, key)
			c.relower()
			return
		}
	}
	if t, ok := v.(time.Time); ok {
		switch key {
		case "created_at":
			c.created = t
			delete(c.extra, key)
			return
		case "updated_at":
			c.updated = t
			delete(c.extra, key)
			return
		}
	}
	if c.extra == nil {
		c.extra = map[string]any{}
	}
	c.extra[key] = v
}

// filter is the list/count query: email exact, search substring, status exact.
type filter struct {
	email, search, status string // email and search lower-cased
}

func (f filter) empty() bool { return f == filter{} }

func (f filter) match(c *customer) bool {
	if f.email != "" && c.lemail != f.email {
		return false
	}
	if f.status != "" && c.status != f.status {
		return false
	}
	if f.search != "" && !strings.Contains(c.lfirst, f.search) && !strings.Contains(c.llast, f.search) &&
		!strings.Contains(c.lemail, f.search) && !strings.Contains(c.lname, f.search) {
		return false
	}
	return true
}
