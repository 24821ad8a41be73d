// Package termtext makes untrusted text (names, e-mail addresses, server
// error bodies, ...) safe to show on a terminal, write to a log or store in a
// file.
//
// The security guarantee of [Clean] and [Multiline] is that their output is
// valid UTF-8 and contains no ESC, no other C0 control (except '\n' for
// Multiline), no DEL, no C1 control (U+0080–U+009F), no bidirectional
// control and none of the invisible characters listed on [Clean]. Without
// those bytes a terminal cannot be made to enter any escape-sequence state, so
// nothing in the output can move the cursor, change colours, set the window
// title, write the clipboard (OSC 52), create hyperlinks (OSC 8), reorder the
// text visually, or hide characters.
//
// Recognised escape sequences are removed together with their parameters and
// payload so that, for instance, the base64 payload of an OSC 52 clipboard
// write does not show up as garbage text. That part is best effort: whatever
// a malformed sequence leaves behind is printable text and therefore
// harmless.
//
// Display widths are computed with github.com/charmbracelet/x/ansi (grapheme
// clusters, East Asian wide = 2 cells) so that they agree with lipgloss and
// bubbletea, which the TUI uses for layout.
//
// Clean and Multiline also make widths unambiguous: on every line of their
// output the width lipgloss computes (lipgloss.Width, ansi.StringWidth)
// equals the sum of the widths of the individual code points as
// github.com/mattn/go-runewidth counts them (RuneWidth with the default
// condition, EastAsianWidth pinned to the mode lipgloss uses), which is how
// tmux, screen and glibc measure text. Emoji sequences, flags, skin tones,
// variation selectors and some marks are simplified to get there; see
// [Clean]. [Truncate] keeps the property.
package termtext

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis is appended by [Truncate] and [CleanMax] when text is cut. It is
// one cell wide, or two when RUNEWIDTH_EASTASIAN=1 makes ambiguous-width
// characters wide.
const Ellipsis = "…"

// ellipsisWidth is Width(Ellipsis), which depends on the environment.
var ellipsisWidth = Width(Ellipsis)

// Redacted replaces secrets in [Redact].
const Redacted = "[REDACTED]"

// TabWidth is the number of spaces a tab becomes in [Multiline].
const TabWidth = 4

// Clean returns s safe to print on a terminal, on one line:
//
//   - ANSI/VT escape sequences are removed entirely: CSI (ESC [ ...), OSC
//     (ESC ] ..., including OSC 8 hyperlinks and OSC 52 clipboard writes,
//     terminated by BEL, ST = ESC \ or C1 ST), DCS (ESC P), SOS (ESC X),
//     PM (ESC ^), APC (ESC _), and two/three byte escapes (ESC 7, ESC ( B,
//     ESC # 8, ...). An unterminated string sequence (OSC, DCS, ...) removes
//     everything up to the end of s, as a terminal would swallow it too.
//     The 8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS,
//     U+009E PM, U+009F APC, U+009C ST) are handled the same way, as is a
//     raw 0x9B byte (8-bit CSI).
//   - Invalid UTF-8 bytes become U+FFFD, except stray raw bytes 0x80–0x9F
//     (8-bit C1 controls, or text in Windows-1252), which are removed. (In
//     East Asian mode, RUNEWIDTH_EASTASIAN=1, runewidth counts U+FFFD as 2
//     cells and lipgloss as 1, so "?" is used instead.)
//   - C0 controls (including \t, \n and \r), DEL, and U+2028/U+2029 (line
//     and paragraph separator) become a space; a run of them (together with
//     any removed characters and the spaces next to them) collapses to a
//     single space. Runs of ordinary spaces without a control are kept.
//   - Other C1 controls (U+0080–U+009F) are removed.
//   - Bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)
//     and zero-width / invisible characters (U+00AD soft hyphen, U+180E,
//     U+200B–U+200D, U+2060–U+2064, U+2065, U+206A–U+206F, U+FEFF,
//     U+FFF9–U+FFFB, tag characters U+E0000–U+E007F) are removed. Note that
//     this removes the zero width joiner U+200D inside emoji sequences too,
//     so the family emoji "👨 ZWJ 👩 ZWJ 👧" becomes the three separate emoji
//     "👨👩👧", and tag-based subdivision flags (black flag + tags, e.g. the
//     flag of England) lose their tags; Indic scripts that use ZWJ/ZWNJ
//     for shaping may render slightly differently. This is deliberate:
//     those characters can be used to make two different strings look
//     identical.
//   - Characters whose width terminals disagree on are replaced, whatever
//     the context (see "width consistency" in the package documentation):
//     VS15/VS16 (U+FE0E, U+FE0F) are removed, so "❤️" becomes the
//     text-presentation "❤" (1 cell everywhere) and, the ZWJ being gone
//     too, "🏳️‍🌈" becomes "🏳🌈"; regional indicators become ASCII
//     letters (the flag "🇩🇪" becomes "DE", a lone indicator its letter);
//     U+20E3 is removed after 0–9, # or * ("1️⃣" becomes "1"); grapheme
//     prepend characters (Arabic number signs U+0600–U+0605, U+06DD,
//     U+0D4E, ...), which fuse with the next character into one cluster
//     as wide as the sign, and the remaining invisible format controls
//     (U+13430–U+1343F, U+1BCA0–U+1BCA3, U+1D173–U+1D17A, unassigned
//     U+FFF0–U+FFF8 and U+E0080–U+E0FFF) are removed.
//   - In a grapheme cluster that lipgloss still measures differently from
//     the sum of its code points, conjoining Hangul jamo are composed into
//     a syllable (NFC) and halfwidth katakana with a halfwidth voiced mark
//     become fullwidth kana ("ｶﾞ" → "ガ", NFKC); an Indic conjunct
//     loses its virama and splits into its consonants ("क्ष" → "कष");
//     otherwise the characters after the base that runewidth counts but
//     lipgloss does not are removed: skin-tone modifiers U+1F3FB–U+1F3FF
//     ("🧑🏽" → "🧑"), Thai SARA AM. Nonspacing marks count 0 cells in both
//     views (as in glibc's wcwidth), so accents, Hebrew points, Arabic
//     harakat, Thai and Indic vowel signs stay. A cluster whose
//     base itself is measured differently (U+2630 and a few other symbols,
//     archaic jamo sequences) becomes U+FFFD.
//   - Marks on an ASCII character or a space and at the start of the text
//     (line) are kept only when zero-width in both views on their own.
//   - Leading and trailing spaces are trimmed.
//
// Clean is idempotent. If s is already clean it is returned unchanged
// without allocating.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	return clean(s, false)
}

