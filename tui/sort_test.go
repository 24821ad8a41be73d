package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// sortStore is an apitest store served over HTTP with the real client, with
// customers whose names and emails differ only in case, share first names,
// or lack a first name, so the tie-breaking shows.
func sortStore(t *testing.T, shape apitest.Shape, n, maxLimit int) (*apitest.Store, *apiclient.Client) {
	t.Helper()
	store := apitest.New(apitest.Options{Shape: shape, Customers: n, Token: "t", MaxLimit: maxLimit})
	for i, f := range []map[string]any{
		{"first_name": "alice", "last_name": "Zed", "email": "Alice.Case@example.com"},
		{"first_name": "ALICE", "last_name": "Abe", "email": "alice.case2@Example.com"},
		{"first_name": "Alice", "last_name": nil, "email": "ALICE.case3@example.com"},
		{"first_name": nil, "last_name": "Nofirst", "email": "nofirst@example.com"},
		{"first_name": "Émile", "last_name": "Zola", "email": "EMILE@example.com"},
		{"first_name": "emile", "last_name": "zola", "status": "inactive"},
	} {
		f["created_at"] = time.Date(2020, 1, 1, 0, 0, i%2, 0, time.UTC) // ties on created_at too
		store.Add(f)
	}
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	client, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: "t", Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return store, client
}

// serverOrder lists every customer in the store's order for order_by.
func serverOrder(t *testing.T, c *apiclient.Client, orderBy, dir string, limit int) ([]apiclient.Customer, []int64) {
	t.Helper()
	var all []apiclient.Customer
	for off := 0; ; off += limit {
		p, err := c.ListCustomers(context.Background(), apiclient.ListOptions{Limit: limit, Offset: off, OrderBy: orderBy, Direction: dir})
		if err != nil {
			t.Fatal(err)
		}
		sanitizeAll(p.Customers)
		all = append(all, p.Customers...)
		if len(p.Customers) < limit {
			break
		}
	}
	ids := make([]int64, len(all))
	for i := range all {
		ids[i] = all[i].ID
	}
	return all, ids
}

func tableIDs(t *customerTable) []int64 {
	ids := make([]int64, len(t.view))
	for i, v := range t.view {
		ids[i] = t.all[v].ID
	}
	return ids
}

