package termtext

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Already clean.
		{"empty", "", ""},
		{"ascii", "Alice Smith", "Alice Smith"},
		{"email", "alice+tag@example.com", "alice+tag@example.com"},
		{"inner double space kept", "a  b", "a  b"},
		{"unicode", "José Müller – 日本語", "José Müller – 日本語"},
		{"emoji", "ok 👍 🌈", "ok 👍 🌈"},
		{"emoji sequences simplified", "ok 👍🏽 🇯🇵", "ok 👍 JP"}, // see TestCleanWidths
		{"combining", "e\u0301", "e\u0301"},
		{"nbsp kept", "a\u00a0b", "a\u00a0b"},
		{"replacement char kept", "a\uFFFDb", "a\uFFFDb"},

		// Trimming.
		{"trim", "  Alice  ", "Alice"},
		{"only spaces", "   ", ""},
		{"trim controls", "\t\r\nAlice\n", "Alice"},

		// C0 controls and DEL.
		{"tab", "a\tb", "a b"},
		{"newline", "a\nb", "a b"},
		{"crlf", "a\r\nb", "a b"},
		{"cr overwrite", "safe\rEVIL", "safe EVIL"},
		{"nul", "a\x00b", "a b"},
		{"bell", "a\x07b", "a b"},
		{"backspace", "admin\x08\x08\x08\x08\x08guest", "admin guest"},
		{"del", "a\x7fb", "a b"},
		{"run collapses", "a\x00\x01\x02\r\n\tb", "a b"},
		{"run with spaces collapses", "a \n b", "a b"},
		{"run across removed", "a\n\u200b\x1b[0m\nb", "a b"},
		{"all C0", "a\x01\x02\x03\x04\x05\x06\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1fb", "a b"},
		{"line separator", "a\u2028b\u2029c", "a b c"},

		// C1 controls.
		{"C1 NEL removed", "a\u0085b", "ab"},
		{"C1 all removed", "a\u0080\u0081\u008a\u008f\u0091\u0099\u009ab", "ab"},
		{"C1 CSI utf8", "a\u009b31mb", "ab"},
		{"C1 CSI raw 0x9b", "a\x9b31mb", "ab"},
		{"C1 OSC utf8", "a\u009d0;title\u009cb", "ab"},
		{"C1 OSC utf8 BEL", "a\u009d52;c;ZXZpbA==\x07b", "ab"},
		{"C1 DCS utf8", "a\u0090q\u009cb", "ab"},
		{"C1 APC utf8", "a\u009fG\u009cb", "ab"},
		{"C1 ST stray", "a\u009cb", "ab"},
		{"raw C1 byte removed", "a\x85b\x9dc", "abc"},
		{"cp1252 quotes removed", "\x93Hello\x94", "Hello"},

		// Invalid UTF-8.
		{"invalid ff", "a\xffb", "a\uFFFDb"},
		{"invalid lone lead", "a\xe2b", "a\uFFFDb"},
		{"invalid truncated", "a\xe2\x82", "a\uFFFD"},
		{"invalid surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD"}, // 0x80 is a stray raw C1 byte: removed
		{"invalid overlong slash", "\xc0\xaf", "\uFFFD\uFFFD"},
		{"invalid then raw CSI", "a\xc0\x9b[31mb", "a\uFFFD31mb"}, // 0x9b [ is a complete CSI

		// CSI.
		{"clear screen", "\x1b[2J", ""},
		{"sgr", "\x1b[31mred\x1b[0m", "red"},
		{"sgr 256/rgb", "\x1b[38;2;255;0;0mx\x1b[m", "x"},
		{"cursor move", "a\x1b[10;20Hb", "ab"},
		{"private mode", "\x1b[?1049h\x1b[?25lx", "x"},
		{"intermediate", "\x1b[1 qx", "x"},
		{"device status report", "\x1b[6n", ""},
		{"window ops", "\x1b[21tx", "x"},
		{"csi unterminated", "a\x1b[31", "a"},
		{"csi aborted by control", "a\x1b[3\n1mb", "a 1mb"},
		{"csi aborted by ESC", "a\x1b[3\x1b[0mb", "ab"},

		// OSC.
		{"osc52 bel", "\x1b]52;c;ZXZpbA==\x07", ""},
		{"osc52 st", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"osc title", "\x1b]0;pwned\x07name", "name"},
		{"osc8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", "click me"},
		{"osc8 hyperlink bel", "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07", "click"},
		{"osc unterminated eats rest", "ok\x1b]0;title forever", "ok"},
		{"osc raw ST 0x9c", "\x1b]0;t\x9cok", "ok"},
		{"osc utf8 ST", "\x1b]0;t\u009cok", "ok"},
		{"osc with unicode payload", "\x1b]0;日本\u011c\x07ok", "ok"},
		{"osc ended by ESC", "\x1b]0;t\x1b[31mok", "ok"},
		{"osc CAN abort", "\x1b]0;t\x18ok", "ok"},
		{"osc SUB abort", "\x1b]0;t\x1aok", "ok"},

		// DCS / SOS / PM / APC.
		{"dcs sixel", "\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\x", "x"},
		{"dcs decrqss", "\x1bP$qm\x1b\\x", "x"},
		{"apc kitty graphics", "\x1b_Gf=100,a=T;AAAA\x1b\\x", "x"},
		{"pm", "\x1b^private\x1b\\x", "x"},
		{"sos", "\x1bXstring\x1b\\x", "x"},

		// Other escapes.
		{"save/restore cursor", "\x1b7a\x1b8", "a"},
		{"charset", "\x1b(0lqk\x1b(B", "lqk"},
		{"decaln", "\x1b#8x", "x"},
		{"reset", "\x1bcx", "x"},
		{"keypad", "\x1b=\x1b>x", "x"},
		{"lone ESC at end", "a\x1b", "a"},
		{"ESC ESC", "a\x1b\x1bb", "a"}, // ESC b (a Fs escape) is removed too
		{"ESC before unicode", "a\x1bé", "aé"},
		{"ESC before newline", "a\x1b\nb", "a b"},

		// Bidi controls.
		{"RLO", "\u202eevil", "evil"},
		{"RLO filename", "invoice\u202efdp.exe", "invoicefdp.exe"},
		{"all embeddings", "\u202aa\u202bb\u202cc\u202dd\u202ee", "abcde"},
		{"isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"marks", "\u200ea\u200fb\u061cc", "abc"},

		// Zero width / invisible.
		{"zwsp", "ad\u200bmin", "admin"},
		{"zwnj zwj", "a\u200cb\u200dc", "abc"},
		{"word joiner etc", "a\u2060b\u2061c\u2062d\u2063e\u2064f", "abcdef"},
		{"bom", "\ufeffname", "name"},
		{"soft hyphen", "pay\u00adpal", "paypal"},
		{"mongolian vowel separator", "a\u180eb", "ab"},
		{"tags", "a\U000e0001\U000e0041\U000e007fb", "ab"},
		{"deprecated format", "a\u206a\u206fb", "ab"},
		{"interlinear", "a\ufff9b\ufffac\ufffb", "abc"},
		{"invisible only", "\u200b\u200b", ""},
		{"invisible between spaces", " \u200b ", ""},
		{"emoji zwj sequence loses zwj", "👨\u200d👩\u200d👧", "👨👩👧"},

		// Combined nasties.
		{"combined", "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eevil\x9b31m\r\n", "evil"},
		{"fake prompt", "bob\r\n$ sudo rm -rf /\x1b[8m", "bob $ sudo rm -rf /"},
		{"title report trick", "\x1b]l\x1b\\\x1b[21t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			// U+FFFD is "?" in East Asian mode.
			if want := strings.ReplaceAll(tt.want, "\uFFFD", replacement); got != want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, want)
			}
			if again := Clean(got); again != got {
				t.Errorf("Clean not idempotent: Clean(%q) = %q", got, again)
			}
			checkSafe(t, got, false)
		})
	}
}

