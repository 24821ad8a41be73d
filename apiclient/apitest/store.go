package apitest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Shape selects which of the two documented customer record shapes is served.
type Shape int

const (
	// ShapeA is the official docs / Python SDK shape: id, display_id,
	// pagination {records, limit "10", offset "0", next_page url|null, previous_page},
	// created_at without zone, company bool + company_name, address_line1.
	ShapeA Shape = iota
	// ShapeB is the WebAlive docs shape: customer_id, internal_id, name,
	// pagination {total, limit, offset, count, current_page, total_pages,
	// has_next, has_previous, next_page, previous_page}, RFC 3339 dates,
	// customer_groups, address_line_1, gender, note.
	ShapeB
)

func (s Shape) String() string {
	if s == ShapeB {
		return "B"
	}
	return "A"
}

// SearchMode says what the store does with the list's search parameter.
type SearchMode int

const (
	// SearchServed filters by search: a case-insensitive substring of the first
	// name, last name, full name or email ([B]).
	SearchServed SearchMode = iota
	// SearchIgnored accepts search and ignores it, answering unfiltered pages
	// (an [A] store that documents only email).
	SearchIgnored
	// SearchRejected answers 400 "unknown_parameter" to search, as [B] does
	// for every name it does not know.
	SearchRejected
)

// Options configure a Store. The zero value is a usable unauthenticated
// [A]-shaped store with 500 customers.
type Options struct {
	Shape Shape
	// Customers is the number of seeded customers; 0 means 500, negative means none.
	Customers int
	// Seed makes the data deterministic; 0 means 1.
	Seed int64
	// Token is a static access token that is always accepted.
	// When Token and ClientID are both empty, auth is not checked at all.
	Token string
	// OAuth client credentials accepted by POST /api/v4/oauth2/token. All five
	// are checked when ClientID != ""; otherwise any credentials get a token.
	ClientID, ClientSecret, Username, Password, RedirectURI string
	// TokenTTL is the lifetime of issued access tokens; 0 means 1h.
	TokenTTL time.Duration
	// MaxLimit caps the list limit silently; 0 means 20.
	MaxLimit int
	// AcceptAccessTokenHeader also accepts the old SDK's `access_token: <tok>`
	// header; by default only `Authorization: Bearer <tok>` works.
	AcceptAccessTokenHeader bool
	// Hostile seeds a few customers whose text contains escape sequences,
	// bidi overrides and control characters (tests of sanitising, the demo).
	Hostile bool
	// Now is the clock for token expiry and Add; nil means time.Now.
	Now func() time.Time
	// Search says whether list and count filter by search (the default),
	// ignore it or reject it.
	Search SearchMode
}

// Store is the in-memory shop. All methods are safe for concurrent use.
type Store struct {
	opts Options
	now  func() time.Time

	mu      sync.Mutex
	all     map[int64]*customer    // including trashed
	byID    []*customer            // live customers in id order, always maintained
	orders  map[string][]*customer // other live orders, sorted on first use
	deleted []int64

	tokens tokenState
	faults faultState
	log    requestLog
}

// New seeds a store. It does not listen anywhere: see Handler and Start.
func New(opts Options) *Store {
	switch {
	case opts.Customers == 0:
		opts.Customers = 500
	case opts.Customers < 0:
		opts.Customers = 0
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.MaxLimit <= 0 {
		opts.MaxLimit = 20
	}
	s := &Store{opts: opts, now: opts.Now, orders: map[string][]*customer{}}
	if s.now == nil {
		s.now = time.Now
	}
	g := newGen(opts.Seed)
	s.byID = g.customers(opts.Customers, opts.Hostile)
	s.all = make(map[int64]*customer, len(s.byID))
	for _, c := range s.byID {
		s.all[c.id] = c
	}
	s.tokens.init()
	return s
}

// Deleted returns the ids moved to the trash, in the order of the deletes.
func (s *Store) Deleted() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deleted)
}

// Exists reports whether id is present and not in the trash.
func (s *Store) Exists(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.all[id]
	return c != nil && !c.trashed
}

// IDs returns the live ids in id order.
func (s *Store) IDs() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, len(s.byID))
	for i, c := range s.byID {
		ids[i] = c.id
	}
	return ids
}

// Len is the number of live (not trashed) customers.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

// Record returns the customer as GET /admin/customers/{id} would serve it
// (trashed ones included, with is_in_trash true), as Go values before JSON
// encoding: ids are int64, money is float64, string or nil. The map is a copy.
func (s *Store) Record(id int64) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.all[id]
	if c == nil {
		return nil, false
	}
	return render(c, s.opts.Shape), true
}

