package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
)

// undoModel is a console with a 5 s undo window and a clock the test moves.
type undoModel struct {
	*Model
	s     *fakeStore
	now   time.Time
	jpath string
}

func newUndoModel(t *testing.T, n int) *undoModel {
	t.Helper()
	s := newFakeStore(n)
	d := testDeleter(t, s)
	u := &undoModel{s: s, now: frozen, jpath: d.Journal.Path()}
	u.Model = newTestModel(t, s, Options{Deleter: d, UndoWindow: 5 * time.Second})
	u.opts.Now = func() time.Time { return u.now }
	return u
}

// wait moves the clock and delivers the countdown tick, as time passing would.
func (u *undoModel) wait(t *testing.T, d time.Duration) {
	t.Helper()
	u.now = u.now.Add(d)
	send(t, u.Model, undoTickMsg{})
}

// journal is the phases of each attempt, in order, by customer id.
func (u *undoModel) journal(t *testing.T) map[int64][]string {
	t.Helper()
	set, err := audit.ReadSet(u.jpath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]string{}
	for _, a := range audit.Attempts(set.Lines) {
		var ph []string
		for _, l := range a.Lines {
			ph = append(ph, l.Entry.Phase)
		}
		out[a.First().CustomerID] = append(out[a.First().CustomerID], strings.Join(ph, ","))
	}
	return out
}

func TestUndoWithinTheWindowSendsNothing(t *testing.T) {
	u := newUndoModel(t, 5)
	c, _ := u.table.Selected()
	press(t, u.Model, "D", "y")
	if u.mode != modeBrowse {
		t.Fatalf("the modal did not close at once: mode %s", u.mode)
	}
	v := u.View()
	if !strings.Contains(v, "pending 5s") || !strings.Contains(v, "1 pending · u undo") {
		t.Fatalf("no pending row or header:\n%s", v)
	}
	u.wait(t, 2*time.Second)
	if !strings.Contains(u.View(), "pending 3s") {
		t.Fatalf("countdown did not move:\n%s", u.View())
	}
	press(t, u.Model, "u")
	want := fmt.Sprintf("Undone: customer #%d (%s) — nothing was sent", c.ID, c.Email)
	if u.status.text != want {
		t.Errorf("status %q, want %q", u.status.text, want)
	}
	u.wait(t, 10*time.Second)
	if len(u.s.deleted()) != 0 || len(u.s.gets) != 0 {
		t.Fatalf("undone deletion sent requests: deletes %v, gets %v", u.s.deleted(), u.s.gets)
	}
	if strings.Contains(u.View(), "pending") {
		t.Errorf("row still pending after undo:\n%s", u.View())
	}
	if got := u.journal(t)[c.ID]; !slices.Equal(got, []string{"scheduled,undone"}) {
		t.Errorf("journal for #%d: %v, want scheduled then undone", c.ID, got)
	}
}

func TestWindowEndSendsExactlyOneVerifiedDeletion(t *testing.T) {
	u := newUndoModel(t, 5)
	c, _ := u.table.Selected()
	press(t, u.Model, "D", "y")
	u.wait(t, 4*time.Second)
	if len(u.s.gets)+len(u.s.deleted()) != 0 {
		t.Fatal("requests before the window ended")
	}
	u.wait(t, time.Second)
	if got := u.s.deleted(); !slices.Equal(got, []int64{c.ID}) {
		t.Fatalf("deleted %v, want exactly [%d]", got, c.ID)
	}
	if !slices.Contains(u.s.gets, c.ID) {
		t.Error("no fresh GET before the DELETE")
	}
	u.wait(t, 10*time.Second)
	if len(u.s.deleted()) != 1 {
		t.Fatalf("DELETE sent again: %v", u.s.deleted())
	}
	if got := u.journal(t)[c.ID]; !slices.Equal(got, []string{"scheduled,intent,outcome"}) {
		t.Errorf("journal for #%d: %v, want one attempt: scheduled, intent, outcome", c.ID, got)
	}
	if !strings.HasPrefix(u.status.text, fmt.Sprintf("Deleted customer #%d", c.ID)) {
		t.Errorf("status %q", u.status.text)
	}
}

// u takes back the pending deletion under the cursor, else the most recent.
func TestUndoOrder(t *testing.T) {
	u := newUndoModel(t, 6)
	var ids []int64
	for range 3 {
		c, _ := u.table.Selected()
		ids = append(ids, c.ID)
		press(t, u.Model, "D", "y", "j")
	}
	if n := u.pending.waiting(); n != 3 {
		t.Fatalf("%d pending, want 3", n)
	}
	press(t, u.Model, "k", "k") // onto the second
	press(t, u.Model, "u")
	press(t, u.Model, "j", "j", "j") // a row with nothing pending
	press(t, u.Model, "u")
	if _, ok := u.pending.get(ids[1]); ok {
		t.Error("u on a pending row did not undo that row")
	}
	if _, ok := u.pending.get(ids[2]); ok {
		t.Error("u elsewhere did not undo the most recent")
	}
	if _, ok := u.pending.get(ids[0]); !ok {
		t.Fatal("the first deletion was undone too early")
	}
	press(t, u.Model, "u")
	press(t, u.Model, "u")
	if !strings.HasPrefix(u.status.text, "Nothing to undo") {
		t.Errorf("status after undoing everything: %q", u.status.text)
	}
	u.wait(t, time.Minute)
	if len(u.s.deleted()) != 0 {
		t.Fatalf("undone deletions were sent: %v", u.s.deleted())
	}
}

