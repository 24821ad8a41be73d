// Package listing pages through GET /admin/customers with bounded
// concurrency and delivers the customers strictly in offset order, exactly
// once each, while the store may change underneath.
//
// It is the drift-safe paging of the console's loader (tui/loader.go,
// tui/drift.go) without Bubble Tea: the same detection (every page's total
// is compared with the total the listing was read under; a total that
// contradicts the page's next-page signals is ignored from then on), the
// same bounded number of restarts, the same dedupe by id. It differs in
// what a restart does with rows already delivered: a stream (stdout) cannot
// take rows back, so a restart reads the list again from offset 0 and
// delivers only the customers not delivered yet. A pass that completes
// without drift has then delivered every customer the store listed during
// that pass, once.
//
// The console still runs its own tea.Cmd-driven loader (it also re-reads
// windows after deletions and swaps rows in place, and replaces its table
// when a re-read completes), but takes the shared rules from here:
// FileTotal (drift detection) and Dedupe.
package listing

import (
	"context"
	"fmt"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Store is what a listing needs of the client.
type Store interface {
	ListCustomers(ctx context.Context, o apiclient.ListOptions) (apiclient.Page, error)
}

// Defaults and bounds.
const (
	DefaultPageSize    = 20 // the API caps limit at 20
	DefaultConcurrency = 4
	MaxConcurrency     = 16
	// MaxRestarts bounds how often one listing starts over because the
	// store changed under it (the console's maxResyncs).
	MaxRestarts = 3
)

// Options configure a listing.
type Options struct {
	// Query holds the filters and order (Email, Search, Status, OrderBy,
	// Direction); its Limit and Offset are ignored.
	Query apiclient.ListOptions
	// PageSize is the limit asked per request; 0 means DefaultPageSize.
	PageSize int
	// Concurrency is the number of requests in flight; 0 means
	// DefaultConcurrency, capped at MaxConcurrency.
	Concurrency int
	// Max stops after this many customers; 0 means all of them.
	Max int
	// MaxRestarts overrides the package's MaxRestarts when > 0; a negative
	// value never restarts (drift is only reported).
	MaxRestarts int
	// PageTimeout bounds each page request (all its retries); 0: none
	// beyond ctx.
	PageTimeout time.Duration
	// Progress, when set, is called after every delivery (from the
	// goroutine that called Run).
	Progress func(Progress)
}

// Progress is the state of a listing.
type Progress struct {
	Rows     int // customers delivered
	Total    int // what the store reports; -1 unknown
	Pages    int // page answers received
	Restarts int
}

// Drift is one change of the store's total seen while listing.
type Drift struct{ From, To int }

// Result says how a listing went.
type Result struct {
	Rows     int // customers delivered
	Pages    int // page answers received (all passes)
	Requests int // list requests sent (all passes)
	Total    int // the last total the store reported; -1 unknown
	// Drifts are the changes of total seen, in order. Each one made the
	// listing restart, unless Unstable.
	Drifts []Drift
	// Restarts is how many times the listing started over.
	Restarts int
	// Unstable: the store kept changing after the last restart allowed and
	// the final pass completed with shifted offsets, so customers may be
	// missing (or be listed although gone). A script must not trust the
	// list: run again.
	Unstable bool
	// Skipped counts records the store sent without a usable id (never
	// delivered: no path may be built for them).
	Skipped int
	// More reports that Max stopped the listing while the store had more.
	More bool
}

// Emit receives customers in list order, never the same id twice. An
// error stops the listing and is returned by Run.
type Emit func([]apiclient.Customer) error

// Run lists the customers. It returns when the listing is complete, when
// emit fails, on a request error, or when ctx ends (ctx.Err()). Emit is
// called from the calling goroutine only; what was emitted before an error
// stays emitted (Result.Rows counts it).
func Run(ctx context.Context, store Store, opts Options, emit Emit) (Result, error) {
	r := newRun(store, opts, emit)
	return r.run(ctx)
}

type request struct{ offset, limit int }

type answer struct {
	req  request
	page apiclient.Page
	err  error
	pass int
}

type run struct {
	store Store
	opts  Options
	emit  Emit

	watch    Watch
	seen     map[int64]struct{}
	res      Result
	restarts int
	cut      bool // Max stopped delivery inside a page

	// one pass
	pass     int
	flushed  int // next offset to deliver
	planNext int // next offset not yet planned
	queue    []request
	inflight int
	results  map[int]answer // by requested offset
	endAt    int            // -1 unknown
}

func newRun(store Store, opts Options, emit Emit) *run {
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	opts.Concurrency = min(opts.Concurrency, MaxConcurrency)
	switch {
	case opts.MaxRestarts == 0:
		opts.MaxRestarts = MaxRestarts
	case opts.MaxRestarts < 0:
		opts.MaxRestarts = 0
	}
	opts.Query.Limit, opts.Query.Offset = 0, 0
	return &run{store: store, opts: opts, emit: emit, watch: NewWatch(), seen: map[int64]struct{}{},
		res: Result{Total: -1}}
}

// limit is the offset past which nothing is asked for: the nearest of the
// end seen, the total and Max (positions past Max cannot be among the first
// Max customers). -1 when none is known.
func (r *run) limit() int {
	lim := -1
	for _, v := range []int{r.endAt, r.watch.Total(), r.maxOffset()} {
		if v >= 0 && (lim < 0 || v < lim) {
			lim = v
		}
	}
	return lim
}

// maxOffset: with Max, nothing past flushed plus the customers still
// wanted is needed (unless some turn out to be repeats, then later).
func (r *run) maxOffset() int {
	if r.opts.Max > 0 {
		return r.flushed + (r.opts.Max - r.res.Rows)
	}
	return -1
}

func (r *run) startPass() {
	r.pass++
	r.flushed, r.planNext, r.queue, r.results, r.endAt = 0, 0, nil, map[int]answer{}, -1
}

func (r *run) run(parent context.Context) (Result, error) {
	answers := make(chan answer, r.opts.Concurrency)
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		cancel()
		for ; r.inflight > 0; r.inflight-- { // let every fetch goroutine end
			<-answers
		}
	}()
	r.startPass()
	for {
		if r.done() {
			return r.res, nil
		}
		r.dispatch(ctx, answers)
		if r.inflight == 0 {
			// Nothing more to ask, yet not delivered to the end: the
			// store's pages contradict each other. Never end silently short.
			return r.res, fmt.Errorf("listing: the store's pages stopped at offset %d without saying the list ends (total %d)",
				r.flushed, r.watch.Total())
		}
		var a answer
		select {
		case <-parent.Done():
			return r.res, parent.Err()
		case a = <-answers:
		}
		r.inflight--
		if a.pass != r.pass {
			continue // an answer to a pass that restarted
		}
		if a.err != nil {
			if perr := parent.Err(); perr != nil {
				return r.res, perr
			}
			return r.res, a.err
		}
		if err := r.file(a); err != nil {
			return r.res, err
		}
	}
}

