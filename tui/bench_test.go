package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
)

// Benchmarks for the "find and clean up at scale" targets; results and the
// command that produced them are in BENCHMARKS.md.

// syntheticCustomers makes n customers with realistic field lengths.
func syntheticCustomers(n int) []apiclient.Customer {
	first := []string{"Olivia", "Noah", "Zoë", "José", "Łukasz", "Amelia", "Kwame", "Sophia", "Mason", "李"}
	last := []string{"Fernández", "Nowak", "Rahman", "Rossi", "Dubois", "Johnson", "Haddad", "Novák"}
	domains := []string{"example.com", "outlook.com", "gmail.com", "shop.example.net", "bigpond.com.au"}
	status := []string{"active", "inactive", "pending", "approval_awaiting"}
	cs := make([]apiclient.Customer, n)
	for i := range cs {
		f, l := first[i%len(first)], last[(i/7)%len(last)]
		cs[i] = apiclient.Customer{
			ID: int64(1001 + i), DisplayID: fmt.Sprint(90000 + i),
			FirstName: f, LastName: l,
			Email:  fmt.Sprintf("%s.%s%d@%s", f, l, i, domains[i%len(domains)]),
			Status: status[i%len(status)], CompanyName: []string{"", "Acme Pty Ltd", ""}[i%3],
			StoreCredit: "0.00", CreditLimit: "500.00",
			CreatedAt: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour),
		}
	}
	return cs
}

func loadedModel(tb testing.TB, n, w, h int) *Model {
	tb.Helper()
	m := New(Options{Store: newFakeStore(0), Host: "shop.example.com", Now: func() time.Time { return frozen }})
	tb.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.table.SetRows(syntheticCustomers(n))
	m.list.total, m.list.hasMore = n, false
	return m
}

// BenchmarkKeypressView: one cursor move plus a full View() at 120x40.
// Allocations per op must not grow with the number of loaded customers.
func BenchmarkKeypressView(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := loadedModel(b, n, 120, 40)
			m.table.cursor = n / 2
			down, up := keyMsg("j"), keyMsg("k")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := down
				if i%2 == 1 {
					k = up
				}
				m.Update(k)
				_ = m.View()
			}
		})
	}
}

// BenchmarkFilterKeystroke: one keystroke in the / filter over 100,000
// loaded customers. "first" is the first character (a full scan); "next"
// extends the query (scans only what matched).
func BenchmarkFilterKeystroke(b *testing.B) {
	m := loadedModel(b, 100_000, 120, 40)
	m.Update(keyMsg("/"))
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Update(keyMsg([]string{"a", "o"}[i%2]))
			_ = m.View()
			m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		}
	})
	b.Run("next", func(b *testing.B) {
		m.Update(keyMsg("n"))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Update(keyMsg("o"))
			_ = m.View()
			m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		}
	})
}