// Add inserts a customer and returns its id. fields uses served key names:
// id/customer_id picks the id (panics if taken; default: highest id + 1),
// display_id/internal_id the display number; first_name, last_name, email,
// status and company_name set the searchable fields; any other key is served
// verbatim. Missing fields get realistic generated values.
func (s *Store) Add(fields map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := intField(fields, "id", "customer_id")
	if !ok {
		id = max(1001, s.maxID()+1) // trashed ids are never reused
	}
	if s.all[id] != nil {
		panic(fmt.Sprintf("apitest: Add: customer %d already exists", id))
	}
	c := &customer{}
	newGen(s.opts.Seed^id*7919).fill(c, id, s.now().UTC().Truncate(time.Second))
	if s.emailTaken(c.lemail) { // generated emails stay unique, as the shop enforces (409)
		c.email = strings.Replace(c.email, "@", strconv.FormatInt(id, 10)+"@", 1)
		c.relower()
	}
	c.displayID = id + 1000000
	if len(s.byID) > 0 {
		// Like seeded data: the display number is another customer's id.
		c.displayID = s.byID[len(s.byID)/2].id
	}
	if d, ok := intField(fields, "display_id", "internal_id"); ok {
		c.displayID = d
	}
	for k, v := range fields {
		switch k {
		case "id", "customer_id", "display_id", "internal_id":
			continue
		}
		c.set(k, v)
	}
	s.all[id] = c
	s.link(c)
	return id
}

// SetField changes one served field of a customer (panics on an unknown id).
// Known searchable keys (first_name, last_name, email, status, company_name)
// take a string or nil and affect filtering and ordering; created_at and
// updated_at take a time.Time; any other key, or another value type, is served
// verbatim. Omit removes the key from the served record.
func (s *Store) SetField(id int64, key string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.all[id]
	if c == nil {
		panic(fmt.Sprintf("apitest: SetField: no customer %d", id))
	}
	if c.trashed {
		c.set(key, v)
		return
	}
	// Re-link so the cached orders stay sorted by the new values.
	s.unlink(c)
	c.set(key, v)
	s.link(c)
}

// Omit, given to SetField or Add as a value, removes the key from the served record.
var Omit any = omitted{}

type omitted struct{}

func (s *Store) emailTaken(lower string) bool {
	for _, c := range s.all {
		if c.lemail == lower {
			return true
		}
	}
	return false
}

func (s *Store) maxID() int64 {
	var m int64
	for id := range s.all {
		m = max(m, id)
	}
	return m
}

// ordered returns the live customers sorted by key ascending (ties by id).
func (s *Store) ordered(key string) []*customer {
	if key == "id" {
		return s.byID
	}
	if l, ok := s.orders[key]; ok {
		return l
	}
	l := slices.Clone(s.byID)
	slices.SortFunc(l, compareBy(key))
	s.orders[key] = l
	return l
}

// link inserts c into every maintained order; unlink removes it. Binary
// search keeps deletes and adds cheap at 100k customers.
func (s *Store) link(c *customer) {
	s.byID = insertSorted(s.byID, c, compareBy("id"))
	for k, l := range s.orders {
		s.orders[k] = insertSorted(l, c, compareBy(k))
	}
}

func (s *Store) unlink(c *customer) {
	s.byID = removeSorted(s.byID, c, compareBy("id"))
	for k, l := range s.orders {
		s.orders[k] = removeSorted(l, c, compareBy(k))
	}
}

func insertSorted(l []*customer, c *customer, f func(a, b *customer) int) []*customer {
	i, _ := slices.BinarySearchFunc(l, c, f)
	return slices.Insert(l, i, c)
}

func removeSorted(l []*customer, c *customer, f func(a, b *customer) int) []*customer {
	i, found := slices.BinarySearchFunc(l, c, f)
	if !found {
		return l
	}
	return slices.Delete(l, i, i+1)
}

// orderKeys are the accepted order_by values (customer_id is an alias of id).
var orderKeys = map[string]string{
	"id": "id", "customer_id": "id", "first_name": "first_name", "last_name": "last_name",
	"email": "email", "created_at": "created_at", "status": "status",
}

// compareBy orders case-insensitively by key, then by id so the order is total
// (binary search and stable paging depend on that).
func compareBy(key string) func(a, b *customer) int {
	var field func(a, b *customer) int
	switch key {
	case "first_name":
		field = func(a, b *customer) int { return strings.Compare(a.lfirst, b.lfirst) }
	case "last_name":
		field = func(a, b *customer) int { return strings.Compare(a.llast, b.llast) }
	case "email":
		field = func(a, b *customer) int { return strings.Compare(a.lemail, b.lemail) }
	case "status":
		field = func(a, b *customer) int { return strings.Compare(a.status, b.status) }
	case "created_at":
		field = func(a, b *customer) int { return a.created.Compare(b.created) }
	default:
		return func(a, b *customer) int { return cmp.Compare(a.id, b.id) }
	}
	return func(a, b *customer) int {
		if d := field(a, b); d != 0 {
			return d
		}
		return cmp.Compare(a.id, b.id)
	}
}

// intField reads the first of keys that holds an integer-like value.
func intField(m map[string]any, keys ...string) (int64, bool) {
	for _, k := range keys {
		switch v := m[k].(type) {
		case int:
			return int64(v), true
		case int64:
			return v, true
		case float64:
			return int64(v), true
		}
	}
	return 0, false
}

// newRand is the one place seeds become generators, so data is reproducible.
func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}