func TestCleanFastPathNoAlloc(t *testing.T) {
	for _, s := range []string{"Alice Smith <alice@example.com>", "José 日本語 👍", "e\u0301 مرحبا 각", ""} {
		n := testing.AllocsPerRun(100, func() {
			if Clean(s) != s {
				t.Fatalf("clean input changed: %q", s)
			}
		})
		if n != 0 {
			t.Errorf("Clean(%q) allocates %v times, want 0", s, n)
		}
	}
	// The fast path must return the very same string.
	s := strings.Repeat("abc", 10)
	if got := Clean(s); unsafe.StringData(got) != unsafe.StringData(s) {
		t.Error("Clean copied a clean string")
	}
}

func TestMultiline(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "line1\nline2", "line1\nline2"},
		{"crlf", "line1\r\nline2\r\n", "line1\nline2"},
		{"lone cr", "safe\rEVIL", "safe\nEVIL"},
		{"line separators", "a\u2028b\u2029c", "a\nb\nc"},
		{"blank lines kept inside", "a\n\n\nb", "a\n\n\nb"},
		{"leading/trailing blank lines", "\n\n  a\nb  \n\n", "a\nb"},
		{"trailing spaces per line", "a   \nb\t\n", "a\nb"},
		{"indent kept", "{\n  \"error\": \"x\"\n}", "{\n  \"error\": \"x\"\n}"},
		{"tab indent", "{\n\t\"a\": 1\n}", "{\n    \"a\": 1\n}"},
		{"controls", "a\x00\x01b\x7fc", "a b c"},
		{"escapes", "\x1b[31merror:\x1b[0m\n\x1b]52;c;ZXZpbA==\x07boom", "error:\nboom"},
		{"bidi", "\u202eevil\n\u2066x\u2069", "evil\nx"},
		{"C1", "a\u0085b\x9b2Jc", "abc"},
		{"invalid", "a\xffb", "a\uFFFDb"},
		{"html body", "<html>\r\n  <body>502 Bad Gateway</body>\r\n</html>\r\n", "<html>\n  <body>502 Bad Gateway</body>\n</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Multiline(tt.in)
			if want := strings.ReplaceAll(tt.want, "\uFFFD", replacement); got != want {
				t.Errorf("Multiline(%q) = %q, want %q", tt.in, got, want)
			}
			if again := Multiline(got); again != got {
				t.Errorf("Multiline not idempotent: %q -> %q", got, again)
			}
			checkSafe(t, got, true)
		})
	}
}