// CleanMax is Clean followed by Truncate: the result is at most maxWidth display
// cells wide, ending in "…" when it was cut. maxWidth <= 0 gives "".
func CleanMax(s string, maxWidth int) string {
	return Truncate(Clean(s), maxWidth)
}

// Multiline is like [Clean] but keeps line breaks, for error bodies or JSON
// shown in a scrollable view: "\r\n", a lone "\r", U+2028 and U+2029 become
// "\n"; a tab becomes [TabWidth] spaces (no tab-stop alignment). Trailing
// spaces are removed from every line and leading/trailing blank lines and
// spaces from the whole text (so the first line loses its indentation);
// indentation of the other lines is kept. Other
// controls become a space, escape sequences and invisible characters are
// removed and widths made consistent exactly as in Clean (a line break
// counts as the start of the text).
func Multiline(s string) string {
	return clean(s, true)
}

// isClean reports whether Clean(s) == s. It must not allocate.
func isClean(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	validated := false
	for i := 0; i < len(s); {
		// Eight bytes at a time while they are printable ASCII.
		for i+8 <= len(s) && printableASCII8(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		if !validated {
			// Validate the rest once; after that multi-byte sequences
			// are well formed and only those whose lead byte can start
			// a rejected rune need decoding.
			if !utf8.ValidString(s[i:]) {
				return false
			}
			validated = true
		}
		switch c {
		case 0xc2, 0xd8, 0xdb, 0xdc, 0xe0, 0xe1, 0xe2, 0xef, 0xf0, 0xf3:
			// Lead bytes of U+0080–U+00BF (C1, soft hyphen), U+0600–U+063F
			// (Arabic number signs, U+061C), U+06C0–U+06FF and
			// U+0700–U+073F (prepend characters), U+0800–U+0FFF (prepend
			// characters), U+180E, U+2000–U+20FF (invisible, bidi,
			// keycap), U+FE0E/U+FE0F, U+FEFF and U+FFF9–U+FFFB,
			// U+10000–U+3FFFF (regional indicators, prepend characters)
			// and the tags U+E0000–U+E007F.
			r, size := utf8.DecodeRuneInString(s[i:])
			if r <= 0x9f || isLineSep(r) || isInvisible(r) || isWidthDropped(r) ||
				isRegionalIndicator(r) || r == keycap && i > 0 && isKeycapBase(s[i-1]) {
				return false
			}
			i += size
		default:
			switch {
			case c < 0xe0:
				i += 2
			case c < 0xf0:
				i += 3
			default:
				i += 4
			}
		}
	}
	// Non-ASCII text must also be width-consistent.
	return !validated || widthsConsistent(s)
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// printableASCII8 reports whether all eight bytes of x are in 0x20–0x7E.
func printableASCII8(x uint64) bool {
	lt20 := (x - 0x20*lo8) &^ x // high bit set for bytes < 0x20 (or >= 0x80)
	y := x ^ 0x7f*lo8           // bytes equal to 0x7f become 0
	eq7f := (y - lo8) &^ y      // high bit set for zero bytes of y
	return (x|lt20|eq7f)&hi8 == 0
}

func isLineSep(r rune) bool { return r == 0x2028 || r == 0x2029 }

// isInvisible reports whether r (>= 0xA0) is a bidi control or an invisible
// / zero-width character that Clean removes.
func isInvisible(r rune) bool {
	switch {
	case r < 0xad:
		return false
	case r == 0xad, r == 0x061c, r == 0x180e, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f: // ZWSP, ZWNJ, ZWJ, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2060 && r <= 0x206f: // WJ, invisible operators, LRI..PDI, deprecated format chars
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tags
		return true
	}
	return false
}

// cleaner accumulates output. Spaces, controls and newlines are kept pending
// and only written when a visible character follows, which gives trimming
// and collapsing for free.
type cleaner struct {
	out        strings.Builder
	multiline  bool
	pendSpaces int  // literal spaces (and expanded tabs) since the last visible char
	pendCtl    bool // a control was seen: the pending whitespace becomes one space
	pendNL     int  // newlines (multiline only)
}

func (c *cleaner) flush() {
	if c.out.Len() == 0 {
		// Leading trim.
		c.pendSpaces, c.pendCtl, c.pendNL = 0, false, 0
		return
	}
	for ; c.pendNL > 0; c.pendNL-- {
		c.out.WriteByte('\n')
	}
	if c.pendCtl {
		c.out.WriteByte(' ')
	} else {
		for ; c.pendSpaces > 0; c.pendSpaces-- {
			c.out.WriteByte(' ')
		}
	}
	c.pendSpaces, c.pendCtl = 0, false
}

// afterKeycapBase reports whether the output so far ends, with nothing
// pending, in a character that can start an emoji keycap sequence.
func (c *cleaner) afterKeycapBase() bool {
	if c.pendSpaces > 0 || c.pendCtl || c.pendNL > 0 || c.out.Len() == 0 {
		return false
	}
	out := c.out.String()
	return isKeycapBase(out[len(out)-1])
}

func (c *cleaner) newline() {
	// Trailing spaces of the line are dropped.
	c.pendSpaces, c.pendCtl = 0, false
	c.pendNL++
}

func clean(s string, multiline bool) string {
	out := cleanPass(s, multiline)
	if isASCII(out) {
		return out
	}
	return makeWidthsConsistent(out, multiline)
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cleanPass removes escape sequences, controls and invisible characters and
// normalises white space; clean then makes the widths consistent.
func cleanPass(s string, multiline bool) string {
	c := cleaner{multiline: multiline}
	c.out.Grow(len(s))
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b == 0x1b:
			i = skipEscape(s, i+1)
		case b == ' ':
			c.pendSpaces++
			i++
		case b < 0x20 || b == 0x7f:
			i++
			switch {
			case multiline && b == '\n':
				c.newline()
			case multiline && b == '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				c.newline()
			case multiline && b == '\t':
				c.pendSpaces += TabWidth
			default:
				c.pendCtl = true
			}
		case b < utf8.RuneSelf:
			c.flush()
			c.out.WriteByte(b)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				i++
				switch {
				case b == 0x9b:
					i = skipCSI(s, i) // raw 8-bit CSI
				case b <= 0x9f:
					// Stray raw C1 byte: removed.
				default:
					c.flush()
					c.out.WriteString(replacement)
				}
			case r <= 0x9f:
				i = skipC1(s, byte(r), i+size)
			case isLineSep(r):
				i += size
				if multiline {
					c.newline()
				} else {
					c.pendCtl = true
				}
			case isInvisible(r), isWidthDropped(r):
				i += size
			case isRegionalIndicator(r):
				// A flag (a pair) or a lone indicator becomes its ASCII
				// letter(s): 🇩🇪 → "DE".
				c.flush()
				c.out.WriteByte(byte('A' + r - riFirst))
				i += size
			case r == keycap && c.afterKeycapBase():
				// Emoji keycap "1️⃣" (VS16 already dropped) → "1".
				i += size
			default:
				c.flush()
				c.out.WriteString(s[i : i+size])
				i += size
			}
		}
	}
	return c.out.String()
}

