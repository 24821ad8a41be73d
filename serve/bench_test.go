package serve_test

// BenchmarkSessions50: start-up and memory of `wcadmin serve` sessions. One
// server (in this process) and one apitest store over HTTP with a little
// latency; SSH clients (golang.org/x/crypto/ssh, with a PTY, as OpenSSH asks
// for one) connect, and the time from dialling to the first screen with
// customers is measured for one session alone and for each of 50 sessions
// started at once. The server's RSS is read from /proc/self/status while the
// 50 sessions are open.
//
//	go test -run '^$' -bench Sessions50 -benchtime=3x ./serve/

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/serve"
	"github.com/wcadmin/wcadmin/tui"
)

const (
	benchCustomers = 1000
	benchSessions  = 50
	benchLatency   = 10 * time.Millisecond
	benchToken     = "tok"
	benchCols      = 100
	benchRows      = 30
)

// firstScreen is what the first screen with customers shows in its header.
var firstScreen = fmt.Sprintf("/ %d customers", benchCustomers)

type benchEnv struct {
	store    *apitest.Store
	requests atomic.Int64 // requests the store received
	retries  atomic.Int64 // reads the client retried
	addr     string
	srv      *serve.Server
	client   *gossh.ClientConfig
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	store := apitest.New(apitest.Options{Shape: apitest.ShapeB, Customers: benchCustomers, Token: benchToken})
	// The store's handler behind a request counter (waitStoreQuiet).
	e := &benchEnv{store: store}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	handler := store.Handler()
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.requests.Add(1)
		handler.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(hl) }()
	b.Cleanup(func() { hs.Close() })
	storeURL := "http://" + hl.Addr().String()
	for _, r := range []apitest.Route{apitest.RouteList, apitest.RouteCount, apitest.RouteGet} {
		store.SetLatency(r, benchLatency)
	}
	api, err := apiclient.New(apiclient.Options{Site: storeURL, Token: benchToken,
		// A retried read would hide a failure behind a backoff: counted.
		OnRetry: func(apiclient.RetryInfo) { e.retries.Add(1) }})
	if err != nil {
		b.Fatal(err)
	}

	dir := b.TempDir()
	journalPath := filepath.Join(dir, "audit.jsonl")
	journal, err := audit.Open(journalPath, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { journal.Close() })

	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	hostSigner, err := gossh.NewSignerFromKey(hostPriv)
	if err != nil {
		b.Fatal(err)
	}
	_, userPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	userSigner, err := gossh.NewSignerFromKey(userPriv)
	if err != nil {
		b.Fatal(err)
	}
	userFP := gossh.FingerprintSHA256(userSigner.PublicKey())

	profile := &serve.Profile{Name: "bench", Store: api, API: api, Site: api.BaseURL(),
		Options: tui.Options{Host: api.Host()}}
	srv, err := serve.New(serve.Config{
		HostSigner: hostSigner,
		Keys: serve.KeysFunc(func(pk gossh.PublicKey) (serve.Key, bool) {
			if gossh.FingerprintSHA256(pk) != userFP {
				return serve.Key{}, false
			}
			return serve.Key{Fingerprint: userFP, Operator: "bench", Profiles: []string{"bench"}}, true
		}),
		Profile: func(_ context.Context, name string) (*serve.Profile, error) {
			if name != "bench" {
				return nil, fmt.Errorf("no profile %q", name)
			}
			return profile, nil
		},
		KnownProfile: func(name string) bool { return name == "bench" },
		Profiles:     []string{"bench"},
		Journal:      journal,
		JournalPath:  journalPath,
		MaxSessions:  benchSessions + 10,
	})
	if err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv.Start(context.Background())
	go func() { _ = srv.Serve(l) }()
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	e.addr, e.srv = l.Addr().String(), srv
	e.client = &gossh.ClientConfig{
		User:            "bench",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(userSigner)},
		HostKeyCallback: gossh.FixedHostKey(hostSigner.PublicKey()),
		Timeout:         10 * time.Second,
	}
	return e
}

// benchSession is one open SSH session with a console.
type benchSession struct {
	conn    *gossh.Client
	sess    *gossh.Session
	stdin   io.WriteCloser
	mu      sync.Mutex
	out     bytes.Buffer
	first   time.Duration // dial to the first byte of output
	screen  time.Duration // dial to the first screen with customers
	reached chan struct{} // closed when the first screen arrived
	done    chan struct{} // closed when the output ended
}