func TestWidth(t *testing.T) {
	skipEastAsian(t)
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"日本語", 6},
		{"aé", 2},
		{"e\u0301", 1},
		{"👍", 2},
		{"👍🏽", 2},
		{"🇯🇵", 2},
		{"👨👩👧", 6},
		{"…", 1},
		{"\uFFFD", 1},
	}
	for _, tt := range tests {
		if got := Width(tt.in); got != tt.want {
			t.Errorf("Width(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	skipEastAsian(t)
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 0, ""},
		{"hello", -1, ""},
		{"", 5, ""},
		{"hello", 5, "hello"},
		{"hello", 10, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello world", 7, "hello…"}, // space before the ellipsis dropped
		{"日本語テキスト", 14, "日本語テキスト"},
		{"日本語テキスト", 13, "日本語テキス…"},
		{"日本語テキスト", 7, "日本語…"},
		{"日本語テキスト", 6, "日本…"}, // a wide char is never half shown
		{"日本語テキスト", 2, "…"},
		{"日本語テキスト", 1, "…"},
		{"a日本", 4, "a日…"},
		{"a日本", 3, "a…"},
		{"e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301e\u0301"},
		{"e\u0301e\u0301e\u0301", 2, "e\u0301…"}, // combining mark kept with its base
		{"🇯🇵🇺🇸", 3, "🇯🇵…"},                       // flags are not split
		{"👍🏽👍🏽", 3, "👍🏽…"},                       // skin tone modifier kept
		{"José Müller", 6, "José…"},
	}
	for _, tt := range tests {
		got := Truncate(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if tt.max > 0 && Width(got) > tt.max {
			t.Errorf("Truncate(%q, %d) = %q is %d cells wide", tt.in, tt.max, got, Width(got))
		}
	}
}

func TestCleanMax(t *testing.T) {
	skipEastAsian(t)
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"\x1b[31mAlice Smith\x1b[0m", 20, "Alice Smith"},
		{"\x1b[31mAlice Smith\x1b[0m", 6, "Alice…"},
		{"\u202e日本語テキスト\n", 7, "日本語…"},
		{"👨\u200d👩\u200d👧 family", 5, "👨👩…"},
		{"x", 0, ""},
	}
	for _, tt := range tests {
		if got := CleanMax(tt.in, tt.max); got != tt.want {
			t.Errorf("CleanMax(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"none", "nothing here", []string{"tok"}, "nothing here"},
		{"no secrets", "abc", nil, "abc"},
		{"empty secret ignored", "abc", []string{""}, "abc"},
		{"one", "Authorization: Bearer s3cr3t", []string{"s3cr3t"}, "Authorization: Bearer [REDACTED]"},
		{"every occurrence", "s3cr3t and s3cr3t", []string{"s3cr3t"}, "[REDACTED] and [REDACTED]"},
		{"multiple secrets", "user=bob pass=hunter2 key=K1", []string{"hunter2", "K1"}, "user=bob pass=[REDACTED] key=[REDACTED]"},
		{"prefix secret does not leak tail", "tok=abcdef", []string{"abc", "abcdef"}, "tok=[REDACTED]"},
		{"overlapping secrets", "xxabcdefyy", []string{"abcd", "cdef"}, "xx[REDACTED]yy"},
		{"overlapping self", "aaaa", []string{"aaa"}, "[REDACTED]"},
		{"adjacent", "abab", []string{"ab"}, "[REDACTED]"},
		{"whole string", "secret", []string{"secret"}, "[REDACTED]"},
		{"unicode", "clé=日本語", []string{"日本語"}, "clé=[REDACTED]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.in, tt.secrets...)
			if got != tt.want {
				t.Errorf("Redact(%q, %q) = %q, want %q", tt.in, tt.secrets, got, tt.want)
			}
			for _, sec := range tt.secrets {
				if sec != "" && strings.Contains(got, sec) {
					t.Errorf("secret %q survives in %q", sec, got)
				}
			}
		})
	}
	if n := testing.AllocsPerRun(100, func() { Redact("nothing here", "tok") }); n != 0 {
		t.Errorf("Redact without match allocates %v times", n)
	}
}

// skipEastAsian skips tests whose expected widths assume ambiguous-width
// characters are narrow (the default; RUNEWIDTH_EASTASIAN=1 changes it).
func skipEastAsian(t *testing.T) {
	t.Helper()
	if ellipsisWidth != 1 {
		t.Skip("expected widths assume RUNEWIDTH_EASTASIAN is not set")
	}
}

// checkSafe asserts the safety properties of Clean (and Multiline when
// multiline is set) output.
func checkSafe(t *testing.T, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("output %q is not valid UTF-8", s)
	}
	if strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		t.Errorf("output %q has leading/trailing space", s)
	}
	if multiline && (strings.HasPrefix(s, "\n") || strings.HasSuffix(s, "\n") || strings.Contains(s, " \n")) {
		t.Errorf("output %q has untrimmed blank lines or trailing spaces", s)
	}
	for i, r := range s {
		switch {
		case r == '\n' && multiline:
		case r < 0x20, r == 0x7f:
			t.Fatalf("output %q has control %U at %d", s, r, i)
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("output %q has C1 control %U at %d", s, r, i)
		case isInvisible(r), isLineSep(r):
			t.Fatalf("output %q has invisible/bidi %U at %d", s, r, i)
		}
	}
}

