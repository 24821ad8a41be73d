package main

import (
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/config"
	"github.com/wcadmin/wcadmin/tui"
)

// The console's budget for one operation must leave room for the client's
// three tries of a read and the backoff between them.
func TestOperationBudgetCoversRetries(t *testing.T) {
	for _, perTry := range []time.Duration{0, 300 * time.Millisecond, 15 * time.Second} {
		eff := perTry
		if eff == 0 {
			eff = 15 * time.Second
		}
		if got := operationBudget(perTry); got < 3*eff+5*time.Second {
			t.Errorf("operationBudget(%s) = %s: no room for 3 tries of %s plus backoff", perTry, got, eff)
		}
	}
}

// The undo window reaches the console: from the settings, and in the demo
// from --undo-window or the default.
func TestUndoWindowWiring(t *testing.T) {
	var topts tui.Options
	fromSettings(config.Settings{Site: "https://x.example.com", Token: "t", UndoWindow: 7 * time.Second},
		&apiclient.Options{}, &topts)
	if topts.UndoWindow != 7*time.Second {
		t.Errorf("fromSettings: UndoWindow = %s, want 7s", topts.UndoWindow)
	}
	for _, tc := range []struct {
		flags   config.Flags
		want    time.Duration
		wantErr bool
	}{
		{config.Flags{}, config.DefaultUndoWindow, false},
		{config.Flags{UndoWindow: time.Second}, config.DefaultUndoWindow, false}, // not given: the default
		{config.Flags{UndoWindow: 2 * time.Second, Set: map[string]bool{"undo-window": true}}, 2 * time.Second, false},
		{config.Flags{UndoWindow: 0, Set: map[string]bool{"undo-window": true}}, 0, false},
		{config.Flags{UndoWindow: -time.Second, Set: map[string]bool{"undo-window": true}}, 0, true},
	} {
		got, err := demoUndoWindow(tc.flags)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("demoUndoWindow(%+v) = %s, %v; want %s (error %v)", tc.flags, got, err, tc.want, tc.wantErr)
		}
	}

	// The flag is the root's, and reaches config.Flags as set.
	cmd := newRootCmd(func(string) string { return "" })
	if err := cmd.ParseFlags([]string{"--undo-window=3s"}); err != nil {
		t.Fatal(err)
	}
	var f config.Flags
	markSet(cmd, &f)
	if !f.Set["undo-window"] {
		t.Errorf("--undo-window is not marked as set: %v", f.Set)
	}
	if fl := cmd.Flags().Lookup("undo-window"); fl == nil || fl.Value.String() != "3s" {
		t.Errorf("--undo-window flag: %+v", fl)
	}
}

func TestUndoWindowText(t *testing.T) {
	raised := config.Settings{UndoWindow: 10 * time.Second,
		Sources: map[string]string{"undo_window": "profile prod in /c.toml (protected: 1s from flag --undo-window is below it)"}}
	if !undoRaised(raised) {
		t.Error("undoRaised: false for a raised window")
	}
	if got := undoWindowText(raised); !strings.HasPrefix(got, "10s (from profile prod in /c.toml (protected: 1s from flag --undo-window is below it))") {
		t.Errorf("undoWindowText = %q", got)
	}
	off := config.Settings{Sources: map[string]string{"undo_window": "flag --undo-window"}}
	if undoRaised(off) || !strings.HasPrefix(undoWindowText(off), "off (0s, from flag --undo-window)") {
		t.Errorf("off: %v %q", undoRaised(off), undoWindowText(off))
	}
	if got := undoWindowText(config.Settings{UndoWindow: config.DefaultUndoWindow}); !strings.HasPrefix(got, "5s (from default)") {
		t.Errorf("default: %q", got)
	}
}
