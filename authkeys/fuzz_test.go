package authkeys

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/termtext"
)

func FuzzParse(f *testing.F) {
	a, b := edKey(f, 1), edKey(f, 2)
	f.Add([]byte(""))
	f.Add([]byte("\n\n# c\n"))
	f.Add(lines(line(a, `wcadmin-profiles="staging,production",wcadmin-read-only`, "alice"), line(b, "", "")))
	f.Add(lines(line(a, `wcadmin-operator="x \"y\"",from="1.2.3.4",no-pty`, "c"), line(a, "", "dup")))
	f.Add(lines(`wcadmin-profiles="a b",wcadmin-x `+line(b, "", "")[:30], "junk"))
	f.Add([]byte(line(a, `WCADMIN-PROFILES=" , "`, "\x1b[31m") + "\r\n" + line(b, `wcadmin-operator="\"`, "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Parse(data)
		n := bytes.Count(data, []byte("\n")) + 1
		seen := map[int]bool{}
		for _, k := range s.Keys {
			if k.Line < 1 || k.Line > n || seen[k.Line] {
				t.Fatalf("key line %d (file has %d lines)", k.Line, n)
			}
			seen[k.Line] = true
			if k.PublicKey == nil || k.Fingerprint == "" || k.Operator == "" ||
				termtext.Clean(k.Operator) != k.Operator || termtext.Width(k.Operator) > OperatorMaxCells {
				t.Fatalf("bad key %+v", k)
			}
			for _, p := range k.Profiles {
				if p == "" || strings.TrimSpace(p) != p {
					t.Fatalf("bad profile %q", p)
				}
			}
			if got, ok := s.Lookup(k.PublicKey); !ok || got.Line != k.Line {
				t.Fatalf("Lookup of line %d gave line %d", k.Line, got.Line)
			}
		}
		for _, ps := range [][]Problem{s.Problems, s.Warnings} {
			for _, p := range ps {
				if p.Line < 1 || p.Line > n {
					t.Fatalf("problem line %d (file has %d lines)", p.Line, n)
				}
				if p.Msg == "" || termtext.Clean(p.Msg) != p.Msg {
					t.Fatalf("message %q", p.Msg)
				}
			}
		}
		for _, p := range s.Problems {
			if seen[p.Line] {
				t.Fatalf("line %d is both a key and a problem", p.Line)
			}
		}
	})
}