// done reports that the pass delivered everything it had to.
func (r *run) done() bool {
	if r.opts.Max > 0 && r.res.Rows >= r.opts.Max {
		r.res.More = r.cut || (r.endAt < 0 || r.flushed < r.endAt) && (r.watch.Total() < 0 || r.flushed < r.watch.Total())
		return true
	}
	if t := r.watch.Total(); t >= 0 && r.flushed >= t && len(r.queue) == 0 {
		return true
	}
	return r.endAt >= 0 && r.flushed >= r.endAt
}

// dispatch asks for more pages while there is room in flight. With no known
// end the pipe is kept full anyway: an empty page ends the list, so at most
// Concurrency-1 requests overshoot it.
func (r *run) dispatch(ctx context.Context, answers chan<- answer) {
	for r.inflight < r.opts.Concurrency {
		var req request
		if len(r.queue) > 0 {
			req, r.queue = r.queue[0], r.queue[1:]
		} else {
			lim := r.limit()
			if lim >= 0 && r.planNext >= lim {
				return
			}
			req = request{r.planNext, r.opts.PageSize}
			r.planNext += r.opts.PageSize
		}
		r.inflight++
		r.res.Requests++
		go r.fetch(ctx, req, r.pass, answers)
	}
}

func (r *run) fetch(ctx context.Context, req request, pass int, answers chan<- answer) {
	q := r.opts.Query
	q.Offset, q.Limit = req.offset, req.limit
	if r.opts.PageTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.opts.PageTimeout)
		defer cancel()
	}
	p, err := r.store.ListCustomers(ctx, q)
	answers <- answer{req: req, page: p, err: err, pass: pass}
}

