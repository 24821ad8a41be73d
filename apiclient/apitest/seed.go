package apitest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// seedEpoch is the fixed "today" of seeded data, so a seed always gives the
// same records whatever the wall clock says.
var seedEpoch = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

// gen makes realistic customers from one deterministic random stream.
type gen struct {
	r      *rand.Rand
	seed   int64
	emails map[string]bool
}

func newGen(seed int64) *gen {
	return &gen{r: newRand(seed), seed: seed, emails: map[string]bool{}}
}

// customers seeds n customers in id order. Ids start at 1001 with gaps, and
// most display ids equal another customer's id, so a client that puts the
// display id in a path hits (and deletes) the wrong customer.
func (g *gen) customers(n int, hostile bool) []*customer {
	g.emails = make(map[string]bool, n)
	ids := make([]int64, n)
	id := int64(1001)
	for i := range ids {
		ids[i] = id
		id++
		if g.r.IntN(5) == 0 {
			id += 1 + g.r.Int64N(4)
		}
	}
	span := seedEpoch.Sub(seedEpoch.AddDate(-6, 0, 0))
	start := seedEpoch.Add(-span)
	shift := 1 + n/3
	block := make([]customer, n) // one allocation instead of n
	out := make([]*customer, n)
	for i, id := range ids {
		// Creation dates grow with the id, with jitter and some imported
		// customers at random dates, so created_at order is close to but not id order.
		created := start.Add(span / time.Duration(n+1) * time.Duration(i)).Add(time.Duration(g.r.Int64N(int64(72 * time.Hour))))
		if g.r.IntN(10) == 0 {
			created = start.Add(time.Duration(g.r.Int64N(int64(span))))
		}
		c := &block[i]
		g.fill(c, id, created.Truncate(time.Second))
		c.displayID = ids[len(ids)-1] + 1 + int64(i)*3 // outside the id range
		if n > 1 && g.r.IntN(4) != 0 {
			c.displayID = ids[(i+shift)%n]
		}
		out[i] = c
	}
	if hostile {
		makeHostile(out)
	}
	return out
}

// fill sets the searchable fields of one customer created at created.
func (g *gen) fill(c *customer, id int64, created time.Time) {
	r := g.r
	*c = customer{id: id, created: created, detailSeed: g.seed*1_000_003 + id}
	c.first = pick(r, firstNames)
	c.last = pick(r, lastNames)
	if r.IntN(30) == 0 {
		c.last = "" // served as null
	}
	c.email = g.email(c.first, c.last, id)
	c.status = weightedStatus(r)
	if r.IntN(5) == 0 {
		c.company = true
		c.companyName = pick(r, companies)
	}
	c.relower()
}

// details regenerates the rest of a customer; the same customer always gets
// the same details.
func (c *customer) details() details {
	r := newRand(c.detailSeed)
	var d details
	d.storeCredit = money(r, 200)
	d.creditLimit = money(r, 5000)
	d.allowCredit = r.IntN(4) == 0
	until := seedEpoch.Sub(c.created)
	if until <= 0 {
		until = time.Hour
	}
	d.updated = c.created.Add(time.Duration(r.Int64N(int64(until)))).Truncate(time.Second)
	if !c.updated.IsZero() {
		d.updated = c.updated
	}
	d.gender = pick(r, []string{"male", "female", "female", "male", "other", ""})
	d.source = pick(r, []string{"site", "site", "admin", "api", "import", "checkout"})
	if r.IntN(10) < 7 {
		d.referral = "REF" + strings.ToUpper(strconv.FormatInt(r.Int64N(1<<30)+1<<30, 36))
	}
	if r.IntN(7) == 0 {
		d.note = pick(r, notes)
	}
	for range r.IntN(3) {
		d.groups = append(d.groups, r.IntN(len(groupNames)))
	}
	d.accountHold = r.IntN(40) == 0
	d.sparse = r.IntN(20) == 0
	ctry := pick(r, countries)
	d.timezone = ctry.tz
	if r.IntN(12) == 0 {
		d.timezone = ""
	}
	if c.company && ctry.country.code == "AU" {
		d.abn = fmt.Sprintf("%02d %03d %03d %03d", 10+r.IntN(90), r.IntN(1000), r.IntN(1000), r.IntN(1000))
	}
	// Address ids are derived from the customer id so they never collide.
	d.addrs = append(d.addrs, c.address(r, 2*c.id+3000, ctry, "primary"))
	if r.IntN(10) < 3 {
		d.addrs[0].typ = "billing"
		d.addrs = append(d.addrs, c.address(r, 2*c.id+3001, pick(r, countries), "shipping"))
	}
	if c.hostile > 0 {
		hostileDetails(&d, hostileText[c.hostile-1].first)
	}
	return d
}

