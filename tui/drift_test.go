package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
)

// Tests for issue 8: an exact list while the store changes, G taking over a
// load, a bounded filter fill, and O(screen) refreshes after a deletion.

func driftIDs(m *Model) []int64 {
	ids := make([]int64, len(m.table.all))
	for i, c := range m.table.all {
		ids[i] = c.ID
	}
	return ids
}

func (s *fakeStore) ids() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, len(s.customers))
	for i, c := range s.customers {
		ids[i] = c.ID
	}
	return ids
}

// removeAt deletes customers behind the console's back (another admin).
func (s *fakeStore) removeAt(idx ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.Sort(idx)
	for i := len(idx) - 1; i >= 0; i-- {
		s.customers = slices.Delete(s.customers, idx[i], idx[i]+1)
	}
}

// insertAt creates a customer behind the console's back at position i.
func (s *fakeStore) insertAt(i int, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := apiclient.Customer{ID: id, FirstName: "New", LastName: fmt.Sprint(id), Email: fmt.Sprintf("new%d@example.com", id), Status: "active"}
	s.customers = slices.Insert(s.customers, i, c)
}

func TestDriftDeletedElsewhereThenG(t *testing.T) {
	s := newFakeStore(200)
	m := newTestModel(t, s, Options{})
	loaded := m.table.Len()
	if loaded < 40 || loaded >= 200 {
		t.Fatalf("loaded %d before G", loaded)
	}
	s.removeAt(3, 10, 17) // three of the loaded customers go elsewhere
	press(t, m, "G")
	if got, want := driftIDs(m), s.ids(); !slices.Equal(got, want) {
		t.Fatalf("listed %d ids, store has %d; differ:\n%v\n%v", len(got), len(want), got, want)
	}
	if h := m.View(); !strings.Contains(h, "197 / 197 customers") {
		t.Fatalf("header:\n%s", h)
	}
	if !strings.Contains(m.status.text, "changed elsewhere") {
		t.Fatalf("status %q", m.status.text)
	}
}

func TestDriftDeletedAndCreatedDuringG(t *testing.T) {
	s := newFakeStore(300)
	m := newTestModel(t, s, Options{Concurrency: 4})
	n := 0
	s.afterList = func() {
		n++
		switch n {
		case 3: // a deletion before the loaded end, mid-G
			s.removeAt(5)
		case 6: // a creation before it
			s.insertAt(2, 5)
		case 9:
			s.removeAt(100, 101)
		}
	}
	press(t, m, "G")
	s.afterList = nil
	if got, want := driftIDs(m), s.ids(); !slices.Equal(got, want) {
		t.Fatalf("listed %d ids, store has %d:\n%v\n%v", len(got), len(want), got, want)
	}
	if m.Mode() != "browse" || !m.list.complete() {
		t.Fatalf("mode %s, complete %v", m.Mode(), m.list.complete())
	}
}

// lyingStore reports a total smaller than what its next-page signals say.
type lyingStore struct {
	*fakeStore
	total int
}

func (s *lyingStore) ListCustomers(ctx context.Context, o apiclient.ListOptions) (apiclient.Page, error) {
	p, err := s.fakeStore.ListCustomers(ctx, o)
	if err == nil && p.Total >= 0 {
		p.Total = s.total
	}
	return p, err
}

func (s *lyingStore) CountCustomers(context.Context) (int, error) { return s.total, nil }

