package termtext

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// refCond is the reference per-code-point width, built independently of
// widthCond: go-runewidth's defaults with EastAsianWidth pinned to the mode
// lipgloss runs in, and nonspacing/enclosing marks at 0 cells as glibc's
// wcwidth (and so tmux and screen) count them.
var refCond = &runewidth.Condition{
	EastAsianWidth:     lipgloss.Width("…") == 2,
	StrictEmojiNeutral: true,
}

func refWidth(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			n += refCond.RuneWidth(r)
		}
	}
	return n
}

// checkWidths asserts the width invariant on every line of s: lipgloss and
// ansi measure it exactly as the sum of its code points' runewidth widths.
func checkWidths(t *testing.T, s string) {
	t.Helper()
	for line := range strings.SplitSeq(s, "\n") {
		lw, aw, rw := lipgloss.Width(line), ansi.StringWidth(line), refWidth(line)
		if lw != rw || aw != rw {
			t.Fatalf("%q: lipgloss.Width %d, ansi.StringWidth %d, sum of runewidth %d", line, lw, aw, rw)
		}
	}
}

func TestCleanWidths(t *testing.T) {
	skipEastAsian(t)
	tests := []struct {
		name, in, want string
	}{
		// Emoji sequences.
		{"family zwj", "👩\u200d👩\u200d👧\u200d👦", "👩👩👧👦"},
		{"rainbow flag", "🏳\ufe0f\u200d🌈", "🏳🌈"},
		{"police officer zwj vs16", "👮\u200d♂\ufe0f", "👮♂"},
		{"flag pair", "🇩🇪", "DE"},
		{"flags", "Team 🇩🇪🇫🇷!", "Team DEFR!"},
		{"lone regional indicator", "🇩🇪🇫", "DEF"},
		{"tag flag", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "🏴"},
		{"skin tone", "🧑🏽", "🧑"},
		{"skin tone thumbs", "ok 👍🏽👍🏿", "ok 👍👍"},
		{"skin tone on letter", "x🏽", "x"},
		{"lone skin tone", "🏽 x", "x"},
		{"heart vs16", "❤\ufe0f", "❤"},
		{"smiley vs16", "☺\ufe0f", "☺"},
		{"watch vs15", "⌚\ufe0e", "⌚"},
		{"heart vs15", "I ❤\ufe0e Go", "I ❤ Go"},
		{"keycap", "1\ufe0f\u20e3", "1"},
		{"keycaps", "#\ufe0f\u20e3 *\ufe0f\u20e3 0\u20e3", "# * 0"},
		{"enclosing keycap on a letter kept", "A\u20e3", "A\u20e3"},
		{"emoji kept", "🌈 👍 日本", "🌈 👍 日本"},

		// Ordinary text.
		{"latin precomposed", "José Müller", "José Müller"},
		{"latin combining", "Jose\u0301 e\u0301\u0302", "Jose\u0301 e\u0301\u0302"},
		{"cjk", "日本語テキスト", "日本語テキスト"},
		{"hangul syllables", "한국어", "한국어"},
		{"hangul jamo composed", "\u1100\u1161\u11a8 \u1112\u1161\u11ab", "각 한"},
		{"halfwidth katakana voiced", "ｶﾞｷﾞｸﾞ ﾊﾟ", "ガギグ パ"},
		{"halfwidth katakana", "ｶﾀｶﾅ", "ｶﾀｶﾅ"},
		{"greek", "Ελληνικά", "Ελληνικά"},
		{"cyrillic", "Русский", "Русский"},
		{"arabic", "مرحبا بالعالم", "مرحبا بالعالم"},
		{"arabic harakat kept (0 cells, as in glibc)", "مُحَمَّد", "مُحَمَّد"},
		{"hebrew", "שלום עולם", "שלום עולם"},
		{"hebrew niqqud kept", "שָׁלוֹם", "שָׁלוֹם"},
		{"devanagari plain", "नमन", "नमन"},
		{"devanagari conjunct split", "क्ष", "कष"},
		{"devanagari: only the virama goes", "नमस्ते", "नमसते"},
		{"thai plain", "ภาษาไทย", "ภาษาไทย"},
		{"thai marks kept", "สวัสดี", "สวัสดี"},

		// Prepend characters, orphan marks, table disagreements.
		{"arabic number sign", "\u0600123", "123"},
		{"prepend before space", "a\u0600 b", "a b"},
		{"orphan zero-width mark kept", "a \u0301b", "a \u0301b"},
		{"orphan mark kept (0 cells in both)", "a \u05b0b", "a \u05b0b"},
		{"orphan at start kept", "\u05b0abc", "\u05b0abc"},
		{"orphan at end kept", "abc \u05b0", "abc \u05b0"},
		{"trigram replaced", "\u2630 menu", "\uFFFD menu"},
		{"format control removed", "a\U00013430\u0301 \U0001d173x", "a\u0301 x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			if got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkWidths(t, got)
			checkSafe(t, got, false)
			if !isClean(got) || Clean(got) != got {
				t.Errorf("Clean not idempotent on %q", got)
			}
			// The raw input is width-inconsistent unless Clean kept it.
			if tt.in == tt.want && !widthsConsistent(tt.in) {
				t.Errorf("%q kept but inconsistent", tt.in)
			}
			m := Multiline(tt.in)
			checkWidths(t, m)
			if m != got {
				t.Errorf("Multiline(%q) = %q, Clean = %q", tt.in, m, got)
			}
		})
	}
}