func (c *customer) address(r *rand.Rand, id int64, ctry country, typ string) address {
	a := address{id: id, typ: typ, first: c.first, last: c.last, email: c.email, companyName: c.companyName}
	if typ == "shipping" && r.IntN(3) == 0 { // a gift to someone else
		a.first, a.last = pick(r, firstNames), pick(r, lastNames)
	}
	a.line1 = fmt.Sprintf("%d %s %s", 1+r.IntN(250), pick(r, streets), pick(r, []string{"Street", "Road", "Avenue", "Lane", "St", "Rd"}))
	if r.IntN(10) < 3 {
		a.line2 = pick(r, []string{"Unit 4", "Level 12", "Apt 7B", "Suite 300", "c/o Reception"})
	}
	cp := ctry.country
	a.country = &cp
	if len(ctry.states) > 0 {
		st := pick(r, ctry.states)
		a.state = &st.place
		a.city = st.city
	} else {
		a.city = ctry.city
	}
	a.postCode = fmt.Sprintf("%0*d", ctry.postLen, r.IntN(pow10(ctry.postLen)))
	a.mobile = fmt.Sprintf("%s %d%02d %03d %03d", ctry.dial, 4+r.IntN(5), r.IntN(100), r.IntN(1000), r.IntN(1000))
	if r.IntN(2) == 0 {
		a.phone = fmt.Sprintf("%s %d %04d %04d", ctry.dial, 2+r.IntN(7), r.IntN(10000), r.IntN(10000))
	}
	if r.IntN(20) == 0 {
		a.fax = a.phone
	}
	return a
}

// email derives a unique address from the name, with varied patterns, domains
// and the occasional capital letters (the email filter is case-insensitive).
func (g *gen) email(first, last string, id int64) string {
	r := g.r
	f, l := asciiFold(first), asciiFold(last)
	if f == "" {
		f = "customer"
	}
	local := f
	if l != "" {
		switch r.IntN(6) {
		case 0:
			local = f + "." + l
		case 1:
			local = f + l
		case 2:
			local = f[:1] + "." + l
		case 3:
			local = f + "_" + l
		case 4:
			local = fmt.Sprintf("%s.%s%d", f, l, 1+r.IntN(99))
		default:
			local = l + "." + f
		}
	}
	addr := local + "@" + pick(r, domains)
	if g.emails[addr] {
		addr = fmt.Sprintf("%s%d@%s", local, id, pick(r, domains))
	}
	g.emails[addr] = true
	if r.IntN(20) == 0 {
		addr = strings.ToUpper(addr[:1]) + addr[1:]
	}
	return addr
}

// asciiFold makes an email-safe local part from a name: accents dropped,
// CJK transliterated, everything else that is not [a-z0-9] removed.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteString(fold[r])
		}
	}
	return b.String()
}

var fold = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'å': "a", 'ã': "a", 'ą': "a", 'ç': "c", 'ć': "c", 'č': "c",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ę': "e", 'í': "i", 'ï': "i", 'î': "i", 'ł': "l", 'ñ': "n", 'ń': "n",
	'ó': "o", 'ö': "o", 'ø': "o", 'ô': "o", 'ú': "u", 'ü': "u", 'ß': "ss", 'ś': "s", 'š': "s", 'ż': "z", 'ź': "z",
	'李': "li", '王': "wang", '张': "zhang", '陈': "chen", '娜': "na", '伟': "wei", '明': "ming", '小': "xiao",
	'田': "ta", '中': "naka", '優': "yu",
}

func pick[T any](r *rand.Rand, l []T) T { return l[r.IntN(len(l))] }

func weightedStatus(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 78:
		return "active"
	case n < 88:
		return "inactive"
	case n < 93:
		return "pending"
	case n < 97:
		return "approval_awaiting"
	default:
		return "awaiting_verification"
	}
}

// money is served as a number, a string or null, as the contract warns.
func money(r *rand.Rand, scale int) any {
	v := float64(r.IntN(scale*100)) / 100
	switch n := r.IntN(10); {
	case n < 4:
		return 0.0
	case n < 7:
		return v
	case n < 9:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return nil
	}
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}
