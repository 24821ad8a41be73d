// Package deletion deletes customers the careful way: it checks the record
// afresh, journals the intent (with the full record) before the DELETE goes
// out, never sends a DELETE twice, verifies an ambiguous answer with a
// follow-up GET, and journals the outcome. Without a working journal it
// refuses to delete (fail closed).
package deletion

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// API is what Delete needs of *apiclient.Client.
type API interface {
	GetCustomer(ctx context.Context, id int64) (apiclient.Customer, error)
	DeleteCustomer(ctx context.Context, id int64) error
}

// Kind is the result of a delete attempt. The zero Kind is not a result.
type Kind int

const (
	// Deleted: the DELETE succeeded, or an ambiguous answer was followed by a
	// check that found the customer gone (Outcome.Checked).
	Deleted Kind = iota + 1
	// AlreadyGone: the customer was not there (404 or in the trash) before
	// the DELETE, or the DELETE answered 404.
	AlreadyGone
	// Changed: the record's email or name differ from what the operator
	// confirmed; nothing was sent.
	Changed
	// Failed: the DELETE certainly did not happen: the store refused it (a 4xx
	// other than 404, or a 2xx whose body says error), it never reached the
	// store (connection refused, DNS or TLS failure, no access token), or an
	// ambiguous answer was followed by a check that found the customer still
	// there (Outcome.Checked).
	Failed
	// Unknown: the DELETE got no clear answer and the follow-up check failed
	// too. The customer may or may not be deleted.
	Unknown
	// Refused: nothing was sent: no journal, the journal could not be
	// written, the pre-delete check failed, or the context ended first.
	Refused
	// WouldDelete: a dry run (Deleter.Check) found nothing against deleting:
	// the customer is there, unchanged, and a journal is open. Nothing was
	// sent or journaled. Delete never returns it.
	WouldDelete
)