func TestMultilineWidths(t *testing.T) {
	skipEastAsian(t)
	tests := []struct {
		name, in, want string
	}{
		{"orphan mark at line start", "a\n\u05b0b", "a\n\u05b0b"},
		{"zero-width orphan kept", "a\n\u0301b", "a\n\u0301b"},
		{"indented orphan", "a\n  \u05b0b", "a\n  \u05b0b"},
		{"trailing mark", "a \u05b0\nb", "a \u05b0\nb"},
		{"prepend at line end", "a\u0600\nb", "a\nb"},
		{"emoji lines", "👍🏽\n🇩🇪\n1\ufe0f\u20e3", "👍\nDE\n1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Multiline(tt.in)
			if got != tt.want {
				t.Errorf("Multiline(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkWidths(t, got)
			checkSafe(t, got, true)
		})
	}
}

func TestTruncateWidths(t *testing.T) {
	skipEastAsian(t)
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"👩\u200d👩\u200d👧\u200d👦", 5, "👩👩…"},
		{"🇩🇪🇫🇷", 3, "DE…"},
		{"🧑🏽🧑🏽🧑🏽", 5, "🧑🧑…"},
		{"❤\ufe0f❤\ufe0f❤\ufe0f", 2, "❤…"},
		{"각각각", 5, "각각…"},
		{"שָׁלוֹם עולם", 5, "שָׁלוֹם…"},
	}
	for _, tt := range tests {
		got := CleanMax(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("CleanMax(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		checkWidths(t, got)
		if w := lipgloss.Width(got); w > tt.max {
			t.Errorf("CleanMax(%q, %d) = %q is %d cells wide", tt.in, tt.max, got, w)
		}
	}
}

// propertyAlphabet mixes the characters whose widths the two views disagree
// on with the ones that glue grapheme clusters together.
var propertyAlphabet = []rune{
	'a', 'Z', '1', '#', '*', ' ', ' ', '\n', '\t', '\r', 0x1b, '[', 'm',
	0x00a0, 0x00e9, 0x0301, 0x0308, 0x20e3, 0x20dd, // latin, combining, keycap
	0x200d, 0x200c, 0xfe0f, 0xfe0e, 0xfe00, 0xe0100, 0xe0067, 0xe007f, // joiners, selectors, tags
	0x1f469, 0x1f467, 0x1f3f3, 0x1f308, 0x1f3f4, 0x1f9d1, 0x1f44d, 0x1f46e, 0x2642, 0x2764, 0x263a, 0x231a, 0x00a9, // emoji
	0x1f3fb, 0x1f3fd, 0x1f3ff, // skin tones
	0x1f1e9, 0x1f1ea, 0x1f1eb, 0x1f1f7, // regional indicators
	0x65e5, 0x672c, 0x3099, 0x309a, 0xff76, 0xff9e, 0xff9f, // CJK, kana
	0x1100, 0x1161, 0x11a8, 0x119e, 0xac00, 0xac01, 0xd7b0, // Hangul
	0x0645, 0x064f, 0x0651, 0x0670, 0x0600, 0x06dd, 0x0890, // Arabic
	0x05e9, 0x05b8, 0x05c1, 0x05d5, // Hebrew
	0x0915, 0x094d, 0x0937, 0x093f, 0x0940, 0x093c, 0x0902, 0x0d4e, 0x0d15, 0x0d4d, // Indic
	0x0e19, 0x0e49, 0x0e33, 0x0e31, 0x0e35, 0x0e32, // Thai
	0x2630, 0x4dc0, 0x302a, 0x0cf3, 0x13430, 0xfffd, 0x2026, 0x202e, 0x2028, 0x0085, 0x009b,
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(12)
	for range n {
		if rng.IntN(8) == 0 {
			// Anything at all, including unassigned and private use.
			r := rune(rng.IntN(0x110000))
			if !utf8.ValidRune(r) {
				r = 'x'
			}
			b.WriteRune(r)
			continue
		}
		b.WriteRune(propertyAlphabet[rng.IntN(len(propertyAlphabet))])
	}
	return b.String()
}

// checkWidthProperties asserts the width invariant for Clean, Multiline,
// Truncate and CleanMax on s.
func checkWidthProperties(t *testing.T, s string, n int) {
	t.Helper()
	c := Clean(s)
	checkWidths(t, c)
	if !isClean(c) || Clean(c) != c {
		t.Fatalf("Clean(%q) = %q is not a fixed point", s, c)
	}
	m := Multiline(s)
	checkWidths(t, m)
	if Multiline(m) != m {
		t.Fatalf("Multiline(%q) = %q is not a fixed point", s, m)
	}
	tr := Truncate(c, n)
	checkWidths(t, tr)
	if w := lipgloss.Width(tr); n >= 0 && w > n {
		t.Fatalf("Truncate(%q, %d) = %q is %d cells wide", c, n, tr, w)
	}
	if cm := CleanMax(s, n); cm != tr {
		t.Fatalf("CleanMax(%q, %d) = %q, want %q", s, n, cm, tr)
	}
}

func TestWidthProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	iters := 200000
	if testing.Short() || raceEnabled {
		iters = 20000
	}
	for range iters {
		checkWidthProperties(t, randomString(rng), rng.IntN(16))
	}
}