// Local and server order agree: every column, both directions, both shapes,
// inline and off the event loop.
func TestSortLocalMatchesServerOrder(t *testing.T) {
	for _, shape := range []apitest.Shape{apitest.ShapeA, apitest.ShapeB} {
		t.Run(shape.String(), func(t *testing.T) {
			defer func(v int) { sortInlineMax = v }(sortInlineMax)
			sortInlineMax = 500
			const n, limit = 1200, 1000 // above sortInlineMax: the async path runs too
			_, client := sortStore(t, shape, n, limit)
			rows, _ := serverOrder(t, client, "", "", limit) // id order, as loaded
			rand.New(rand.NewPCG(3, 4)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			for col, k := range sortKeys {
				for _, dir := range []string{"asc", "desc"} {
					_, want := serverOrder(t, client, k.orderBy, dir, limit)
					st := newStyles(newTheme(true), nil)
					inline := newCustomerTable(&st)
					inline.Append(slices.Clone(rows))
					inline.SetSort(col, dir == "desc", true)
					if got := tableIDs(&inline); !slices.Equal(got, want) {
						t.Fatalf("%s %s: local order differs from the store's at %d", k.orderBy, dir, firstDiff(got, want))
					}
					async := newCustomerTable(&st)
					async.Append(slices.Clone(rows))
					cmd := async.SortAsync(col, dir == "desc")
					if cmd == nil {
						t.Fatal("a large table sorted on the event loop")
					}
					if r := async.ApplySorted(cmd().(sortedMsg)); r != sortApplied {
						t.Fatalf("result not applied: %v", r)
					}
					if got := tableIDs(&async); !slices.Equal(got, want) {
						t.Fatalf("%s %s async: local order differs from the store's at %d", k.orderBy, dir, firstDiff(got, want))
					}
				}
			}
		})
	}
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// The keys are built in the same pass as the haystack, which must stay
// exactly what the filter searched before.
func TestRowKeysKeepTheHaystack(t *testing.T) {
	cs := syntheticCustomers(50)
	cs = append(cs,
		apiclient.Customer{ID: 7, Name: "Shape B Name", FirstName: "ÉMILE", Email: "X@Y.Z"},
		apiclient.Customer{ID: -3, LastName: "OnlyLast", Email: "İstanbul@example.com", CompanyName: "ÆØÅ"},
		apiclient.Customer{ID: 8, FirstName: "Ⱥbc", LastName: "ẞig"}, // lower-case is longer or shorter in bytes
		apiclient.Customer{ID: 9})
	for i := range cs {
		c := &cs[i]
		hay, k := rowKeys(c)
		if want := haystack(c); hay != want {
			t.Fatalf("haystack %q, want %q", hay, want)
		}
		if k.name != strings.ToLower(c.FirstName) || k.email != strings.ToLower(c.Email) {
			t.Fatalf("keys %+v for %+v", k, c)
		}
	}
}

// asyncModel is a fully loaded model large enough to sort off the event loop.
func asyncModel(t *testing.T, n int) *Model {
	t.Helper()
	m := loadedModel(t, n, 120, 40)
	rows := slices.Clone(m.table.all)
	rand.New(rand.NewPCG(5, 6)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	m.table.SetRows(rows)
	return m
}

func TestSortOffLoopLandsAsMessage(t *testing.T) {
	m := asyncModel(t, sortInlineMax+1000)
	m.table.Move(10)
	onID := selectedID(t, m)
	before := tableIDs(&m.table)
	_, cmd := m.Update(keyMsg("s")) // Name
	if cmd == nil || !m.table.Sorting() {
		t.Fatal("a large sort ran on the event loop")
	}
	if !slices.Equal(tableIDs(&m.table), before) {
		t.Fatal("the table changed before the sort result arrived")
	}
	if v := m.View(); !strings.Contains(v, "sorting…") || !strings.Contains(v, "Sorting 6000 customers by Name asc") {
		t.Fatalf("no sign of the sort in progress:\n%s", v)
	}
	m.Update(keyMsg("j")) // keys are answered meanwhile
	m.Update(keyMsg("k"))
	if selectedID(t, m) != onID {
		t.Fatal("cursor keys misbehaved while sorting")
	}
	msg := cmd()
	if _, ok := msg.(sortedMsg); !ok {
		t.Fatalf("sort answered %T", msg)
	}
	send(t, m, msg)
	if m.table.Sorting() || strings.Contains(m.View(), "sorting…") {
		t.Fatal("still sorting after the result")
	}
	if selectedID(t, m) != onID {
		t.Fatal("the cursor left its customer")
	}
	if !strings.Contains(m.View(), "Sorted by Name asc") {
		t.Fatalf("status:\n%s", m.View())
	}
	ids := tableIDs(&m.table)
	if !slices.IsSortedFunc(ids, func(a, b int64) int {
		ca, cb := m.table.all[m.table.pos[a]], m.table.all[m.table.pos[b]]
		if c := strings.Compare(strings.ToLower(ca.FirstName), strings.ToLower(cb.FirstName)); c != 0 {
			return c
		}
		return int(a - b)
	}) {
		t.Fatal("not sorted by first name, then id")
	}
}

// A result computed for rows that changed since (a refresh) is dropped; the
// sort then runs again on the current rows. A result for an older choice
// (s pressed twice) is dropped too.
func TestSortResultGenerationGuard(t *testing.T) {
	m := asyncModel(t, sortInlineMax+1000)
	_, cmd := m.Update(keyMsg("s"))
	stale := cmd()

	fresh := slices.Clone(m.table.all) // a refresh lands while sorting
	fresh = fresh[:len(fresh)-7]
	slices.Reverse(fresh)
	m.table.SetRows(fresh)
	afterRefresh := tableIDs(&m.table)
	if got := m.table.ApplySorted(stale.(sortedMsg)); got != sortStale {
		t.Fatalf("stale result: %v", got)
	}
	if !slices.Equal(tableIDs(&m.table), afterRefresh) {
		t.Fatal("a stale sort result changed the table")
	}
	// Through the model: it sorts again, and the new result applies.
	m.table.sorting = true
	_, again := m.Update(stale)
	if again == nil {
		t.Fatal("the dropped sort was not run again")
	}
	send(t, m, again())
	_, want := localOrder(m.table.all, 1, false)
	if got := tableIDs(&m.table); !slices.Equal(got, want) || m.table.Len() != len(fresh) {
		t.Fatal("re-run sort did not order the refreshed rows")
	}

	// Two choices in a row: only the latest one's result applies.
	_, first := m.Update(keyMsg("s"))  // Email
	_, second := m.Update(keyMsg("s")) // Status
	r1, r2 := first(), second()
	before := tableIDs(&m.table)
	if m.table.ApplySorted(r1.(sortedMsg)) != sortObsolete || !slices.Equal(tableIDs(&m.table), before) {
		t.Fatal("an obsolete sort result was applied")
	}
	send(t, m, r2)
	if _, want := localOrder(m.table.all, 3, false); !slices.Equal(tableIDs(&m.table), want) {
		t.Fatal("the latest sort was not applied")
	}
}

// localOrder is the reference order: the obvious comparator on the records.
func localOrder(cs []apiclient.Customer, col int, desc bool) ([]apiclient.Customer, []int64) {
	cs = slices.Clone(cs)
	key := func(c *apiclient.Customer) string {
		switch col {
		case 1:
			return strings.ToLower(c.FirstName)
		case 2:
			return strings.ToLower(c.Email)
		case 3:
			return c.Status
		case 4:
			return c.CreatedAt.Format(time.RFC3339Nano)
		}
		return ""
	}
	slices.SortFunc(cs, func(a, b apiclient.Customer) int {
		c := strings.Compare(key(&a), key(&b))
		if c == 0 {
			c = int(a.ID - b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	ids := make([]int64, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
	}
	return cs, ids
}

// resortModel is a partly loaded model over apitest (20 a page).
func resortModel(t *testing.T) (*Model, *apitest.Store) {
	t.Helper()
	store, client := sortStore(t, apitest.ShapeB, 400, 20)
	m := New(Options{Store: client, Host: "x", PageSize: 20, Now: func() time.Time { return frozen }})
	t.Cleanup(m.Close)
	run(t, m, m.Init())
	send(t, m, winSize(120, 30))
	if m.list.complete() {
		t.Fatal("test setup: everything loaded")
	}
	return m, store
}

func TestServerResortKeepsCursorOnLoadedCustomer(t *testing.T) {
	m, store := resortModel(t)
	m.table.Move(5)
	id := selectedID(t, m)
	store.SetField(id, "first_name", "Aaaaron") // first in the new order
	press(t, m, "s")
	if got := selectedID(t, m); got != id {
		t.Fatalf("cursor on %d after the re-sort, want %d", got, id)
	}
	if m.table.cursor > 1 { // only the customer without a first name sorts before it
		t.Fatalf("customer at row %d, want it near the top", m.table.cursor)
	}
	if v := m.View(); !strings.Contains(v, "Sorted by Name asc on the server") {
		t.Fatalf("status:\n%s", v)
	}
}

func TestServerResortCursorToFirstRowWhenNotLoaded(t *testing.T) {
	m, store := resortModel(t)
	m.table.Move(3)
	id := selectedID(t, m)
	store.SetField(id, "first_name", "Zzzzz") // last in the new order: not in the first pages
	press(t, m, "s")
	if m.table.isLoaded(id) {
		t.Fatal("test setup: the customer was loaded")
	}
	if m.table.cursor != 0 || m.table.offset != 0 {
		t.Fatalf("cursor %d offset %d, want the first row", m.table.cursor, m.table.offset)
	}
	want := fmt.Sprintf("customer #%d is not loaded in the new order, so the cursor is on the first row", id)
	send(t, m, winSize(300, 30)) // room for the whole status
	if v := m.View(); !strings.Contains(v, want) {
		t.Fatalf("status lacks %q:\n%s", want, v)
	}
}

// Marked customers that are not loaded are counted apart from those the
// filter hides.
func TestBulkModalNotLoadedVsHidden(t *testing.T) {
	s := newFakeStore(30)
	m := newTestModel(t, s, Options{})
	send(t, m, winSize(100, 40))
	press(t, m, "ctrl+a")
	s.mu.Lock()
	s.customers = s.customers[:25] // user25..user29 vanish from the list behind the console
	s.mu.Unlock()
	press(t, m, "r")
	if m.table.Len() != 25 || len(m.table.marks) != 30 {
		t.Fatalf("setup: %d loaded, %d marked", m.table.Len(), len(m.table.marks))
	}
	press(t, m, "/", "u", "s", "e", "r", "1", "enter", "D")
	v := m.View()
	// user1, user10..user19 match: 25 - 11 = 14 loaded ones are hidden.
	if !strings.Contains(v, "Delete 30 customers?") || !strings.Contains(v, "14 of them are hidden by the current filter") ||
		!strings.Contains(v, "5 of them are not loaded in the list") {
		t.Fatalf("bulk modal:\n%s", v)
	}
	if h, nl := m.table.CountHidden(m.table.Marked()), m.table.CountNotLoaded(m.table.Marked()); h != 14 || nl != 5 {
		t.Fatalf("hidden %d, not loaded %d", h, nl)
	}
}

var _ tea.Msg = sortedMsg{}