// skipEscape skips the escape sequence whose ESC was just before s[i] and
// returns the index of the first byte after it.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC
		return skipString(s, i+1)
	}
	// nF / Fp / Fe / Fs escapes: ESC, intermediates 0x20–0x2F, final 0x30–0x7E.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipC1 skips a sequence introduced by the C1 control b, whose parameters
// start at s[i].
func skipC1(s string, b byte, i int) int {
	switch b {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return skipString(s, i)
	}
	return i
}

// skipCSI skips CSI parameters/intermediates and the final byte. Anything
// else (a control, ESC, non-ASCII) ends the sequence without being consumed.
func skipCSI(s string, i int) int {
	for i < len(s) {
		b := s[i]
		switch {
		case b >= 0x20 && b <= 0x3f:
			i++
		case b >= 0x40 && b <= 0x7e:
			return i + 1
		default:
			return i
		}
	}
	return i
}

// skipString skips the payload of an OSC/DCS/SOS/PM/APC string up to and
// including its terminator: BEL, ESC \ (ST), C1 ST (U+009C or a raw 0x9C),
// or CAN/SUB (abort). Any other ESC also ends the string (and starts a new
// sequence, as in a real terminal). Unterminated strings run to the end.
func skipString(s string, i int) int {
	for i < len(s) {
		b := s[i]
		switch {
		case b == 0x07, b == 0x18, b == 0x1a, b == 0x9c:
			// 0x9c here is a raw byte, not part of a valid sequence: valid
			// multi-byte sequences are skipped whole below.
			return i + 1
		case b == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case b < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if r == 0x9c {
				return i
			}
		}
	}
	return i
}