// open dials, asks for a PTY and a shell, and returns at once; the reader
// answers the terminal queries a real terminal answers (background colour,
// cursor position) and records when the first screen arrives.
func (e *benchEnv) open(start time.Time) (*benchSession, error) {
	conn, err := gossh.Dial("tcp", e.addr, e.client)
	if err != nil {
		return nil, err
	}
	sess, err := conn.NewSession()
	if err != nil {
		conn.Close()
		return nil, err
	}
	s := &benchSession{conn: conn, sess: sess, reached: make(chan struct{}), done: make(chan struct{})}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		conn.Close()
		return nil, err
	}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		conn.Close()
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", benchRows, benchCols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		conn.Close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		conn.Close()
		return nil, err
	}
	go s.read(stdout, start)
	return s, nil
}

func (s *benchSession) read(r io.Reader, start time.Time) {
	defer close(s.done)
	buf := make([]byte, 32<<10)
	var seen bool
	var text strings.Builder // the output without escape sequences
	for {
		n, err := r.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if s.first == 0 {
				s.first = time.Since(start)
			}
			// A real terminal answers these; the console may ask them.
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				_, _ = s.stdin.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				_, _ = s.stdin.Write([]byte("\x1b[1;1R"))
			}
			s.mu.Lock()
			s.out.Write(chunk)
			s.mu.Unlock()
			if !seen {
				text.WriteString(ansi.Strip(string(chunk)))
				if strings.Contains(text.String(), firstScreen) {
					seen = true
					s.screen = time.Since(start)
					close(s.reached)
				}
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *benchSession) close() {
	s.sess.Close()
	s.conn.Close()
	<-s.done
}

// session opens one session and waits for its first screen.
func (e *benchEnv) session(timeout time.Duration) (*benchSession, error) {
	start := time.Now()
	s, err := e.open(start)
	if err != nil {
		return nil, err
	}
	select {
	case <-s.reached:
		return s, nil
	case <-s.done:
	case <-time.After(timeout):
	}
	s.mu.Lock()
	out := ansi.Strip(s.out.String())
	s.mu.Unlock()
	s.close()
	return nil, fmt.Errorf("no %q within %s; output:\n%s", firstScreen, timeout, out)
}

// waitStoreQuiet waits until the store has had no new request for 5x its
// latency.
func (e *benchEnv) waitStoreQuiet() {
	quiet := 5 * benchLatency
	n, since := e.requests.Load(), time.Now()
	for time.Since(since) < quiet {
		time.Sleep(benchLatency / 2)
		if m := e.requests.Load(); m != n {
			n, since = m, time.Now()
		}
	}
	// The store's own log of requests grows with every one: forget them,
	// so it does not count as the sessions' memory.
	e.store.ResetRequests()
}

// waitIdle waits until the server has no session left.
func (e *benchEnv) waitIdle(b *testing.B) {
	b.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.srv.Active() > 0 {
		if time.Now().After(deadline) {
			b.Fatalf("%d sessions still active 10s after their clients closed", e.srv.Active())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rssBytes is this process's resident set size (VmRSS).
func rssBytes(b *testing.B) int64 {
	b.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v) // "12345 kB"
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				b.Fatalf("VmRSS %q: %v", v, err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(sorted)) + 0.5)
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	if i > 0 {
		i--
	}
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is the CPU time this process has used (user + system).
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stats is the mean over the iterations of one measurement.
type stats map[string][]float64

func (st stats) add(name string, v float64) { st[name] = append(st[name], v) }

func (st stats) mean(name string) float64 {
	var sum float64
	for _, v := range st[name] {
		sum += v
	}
	return sum / float64(len(st[name]))
}

func heapInuse() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse)
}

// BenchmarkSessions50 measures, per iteration:
//   - single: one session alone, dial to first screen (the median of five);
//   - open50: 50 sessions opened one after another and kept open, each
//     timed while the ones before it are connected: does a busy server
//     start a session as fast as an idle one? Memory is read with all 50
//     open (RSS and Go heap in use, after a GC, minus the same with none);
//   - burst50: 50 sessions dialled at the same instant, each timed; and the
//     process's CPU time for the burst, per session.
//
// The clients run in this process too, so RSS, heap and CPU include their
// share (an x/crypto/ssh client connection and a reader per session).
func BenchmarkSessions50(b *testing.B) {
	e := newBenchEnv(b)
	const timeout = 60 * time.Second

	// Warm up: the profile is loaded and the code paths run once.
	s, err := e.session(timeout)
	if err != nil {
		b.Fatal(err)
	}
	s.close()
	e.waitIdle(b)

	st := stats{}
	b.ResetTimer()
	for range b.N {
		// One session alone: the median of five.
		var one []time.Duration
		for range 5 {
			s, err := e.session(timeout)
			if err != nil {
				b.Fatal(err)
			}
			one = append(one, s.screen)
			s.close()
			e.waitIdle(b)
		}
		slices.Sort(one)
		single := one[len(one)/2]
		st.add("single-ms", ms(single))

		// open50: one after another, all kept open.
		e.waitStoreQuiet()
		heap0, rss0 := heapInuse(), float64(rssBytes(b))
		sessions := make([]*benchSession, 0, benchSessions)
		times := make([]time.Duration, 0, benchSessions)
		for range benchSessions {
			s, err := e.session(timeout)
			if err != nil {
				b.Fatal(err)
			}
			sessions = append(sessions, s)
			times = append(times, s.screen)
			// The console goes on to prefetch the pages after the first
			// screen: let it finish, so the next start is timed against
			// open sessions, not against this one's start-up.
			e.waitStoreQuiet()
		}
		heap1, rss1 := heapInuse(), float64(rssBytes(b))
		// What 50 open, idle sessions cost: CPU over half a second.
		c0 := cpuTime(b)
		time.Sleep(500 * time.Millisecond)
		st.add("open50-idle-cpu-ms/s", ms(cpuTime(b)-c0)*2)
		st.add("RSS-idle-MB", rss0/(1<<20))
		st.add("RSS-50-MB", rss1/(1<<20))
		st.add("RSS-KB/session", (rss1-rss0)/benchSessions/(1<<10))
		st.add("heap-KB/session", (heap1-heap0)/benchSessions/(1<<10))
		if n := e.srv.Active(); n != benchSessions {
			b.Fatalf("server counts %d active sessions, want %d", n, benchSessions)
		}
		slices.Sort(times)
		b.Logf("open50: %v", times)
		st.add("open50-p50-x-single", ms(percentile(times, 0.50))/ms(single))
		st.add("open50-p95-x-single", ms(percentile(times, 0.95))/ms(single))
		st.add("open50-max-x-single", ms(times[len(times)-1])/ms(single))
		for _, s := range sessions {
			s.close()
		}
		e.waitIdle(b)

		// burst50: all at once.
		var wg sync.WaitGroup
		burst := make([]*benchSession, benchSessions)
		errs := make([]error, benchSessions)
		gate := make(chan struct{})
		for i := range benchSessions {
			wg.Go(func() {
				<-gate
				burst[i], errs[i] = e.session(timeout)
			})
		}
		cpu0, req0 := cpuTime(b), e.requests.Load()
		close(gate)
		wg.Wait()
		cpu1, req1 := cpuTime(b), e.requests.Load()
		st.add("burst50-store-requests/session", float64(req1-req0)/benchSessions)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		times = times[:0]
		var firstMax time.Duration
		for _, s := range burst {
			times = append(times, s.screen)
			firstMax = max(firstMax, s.first)
		}
		slices.Sort(times)
		b.Logf("burst50: %v", times)
		st.add("burst50-p50-ms", ms(percentile(times, 0.50)))
		st.add("burst50-p95-ms", ms(percentile(times, 0.95)))
		st.add("burst50-first-byte-max-ms", ms(firstMax))
		st.add("burst50-p50-x-single", ms(percentile(times, 0.50))/ms(single))
		st.add("burst50-p95-x-single", ms(percentile(times, 0.95))/ms(single))
		st.add("burst50-cpu-ms/session", ms(cpu1-cpu0)/benchSessions)
		for _, s := range burst {
			s.close()
		}
		e.waitIdle(b)
	}
	b.StopTimer()
	b.ReportMetric(float64(e.retries.Load()), "retries")
	for name := range st {
		b.ReportMetric(st.mean(name), name)
	}
	b.ReportMetric(0, "ns/op") // one op is 5 singles and two batches of 50: not a useful time
}