// TestWidthEveryRune checks every code point of planes 0–3 and 14 (and a
// sample of the unassigned and private-use planes) alone, after a letter,
// after a space and at the start of a line.
func TestWidthEveryRune(t *testing.T) {
	step := rune(1)
	if testing.Short() || raceEnabled {
		step = 7
	}
	for r := rune(0); r <= utf8.MaxRune; r += step {
		if r >= 0x40000 && r < 0xe0000 || r >= 0xe1000 {
			r += 0x100 // unassigned / private use: a sample
		}
		if !utf8.ValidRune(r) {
			continue
		}
		rs := string(r)
		for _, s := range []string{rs, "a" + rs + "b", "x " + rs, "x\n" + rs + rs, "日" + rs + "\u0301"} {
			c := Clean(s)
			m := Multiline(s)
			if !widthsConsistent(c) || !widthsConsistent(m) || refWidth(c) != lipgloss.Width(c) {
				t.Fatalf("%U: Clean(%q) = %q, Multiline = %q: widths inconsistent", r, s, c, m)
			}
			if strip(c) != strip(m) {
				t.Fatalf("%U: Clean(%q) = %q, Multiline = %q: visible text differs", r, s, c, m)
			}
		}
	}
}

func TestPrependTable(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r) + "a"
		g, _ := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if got, want := isPrepend(r), len(g) == len(s); got != want {
			t.Errorf("isPrepend(%U) = %v, but the segmenter says %v", r, got, want)
		}
	}
}

func TestFormatControlTable(t *testing.T) {
	for r := rune(0xa0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) || isInvisible(r) || isLineSep(r) || isPrepend(r) {
			continue
		}
		// A mark does not join a Control character.
		s := string(r) + "\u0301"
		g, _ := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if got, want := isFormatControl(r), len(g) != len(s); got != want {
			t.Errorf("isFormatControl(%U) = %v, but the segmenter says %v", r, got, want)
		}
	}
}

// TestWidthCondPinned documents why the reference condition is pinned:
// runewidth's default condition turns East Asian width on for CJK locales,
// where it disagrees with lipgloss on every ambiguous-width character.
func TestWidthCondPinned(t *testing.T) {
	if widthCond == runewidth.DefaultCondition {
		t.Fatal("widthCond must not be runewidth.DefaultCondition")
	}
	if widthCond.EastAsianWidth != (ellipsisWidth == 2) {
		t.Fatalf("widthCond.EastAsianWidth = %v, lipgloss measures … as %d", widthCond.EastAsianWidth, ellipsisWidth)
	}
	ea := &runewidth.Condition{EastAsianWidth: !widthCond.EastAsianWidth, StrictEmojiNeutral: true}
	for _, r := range []rune{'…', '°', 'α', 'я'} {
		if ea.RuneWidth(r) == singleWidth(r) {
			t.Errorf("%q: flipping EastAsianWidth should change the width", r)
		}
		if runeWidth(r) != singleWidth(r) {
			t.Errorf("%q: runeWidth %d, lipgloss %d", r, runeWidth(r), singleWidth(r))
		}
	}
}

func TestIsCleanWidthNoAlloc(t *testing.T) {
	for _, s := range []string{"José 日本語 👍 각 שלום مرحبا ภาษาไทย e\u0301", "a \u0301b"} {
		if !isClean(s) {
			t.Fatalf("isClean(%q) = false", s)
		}
		if n := testing.AllocsPerRun(100, func() { isClean(s) }); n != 0 {
			t.Errorf("isClean(%q) allocates %v times", s, n)
		}
	}
}

func TestMayJoinAfter(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if utf8.ValidRune(r) && joinsAfter(r) && !mayJoinAfter(r) {
			t.Errorf("joinsAfter(%U) but not mayJoinAfter", r)
		}
	}
}

func TestNextCluster(t *testing.T) {
	for _, s := range []string{"ab", "a", "\x00b", "\x7f", "\r\n", "a\u0301", "日本", "\na"} {
		g, w := nextCluster(s)
		g2, w2 := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if g != g2 || w != w2 {
			t.Errorf("nextCluster(%q) = %q, %d; ansi says %q, %d", s, g, w, g2, w2)
		}
	}
}

// TestFixWidthsLastResort exercises the fallback that makeWidthsConsistent
// uses if its passes ever fail to converge.
func TestFixWidthsLastResort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		s := randomString(rng)
		for _, multiline := range []bool{false, true} {
			c := cleanPass(s, multiline)
			if r := cleanPass(fixWidths(c, true), multiline); !widthsConsistent(r) {
				t.Fatalf("last resort on %q gives %q, still inconsistent", c, r)
			}
		}
	}
}