func newStoreModel(t *testing.T, st Store, o Options) *Model {
	t.Helper()
	o.Store, o.Host = st, "shop.example.com"
	o.Now = func() time.Time { return frozen }
	m := New(o)
	t.Cleanup(m.Close)
	run(t, m, m.Init())
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

func TestContradictoryTotals(t *testing.T) {
	s := newFakeStore(150)
	m := newStoreModel(t, &lyingStore{fakeStore: s, total: 30}, Options{})
	h := m.View()
	if strings.Contains(h, "/ 30 customers") || !strings.Contains(h, "+ more customers") {
		t.Fatalf("header should say more, not a wrong total:\n%s", strings.SplitN(h, "\n", 2)[0])
	}
	press(t, m, "G")
	if m.table.Len() != 150 || !slices.Equal(driftIDs(m), s.ids()) {
		t.Fatalf("G stopped at %d of 150", m.table.Len())
	}
	if h := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(h, "150 customers") || strings.Contains(h, "more") {
		t.Fatalf("header after G: %s", h)
	}
}

func TestGTakesOverLoadInFlight(t *testing.T) {
	s := newFakeStore(500)
	m := New(Options{Store: s, Host: "x", Now: func() time.Time { return frozen }})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	startup := m.Init() // the first page is on its way
	_, g := m.Update(keyMsg("G"))
	if m.Mode() != "load-all" {
		t.Fatalf("mode %s after G during start-up", m.Mode())
	}
	if v := m.View(); !strings.Contains(v, "pages ·") {
		t.Fatalf("no progress bar:\n%s", v)
	}
	run(t, m, tea.Batch(startup, g))
	if m.table.Len() != 500 || m.Mode() != "browse" || !strings.Contains(m.status.text, "Loaded all 500") {
		t.Fatalf("loaded %d, mode %s, status %q", m.table.Len(), m.Mode(), m.status.text)
	}

	// A refresh in flight is taken over too.
	s2 := newFakeStore(300)
	m2 := newTestModel(t, s2, Options{})
	_, r := m2.Update(keyMsg("r"))
	_, g = m2.Update(keyMsg("G"))
	if m2.Mode() != "load-all" {
		t.Fatalf("mode %s after G during refresh", m2.Mode())
	}
	run(t, m2, tea.Batch(r, g))
	if !slices.Equal(driftIDs(m2), s2.ids()) {
		t.Fatalf("loaded %d of 300", m2.table.Len())
	}
}

func TestNarrowFilterFetchesAFewPagesThenAsks(t *testing.T) {
	s := newFakeStore(10_000)
	m := newTestModel(t, s, Options{})
	pages := 0
	s.onList = func(o apiclient.ListOptions) {
		if o.Search == "" && o.Email == "" {
			pages++ // the server search (another feature) is not a page of the list
		}
	}
	loaded := m.table.Len()
	press(t, m, "/", "z", "z", "z", "z", "enter")
	s.onList = nil
	if got := pages; got > maxAutoPages {
		t.Fatalf("%d pages fetched for a narrow filter, want at most %d", got, maxAutoPages)
	}
	want := fmt.Sprintf("0 matches in %d loaded: G loads all, or keep typing to search the store", m.table.Len())
	if m.status.text != want || m.table.Len() <= loaded {
		t.Fatalf("status %q, want %q (loaded %d)", m.status.text, want, m.table.Len())
	}
	press(t, m, "j", "G")
	if m.table.Len() != 10_000 {
		t.Fatalf("G loaded %d", m.table.Len())
	}
	if m.Mode() != "browse" {
		t.Fatal(m.Mode())
	}
}

// trashStore answers GET for trashed customers with is_in_trash.
type trashStore struct {
	*fakeStore
	trashed map[int64]apiclient.Customer
}

func (s *trashStore) GetCustomer(ctx context.Context, id int64) (apiclient.Customer, error) {
	if c, ok := s.trashed[id]; ok {
		c.InTrash = true
		return c, nil
	}
	return s.fakeStore.GetCustomer(ctx, id)
}

func TestDetailSeesCustomerDeletedElsewhere(t *testing.T) {
	for _, trash := range []bool{false, true} {
		t.Run(fmt.Sprintf("in_trash=%v", trash), func(t *testing.T) {
			s := newFakeStore(100)
			ts := &trashStore{fakeStore: s, trashed: map[int64]apiclient.Customer{}}
			var st Store = s
			if trash {
				st = ts
			}
			m := newStoreModel(t, st, Options{})
			press(t, m, "j", "j")
			gone := selectedID(t, m)
			follower := m.table.all[3].ID
			ts.trashed[gone] = m.table.all[2]
			s.removeAt(2)
			lists := s.listCalls()
			press(t, m, "enter")
			if m.table.hasID(gone) || m.Mode() != "browse" {
				t.Fatalf("row #%d still listed (mode %s)", gone, m.Mode())
			}
			if want := fmt.Sprintf("Customer #%d was deleted elsewhere", gone); !strings.Contains(m.status.text, want) {
				t.Fatalf("status %q", m.status.text)
			}
			if selectedID(t, m) != follower {
				t.Fatalf("cursor on #%d, want the follower #%d", selectedID(t, m), follower)
			}
			if got := s.listCalls() - lists; got > 3 {
				t.Fatalf("%d list requests after the row went", got)
			}
			if !slices.Equal(driftIDs(m), s.ids()[:m.table.Len()]) {
				t.Fatal("list out of step with the store")
			}
		})
	}
}

// TestRequestsAfterOneDelete: after a 204 only the visible window is re-read:
// at most 3 list/count requests, whatever the number loaded, counted at the
// apitest store over real HTTP.
func TestRequestsAfterOneDelete(t *testing.T) {
	sizes := []int{1_000, 10_000, 100_000}
	if testing.Short() || raceEnabled {
		sizes = sizes[:2] // 100,000 runs without -race (73 s with it)
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: n, Token: "t", MaxLimit: 5000})
			srv, err := store.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			client, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: "t", Timeout: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			var rows []apiclient.Customer
			for off := 0; off < n; off += 5000 {
				p, err := client.ListCustomers(context.Background(), apiclient.ListOptions{Limit: 5000, Offset: off})
				if err != nil {
					t.Fatal(err)
				}
				sanitizeAll(p.Customers)
				rows = append(rows, p.Customers...)
			}
			j, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"), func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = j.Close() })
			m := New(Options{Store: client, Host: "x", PageSize: 20, Now: func() time.Time { return frozen },
				Deleter: &deletion.Deleter{API: client, Journal: j, Site: srv.URL}})
			t.Cleanup(m.Close)
			m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			// n customers loaded (as if by G), the cursor in the middle.
			m.table.SetRows(rows)
			m.list.nextOffset, m.list.total, m.list.hasMore = n, n, false
			m.table.cursor = n/2 + 7
			m.table.clamp()
			target := selectedID(t, m)
			follower := m.table.all[n/2+8].ID
			store.ResetRequests()
			press(t, m, "D", "y")
			reads := 0
			for _, r := range store.Requests() {
				if r.Route == apitest.RouteList || r.Route == apitest.RouteCount {
					reads++
				}
			}
			if reads > 3 {
				t.Fatalf("%d list/count requests after one delete with %d loaded, want at most 3", reads, n)
			}
			if m.table.hasID(target) || m.table.Len() != n-1 || selectedID(t, m) != follower {
				t.Fatalf("after delete: has #%d %v, len %d, cursor #%d want #%d", target, m.table.hasID(target),
					m.table.Len(), selectedID(t, m), follower)
			}
			if !slices.Equal(driftIDs(m), store.IDs()) {
				t.Fatal("list differs from the store")
			}
			t.Logf("%d loaded: %d list/count requests after one delete", n, reads)
		})
	}
}
