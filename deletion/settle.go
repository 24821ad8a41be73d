package deletion

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// SettleConcurrency bounds the GETs of one Settle.
const SettleConcurrency = 4

// Settled is one interrupted attempt that Settle closed with an outcome line.
type Settled struct {
	Attempt    string
	CustomerID int64
	Email      string
	// Result is audit.ResultDeleted, audit.ResultNotDeleted or, for a
	// scheduled deletion that was never sent, audit.ResultNotSent.
	Result string
	// How is the check that decided (Settlement.How), e.g. "GET answered 404".
	How string
	// Changed: the customer is still there, but its record differs from the
	// intent's (How says how).
	Changed bool
	// Interrupted is the time of the attempt's intent (or scheduled) line.
	Interrupted time.Time
}

// Unsettled is an interrupted attempt that stays open: the check failed, or
// its outcome line could not be written.
type Unsettled struct {
	Attempt     string
	CustomerID  int64
	Interrupted time.Time
	Err         error
}

// SettleReport is what one Settle found and did.
type SettleReport struct {
	// Found is the number of interrupted attempts of this site in the journal.
	Found int
	// Deleted and NotDeleted were settled by this process.
	Deleted, NotDeleted []Settled
	// NotSent are scheduled deletions whose wcadmin ended inside the undo
	// window, before the DELETE: settled by this process as
	// audit.ResultNotSent without asking the store.
	NotSent []Settled
	// Open could not be checked (or written) and stay open.
	Open []Unsettled
	// ByOther were settled by another process first (AppendIfOpen said so).
	ByOther int
	// Earliest and Latest are the intent times of the attempts found that
	// had an intent (zero when there were none): scheduled deletions that
	// were never sent do not count.
	Earliest, Latest time.Time
}

// Any reports whether there was anything to settle.
func (r SettleReport) Any() bool { return r.Found > 0 }

// Changed counts the NotDeleted customers whose record changed since the intent.
func (r SettleReport) Changed() int {
	n := 0
	for _, s := range r.NotDeleted {
		if s.Changed {
			n++
		}
	}
	return n
}

// OpenCommand is where the operator sees the attempts that are still open.
const OpenCommand = "wcadmin audit --open"

// Message is the one-line, terminal-safe account of the report for the
// console, in local time, e.g. "2 deletions interrupted on Dec 3 at 10:42
// were settled: 1 deleted, 1 not deleted — wcadmin audit --open". It is ""
// when nothing was found.
func (r SettleReport) Message() string {
	if !r.Any() {
		return ""
	}
	var parts []string
	if n := len(r.Deleted) + len(r.NotDeleted); n > 0 {
		s := fmt.Sprintf("%s interrupted %s %s settled: %d deleted, %d not deleted",
			plural(n, "deletion", "deletions"), r.when(), plural1(n, "was", "were"), len(r.Deleted), len(r.NotDeleted))
		if c := r.Changed(); c > 0 {
			s += fmt.Sprintf(" (%d of them changed since)", c)
		}
		parts = append(parts, s)
	}
	if n := len(r.NotSent); n > 0 {
		parts = append(parts, fmt.Sprintf("%s never sent (wcadmin ended inside the undo window)",
			plural(n, "scheduled deletion was", "scheduled deletions were")))
	}
	if r.ByOther > 0 {
		parts = append(parts, fmt.Sprintf("%s settled by another wcadmin first",
			plural(r.ByOther, "interrupted deletion was", "interrupted deletions were")))
	}
	if n := len(r.Open); n > 0 {
		ids := make([]string, 0, min(n, 3))
		for _, u := range r.Open[:min(n, 3)] {
			ids = append(ids, fmt.Sprint(u.CustomerID))
		}
		who := "customer " + ids[0]
		if n > 1 {
			who = "customers " + strings.Join(ids, ", ")
			if n > 3 {
				who += ", …"
			}
		}
		reason := "unknown error"
		if r.Open[0].Err != nil {
			reason = termtext.CleanMax(r.Open[0].Err.Error(), 160)
		}
		parts = append(parts, fmt.Sprintf("%s could not be checked (%s: %s) and %s open",
			plural(n, "interrupted deletion", "interrupted deletions"), who, reason, plural1(n, "stays", "stay")))
	}
	where := OpenCommand
	if len(r.Deleted)+len(r.NotDeleted)+len(r.Open)+r.ByOther == 0 {
		where = "wcadmin audit" // only scheduled deletions: none is open
	}
	return termtext.CleanMax(strings.Join(parts, "; ")+" — "+where, 600)
}

