package apitest

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDefaults(t *testing.T) {
	if n := New(Options{}).Len(); n != 500 {
		t.Errorf("default customers = %d, want 500", n)
	}
	if n := New(Options{Customers: -1}).Len(); n != 0 {
		t.Errorf("Customers -1 gives %d customers, want none", n)
	}
	if n := New(Options{Customers: 7}).Len(); n != 7 {
		t.Errorf("Customers 7 gives %d", n)
	}
}

func TestDeterministic(t *testing.T) {
	for _, shape := range []Shape{ShapeA, ShapeB} {
		a := New(Options{Shape: shape, Customers: 300, Seed: 42, Hostile: true})
		b := New(Options{Shape: shape, Customers: 300, Seed: 42, Hostile: true})
		if !reflect.DeepEqual(a.IDs(), b.IDs()) {
			t.Fatal("same seed, different ids")
		}
		for _, id := range a.IDs() {
			ra, _ := a.Record(id)
			rb, _ := b.Record(id)
			if !reflect.DeepEqual(ra, rb) {
				t.Fatalf("shape %v: same seed, record %d differs:\n%v\n%v", shape, id, ra, rb)
			}
			// Details are regenerated per render: they must not drift.
			again, _ := a.Record(id)
			if !reflect.DeepEqual(ra, again) {
				t.Fatalf("record %d changes between renders", id)
			}
		}
	}
	a, _ := New(Options{Seed: 1}).Record(1001)
	b, _ := New(Options{Seed: 2}).Record(1001)
	if reflect.DeepEqual(a, b) {
		t.Error("different seeds give the same first customer")
	}
	if !reflect.DeepEqual(New(Options{}).IDs(), New(Options{Seed: 1}).IDs()) {
		t.Error("seed 0 is not seed 1")
	}
}

func TestIDsGappedAndDisplayIDsCollide(t *testing.T) {
	s := New(Options{})
	ids := s.IDs()
	if ids[0] != 1001 {
		t.Fatalf("first id %d, want 1001", ids[0])
	}
	live := map[int64]bool{}
	gaps := 0
	for i, id := range ids {
		live[id] = true
		if i > 0 && id <= ids[i-1] {
			t.Fatalf("ids not increasing at %d", i)
		}
		if i > 0 && id > ids[i-1]+1 {
			gaps++
		}
	}
	if gaps < 10 {
		t.Errorf("only %d gaps in the ids; want a non-contiguous sequence", gaps)
	}
	collide := 0
	for _, id := range ids {
		r, _ := s.Record(id)
		d := r["display_id"].(int64)
		if d == id {
			t.Fatalf("customer %d: display_id equals its own id", id)
		}
		if live[d] {
			collide++
		}
	}
	if collide < len(ids)/2 {
		t.Errorf("only %d of %d display ids equal another customer's id", collide, len(ids))
	}
	// The same trap in shape B.
	b := New(Options{Shape: ShapeB})
	r, _ := b.Record(1001)
	if r["internal_id"] == nil || r["internal_id"] == r["customer_id"] {
		t.Errorf("shape B internal_id %v", r["internal_id"])
	}
}