// BenchmarkMemoryPerCustomer: heap in use for 100,000 customers loaded in the
// model through the real client from the apitest store (its records, as
// decoded and sanitised), reported as bytes per customer.
func BenchmarkMemoryPerCustomer(b *testing.B) {
	const n = 100_000
	store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: n, Token: "t", MaxLimit: 5000})
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: "t", Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		before := heapInUse() // the store itself is already allocated
		var pages [][]apiclient.Customer
		for off := 0; off < n; off += 5000 {
			p, err := client.ListCustomers(context.Background(), apiclient.ListOptions{Limit: 5000, Offset: off})
			if err != nil {
				b.Fatal(err)
			}
			pages = append(pages, p.Customers)
		}
		m := New(Options{Store: client, Host: "x", Now: func() time.Time { return frozen }})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		for _, p := range pages {
			sanitizeAll(p)
			m.table.Append(p)
		}
		pages = nil
		after := heapInUse()
		if m.table.Len() != n {
			b.Fatalf("loaded %d", m.table.Len())
		}
		b.ReportMetric(float64(after-before)/n, "B/customer")
		runtime.KeepAlive(m)
		m.Close()
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkLoadAll10k: G loads 10,000 customers from apitest over HTTP, 20 a
// page, 10 ms latency per request, concurrency 4. Reports the wall time as
// a ratio of the ideal 500 x 10 ms / 4 (x-ideal), as a ratio of the floor
// 500 x (one request's measured serial cost) / 4 (x-floor), and the mean
// number of list requests in flight during the load (mean-inflight, of 4).
func BenchmarkLoadAll10k(b *testing.B) {
	const n, latency, conc = 10_000, 10 * time.Millisecond, 4
	store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: n, Token: "t"})
	store.SetLatency(apitest.RouteList, latency)
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	ideal := time.Duration(n/20) * latency / conc
	// One request's real cost on this machine (latency plus the store's
	// encoding and the client's decoding, serially): the floor any loader
	// keeping conc requests in flight can reach is pages x that / conc.
	t0 := time.Now()
	for off := 0; off < 20*20; off += 20 {
		if _, err := client.ListCustomers(context.Background(), apiclient.ListOptions{Limit: 20, Offset: off}); err != nil {
			b.Fatal(err)
		}
	}
	perReq := time.Since(t0) / 20
	floor := time.Duration(n/20) * perReq / conc
	for i := 0; i < b.N; i++ {
		is := &inflightStore{Store: client}
		m := New(Options{Store: is, Host: "x", Concurrency: conc, PageSize: 20})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		runConcurrent(b, m, m.Init())
		is.reset()
		start := time.Now()
		_, cmd := m.Update(keyMsg("G"))
		runConcurrent(b, m, cmd)
		end := time.Now()
		el := end.Sub(start)
		if m.table.Len() != n {
			b.Fatalf("loaded %d of %d", m.table.Len(), n)
		}
		b.ReportMetric(el.Seconds()/ideal.Seconds(), "x-ideal")
		b.ReportMetric(el.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(float64(perReq.Microseconds())/1000, "ms/request")
		b.ReportMetric(is.mean(end), "mean-inflight")
		b.ReportMetric(float64(is.lists), "list-requests")
		b.ReportMetric(el.Seconds()*1000, "ms-wall")
		m.Close()
	}
}

// BenchmarkBulkDelete200: the bulk deletion of 200 marked customers against
// apitest over HTTP with 10 ms latency on every request, concurrency 4,
// through the verified deleter (a GET, two fsync'd journal lines and the
// DELETE per customer). Reports wall time as a ratio of the ideal
// 200 x 10 ms / 4, which counts one request per customer.
func BenchmarkBulkDelete200(b *testing.B) {
	const n, latency, conc = 200, 10 * time.Millisecond, 4
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: n, Token: "t"})
		srv, err := store.Start("127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		client, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: "t"})
		if err != nil {
			b.Fatal(err)
		}
		j, err := audit.Open(filepath.Join(b.TempDir(), "audit.jsonl"), func(string) string { return "" })
		if err != nil {
			b.Fatal(err)
		}
		d := &deletion.Deleter{API: client, Journal: j, Site: srv.URL}
		m := New(Options{Store: client, Deleter: d, Host: "x", Concurrency: conc})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		runConcurrent(b, m, m.Init())
		_, cmd := m.Update(keyMsg("G"))
		runConcurrent(b, m, cmd)
		m.Update(keyMsg("ctrl+a"))
		m.Update(keyMsg("D"))
		for _, r := range fmt.Sprint(n) {
			m.Update(keyMsg(string(r)))
		}
		for _, r := range []apitest.Route{apitest.RouteDelete, apitest.RouteGet, apitest.RouteList} {
			store.SetLatency(r, latency)
		}
		b.StartTimer()
		start := time.Now()
		_, cmd = m.Update(keyMsg("enter"))
		runConcurrent(b, m, cmd)
		el := time.Since(start)
		b.StopTimer()
		if got := len(store.Deleted()); got != n {
			b.Fatalf("deleted %d of %d", got, n)
		}
		ideal := time.Duration(n) * latency / conc
		b.ReportMetric(el.Seconds()/ideal.Seconds(), "x-ideal")
		b.ReportMetric(el.Seconds()/(2*ideal.Seconds()), "x-ideal-GET+DELETE")
		b.ReportMetric(el.Seconds()*1000, "ms-wall")
		m.Close()
		_ = j.Close()
		srv.Close()
	}
}
