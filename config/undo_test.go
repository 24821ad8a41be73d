package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestUndoWindowLayers(t *testing.T) {
	tests := []struct {
		name      string
		profile   string // extra lines in the profile
		env       string // WCADMIN_UNDO_WINDOW
		flag      *time.Duration
		protected string // WCADMIN_PROTECTED
		want      time.Duration
		wantSrc   []string
	}{
		{name: "default", want: DefaultUndoWindow, wantSrc: []string{"default"}},
		{name: "profile", profile: `undo_window = "8s"`, want: 8 * time.Second, wantSrc: []string{"profile p in"}},
		{name: "profile off", profile: `undo_window = "0s"`, want: 0, wantSrc: []string{"profile p in"}},
		{name: "env over profile", profile: `undo_window = "8s"`, env: "2s", want: 2 * time.Second, wantSrc: []string{"env WCADMIN_UNDO_WINDOW"}},
		{name: "env 0 turns it off", env: "0", want: 0, wantSrc: []string{"env WCADMIN_UNDO_WINDOW"}},
		{name: "flag over env", env: "2s", flag: dur(3 * time.Second), want: 3 * time.Second, wantSrc: []string{"flag --undo-window"}},
		{name: "flag 0", flag: dur(0), want: 0, wantSrc: []string{"flag --undo-window"}},

		// Protected: lengthening is fine, going below the floor is not.
		{name: "protected default", profile: "protected = true", want: DefaultUndoWindow, wantSrc: []string{"default"}},
		{name: "protected longer flag", profile: "protected = true", flag: dur(20 * time.Second),
			want: 20 * time.Second, wantSrc: []string{"flag --undo-window"}},
		{name: "protected flag below default", profile: "protected = true", flag: dur(time.Second),
			want: DefaultUndoWindow, wantSrc: []string{"default (protected: 1s from flag --undo-window is below it)"}},
		{name: "protected flag 0 below profile", profile: "protected = true\nundo_window = \"10s\"", flag: dur(0),
			want: 10 * time.Second, wantSrc: []string{"profile p in", "(protected: 0s from flag --undo-window is below it)"}},
		{name: "protected env below profile", profile: "protected = true\nundo_window = \"10s\"", env: "6s",
			want: 10 * time.Second, wantSrc: []string{"profile p in", "6s from env WCADMIN_UNDO_WINDOW"}},
		{name: "protected env longer than profile", profile: "protected = true\nundo_window = \"10s\"", env: "30s",
			want: 30 * time.Second, wantSrc: []string{"env WCADMIN_UNDO_WINDOW"}},
		{name: "protected profile may turn it off", profile: "protected = true\nundo_window = \"0s\"",
			want: 0, wantSrc: []string{"profile p in"}},
		{name: "protected profile 0, flag lengthens", profile: "protected = true\nundo_window = \"0s\"", flag: dur(2 * time.Second),
			want: 2 * time.Second, wantSrc: []string{"flag --undo-window"}},
		{name: "protected by env", protected: "true", flag: dur(0),
			want: DefaultUndoWindow, wantSrc: []string{"default (protected: 0s from flag --undo-window"}},
		{name: "not protected: flag may shorten", profile: `undo_window = "10s"`, flag: dur(time.Second),
			want: time.Second, wantSrc: []string{"flag --undo-window"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withConfig(writeConfig(t, minimal+tt.profile+"\n"))
			if tt.flag != nil {
				f.UndoWindow, f.Set["undo-window"] = *tt.flag, true
			}
			s := mustLoad(t, f, map[string]string{"WCADMIN_UNDO_WINDOW": tt.env, "WCADMIN_PROTECTED": tt.protected})
			if s.UndoWindow != tt.want {
				t.Errorf("UndoWindow = %s, want %s (source %q)", s.UndoWindow, tt.want, s.Source("undo_window"))
			}
			for _, w := range tt.wantSrc {
				if src := s.Source("undo_window"); !strings.Contains(src, w) {
					t.Errorf("Source(undo_window) = %q, want it to contain %q", src, w)
				}
			}
			if want := fmt.Sprintf("undo_window=%s", tt.want); !strings.Contains(s.String(), want) {
				t.Errorf("String() = %q, want %q", s.String(), want)
			}
		})
	}
}

func TestUndoWindowErrors(t *testing.T) {
	// Negative from the flag or the environment: an error, also on a
	// protected profile (never silently raised).
	f := withConfig(writeConfig(t, minimal))
	f.UndoWindow, f.Set["undo-window"] = -time.Second, true
	loadErr(t, f, nil, "undo_window", "undo_window -1s (from flag --undo-window) is negative", `"0" to turn`)

	f = withConfig(writeConfig(t, minimal+"protected = true\n"))
	f.UndoWindow, f.Set["undo-window"] = -time.Second, true
	loadErr(t, f, nil, "undo_window", "is negative")

	loadErr(t, withConfig(writeConfig(t, minimal)), map[string]string{"WCADMIN_UNDO_WINDOW": "-2s"},
		"undo_window", "undo_window -2s (from env WCADMIN_UNDO_WINDOW) is negative")
	loadErr(t, withConfig(writeConfig(t, minimal)), map[string]string{"WCADMIN_UNDO_WINDOW": "soon"},
		"undo_window", `WCADMIN_UNDO_WINDOW="soon" is not a duration`)
	// A bad environment value is an error even when the flag overrides it.
	f = withConfig(writeConfig(t, minimal))
	f.UndoWindow, f.Set["undo-window"] = time.Second, true
	loadErr(t, f, map[string]string{"WCADMIN_UNDO_WINDOW": "5"}, "undo_window", "WCADMIN_UNDO_WINDOW")

	// In the file, with its line.
	for _, tc := range []struct{ value, want string }{
		{`"-1s"`, `:5: undo_window "-1s" is negative`},
		{`"five"`, `:5: undo_window "five" is not a duration`},
		{`5`, `:5: undo_window must be a quoted duration`},
	} {
		path := writeConfig(t, minimal+"undo_window = "+tc.value+"\n")
		loadErr(t, withConfig(path), nil, "undo_window", path+tc.want)
	}
	// A typo gets a suggestion.
	loadErr(t, withConfig(writeConfig(t, minimal+"undo_windw = \"5s\"\n")), nil, "", `did you mean "undo_window"`)
}

func dur(d time.Duration) *time.Duration { return &d }
