package tui

import (
	"fmt"
	"log"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/wcadmin/wcadmin/termtext"
)

// statusKind decides how the status line is styled (and marked: ✓ ✗).
type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

// statusLine is the one line (wrapping to a few) that says what just
// happened. A retry notice is temporary: it remembers the status it replaced
// and gives it back as soon as any read succeeds.
type statusLine struct {
	text  string
	kind  statusKind
	retry bool // text is a retry notice
	// before is what the retry notice replaced.
	before     string
	beforeKind statusKind
	log        *log.Logger
}

// Set replaces the status.
func (s *statusLine) Set(k statusKind, format string, args ...any) {
	s.text, s.kind, s.retry = fmt.Sprintf(format, args...), k, false
	s.log.Printf("status: %s", s.text)
}

// Clear empties the status: a modal opening or a run starting makes older
// messages stale.
func (s *statusLine) Clear() { s.text, s.kind, s.retry = "", statusInfo, false }

// Notice shows a retry notice over the current status.
func (s *statusLine) Notice(text string) {
	if !s.retry {
		s.before, s.beforeKind = s.text, s.kind
	}
	s.Set(statusInfo, "%s", text)
	s.retry = true
}

// Resolve is called when any read succeeded: a retry notice described a
// problem that is over, so what it replaced comes back.
func (s *statusLine) Resolve() {
	if s.retry {
		s.text, s.kind, s.retry = s.before, s.beforeKind, false
	}
}

// maxStatusLines bounds how far a long message (an error with its advice)
// may push the table up.
const maxStatusLines = 4

// View renders the status wrapped to at most maxStatusLines lines so the
// advice at the end of an error is not cut off. idle is shown when there is
// no status (the filter in use).
func (s *statusLine) View(width int, st *styles, idle string) string {
	text, style := s.text, st.statusInfo
	switch s.kind {
	case statusErr:
		text, style = "✗ "+text, st.statusErr
	case statusOK:
		text, style = "✓ "+text, st.statusOK
	default:
		if text == "" {
			text = idle
		}
	}
	lines := wrapKeepingHyphens(text, width)
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = termtext.Truncate(lines[maxStatusLines-1]+" …", width)
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n")
}

// wrapKeepingHyphens wraps text at spaces only: ansi.Wrap also breaks after
// every '-', which would split a command such as "wcadmin audit --open" or
// a flag such as "--audit-log" across lines. Hyphens stand in as U+2011
// (non-breaking hyphen, one cell too) while wrapping; a word longer than
// the width is still cut.
func wrapKeepingHyphens(text string, width int) []string {
	const nbHyphen = "\u2011"
	if strings.Contains(text, nbHyphen) {
		return strings.Split(ansi.Wrap(text, width, " "), "\n")
	}
	wrapped := ansi.Wrap(strings.ReplaceAll(text, "-", nbHyphen), width, " ")
	return strings.Split(strings.ReplaceAll(wrapped, nbHyphen, "-"), "\n")
}
