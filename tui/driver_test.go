package tui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/deletion"
)

func TestMain(m *testing.M) {
	// Plain text: assertions and golden files see exactly what a NO_COLOR user sees.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

var frozen = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// newTestModel builds a model on a fake store, sized and fully loaded.
func newTestModel(t *testing.T, s *fakeStore, o Options) *Model {
	t.Helper()
	o.Store = s
	if o.Deleter == nil {
		o.Deleter = testDeleter(t, s)
	}
	if o.Host == "" {
		o.Host = "shop.example.com"
	}
	o.Now = func() time.Time { return frozen }
	m := New(o)
	t.Cleanup(m.Close)
	run(t, m, m.Init())
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

// run executes cmd synchronously, feeding every message back into the model,
// until no command is left. Spinner ticks are dropped (they only animate).
func run(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("command loop did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case spinner.TickMsg, tea.QuitMsg, nil:
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// send delivers msg and runs whatever it asks for.
func send(t *testing.T, m *Model, msg tea.Msg) {
	t.Helper()
	_, cmd := m.Update(msg)
	run(t, m, cmd)
}

// press types keys one by one ("enter", "esc", "D", "ctrl+c"...).
func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		send(t, m, keyMsg(k))
	}
}

// namedKeys are the keys tests type by name, as the terminal delivers them.
var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"delete": tea.KeyDelete, "backspace": tea.KeyBackspace,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
	"ctrl+c": tea.KeyCtrlC, "ctrl+d": tea.KeyCtrlD, "ctrl+k": tea.KeyCtrlK, "ctrl+a": tea.KeyCtrlA,
	"ctrl+b": tea.KeyCtrlB, "ctrl+f": tea.KeyCtrlF, "ctrl+\\": tea.KeyCtrlBackslash,
}

// keyMsg is one key: a name from namedKeys, "space", or text. Text of
// several runes is one message, as when keys arrive in one read.
func keyMsg(k string) tea.KeyMsg {
	if t, ok := namedKeys[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	if k == "space" || k == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// pasteMsg is a bracketed paste of text.
func pasteMsg(text string) tea.KeyMsg {
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true}
}

// altMsg is ESC followed by k, read together.
func altMsg(k string) tea.KeyMsg {
	msg := keyMsg(k)
	msg.Alt = true
	return msg
}

func selectedID(t *testing.T, m *Model) int64 {
	t.Helper()
	c, ok := m.table.Selected()
	if !ok {
		t.Fatal("no row selected")
	}
	return c.ID
}

func winSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// runConcurrent is run with the Bubble Tea loop's concurrency: every command
// runs in its own goroutine and messages go back into the model one at a
// time, so bounded-concurrency code really overlaps its requests.
func runConcurrent(tb testing.TB, m *Model, cmd tea.Cmd) {
	tb.Helper()
	driveConcurrent(tb, m, cmd, nil, 60*time.Second)
}

// driveConcurrent is runConcurrent that also delivers messages arriving on
// ext, the way Program.Send does (ext may be nil). Messages still queued on
// ext when the commands settle are delivered too.
func driveConcurrent(tb testing.TB, m *Model, cmd tea.Cmd, ext <-chan tea.Msg, timeout time.Duration) {
	tb.Helper()
	results := make(chan tea.Msg, 64)
	pending := 0
	exec := func(c tea.Cmd) {
		if c == nil {
			return
		}
		pending++
		go func() { results <- c() }()
	}
	update := func(msg tea.Msg) {
		switch msg := msg.(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				exec(c)
			}
		case spinner.TickMsg, tea.QuitMsg, nil:
		default:
			_, next := m.Update(msg)
			exec(next)
		}
	}
	exec(cmd)
	deadline := time.After(timeout)
	for pending > 0 {
		select {
		case msg := <-ext:
			update(msg)
		case msg := <-results:
			pending--
			update(msg)
		case <-deadline:
			tb.Fatalf("commands did not settle within %s", timeout)
		}
	}
	for {
		select {
		case msg := <-ext:
			update(msg)
		default:
			return
		}
	}
}

// testDeleter is the real verified deleter over the fake store, journaling
// into a temporary file.
func testDeleter(t testing.TB, s *fakeStore) *deletion.Deleter {
	t.Helper()
	j, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.Close() })
	return &deletion.Deleter{API: s, Journal: j, Site: "https://shop.example.com"}
}