func BenchmarkCleanASCII(b *testing.B) {
	s := "Alice Smith <alice.smith@example.com>, 42 Main Street, Springfield"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Clean(s)
	}
}

func BenchmarkCleanUnicode(b *testing.B) {
	s := "José Müller – 日本語テキスト 👍🏽 Straße 42, München"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Clean(s)
	}
}

func BenchmarkCleanDirty(b *testing.B) {
	s := "\x1b]52;c;ZXZpbA==\x07Alice\x1b[31m Smith\x1b[0m\r\n\u202e<alice@example.com>\u200b\t42 Main\x00Street"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Clean(s)
	}
}

func BenchmarkTruncate(b *testing.B) {
	s := "José Müller – 日本語テキスト 👍🏽 Straße 42, München"
	b.ReportAllocs()
	for b.Loop() {
		_ = Truncate(s, 20)
	}
}

func TestPrintableASCII8(t *testing.T) {
	for _, fill := range []byte{' ', 'a', '~', 0x7e, 0x21} {
		for pos := 0; pos < 8; pos++ {
			for b := 0; b < 256; b++ {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(b)
				got := printableASCII8(binary.LittleEndian.Uint64(w[:]))
				want := b >= 0x20 && b <= 0x7e
				if got != want {
					t.Fatalf("printableASCII8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
	// Pairs of arbitrary bytes, to catch borrow effects between lanes.
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for pos := 0; pos < 7; pos++ {
				w := [8]byte{'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'}
				w[pos], w[pos+1] = byte(a), byte(b)
				got := printableASCII8(binary.LittleEndian.Uint64(w[:]))
				want := a >= 0x20 && a <= 0x7e && b >= 0x20 && b <= 0x7e
				if got != want {
					t.Fatalf("printableASCII8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}

// Every dirty byte / rune must be noticed by the fast path wherever it sits
// relative to the 8-byte blocks.
func TestCleanFastPathDetectsDirt(t *testing.T) {
	base := "abcdefghijklmnopqrstuvwxyz0123456789"
	dirt := []string{"\x00", "\t", "\n", "\x1b", "\x1f", "\x7f", "\x80", "\x9b", "\xff", "\u0085", "\u009b",
		"\u00ad", "\u061c", "\u180e", "\u200b", "\u200d", "\u200e", "\u2028", "\u202e", "\u2066", "\u206f",
		"\ufeff", "\ufffb", "\U000e0041", "\xe2\x80", "\xed\xa0\x80"}
	for _, d := range dirt {
		for pos := 1; pos < len(base); pos++ {
			s := base[:pos] + d + base[pos:]
			if isClean(s) {
				t.Errorf("isClean(%q) = true", s)
			}
			c := Clean(s)
			checkSafe(t, c, false)
			switch d {
			case "\x1b", "\x9b", "\u009b":
				// Introducers: they take following bytes with them.
			default:
				// Only the dirt is dropped or becomes one space / U+FFFD.
				if c != base && c != base[:pos]+" "+base[pos:] && !strings.Contains(c, replacement) {
					t.Errorf("Clean(%q) = %q", s, c)
				}
			}
		}
	}
}
