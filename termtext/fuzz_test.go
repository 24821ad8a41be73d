package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Seeds beyond those in testdata/fuzz/.
var fuzzSeeds = []string{
	"",
	"Alice Smith",
	"\x1b]52;c;ZXZpbA==\x07",
	"\x1b[2J",
	"\u202eevil",
	"a\x9b31mb",
	"a\u009b31mb",
	"\x1b]8;;http://x\x1b\\y\x1b]8;;\x1b\\",
	"👨\u200d👩\u200d👧",
	"日本語テキスト",
	"\xff\xfe\xed\xa0\x80",
	" \t\r\n ",
}

func FuzzClean(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		checkSafe(t, c, false)
		if strings.ContainsRune(c, 0x1b) {
			t.Fatalf("Clean(%q) = %q contains ESC", s, c)
		}
		if c2 := Clean(c); c2 != c {
			t.Fatalf("Clean not idempotent: Clean(%q) = %q, Clean of that = %q", s, c, c2)
		}
		if isClean(s) != (c == s) {
			t.Fatalf("fast path disagrees for %q: isClean=%v, Clean=%q", s, isClean(s), c)
		}
		if len(c) > 3*len(s) { // worst case: every byte becomes U+FFFD
			t.Fatalf("Clean(%q) grew too much: %q", s, c)
		}

		checkWidths(t, c)

		m := Multiline(s)
		checkSafe(t, m, true)
		checkWidths(t, m)
		if m2 := Multiline(m); m2 != m {
			t.Fatalf("Multiline not idempotent: Multiline(%q) = %q, again = %q", s, m, m2)
		}
		// Joining the lines of Multiline gives Clean's text modulo spacing:
		// both keep the same visible characters.
		if strip(m) != strip(c) {
			t.Fatalf("Multiline(%q) = %q and Clean = %q disagree on visible text", s, m, c)
		}
	})
}

func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

func FuzzTruncate(f *testing.F) {
	for _, s := range fuzzSeeds {
		for _, n := range []int{0, 1, 2, 3, 7} {
			f.Add(s, n)
		}
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 64 // keep widths in a range where cutting actually happens
		c := Clean(s)
		tr := Truncate(c, n)
		if !utf8.ValidString(tr) {
			t.Fatalf("Truncate(%q, %d) = %q is not valid UTF-8", c, n, tr)
		}
		if n <= 0 {
			if tr != "" {
				t.Fatalf("Truncate(%q, %d) = %q, want empty", c, n, tr)
			}
			return
		}
		if w := Width(tr); w > n {
			t.Fatalf("Truncate(%q, %d) = %q has width %d", c, n, tr, w)
		}
		if Width(c) <= n {
			if tr != c {
				t.Fatalf("Truncate(%q, %d) = %q cut a string that fits", c, n, tr)
			}
		} else {
			kept, ok := strings.CutSuffix(tr, Ellipsis)
			if !ok && n < ellipsisWidth && tr == "" {
				ok = true // no room even for the ellipsis
			}
			if !ok || !strings.HasPrefix(c, kept) {
				t.Fatalf("Truncate(%q, %d) = %q is not a prefix plus ellipsis", c, n, tr)
			}
		}
		if got := CleanMax(s, n); got != tr {
			t.Fatalf("CleanMax(%q, %d) = %q, want %q", s, n, got, tr)
		}
		checkSafe(t, tr, false)
		checkWidths(t, tr)
	})
}

// FuzzWidth checks the width invariant: lipgloss measures the output of
// Clean, Multiline, Truncate and CleanMax exactly as the sum of the
// runewidth widths of its code points, and Truncate stays within its limit.
func FuzzWidth(f *testing.F) {
	for _, s := range widthSeeds {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 64
		checkWidthProperties(t, s, n)
		c, m := Clean(s), Multiline(s)
		if strip(m) != strip(c) {
			t.Fatalf("Multiline(%q) = %q and Clean = %q disagree on visible text", s, m, c)
		}
		if isClean(s) != (c == s) {
			t.Fatalf("fast path disagrees for %q: isClean=%v, Clean=%q", s, isClean(s), c)
		}
	})
}

// Seeds for FuzzWidth beyond those in testdata/fuzz/FuzzWidth.
var widthSeeds = []string{
	"👩\u200d👩\u200d👧\u200d👦",
	"🏳\ufe0f\u200d🌈",
	"🇩🇪🇫",
	"🧑🏽 👍🏿",
	"❤\ufe0f ☺\ufe0f ⌚\ufe0e",
	"1\ufe0f\u20e3",
	"e\u0301 a \u0301 \u0301",
	"\u1100\u1161\u11a8",
	"ｶﾞ",
	"مُحَمَّد שָׁלוֹם",
	"नमस्ते क्ष",
	"สวัสดี น้ำ",
	"\u0600\u0661 \u0d4e\u0d15",
	"x\n\u05b0\u0cf3",
	"\u2630",
}

func FuzzRedact(f *testing.F) {
	f.Add("Bearer s3cr3t s3cr3t", "s3cr3t", "cr3t s")
	f.Add("aaaa", "aa", "a")
	f.Fuzz(func(t *testing.T, s, a, b string) {
		r := Redact(s, a, b)
		for _, sec := range []string{a, b} {
			// An occurrence of a secret that shares no byte with the marker
			// cannot span a marker, so it would lie in text copied from s
			// unchanged, where it should have been redacted.
			if sec != "" && !strings.ContainsAny(sec, Redacted) && strings.Contains(r, sec) {
				t.Fatalf("Redact(%q, %q, %q) = %q still contains %q", s, a, b, r, sec)
			}
		}
		if a == "" && b == "" && r != s {
			t.Fatalf("Redact with empty secrets changed %q to %q", s, r)
		}
	})
}
