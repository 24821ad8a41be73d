package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"golang.org/x/text/unicode/norm"
)

// Width consistency
//
// lipgloss and bubbletea measure text by grapheme cluster (a cluster is as
// wide as its first code point, or 2 cells when that is followed by VS16),
// while tmux, screen and glibc's wcwidth add up the widths of the individual
// code points. Wherever the two disagree, a row drawn by lipgloss is too
// long or too short on a real terminal and borders break. Clean and
// Multiline therefore only return text for which both views agree: for every
// grapheme cluster, the width ansi.StringWidth (= lipgloss.Width) gives it
// equals the sum of runeWidth over its code points. See [Clean] for the
// rules that get there.

// widthCond is the per-code-point reference: go-runewidth with its default
// settings, except that EastAsianWidth is pinned to what
// github.com/charmbracelet/x/ansi uses. runewidth.DefaultCondition also turns
// it on for CJK locales (LANG=ja_JP.UTF-8, ...) while ansi (and so lipgloss)
// only looks at RUNEWIDTH_EASTASIAN; the two would then disagree on every
// ambiguous-width character (…, °, Greek, Cyrillic, ...).
var widthCond = &runewidth.Condition{
	EastAsianWidth:     ellipsisWidth == 2, // "…" is ambiguous-width: 2 cells iff ansi runs in East Asian mode
	StrictEmojiNeutral: true,
}

// runeWidth returns the width of r as go-runewidth counts it, with
// [widthCond], except that nonspacing and enclosing marks (Mn, Me) are 0
// cells, as glibc's wcwidth, tmux and screen count them. go-runewidth gives
// about 1,900 of them (Thai vowel and tone marks, Indic vowel signs and
// viramas, Hebrew and Arabic points) one cell; following it would mean
// stripping them and making Thai and Hindi names unreadable, while the
// terminals it stands in for already agree with lipgloss on them.
func runeWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return 0
	}
	return widthCond.RuneWidth(r)
}

// runeWidthSum returns the sum of runeWidth over the code points of s.
func runeWidthSum(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// replacement stands for a cluster that cannot be made width-consistent in
// a readable way. U+FFFD is one cell wide in both views unless East Asian
// mode makes it ambiguous-width in only one of them.
var replacement = func() string {
	if ansi.StringWidth("\uFFFD") == runeWidth(0xFFFD) {
		return "\uFFFD"
	}
	return "?"
}()

// isConjunctLinker reports the viramas that join Indic consonants into one
// grapheme cluster (Unicode's Indic_Conjunct_Break=Linker).
func isConjunctLinker(r rune) bool {
	switch r {
	case 0x094D, 0x09CD, 0x0ACD, 0x0B4D, 0x0C4D, 0x0D4D:
		return true
	}
	return false
}

// isWidthDropped reports whether Clean removes r for width consistency
// regardless of context: the variation selectors VS15/VS16 (U+FE0E, U+FE0F),
// which switch between text and emoji presentation and so between 1 and 2
// cells depending on the terminal; the grapheme-cluster "prepend" characters
// (Arabic number signs U+0600–U+0605 etc.), which fuse with the following
// character into one cluster as wide as the sign itself; and the invisible
// format controls that isInvisible leaves, which are zero-width for lipgloss
// but not for runewidth and would leave a following mark without a base.
func isWidthDropped(r rune) bool {
	switch {
	case r < 0x600:
		return false
	case r == 0xfe0e, r == 0xfe0f:
		return true
	}
	return isPrepend(r) || isFormatControl(r)
}

// isFormatControl reports whether r has Grapheme_Cluster_Break=Control and
// is not removed by isInvisible or isLineSep (TestFormatControlTable checks
// the table against the segmenter): unassigned specials U+FFF0–U+FFF8,
// Egyptian hieroglyph, shorthand and musical format controls, and
// unassigned default-ignorable code points in plane 14.
func isFormatControl(r rune) bool {
	switch {
	case r < 0xfff0:
		return false
	case r <= 0xfff8:
		return true
	case r < 0x13430:
		return false
	}
	return r <= 0x1343f || r >= 0x1bca0 && r <= 0x1bca3 || r >= 0x1d173 && r <= 0x1d17a ||
		r >= 0xe0080 && r <= 0xe00ff || r >= 0xe01f0 && r <= 0xe0fff
}

// isPrepend reports whether r has Grapheme_Cluster_Break=Prepend (Unicode
// 17, as github.com/clipperhouse/uax29 v2.5 segments; TestPrependTable checks
// the table against the segmenter).
func isPrepend(r rune) bool {
	switch {
	case r < 0x600:
		return false
	case r <= 0x605, r == 0x6dd, r == 0x70f, r == 0x890, r == 0x891, r == 0x8e2, r == 0xd4e:
		return true
	case r < 0x110bd:
		return false
	case r == 0x110bd, r == 0x110cd, r == 0x111c2, r == 0x111c3, r == 0x113d1,
		r == 0x1193f, r == 0x11941, r >= 0x11a84 && r <= 0x11a89, r == 0x11d46, r == 0x11f02:
		return true
	}
	return false
}

// Regional indicator symbols U+1F1E6–U+1F1FF (A–Z). Pairs form flags.
const (
	riFirst = 0x1f1e6
	riLast  = 0x1f1ff
)

func isRegionalIndicator(r rune) bool { return r >= riFirst && r <= riLast }

// keycap is U+20E3 COMBINING ENCLOSING KEYCAP.
const keycap = 0x20e3

// isKeycapBase reports whether b can start an emoji keycap sequence
// ("1️⃣" = '1' U+FE0F U+20E3).
func isKeycapBase(b byte) bool { return b >= '0' && b <= '9' || b == '#' || b == '*' }

// widthsConsistent reports whether every grapheme cluster of s (clean
// output, possibly with '\n') is as wide for lipgloss as the sum of its code
// points' runeWidth, and no cluster carries bare marks (see [clusterOK]).
// It does not allocate.
func widthsConsistent(s string) bool {
	lineStart := true
	for s != "" {
		g, w := nextCluster(s)
		if g == "" { // cannot happen; guard against an infinite loop
			return false
		}
		s = s[len(g):]
		if len(g) == 1 {
			// ASCII: printable ones are 1 cell, '\n' 0, in both views.
			lineStart = g[0] == '\n'
			continue
		}
		if !clusterOK(g, w, lineStart) {
			return false
		}
		lineStart = false
	}
	return true
}

// nextCluster returns the first grapheme cluster of s and its width as
// lipgloss measures it, without asking the segmenter about an ASCII
// character that is followed by another one (or by nothing).
func nextCluster(s string) (string, int) {
	if c := s[0]; c < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) && c != '\r' {
		if c < 0x20 || c == 0x7f {
			return s[:1], 0
		}
		return s[:1], 1
	}
	return ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
}

