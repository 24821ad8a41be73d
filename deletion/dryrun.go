package deletion

import (
	"context"

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
	out, ok := d.usable(confirmed, "nothing would be deleted")
	if !ok {
		return out
	}
	if _, _, done := d.precheck(ctx, confirmed, &out); done {
		return out
	}
	out.Kind = WouldDelete
	return out
}