// String is the journal's result name: "deleted", "already_gone", "changed",
// "failed", "unknown", "refused"; "would_delete" (dry runs only: never
// journaled).
func (k Kind) String() string {
	switch k {
	case Deleted:
		return audit.ResultDeleted
	case AlreadyGone:
		return audit.ResultAlreadyGone
	case Changed:
		return audit.ResultChanged
	case Failed:
		return audit.ResultFailed
	case Unknown:
		return audit.ResultUnknown
	case Refused:
		return audit.ResultRefused
	case WouldDelete:
		return "would_delete"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Errors found in Outcome.Err (errors.Is).
var (
	// ErrNoJournal: the Deleter has no journal, so it refuses to delete.
	ErrNoJournal = errors.New("no audit journal: deleting is disabled until the journal can be written")
	// ErrJournal wraps a failed journal write before the DELETE.
	ErrJournal = errors.New("the audit journal could not be written, so nothing was deleted")
	// ErrPrecheck wraps a failed GET before the DELETE.
	ErrPrecheck = errors.New("the pre-delete check failed, so nothing was deleted")
	// ErrChanged: the record changed since the operator confirmed it.
	ErrChanged = errors.New("this record changed since it was loaded — refresh and check")
	// ErrStillThere: the DELETE got no clear answer and a check found the customer still there.
	ErrStillThere = errors.New("the delete did not go through: the customer is still there")
	// ErrOutcomeUnknown: the DELETE got no clear answer and the check failed too.
	ErrOutcomeUnknown = errors.New("the delete got no clear answer and the follow-up check failed: the customer may or may not be deleted — check before trying again")
)

// Outcome is what happened to one delete attempt.
type Outcome struct {
	Kind Kind
	// Customer is the record fetched right before the DELETE (as the server
	// sent it: not sanitised), else the confirmed one.
	Customer apiclient.Customer
	// Status is the HTTP status of the DELETE; 0 when none was sent or no answer came.
	Status int
	// Sent reports that the DELETE was attempted (after the intent was
	// journaled); with a refused connection it never reached the store.
	Sent bool
	// Checked reports that the Kind comes from a follow-up GET after an ambiguous DELETE.
	Checked bool
	// Err is the cause for Failed, Unknown, Refused and Changed (nil for Deleted
	// and AlreadyGone). Typed apiclient errors are kept for errors.As.
	Err error
	// JournalErr is set when a journal line after the decision (the outcome or
	// skipped line) could not be written; Kind still says what happened.
	JournalErr error
	// Duration is the time the DELETE request took (0 when none was sent).
	Duration time.Duration
	// Attempt is the journal's attempt id ("" when nothing was journaled).
	Attempt string
}

// Message is a one-line, terminal-safe summary of the outcome, as journaled.
func (o Outcome) Message() string {
	var s string
	switch o.Kind {
	case Deleted:
		s = "deleted"
		if o.Checked {
			s = "deleted (confirmed by a follow-up check after an unclear answer)"
		}
	case AlreadyGone:
		s = "already gone: nothing to delete"
		if o.Sent {
			s = "already gone: the server answered 404"
		}
	case WouldDelete:
		s = "would be deleted (dry run: nothing sent)"
	default:
		if o.Err != nil {
			s = o.Err.Error()
		} else {
			s = o.Kind.String()
		}
	}
	if o.JournalErr != nil {
		s += " (and the audit journal could not record it: " + o.JournalErr.Error() + ")"
	}
	return termtext.CleanMax(s, 500)
}

// DefaultCheckTimeout bounds the follow-up GET after an ambiguous DELETE.
const DefaultCheckTimeout = 10 * time.Second

// Deleter deletes customers with a journal. It is safe for concurrent use.
type Deleter struct {
	API API
	// Journal records every attempt. nil refuses every delete.
	Journal *audit.Journal
	// Profile and Site go into every journal line; so do Via (how the
	// deletion was asked for: "console", "cli") and Reason, when set.
	Profile, Site string
	Via, Reason   string
	// Now is the clock (nil = time.Now).
	Now func() time.Time
	// CheckTimeout bounds the follow-up GET (0 = DefaultCheckTimeout). That
	// GET runs on a context of its own: the DELETE's may have expired.
	CheckTimeout time.Duration
}

func (d *Deleter) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Delete deletes the customer the operator confirmed (confirmed.ID; Email
// and names as shown, sanitised or not). Steps:
//
//  1. GET the customer afresh: 404 or in the trash → AlreadyGone; another
//     failure → Refused. Nothing is sent; a "skipped" line is journaled.
//  2. Email (case-insensitively) or name differ from confirmed, after both
//     are made terminal-safe as the TUI does → Changed; nothing is sent.
//  3. Journal the intent with the fresh record; failing that → Refused.
//  4. DELETE once: success → Deleted, 404 → AlreadyGone; a failure that is
//     not ambiguous (apiclient.IsAmbiguous: the store did not act, e.g. a
//     4xx, a refused connection) → Failed.
//  5. An ambiguous failure (apiclient.IsAmbiguous: a timeout, a dropped
//     connection, a 3xx, a 5xx, an unusable 2xx): never re-sent; a follow-up
//     GET decides: gone → Deleted, still there → Failed, check failed →
//     Unknown.
//  6. Journal the outcome (a failure lands in Outcome.JournalErr).
func (d *Deleter) Delete(ctx context.Context, confirmed apiclient.Customer) Outcome {
	return d.DeleteScheduled(ctx, confirmed, "")
}

// DeleteScheduled is Delete for a deletion Schedule journaled: its lines
// carry the scheduled line's attempt id ("" = a new one).
func (d *Deleter) DeleteScheduled(ctx context.Context, confirmed apiclient.Customer, attempt string) Outcome {
	out, ok := d.usable(confirmed, "nothing was deleted")
	if !ok {
		return out
	}
	out.Attempt = attempt
	if out.Attempt == "" {
		out.Attempt = audit.NewAttempt()
	}

	// 1 and 2. A fresh look, the same record as confirmed?
	fresh, note, done := d.precheck(ctx, confirmed, &out)
	if done {
		return d.skipped(out, confirmed, note)
	}

	// 3. Intent, durably, before anything is sent.
	intent := d.entry(audit.PhaseIntent, out.Attempt, fresh)
	intent.Record = recordJSON(fresh)
	if err := d.Journal.Append(intent); err != nil {
		out.Kind, out.Err = Refused, fmt.Errorf("%w: %w", ErrJournal, err)
		return out
	}
	if err := ctx.Err(); err != nil {
		out.Kind, out.Err = Refused, fmt.Errorf("cancelled before the delete was sent: %w", err)
		return d.outcome(out, fresh, nil)
	}

	// 4. One DELETE, never repeated.
	start := d.now()
	err := d.API.DeleteCustomer(ctx, fresh.ID)
	out.Duration = d.now().Sub(start)
	out.Sent = true
	out.Status = apiclient.StatusCode(err)
	switch {
	case err == nil:
		out.Kind = Deleted
		if out.Status == 0 {
			out.Status = http.StatusNoContent // DeleteCustomer hides the exact 2xx
		}
		return d.outcome(out, fresh, err)
	case apiclient.IsNotFound(err):
		out.Kind = AlreadyGone
		return d.outcome(out, fresh, err)
	case !apiclient.IsAmbiguous(err):
		out.Kind, out.Err = Failed, err
		return d.outcome(out, fresh, err)
	}

	// 5. Ambiguous (the one definition is apiclient.IsAmbiguous). Look, don't resend.
	out.Checked = true
	timeout := d.CheckTimeout
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	after, cerr := d.API.GetCustomer(cctx, fresh.ID)
	cancel()
	switch {
	case apiclient.IsNotFound(cerr) || (cerr == nil && after.InTrash):
		out.Kind = Deleted
	case cerr == nil:
		out.Kind, out.Err = Failed, fmt.Errorf("%w (the delete answered: %w)", ErrStillThere, err)
	default:
		out.Kind, out.Err = Unknown, fmt.Errorf("%w (delete: %w; check: %w)", ErrOutcomeUnknown, err, cerr)
	}
	return d.outcome(out, fresh, err)
}

// Schedule journals that the operator confirmed deleting c and that the
// DELETE waits out an undo window first; nothing is sent. It returns the
// attempt id for DeleteScheduled or Undo. An error means it could not be
// journaled, and the deletion must not go ahead (fail closed).
func (d *Deleter) Schedule(c apiclient.Customer, window time.Duration) (string, error) {
	switch {
	case d.Journal == nil:
		return "", ErrNoJournal
	case c.ID <= 0:
		return "", fmt.Errorf("invalid customer id %d: nothing was scheduled", c.ID)
	}
	attempt := audit.NewAttempt()
	e := d.entry(audit.PhaseScheduled, attempt, c)
	e.Message = fmt.Sprintf("confirmed; the DELETE waits out the %s undo window", window)
	if err := d.Journal.Append(e); err != nil {
		return "", fmt.Errorf("%w: %w", ErrJournal, err)
	}
	return attempt, nil
}

// Undo journals that the scheduled deletion attempt of c was taken back
// before anything was sent; why says by what ("u pressed", "wcadmin quit").
func (d *Deleter) Undo(attempt string, c apiclient.Customer, why string) error {
	if d.Journal == nil {
		return ErrNoJournal
	}
	e := d.entry(audit.PhaseUndone, attempt, c)
	e.Message = termtext.CleanMax("undone before anything was sent: "+why, 500)
	return d.Journal.Append(e)
}

// usable refuses what no deleter could act on: no journal, no API, an
// invalid id (then nothing is journaled: there is no attempt).
func (d *Deleter) usable(confirmed apiclient.Customer, nothing string) (Outcome, bool) {
	out := Outcome{Customer: confirmed}
	switch {
	case d.Journal == nil:
		out.Kind, out.Err = Refused, ErrNoJournal
	case d.API == nil:
		out.Kind, out.Err = Refused, errors.New("no API client: "+nothing)
	case confirmed.ID <= 0:
		out.Kind, out.Err = Refused, fmt.Errorf("invalid customer id %d: %s", confirmed.ID, nothing)
	default:
		return out, true
	}
	return out, false
}

// precheck is steps 1 and 2 of Delete, shared with Check: GET the customer
// afresh (404 or in the trash → AlreadyGone; another failure → Refused) and
// compare it with what the operator confirmed (→ Changed). done reports that
// out holds the decision and note says it for the journal; else fresh is the
// record to delete (also in out.Customer).
func (d *Deleter) precheck(ctx context.Context, confirmed apiclient.Customer, out *Outcome) (fresh apiclient.Customer, note string, done bool) {
	fresh, err := d.API.GetCustomer(ctx, confirmed.ID)
	switch {
	case apiclient.IsNotFound(err):
		out.Kind = AlreadyGone
		return fresh, "already gone before the delete (404 Not Found): nothing sent", true
	case err != nil:
		out.Kind, out.Err = Refused, fmt.Errorf("%w: %w", ErrPrecheck, err)
		return fresh, out.Err.Error(), true
	}
	out.Customer = fresh
	if fresh.InTrash {
		out.Kind = AlreadyGone
		return fresh, "already in the trash before the delete: nothing sent", true
	}
	if diff := differences(confirmed, fresh); diff != "" {
		out.Kind, out.Err = Changed, fmt.Errorf("%w (%s)", ErrChanged, diff)
		return fresh, out.Err.Error() + "; nothing sent", true
	}
	return fresh, "", false
}

// differences says how fresh differs from confirmed in email or name, "" when it does not.
func differences(confirmed, fresh apiclient.Customer) string {
	var diffs []string
	ce, fe := termtext.CleanMax(confirmed.Email, termtext.MaxFieldCells), termtext.CleanMax(fresh.Email, termtext.MaxFieldCells)
	if !strings.EqualFold(ce, fe) {
		diffs = append(diffs, fmt.Sprintf("email was %q, now %q", ce, fe))
	}
	if cn, fn := displayName(confirmed), displayName(fresh); cn != fn {
		diffs = append(diffs, fmt.Sprintf("name was %q, now %q", cn, fn))
	}
	return strings.Join(diffs, ", ")
}

// displayName is FullName after the TUI's sanitising of each name field.
func displayName(c apiclient.Customer) string {
	c.FirstName = termtext.CleanMax(c.FirstName, termtext.MaxFieldCells)
	c.LastName = termtext.CleanMax(c.LastName, termtext.MaxFieldCells)
	c.Name = termtext.CleanMax(c.Name, termtext.MaxFieldCells)
	return termtext.CleanMax(c.FullName(), 2*termtext.MaxFieldCells+1)
}

// recordJSON is the record as the server sent it, compacted; the decoded
// fields when the raw JSON is missing.
func recordJSON(c apiclient.Customer) json.RawMessage {
	if len(c.Raw) > 0 {
		var b bytes.Buffer
		if json.Compact(&b, c.Raw) == nil {
			return b.Bytes()
		}
	}
	c.Raw = nil
	b, err := json.Marshal(c)
	if err != nil {
		return nil
	}
	return b
}

func (d *Deleter) entry(phase, attempt string, c apiclient.Customer) audit.Entry {
	return audit.Entry{
		Time:       d.now().UTC(),
		Phase:      phase,
		Profile:    d.Profile,
		Site:       d.Site,
		CustomerID: c.ID,
		Email:      termtext.CleanMax(c.Email, termtext.MaxFieldCells),
		Name:       displayName(c),
		Attempt:    attempt,
		Via:        d.Via,
		Reason:     termtext.CleanMax(d.Reason, 500),
	}
}

// skipped journals an attempt that sent nothing.
func (d *Deleter) skipped(out Outcome, c apiclient.Customer, msg string) Outcome {
	e := d.entry(audit.PhaseSkipped, out.Attempt, c)
	e.Result = out.Kind.String()
	e.Message = termtext.CleanMax(msg, 1000)
	if err := d.Journal.Append(e); err != nil {
		out.JournalErr = err
	}
	return out
}

// outcome journals what followed the intent; deleteErr is the DELETE's error, if any.
func (d *Deleter) outcome(out Outcome, c apiclient.Customer, deleteErr error) Outcome {
	e := d.entry(audit.PhaseOutcome, out.Attempt, c)
	e.Result = out.Kind.String()
	e.Status = out.Status
	e.DurationMS = out.Duration.Milliseconds()
	msg := out.Message()
	switch {
	case out.Kind == Deleted && out.Checked:
		msg = "deleted: confirmed by a follow-up check (the delete itself got: " + deleteErr.Error() + ")"
	case out.Kind == AlreadyGone && deleteErr != nil:
		msg = "already gone: " + deleteErr.Error()
	}
	e.Message = termtext.CleanMax(msg, 1000)
	if err := d.Journal.Append(e); err != nil {
		out.JournalErr = err
	}
	return out
}
