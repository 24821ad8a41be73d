package tui

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// Golden screens of each mode at the smallest supported terminal (80x24).
func TestScreens(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		keys []string
	}{
		{"browse", Options{Profile: "prod"}, []string{"j"}},
		{"modal", Options{}, []string{"j", "D"}},
		{"modal_focus_delete", Options{}, []string{"D", "tab"}},
		{"help", Options{}, []string{"?"}},
		{"read_only", Options{ReadOnly: true, ReadOnlyReason: "profile prod"}, []string{"D"}},
		{"demo_header", Options{Demo: true}, nil},
		{"protected_modal", Options{Protected: true, Profile: "production"}, []string{"D", "u", "s", "e", "r"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newFakeStore(40)
			s.customers[1].Email = "a.really.long.email.address.that.will.not.fit@subdomain.example.com"
			m := newTestModel(t, s, c.opts)
			send(t, m, winSize(80, 24))
			press(t, m, c.keys...)
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func TestScreenDeleting(t *testing.T) {
	s := newFakeStore(5)
	m := newTestModel(t, s, Options{})
	send(t, m, winSize(80, 24))
	press(t, m, "D")
	m.Update(keyMsg("y")) // DELETE in flight: its command is never run
	golden.RequireEqual(t, []byte(m.View()))
}
