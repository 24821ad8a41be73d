package listing

import "github.com/wcadmin/wcadmin/apiclient"

// Watch detects drift from the totals pages report: a page whose total
// differs from the one the listing was read under means customers were
// created or deleted elsewhere, so offsets have shifted. A total smaller
// than what the page's own next-page signals say is there is contradictory:
// the signals win and totals are ignored from then on (Bad).
//
// These are the rules of the console's loader (listLoader.fileTotal).
type Watch struct {
	total int // -1 unknown
	bad   bool
}

// NewWatch returns a Watch that knows no total yet.
func NewWatch() Watch { return Watch{total: -1} }

// Total is the last total filed; -1 when unknown or ignored.
func (w *Watch) Total() int { return w.total }

// Bad reports that the store's totals contradicted its next-page signals.
func (w *Watch) Bad() bool { return w.bad }

// File takes the total of the page read at offset and reports a drift.
func (w *Watch) File(offset int, p apiclient.Page) bool {
	var drift bool
	w.total, w.bad, drift = FileTotal(w.total, w.bad, offset, p)
	return drift
}

// FileTotal is Watch.File as a pure function over the state (total, -1
// unknown; bad, totals ignored), for loaders that keep that state
// themselves (the console's listLoader): it returns the new state and
// whether the page shows a drift.
func FileTotal(total int, bad bool, offset int, p apiclient.Page) (newTotal int, newBad, drift bool) {
	if bad || p.Total < 0 {
		return total, bad, false
	}
	if p.HasMore && len(p.Customers) > 0 && offset+len(p.Customers) >= p.Total {
		return -1, true, false
	}
	return p.Total, false, total >= 0 && p.Total != total
}

// Dedupe drops repeated ids, keeping the first occurrence, in place.
func Dedupe(rows []apiclient.Customer) []apiclient.Customer {
	seen := make(map[int64]struct{}, len(rows))
	out := rows[:0]
	for _, c := range rows {
		if _, dup := seen[c.ID]; dup {
			continue
		}
		seen[c.ID] = struct{}{}
		out = append(out, c)
	}
	return out
}