// when is "on Dec 3 at 10:42", or "between Dec 3 at 10:42 and Dec 4 at
// 09:15" when the interruptions span more than a minute.
func (r SettleReport) when() string {
	const layout = "Jan 2 at 15:04"
	first, last := r.Earliest.Local(), r.Latest.Local()
	a, b := first.Format(layout), last.Format(layout)
	if a == b || r.Latest.IsZero() {
		return "on " + a
	}
	return "between " + a + " and " + b
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func plural1(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Settle closes the attempts of d.Site that a wcadmin process left open (an
// intent and no outcome: it was killed, or its machine went down), before
// this process deletes anything. For each one it GETs the customer (at most
// SettleConcurrency at a time, each bounded by CheckTimeout) and appends an
// outcome line with the same attempt id and a Settlement:
//
//   - 404, or in the trash → audit.ResultDeleted;
//   - still there → audit.ResultNotDeleted (the DELETE did not happen), and
//     How says whether the record is unchanged or how it changed;
//   - the check fails → no line: the attempt stays open (SettleReport.Open).
//
// A scheduled deletion with nothing after it (its wcadmin ended inside the
// undo window) never sent anything: it is closed with audit.ResultNotSent
// without asking the store (SettleReport.NotSent).
//
// Lines go through Journal.AppendIfOpen, so two processes sharing the
// journal never settle an attempt twice (the loser counts it in ByOther).
// The error is for the journal itself (no journal, or it cannot be read).
func (d *Deleter) Settle(ctx context.Context) (SettleReport, error) {
	attempts, err := d.Interrupted()
	if err != nil {
		return SettleReport{}, err
	}
	return d.SettleAttempts(ctx, attempts), nil
}

// Interrupted lists the open attempts of d.Site whose writer is gone
// (Journal.Interrupted): what Settle would check.
func (d *Deleter) Interrupted() ([]audit.Attempt, error) {
	if d.Journal == nil {
		return nil, ErrNoJournal
	}
	a, err := d.Journal.Interrupted(d.Site)
	if err != nil {
		return nil, fmt.Errorf("looking for interrupted deletions in the journal: %w", err)
	}
	return a, nil
}

// SettleAttempts is Settle for attempts already found by Interrupted.
// Attempts of another site, already final or undone, or with neither an
// intent nor a scheduled line are ignored.
func (d *Deleter) SettleAttempts(ctx context.Context, attempts []audit.Attempt) SettleReport {
	var todo, scheduled []*audit.Entry
	for _, a := range attempts {
		switch {
		case a.Final != nil || a.Undone != nil:
		case a.Intent != nil:
			if a.Intent.Site == d.Site && a.Intent.Attempt != "" {
				todo = append(todo, a.Intent)
			}
		case a.Scheduled != nil || len(a.Lines) > 0:
			// Never sent: Interrupted gives only the scheduled line
			// (Lines[0]); Attempts sets Scheduled.
			e := a.Scheduled
			if e == nil {
				e = &a.Lines[0].Entry
			}
			if e.Phase == audit.PhaseScheduled && e.Site == d.Site && e.Attempt != "" {
				scheduled = append(scheduled, e)
			}
		}
	}
	var rep SettleReport
	rep.Found = len(todo) + len(scheduled)
	for _, sc := range scheduled {
		s, byOther, err := d.settleNotSent(sc)
		switch {
		case err != nil:
			rep.Open = append(rep.Open, Unsettled{Attempt: sc.Attempt, CustomerID: sc.CustomerID, Interrupted: sc.Time, Err: err})
		case byOther:
			rep.ByOther++
		default:
			rep.NotSent = append(rep.NotSent, *s)
		}
	}
	for _, in := range todo {
		if rep.Earliest.IsZero() || in.Time.Before(rep.Earliest) {
			rep.Earliest = in.Time
		}
		if in.Time.After(rep.Latest) {
			rep.Latest = in.Time
		}
	}
	if len(todo) == 0 {
		return rep
	}

	type result struct {
		settled *Settled
		open    *Unsettled
		byOther bool
	}
	results := make([]result, len(todo))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(SettleConcurrency, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				in := todo[i]
				var err error
				if err = ctx.Err(); err != nil {
					err = fmt.Errorf("not checked: %w", err)
				} else {
					var s *Settled
					var byOther bool
					if s, byOther, err = d.settleOne(ctx, in); err == nil {
						results[i] = result{settled: s, byOther: byOther}
						continue
					}
				}
				results[i] = result{open: &Unsettled{Attempt: in.Attempt, CustomerID: in.CustomerID,
					Interrupted: in.Time, Err: err}}
			}
		}()
	}
	for i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		switch {
		case r.open != nil:
			rep.Open = append(rep.Open, *r.open)
		case r.byOther:
			rep.ByOther++
		case r.settled.Result == audit.ResultDeleted:
			rep.Deleted = append(rep.Deleted, *r.settled)
		default:
			rep.NotDeleted = append(rep.NotDeleted, *r.settled)
		}
	}
	return rep
}