// clusterOK reports whether the grapheme cluster g, which the segmenter
// measures as w cells, is width-consistent.
//
// Marks on an ASCII base ("e" U+0301, " " U+0301) and marks at the start of
// a line must be zero-width in both views, each on its own: lipgloss counts
// every ASCII byte separately and measures what follows as a cluster of its
// own (so "a" U+0CF3 is 2 cells for lipgloss but 1 as a cluster), and Clean
// and Multiline, which put a space and a line break at the same places, must
// keep the same marks.
func clusterOK(g string, w int, lineStart bool) bool {
	if hasBareMarks(g, lineStart) {
		for i, r := range g {
			if (i > 0 || g[0] >= utf8.RuneSelf) && !zeroWidth(g[i:], r) {
				return false
			}
		}
	}
	return w == runeWidthSum(g)
}

// zeroWidth reports whether r, the first code point of s, is zero-width on
// its own in both views.
func zeroWidth(s string, r rune) bool {
	if runeWidth(r) != 0 {
		return false
	}
	_, size := utf8.DecodeRuneInString(s)
	_, w := ansi.FirstGraphemeCluster(s[:size], ansi.GraphemeWidth)
	return w == 0
}

// hasBareMarks reports whether the cluster g consists of an ASCII character
// or of nothing at all (at the start of a line) followed by extending
// characters.
func hasBareMarks(g string, lineStart bool) bool {
	if g[0] < utf8.RuneSelf {
		return len(g) > 1
	}
	if !lineStart {
		return false
	}
	r, _ := utf8.DecodeRuneInString(g)
	return mayJoinAfter(r) && joinsAfter(r)
}

// singleWidth returns the width lipgloss gives r on its own.
func singleWidth(r rune) int {
	_, w := ansi.FirstGraphemeCluster(string(r), ansi.GraphemeWidth)
	return w
}

// mayJoinAfter is a cheap, allocation-free superset of joinsAfter
// (TestMayJoinAfter checks it).
func mayJoinAfter(r rune) bool {
	switch {
	case r < 0x300:
		return false
	case r == 0x0e33, r == 0x0eb3, r == 0xff9e, r == 0xff9f, r >= 0x1f3fb && r <= 0x1f3ff:
		return true // SpacingMark / Extend although letters or symbols
	}
	// Marks, format characters and code points that are unassigned in
	// Go's (older) Unicode tables.
	return !unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Co)
}

