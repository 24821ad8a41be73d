package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
	"github.com/wcadmin/wcadmin/termtext"
)

// deleteAll runs every id through the deletion (Deleter.Delete, or Check in
// a dry run), --concurrency at a time, and returns the results in input
// order. Dispatching stops at a signal (ctx) and after a 401 or 403; a
// deletion already dispatched runs to its end on a context of its own, so
// it is journaled whatever happens. authStop reports the 401 or 403.
func (r *deleteRun) deleteAll(ctx context.Context, looks []freshLook) (results []deleteResult, authStop bool) {
	results = make([]deleteResult, len(r.ids))
	ran := make([]bool, len(r.ids))
	var (
		mu        sync.Mutex
		authErr   error
		authIndex = -1
	)
	runBounded(ctx, len(r.ids), r.flags.concurrency, func(i int) bool {
		ran[i] = true
		l := looks[i]
		id := r.ids[i]
		if l.err != nil && !l.gone() {
			results[i] = deleteResult{ID: id, Customer: l.c, Result: resultFailed,
				Message: termtext.CleanMax("could not be read before deleting, nothing was sent: "+l.err.Error(), 500)}
			return true
		}
		confirmed := l.c
		if l.err != nil {
			confirmed = apiclient.Customer{ID: id}
		}
		// The deletion's own context: a signal must not cut off a DELETE
		// already on its way, nor the journal line that records it.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*operationBudget(r.sess.settings.Timeout))
		defer cancel()
		var out deletion.Outcome
		if r.flags.dryRun {
			out = r.deleter.Check(dctx, confirmed)
		} else {
			out = r.deleter.Delete(dctx, confirmed)
		}
		results[i] = resultOf(id, out)
		if isAuthError(out.Err) {
			mu.Lock()
			if authIndex < 0 || i < authIndex {
				authErr, authIndex = out.Err, i
			}
			mu.Unlock()
			return false
		}
		return true
	})
	for i, id := range r.ids {
		if ran[i] {
			continue
		}
		why := "interrupted before it was sent"
		if authIndex >= 0 {
			why = fmt.Sprintf("the store refused the credentials or the permission (%d) at customer %d",
				apiclient.StatusCode(authErr), r.ids[authIndex])
		}
		results[i] = notAttempted(id, looks[i].c, why)
	}
	return results, authIndex >= 0
}

func notAttempted(id int64, c apiclient.Customer, why string) deleteResult {
	if c.ID == 0 {
		c.ID = id
	}
	return deleteResult{ID: id, Customer: c, Result: resultNotAttempted, Message: "not attempted: " + why}
}

// resultOf maps a deletion outcome to the command's result.
func resultOf(id int64, o deletion.Outcome) deleteResult {
	r := deleteResult{ID: id, Customer: o.Customer, Status: o.Status, Message: o.Message(), Attempt: o.Attempt}
	switch o.Kind {
	case deletion.Deleted:
		r.Result = resultDeleted
	case deletion.AlreadyGone:
		r.Result = resultAlreadyGone
	case deletion.Changed:
		r.Result = resultChanged
	case deletion.Unknown:
		r.Result = resultUnknown
	case deletion.WouldDelete:
		r.Result = resultWouldDelete
	default: // Failed, Refused: not deleted
		r.Result = resultFailed
	}
	return r
}