// file takes one page answer: drift check, then in-order delivery.
func (r *run) file(a answer) error {
	p := a.page
	r.res.Pages++
	n := max(p.NextOffset-p.Offset, len(p.Customers)) // records on the page, skipped ones included
	before := r.watch.Total()
	if r.watch.File(a.req.offset, p) {
		r.res.Drifts = append(r.res.Drifts, Drift{From: before, To: r.watch.Total()})
		if r.restarts < r.opts.MaxRestarts {
			r.restarts++
			r.res.Restarts = r.restarts
			r.res.Total = r.watch.Total()
			// The new pass learns its total from its own first answer:
			// answers of the old pass, served before or after the change,
			// can arrive in any order and must not count as a second drift.
			r.watch = NewWatch()
			r.startPass()
			r.report()
			return nil
		}
		r.res.Unstable = true
	}
	r.res.Total = r.watch.Total()
	r.res.Skipped += p.Skipped
	end := a.req.offset + n
	if n == 0 || !p.HasMore {
		if r.endAt < 0 || end < r.endAt {
			r.endAt = end
		}
	}
	if n < a.req.limit && n > 0 && p.HasMore {
		// A short page: ask for the rest of its range, first.
		r.queue = append([]request{{end, a.req.limit - n}}, r.queue...)
	}
	r.results[a.req.offset] = answer{req: request{a.req.offset, n}, page: p}
	return r.deliver()
}

// deliver emits answered pages in offset order from flushed. A page that
// starts before flushed (a store that answered more than asked) gives only
// its rows past flushed.
func (r *run) deliver() error {
	for {
		off, a, ok := r.next()
		if !ok {
			return nil
		}
		delete(r.results, off)
		rows := a.page.Customers[min(r.flushed-off, len(a.page.Customers)):]
		r.flushed = off + a.req.limit
		fresh := make([]apiclient.Customer, 0, len(rows))
		for _, c := range rows {
			if _, dup := r.seen[c.ID]; dup {
				continue
			}
			if r.opts.Max > 0 && r.res.Rows+len(fresh) >= r.opts.Max {
				r.cut = true // a customer past Max is here
				break
			}
			r.seen[c.ID] = struct{}{}
			fresh = append(fresh, c)
		}
		if len(fresh) > 0 {
			if err := r.emit(fresh); err != nil {
				return err
			}
			r.res.Rows += len(fresh)
		}
		r.report()
		if a.req.limit == 0 {
			return nil // an empty page: the end
		}
	}
}

// next finds the answered page that covers flushed, dropping those wholly
// before it.
func (r *run) next() (int, answer, bool) {
	if a, ok := r.results[r.flushed]; ok {
		return r.flushed, a, true
	}
	for off, a := range r.results {
		switch end := off + a.req.limit; {
		case end <= r.flushed && a.req.limit > 0:
			delete(r.results, off)
		case off < r.flushed && r.flushed < end:
			return off, a, true
		}
	}
	return 0, answer{}, false
}

func (r *run) report() {
	if r.opts.Progress != nil {
		r.opts.Progress(Progress{Rows: r.res.Rows, Total: r.watch.Total(), Pages: r.res.Pages, Restarts: r.restarts})
	}
}
