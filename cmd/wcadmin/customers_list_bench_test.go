package main

import (
	"context"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// countingWriter discards what it is given and counts it, and checks the
// stream ends as a JSON array does.
type countingWriter struct {
	n    atomic.Int64
	last byte
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	if len(p) > 0 {
		w.last = p[len(p)-1]
	}
	return len(p), nil
}

// BenchmarkCustomersListAll10kJSON: `wcadmin customers list --all --output
// json` over 10,000 customers from apitest over HTTP, 20 a page, 10 ms
// latency per list request, concurrency 4, through the root command (config,
// client, listing, JSON stream) into a writer that discards. Reports the wall
// time as a ratio of the ideal 500 x 10 ms / 4 (x-ideal) and of the floor
// 500 x (one request's measured serial cost) / 4 (x-floor), as
// BenchmarkLoadAll10k in tui does, and (in an untimed second run) the
// largest growth of the live heap during the listing against the size of
// the JSON written: memory stays flat, the array is streamed.
//
// rows=10000 is the target; rows=2000 and rows=40000 show that the heap
// does not grow with the number of customers listed.
func BenchmarkCustomersListAll10kJSON(b *testing.B) {
	for _, n := range []int{2_000, 10_000, 40_000} {
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) { benchListAll(b, n) })
	}
}

func benchListAll(b *testing.B, n int) {
	const latency, conc = 10 * time.Millisecond, 4
	store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: n, Token: listToken})
	store.SetLatency(apitest.RouteList, latency)
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: listToken})
	if err != nil {
		b.Fatal(err)
	}
	ideal := time.Duration(n/20) * latency / conc
	t0 := time.Now()
	for off := 0; off < 20*20; off += 20 {
		if _, err := client.ListCustomers(context.Background(), apiclient.ListOptions{Limit: 20, Offset: off}); err != nil {
			b.Fatal(err)
		}
	}
	perReq := time.Since(t0) / 20
	floor := time.Duration(n/20) * perReq / conc
	home := b.TempDir()
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"),
		"XDG_STATE_HOME": filepath.Join(home, "state"), "WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": listToken}
	run := func(sample bool) (time.Duration, int64, uint64) {
		cmd := newRootCmd(mapEnv(env))
		out := &countingWriter{}
		cmd.SetOut(out)
		cmd.SetErr(out)
		cmd.SetArgs([]string{"customers", "list", "--all", "--output", "json", "--concurrency", "4"})
		var peak *uint64
		stop := func() {}
		store.ResetRequests()
		base := liveHeap()
		if sample {
			peak, stop = samplePeakLiveHeap(store.ResetRequests)
		}
		start := time.Now()
		err := cmd.Execute()
		el := time.Since(start)
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if out.last != '\n' || out.n.Load() < int64(n)*200 {
			b.Fatalf("wrote %d bytes", out.n.Load())
		}
		var growth uint64
		if peak != nil && *peak > base {
			growth = *peak - base
		}
		return el, out.n.Load(), growth
	}
	for i := 0; i < b.N; i++ {
		el, written, _ := run(false)
		b.ReportMetric(el.Seconds()/ideal.Seconds(), "x-ideal")
		b.ReportMetric(el.Seconds()/floor.Seconds(), "x-floor")
		b.ReportMetric(float64(perReq.Microseconds())/1000, "ms/request")
		b.ReportMetric(el.Seconds()*1000, "ms-wall")
		b.ReportMetric(float64(written)/(1<<20), "json-MB")
		// Memory: a second, untimed run that collects garbage every 100 ms
		// and records the largest live heap above the start.
		b.StopTimer()
		_, _, growth := run(true)
		b.StartTimer()
		b.ReportMetric(float64(growth)/(1<<20), "live-heap-growth-MB")
	}
}

// liveHeap is the heap in use after a collection: what is live.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// samplePeakLiveHeap records the largest live heap (after a collection)
// every 100 ms until stop, calling tidy first (the store's request log,
// which grows with every request, is not the client's memory).
func samplePeakLiveHeap(tidy func()) (*uint64, func()) {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			tidy()
			peak = max(peak, liveHeap())
		}
	}()
	return &peak, func() { close(done); wg.Wait() }
}