// settleOne checks one interrupted intent and appends its outcome. byOther:
// another process settled it first (nothing was appended).
func (d *Deleter) settleOne(ctx context.Context, in *audit.Entry) (_ *Settled, byOther bool, _ error) {
	if d.API == nil {
		return nil, false, errors.New("no API client to check the customer with")
	}
	timeout := d.CheckTimeout
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	fresh, err := d.API.GetCustomer(cctx, in.CustomerID)
	cancel()

	s := &Settled{Attempt: in.Attempt, CustomerID: in.CustomerID, Email: in.Email, Interrupted: in.Time}
	var msg string
	switch {
	case apiclient.IsNotFound(err):
		s.Result, s.How = audit.ResultDeleted, "GET answered 404"
		msg = "deleted: settled after an interruption — the customer is gone (GET answered 404)"
	case err != nil:
		return nil, false, fmt.Errorf("the check failed: %w", err)
	case fresh.InTrash:
		s.Result, s.How = audit.ResultDeleted, "in the trash"
		msg = "deleted: settled after an interruption — the customer is in the trash"
	default:
		s.Result = audit.ResultNotDeleted
		if diff := recordChanges(in, fresh); diff != "" {
			s.Changed, s.How = true, termtext.CleanMax("still there, changed: "+diff, 400)
			msg = "not deleted: settled after an interruption — the customer is still there, so the DELETE did not happen; its record changed since the intent (" + diff + ")"
		} else {
			s.How = "still there, unchanged"
			msg = "not deleted: settled after an interruption — the customer is still there, unchanged, so the DELETE did not happen"
		}
	}

	now := d.now().UTC()
	e := audit.Entry{
		Time:       now,
		Phase:      audit.PhaseOutcome,
		Profile:    in.Profile,
		Site:       in.Site,
		CustomerID: in.CustomerID,
		Email:      in.Email,
		Name:       in.Name,
		Attempt:    in.Attempt,
		Result:     s.Result,
		Message:    termtext.CleanMax(msg, 1000),
		Settled: &audit.Settlement{
			By:          d.Journal.Operator(),
			Host:        d.Journal.Host(),
			At:          now,
			Interrupted: in.Time,
			How:         s.How,
		},
	}
	ok, err := d.Journal.AppendIfOpen(e)
	switch {
	case err != nil:
		return nil, false, fmt.Errorf("the customer was checked (%s) but the journal could not record it: %w", s.How, err)
	case !ok:
		return nil, true, nil
	}
	return s, false, nil
}

// NotSentHow is Settlement.How of a scheduled deletion settled as never sent.
const NotSentHow = "scheduled, never sent: wcadmin ended inside the undo window"

// settleNotSent closes a scheduled deletion with nothing after it: its
// wcadmin ended before the window did, so no DELETE was sent and the store
// need not be asked. byOther: another process settled it first.
func (d *Deleter) settleNotSent(sc *audit.Entry) (_ *Settled, byOther bool, _ error) {
	now := d.now().UTC()
	e := audit.Entry{
		Time:       now,
		Phase:      audit.PhaseOutcome,
		Profile:    sc.Profile,
		Site:       sc.Site,
		CustomerID: sc.CustomerID,
		Email:      sc.Email,
		Name:       sc.Name,
		Attempt:    sc.Attempt,
		Result:     audit.ResultNotSent,
		Message: "not sent: settled after an interruption — the deletion was confirmed but wcadmin ended " +
			"inside the undo window, before anything was sent",
		Settled: &audit.Settlement{
			By:          d.Journal.Operator(),
			Host:        d.Journal.Host(),
			At:          now,
			Interrupted: sc.Time,
			How:         NotSentHow,
		},
	}
	ok, err := d.Journal.AppendIfOpen(e)
	switch {
	case err != nil:
		return nil, false, fmt.Errorf("the scheduled deletion was never sent, but the journal could not record it: %w", err)
	case !ok:
		return nil, true, nil
	}
	return &Settled{Attempt: sc.Attempt, CustomerID: sc.CustomerID, Email: sc.Email, Result: audit.ResultNotSent,
		How: NotSentHow, Interrupted: sc.Time}, false, nil
}

// recordChanges says how fresh differs from the record the intent journaled:
// email or name as shown, then which other top-level fields changed; "" when
// nothing did.
func recordChanges(in *audit.Entry, fresh apiclient.Customer) string {
	var diffs []string
	said := map[string]bool{}
	fe := termtext.CleanMax(fresh.Email, termtext.MaxFieldCells)
	if !strings.EqualFold(in.Email, fe) {
		diffs = append(diffs, fmt.Sprintf("email was %q, now %q", in.Email, fe))
		said["email"] = true
	}
	if fn := displayName(fresh); in.Name != fn {
		diffs = append(diffs, fmt.Sprintf("name was %q, now %q", in.Name, fn))
		said["first_name"], said["last_name"], said["name"] = true, true, true
	}
	if len(in.Record) > 0 {
		var before, after map[string]any
		if json.Unmarshal(in.Record, &before) == nil && json.Unmarshal(recordJSON(fresh), &after) == nil {
			var keys []string
			for k, v := range before {
				if w, ok := after[k]; !ok || !reflect.DeepEqual(v, w) {
					keys = append(keys, k)
				}
			}
			for k := range after {
				if _, ok := before[k]; !ok {
					keys = append(keys, k)
				}
			}
			// Those already said above, by their display form, are left out.
			keys = slices.DeleteFunc(keys, func(k string) bool { return said[k] })
			slices.Sort(keys)
			if len(keys) > 0 {
				if len(keys) > 8 {
					keys = append(keys[:8], "…")
				}
				diffs = append(diffs, "fields changed: "+termtext.CleanMax(strings.Join(keys, ", "), 200))
			}
		}
	}
	return strings.Join(diffs, "; ")
}