// Width returns the display width of s in terminal cells, as lipgloss
// measures it: grapheme clusters, East Asian wide characters and most emoji
// are 2 cells. s should be clean (see [Clean]); controls count as 0.
func Width(s string) int {
	if n, ok := asciiWidth(s); ok {
		return n
	}
	w := 0
	for s != "" {
		g, gw := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if g == "" { // cannot happen; guard against an infinite loop
			break
		}
		w += gw
		s = s[len(g):]
	}
	return w
}

// asciiWidth returns len(s), true if s is printable ASCII.
func asciiWidth(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return 0, false
		}
	}
	return len(s), true
}

// Truncate cuts s, which should already be clean, to at most maxWidth
// display cells. When it has to cut it appends "…" (counted in maxWidth) and
// drops spaces before it; it never splits a grapheme cluster. maxWidth <= 0
// gives "". (If RUNEWIDTH_EASTASIAN=1 makes "…" two cells wide, Truncate(s,
// 1) of a wider s gives "".) For a clean s, the widths Truncate works with
// are exactly lipgloss's, and cutting between grapheme clusters keeps the
// width consistency described in the package documentation.
func Truncate(s string, maxWidth int) string {
	if maxWidth <= 0 {
		return ""
	}
	if n, ok := asciiWidth(s); ok {
		if n <= maxWidth {
			return s
		}
		return strings.TrimRight(s[:max(maxWidth-ellipsisWidth, 0)], " ") + ellipsisIfFits(maxWidth)
	}
	if len(s) <= maxWidth {
		// No grapheme cluster is wider than its encoding is long, so s
		// fits.
		return s
	}
	// One pass: remember where the text must be cut to leave room for the
	// ellipsis, and keep measuring to find out whether it must be cut.
	limit := maxWidth - ellipsisWidth
	w, end, cut := 0, 0, -1
	for rest := s; rest != ""; {
		g, gw := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		if g == "" { // cannot happen; guard against an infinite loop
			break
		}
		if cut < 0 && w+gw > limit {
			cut = end
		}
		w += gw
		if w > maxWidth {
			return strings.TrimRight(s[:cut], " ") + ellipsisIfFits(maxWidth)
		}
		end += len(g)
		rest = rest[len(g):]
	}
	return s
}

func ellipsisIfFits(maxWidth int) string {
	if maxWidth < ellipsisWidth {
		return ""
	}
	return Ellipsis
}

// Redact replaces every occurrence of each non-empty secret in s with
// "[REDACTED]". Overlapping or adjacent occurrences (of the same or of
// different secrets) are replaced as one, so no part of any secret survives.
// If no secret occurs, s is returned unchanged.
//
// Matching is literal and byte-wise: a secret that was escaped, encoded
// (URL, JSON, base64) or split by invisible characters is not found. Apply
// it after [Clean] (Redact(Clean(s), token)) so that, say, a zero width
// space inside the token cannot hide it; "[REDACTED]" is itself clean. Very
// short secrets redact a lot of ordinary text.
func Redact(s string, secrets ...string) string {
	var spans [][2]int
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for off := 0; off < len(s); {
			k := strings.Index(s[off:], sec)
			if k < 0 {
				break
			}
			start := off + k
			spans = append(spans, [2]int{start, start + len(sec)})
			off = start + 1 // overlapping occurrences too
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var sb strings.Builder
	sb.Grow(len(s))
	prev := 0 // end of the output so far in s
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		sb.WriteString(s[prev:start])
		sb.WriteString(Redacted)
		prev = end
	}
	sb.WriteString(s[prev:])
	return sb.String()
}
