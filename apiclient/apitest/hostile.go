package apitest

import "strings"

// hostileText is what a shop's sign-up form lets through. A terminal that
// prints it raw would change colour, clear the screen, retitle the window,
// write the clipboard or show text reversed.
var hostileText = []struct{ first, last, email, company string }{
	{"\x1b[31mRed", "Alert\x1b[0m", "red.alert@example.com", ""},
	{"Clear\x1b[2J\x1b[H", "Screen", "clear\x1b[2J@example.com", "Wipe\x1b[3J Ltd"},
	{"\u202eesreveR", "Bidi\u202c", "bidi\u202e@example.com", "\u2067Isolate\u2069"},
	{"Clip\x1b]52;c;cm0gLXJmIH4=\x07", "Board", "osc52@example.com", ""},
	{"Title\x1b]0;pwned\x07", "Bell\x07\x07", "title@example.com", ""},
	{"Back\bspace", "Car\rriage\r\nNewline", "ctrl\t@example.com", "Null\x00Byte Co"},
	{"\u009b31mC1", "Csi\x7f", "c1csi@example.com", ""},
	{"Zero\u200bWidth", "Z\u0334\u0321a\u0337l\u0336g\u0338o\u0335\u0322", "zalgo@example.com", ""},
	{strings.Repeat("Long", 60), "👩\u200d💻 Dev", "long@example.com", "全角テスト株式会社"},
	{"\x1b]8;;http://evil.example/\x1b\\Click\x1b]8;;\x1b\\", "Link", "hyperlink@example.com", ""},
}

// makeHostile rewrites customers near the top of the id order so the demo and
// tests meet them on the first page.
func makeHostile(cs []*customer) {
	for i, h := range hostileText {
		at := 1 + 2*i
		if at >= len(cs) {
			return
		}
		c := cs[at]
		c.first, c.last, c.email = h.first, h.last, h.email
		if h.company != "" {
			c.company, c.companyName = true, h.company
		}
		c.hostile = i + 1
		c.relower()
	}
}

// hostileDetails spreads the hostile text into the detail fields too.
func hostileDetails(d *details, first string) {
	d.note = "note: " + first + "\x1b[5mblink"
	for j := range d.addrs {
		d.addrs[j].line1 = "1 \x1b[7mInverse\x1b[27m St"
	}
}
