package tui

import (
	"bytes"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// teatest flows: the real Bubble Tea program loop around the model, fixed
// 100x30 terminal, ASCII profile (TestMain) and a frozen clock. The golden file
// holds the final screen.

func startFlow(t *testing.T, s *fakeStore) *teatest.TestModel {
	t.Helper()
	m := New(Options{Store: s, Deleter: testDeleter(t, s), Host: "shop.example.com", Now: func() time.Time { return frozen }})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, probed{m}, teatest.WithInitialTermSize(100, 30))
	waitScreen(t, tm, "user0@example.com")
	return tm
}

func waitScreen(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

// finalView waits until nothing is loading or deleting (a spinner frame in
// the golden file would make it depend on timing), quits and returns the
// model.
func finalView(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		reply := make(chan bool, 1)
		tm.Send(idleProbe{reply})
		if <-reply {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the model did not become idle")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(probed).Model
}

// idleProbe asks, on the program's own goroutine, whether the model is idle.
type idleProbe struct{ reply chan bool }

// probed answers idleProbe and passes everything else to the model.
type probed struct{ *Model }

func (p probed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if pr, ok := msg.(idleProbe); ok {
		m := p.Model
		pr.reply <- m.list.ld == nil && m.mode != modeDeleting && (m.bulk == nil || m.bulk.inflight == 0)
		return p, nil
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func TestFlowBrowseDeleteCancel(t *testing.T) {
	s := newFakeStore(40)
	tm := startFlow(t, s)
	keys(tm, "j", "j", "D")
	waitScreen(t, tm, "Delete 1 customer?")
	keys(tm, "n")
	waitScreen(t, tm, "not deleted")
	m := finalView(t, tm)
	if d := s.deleted(); len(d) != 0 {
		t.Fatalf("cancel sent DELETE for %v", d)
	}
	golden.RequireEqual(t, []byte(m.View()))
}

func TestFlowDeleteConfirmed(t *testing.T) {
	s := newFakeStore(40)
	tm := startFlow(t, s)
	keys(tm, "j", "j", "D")
	waitScreen(t, tm, "DELETE /api/v4/admin/customers/1007")
	keys(tm, "y")
	waitScreen(t, tm, "Deleted customer #1007")
	m := finalView(t, tm)
	if d := s.deleted(); !slices.Equal(d, []int64{1007}) {
		t.Fatalf("deleted %v, want [1007]", d)
	}
	if id := selectedID(t, m); id != 1010 {
		t.Fatalf("cursor on %d, want the follower 1010", id)
	}
	golden.RequireEqual(t, []byte(m.View()))
}

var _ tea.Model = probed{}
