package tui

import (
	"strings"
	"testing"
)

func TestStatusWrapKeepsHyphenatedWordsWhole(t *testing.T) {
	text := "✗ 4 deletions interrupted on Dec 3 at 12:58 were settled: 2 deleted, 2 not deleted — wcadmin audit --open"
	lines := wrapKeepingHyphens(text, 100)
	if len(lines) != 2 || !strings.Contains(lines[len(lines)-1], "--open") {
		t.Fatalf("lines %q: want two, \"--open\" whole on the second", lines)
	}
	for _, l := range lines {
		if strings.HasSuffix(l, "-") {
			t.Errorf("a line ends in a hyphen: %q", l)
		}
	}
	if got := wrapKeepingHyphens("x-y", 1); strings.Join(got, "") != "x-y" {
		t.Errorf("a long word is cut, not lost: %q", got)
	}
}
