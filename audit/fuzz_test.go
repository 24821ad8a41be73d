package audit

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParseHead: the fast reading of a line's head never panics, agrees with
// encoding/json on lines Append writes, and a line it calls whole (with
// checkValid) is valid JSON.
func FuzzParseHead(f *testing.F) {
	e := Entry{Prev: lineHash([]byte("x")), Seq: 7, Phase: PhaseIntent, Attempt: "abc", Record: json.RawMessage(`{"attempt":"no"}`)}
	line, _ := EncodeLine(e)
	f.Add(line[:len(line)-1])
	f.Add(line[:40])
	f.Add([]byte(`{"seq":1,"time":"2026-01-01T00:00:00Z","phase":"journal","continues":"a.1"}`))
	f.Add([]byte(`{"time":"2025-01-01T00:00:00Z","phase":"intent","attempt":"old"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, parsed := parseHead(b, true)
		if parsed && !json.Valid(b) {
			t.Fatalf("parsed an invalid line %q", b)
		}
		if !parsed {
			return
		}
		var full struct {
			Prev  string `json:"prev"`
			Seq   int64  `json:"seq"`
			Phase string `json:"phase"`
		}
		if json.Unmarshal(b, &full) != nil {
			return // valid JSON but not an object of these fields
		}
		for _, k := range []string{`"prev"`, `"seq"`, `"phase"`} {
			if bytes.Count(b, []byte(k)) > 1 {
				return // a repeated key: encoding/json keeps the last, the head the first (the hash covers both)
			}
		}
		if _, seqOK, phaseOK := readHead(b); phaseOK && seqOK && (full.Prev != h.Prev || full.Seq != h.Seq || full.Phase != h.Phase) {
			t.Fatalf("head %+v, encoding/json says %+v, for %q", h, full, b)
		}
	})
}
