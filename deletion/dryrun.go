package deletion

import (
	"context"
	"errors"
	"fmt"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Check is a dry run of Delete: steps 1 and 2 (a fresh GET, then the
// changed-record check) and the check that a journal is open, without
// journaling anything and without sending a DELETE. The Kind is
//
//   - WouldDelete: the customer is there and unchanged; Delete would send
//     the DELETE now;
//   - AlreadyGone: 404, or in the trash;
//   - Changed: email or name differ from confirmed (Err is ErrChanged);
//   - Refused: no journal (ErrNoJournal), no API, an invalid id, or the GET
//     failed (ErrPrecheck wrapping the cause).
//
// Sent is always false, Attempt always "" and Customer the fresh record when
// the GET returned one. Check is safe for concurrent use.
func (d *Deleter) Check(ctx context.Context, confirmed apiclient.Customer) Outcome {
	out := Outcome{Customer: confirmed}
	switch {
	case d.Journal == nil:
		out.Kind, out.Err = Refused, ErrNoJournal
		return out
	case d.API == nil:
		out.Kind, out.Err = Refused, errors.New("no API client: nothing would be deleted")
		return out
	case confirmed.ID <= 0:
		out.Kind, out.Err = Refused, fmt.Errorf("invalid customer id %d: nothing would be deleted", confirmed.ID)
		return out
	}
	fresh, err := d.API.GetCustomer(ctx, confirmed.ID)
	switch {
	case apiclient.IsNotFound(err):
		out.Kind = AlreadyGone
		return out
	case err != nil:
		out.Kind, out.Err = Refused, fmt.Errorf("%w: %w", ErrPrecheck, err)
		return out
	}
	out.Customer = fresh
	if fresh.InTrash {
		out.Kind = AlreadyGone
		return out
	}
	if diff := differences(confirmed, fresh); diff != "" {
		out.Kind, out.Err = Changed, fmt.Errorf("%w (%s)", ErrChanged, diff)
		return out
	}
	out.Kind = WouldDelete
	return out
}