// joinsAfter reports whether r extends the grapheme cluster of a preceding
// letter (Grapheme_Cluster_Break Extend, SpacingMark or ZWJ: combining marks,
// emoji skin-tone modifiers, halfwidth voiced sound marks, Thai SARA AM, ...).
// It asks the segmenter lipgloss uses, so that the answer matches its
// Unicode version.
func joinsAfter(r rune) bool {
	if r < utf8.RuneSelf {
		return false
	}
	s := "a" + string(r)
	g, _ := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	return len(g) == len(s)
}

// maxFixPasses bounds the fix-and-reclean loop in clean. One pass almost
// always suffices; a second is needed when dropping a mark lets two clusters
// merge (Hangul jamo) or split (Indic conjuncts).
const maxFixPasses = 8

// makeWidthsConsistent rewrites the output of cleanPass until
// widthsConsistent holds.
func makeWidthsConsistent(s string, multiline bool) string {
	for pass := 0; !widthsConsistent(s); pass++ {
		if pass == maxFixPasses {
			// Not reached in practice; fixWidths in last-resort mode
			// replaces every remaining bad cluster.
			return cleanPass(fixWidths(s, true), multiline)
		}
		s = cleanPass(fixWidths(s, pass >= maxFixPasses/2), multiline)
	}
	return s
}

// fixWidths rewrites every width-inconsistent grapheme cluster of s with
// fixCluster. Dropping characters can leave spaces to trim, so the result
// goes through cleanPass again.
func fixWidths(s string, lastResort bool) string {
	var b strings.Builder
	b.Grow(len(s))
	lineStart := true
	for s != "" {
		g, w := nextCluster(s)
		if g == "" { // cannot happen
			break
		}
		s = s[len(g):]
		if len(g) == 1 || clusterOK(g, w, lineStart) {
			b.WriteString(g)
		} else {
			b.WriteString(fixCluster(g, lineStart, lastResort))
		}
		lineStart = g == "\n"
	}
	return b.String()
}

// fixCluster returns a width-consistent replacement for the grapheme cluster
// g (see [Clean] for the policy).
func fixCluster(g string, lineStart, lastResort bool) string {
	var b strings.Builder
	if hasBareMarks(g, lineStart) {
		// Marks on an ASCII character or at the start of a line: keep
		// the ASCII base and only those marks that are zero-width in both
		// views.
		for i, r := range g {
			if i == 0 && r < utf8.RuneSelf || zeroWidth(g[i:], r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	if lastResort {
		return replacement
	}
	// Halfwidth katakana with a halfwidth (semi-)voiced sound mark, which
	// lipgloss counts as one cell and runewidth as two: the fullwidth
	// precomposed kana (ｶﾞ → ガ) is 2 cells in both.
	if strings.ContainsAny(g, "\uff9e\uff9f") {
		if n := norm.NFKC.String(g); widthsConsistent(n) {
			return n
		}
	}
	// Canonical composition: conjoining Hangul jamo become a syllable
	// (ᄀ ᅡ ᆨ → 각), decomposed letters their precomposed form.
	if n := norm.NFC.String(g); n != g && widthsConsistent(n) {
		return n
	}
	// An Indic conjunct (consonant, virama, consonant) is one cluster to
	// lipgloss but two cells to a terminal: drop the virama, which splits it
	// into its consonants (क्ष → कष); the next pass checks them.
	if strings.ContainsFunc(g, isConjunctLinker) {
		return strings.Map(func(r rune) rune {
			if isConjunctLinker(r) {
				return -1
			}
			return r
		}, g)
	}
	base, size := utf8.DecodeRuneInString(g)
	if singleWidth(base) != runeWidth(base) {
		// The tables disagree on the base character itself (a few symbols
		// and unassigned code points): nothing to keep.
		return replacement
	}
	// Drop the extending characters after the base that runewidth counts
	// but lipgloss does not: skin-tone modifiers, marks that runewidth
	// counts as one cell (Hebrew points, Arabic harakat, Indic vowel signs
	// and viramas, Thai vowel and tone marks, ...), Thai SARA AM. Marks that
	// are zero-width in both (U+0301, ...) stay. Dropping a virama splits
	// an Indic conjunct into its consonants, which the next pass checks.
	b.WriteString(g[:size])
	for _, r := range g[size:] {
		if runeWidth(r) > 0 && joinsAfter(r) {
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() == len(g) {
		// Nothing to drop (archaic Hangul jamo sequences, ...).
		return replacement
	}
	return b.String()
}