// The operator keeps working during the window: the deletion leaves the mode alone.
func TestWindowEndDoesNotDisturbTheOperator(t *testing.T) {
	u := newUndoModel(t, 5)
	press(t, u.Model, "D", "y", "j", "/", "u", "s", "e")
	u.wait(t, 5*time.Second)
	if u.mode != modeFilter || u.filter.Value() != "use" {
		t.Fatalf("mode %s, filter %q: the deletion disturbed the filter", u.mode, u.filter.Value())
	}
	if len(u.s.deleted()) != 1 {
		t.Fatalf("deleted %v", u.s.deleted())
	}
}

func TestQuitWithPendingSendsNothingAndReportsThem(t *testing.T) {
	u := newUndoModel(t, 5)
	c, _ := u.table.Selected()
	press(t, u.Model, "D", "y", "q")
	if !u.quitting {
		t.Fatal("q did not quit")
	}
	ids := u.CancelPending("wcadmin quit before the undo window ended")
	if !slices.Equal(ids, []int64{c.ID}) {
		t.Errorf("cancelled %v, want [%d]", ids, c.ID)
	}
	if r := u.Report(); !slices.Equal(r.Cancelled, []int64{c.ID}) || len(r.Deleted) != 0 || !r.Any() {
		t.Errorf("report %+v, want #%d cancelled", r, c.ID)
	}
	u.wait(t, time.Minute)
	if len(u.s.deleted())+len(u.s.gets) != 0 {
		t.Fatalf("requests after quitting: deletes %v gets %v", u.s.deleted(), u.s.gets)
	}
	if got := u.journal(t)[c.ID]; !slices.Equal(got, []string{"scheduled,undone"}) {
		t.Errorf("journal for #%d: %v, want scheduled then undone", c.ID, got)
	}
}

func TestBulkCountdownCancels(t *testing.T) {
	for _, k := range []string{"u", "esc"} {
		t.Run(k, func(t *testing.T) {
			u := newUndoModel(t, 5)
			press(t, u.Model, "space", "space", "D", "2", "enter")
			if u.mode != modeBulkCountdown {
				t.Fatalf("mode %s, want the countdown", u.mode)
			}
			if v := u.View(); !strings.Contains(v, "Deleting 2 customers in 5s — u or Esc cancels") {
				t.Fatalf("no countdown:\n%s", v)
			}
			u.wait(t, 2*time.Second)
			send(t, u.Model, bulkCountdownMsg{batch: u.bulk.id})
			if !strings.Contains(u.View(), "in 3s") {
				t.Fatalf("countdown did not move:\n%s", u.View())
			}
			press(t, u.Model, k)
			if u.mode != modeBrowse || u.status.text != "Cancelled: nothing was sent (2 customers)" {
				t.Fatalf("mode %s, status %q", u.mode, u.status.text)
			}
			u.wait(t, time.Minute)
			if len(u.s.deleted())+len(u.s.gets) != 0 {
				t.Fatalf("requests after cancelling: deletes %v gets %v", u.s.deleted(), u.s.gets)
			}
			for id, got := range u.journal(t) {
				if !slices.Equal(got, []string{"scheduled,undone"}) {
					t.Errorf("journal for #%d: %v", id, got)
				}
			}
			if len(u.journal(t)) != 2 {
				t.Errorf("journal has %d customers, want 2", len(u.journal(t)))
			}
		})
	}
}

func TestBulkCountdownEndsAndRuns(t *testing.T) {
	u := newUndoModel(t, 5)
	press(t, u.Model, "space", "space", "D", "2", "enter")
	u.now = u.now.Add(5 * time.Second)
	send(t, u.Model, bulkCountdownMsg{batch: u.bulk.id})
	if len(u.s.deleted()) != 2 || u.mode != modeSummary {
		t.Fatalf("deleted %v, mode %s", u.s.deleted(), u.mode)
	}
	for id, got := range u.journal(t) {
		if !slices.Equal(got, []string{"scheduled,intent,outcome"}) {
			t.Errorf("journal for #%d: %v, want one attempt", id, got)
		}
	}
}

func TestNoWindowSendsAtOnce(t *testing.T) {
	s := newFakeStore(3)
	m := newTestModel(t, s, Options{})
	press(t, m, "D", "y")
	if len(s.deleted()) != 1 || strings.Contains(m.View(), "pending") {
		t.Fatalf("without a window: deleted %v", s.deleted())
	}
}

func TestScheduleFailureSendsNothing(t *testing.T) {
	u := newUndoModel(t, 3)
	u.opts.Deleter.(*deletion.Deleter).Journal.Close()
	press(t, u.Model, "D", "y")
	if !strings.Contains(u.status.text, "was not deleted") || u.pending.waiting() != 0 {
		t.Fatalf("status %q, %d pending", u.status.text, u.pending.waiting())
	}
	u.wait(t, time.Minute)
	if len(u.s.deleted())+len(u.s.gets) != 0 {
		t.Fatal("requests after the journal refused the schedule")
	}
}