// The seeded data must exercise what the contract warns about.
func TestSeedVariety(t *testing.T) {
	s := New(Options{Shape: ShapeA, Customers: 1000})
	seen := map[string]int{}
	statuses := map[any]bool{}
	for _, id := range s.IDs() {
		r, _ := s.Record(id)
		statuses[r["status"]] = true
		name, _ := r["first_name"].(string)
		last, _ := r["last_name"].(string)
		if !isASCII(name + last) {
			seen["non-ascii name"]++
		}
		if r["last_name"] == nil {
			seen["null last_name"]++
		}
		if _, ok := r["timezone"]; !ok {
			seen["missing key"]++
		}
		for _, k := range []string{"store_credit", "credit_limit"} {
			switch r[k].(type) {
			case string:
				seen["money string"]++
			case float64:
				seen["money number"]++
			case nil:
				seen["money null"]++
			}
		}
		if r["company"] == true && r["company_name"] != nil {
			seen["company"]++
		}
		addrs := r["addresses"].([]any)
		if len(addrs) < 1 || len(addrs) > 2 {
			t.Fatalf("customer %d has %d addresses", id, len(addrs))
		}
		seen["addresses"+string(rune('0'+len(addrs)))]++
		a := addrs[0].(map[string]any)
		if a["address_line1"] == nil || a["country"] == nil {
			t.Fatalf("address without line or country: %v", a)
		}
		if _, err := time.Parse(layoutA, r["created_at"].(string)); err != nil {
			t.Fatalf("created_at %v", r["created_at"])
		}
		email := r["email"].(string)
		if !strings.Contains(email, "@") {
			t.Fatalf("email %q", email)
		}
		if email != strings.ToLower(email) {
			seen["upper email"]++
		}
		if r["active_billing_address"] == nil {
			t.Fatalf("no active billing address: %v", r)
		}
	}
	for _, k := range []string{"non-ascii name", "null last_name", "missing key", "money string", "money number", "money null", "company", "addresses1", "addresses2", "upper email"} {
		if seen[k] == 0 {
			t.Errorf("no customer with %s", k)
		}
	}
	if len(statuses) != 5 {
		t.Errorf("statuses %v, want all five", statuses)
	}
}

func TestHostile(t *testing.T) {
	plain := New(Options{})
	for _, id := range plain.IDs() {
		r, _ := plain.Record(id)
		if hasControl(r["first_name"]) || hasControl(r["email"]) {
			t.Fatalf("control characters without Hostile: %v", r["first_name"])
		}
	}
	s := New(Options{Hostile: true, Shape: ShapeB})
	bad := 0
	for _, id := range s.IDs()[:20] {
		r, _ := s.Record(id)
		if hasControl(r["first_name"]) || hasControl(r["last_name"]) || hasControl(r["email"]) {
			bad++
		}
	}
	if bad < 5 {
		t.Errorf("only %d hostile customers on the first page", bad)
	}
}

func TestAddAndSetField(t *testing.T) {
	s := New(Options{Customers: 20, Shape: ShapeB})
	ids := s.IDs()
	last := ids[len(ids)-1]
	id := s.Add(map[string]any{"first_name": "Aaron", "email": "aaron@example.com", "vip": true})
	if id != last+1 || !s.Exists(id) || s.Len() != 21 {
		t.Fatalf("Add gave %d (last %d), len %d", id, last, s.Len())
	}
	r, _ := s.Record(id)
	if r["first_name"] != "Aaron" || r["email"] != "aaron@example.com" || r["vip"] != true || r["customer_id"] != id {
		t.Fatalf("added record %v", r)
	}
	if r["internal_id"] == id {
		t.Error("added customer's internal_id equals its id")
	}
	if got := s.Add(map[string]any{"customer_id": 1000}); got != 1000 || s.IDs()[0] != 1000 {
		t.Fatalf("Add with id: %d, ids %v", got, s.IDs()[:2])
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Add of an existing id did not panic")
			}
		}()
		s.Add(map[string]any{"id": 1000})
	}()

	s.SetField(1001, "first_name", "Zzz")
	s.SetField(1001, "timezone", Omit)
	s.SetField(1001, "store_credit", "not a number")
	r, _ = s.Record(1001)
	if r["first_name"] != "Zzz" || r["name"] == nil || !strings.HasPrefix(r["name"].(string), "Zzz") || r["store_credit"] != "not a number" {
		t.Fatalf("after SetField: %v", r)
	}
	if _, ok := r["timezone"]; ok {
		t.Error("Omit left the key")
	}
	s.SetField(1001, "email", nil)
	if r, _ = s.Record(1001); r["email"] != nil {
		t.Errorf("email set to nil is %v", r["email"])
	}
}

func TestRecordUnknown(t *testing.T) {
	s := New(Options{Customers: 3})
	if _, ok := s.Record(1); ok {
		t.Error("Record of an unknown id")
	}
	if s.Exists(1) {
		t.Error("Exists of an unknown id")
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func hasControl(v any) bool {
	s, _ := v.(string)
	return strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u200b'
	})
}
