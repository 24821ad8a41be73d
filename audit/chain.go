package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// The hash chain: every line Append writes starts with "prev", the SHA-256
// of the line before it (its bytes without the newline), and "seq", its
// number in the chain. A file's first line is a PhaseJournal line that says
// so; after a roll-over it chains to the last line of the previous file.
// Changing, removing or inserting a line breaks the chain at that line
// (Verify); only cutting lines off the end needs a head recorded elsewhere.

// lineHash is the hex SHA-256 of one line without its newline.
func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// chainHead is what a line says about its place in the chain.
type chainHead struct {
	Prev      string `json:"prev"`
	Seq       int64  `json:"seq"`
	Phase     string `json:"phase"`
	Continues string `json:"continues"`
}

// Append writes prev, seq, time and phase first, so they can be read from
// the start of a line without decoding the rest (a customer record can be
// large), and survive in a line cut short by a crash.

// readHead reads {"prev":"<64 hex>","seq":N,"time":"…","phase":"…" from the
// start of line. seqOK: prev (when there) and seq were read; phaseOK: the
// time and the phase too.
func readHead(line []byte) (h chainHead, seqOK, phaseOK bool) {
	p, ok := bytes.CutPrefix(line, []byte(`{`))
	if !ok {
		return h, false, false
	}
	if rest, ok := bytes.CutPrefix(p, []byte(`"prev":"`)); ok {
		if len(rest) < 66 || rest[64] != '"' || rest[65] != ',' || !isHex(rest[:64]) {
			return chainHead{}, false, false
		}
		h.Prev, p = string(rest[:64]), rest[66:]
	}
	p, ok = bytes.CutPrefix(p, []byte(`"seq":`))
	if !ok {
		return chainHead{}, false, false
	}
	n := 0
	for n < len(p) && n < 19 && p[n] >= '0' && p[n] <= '9' {
		h.Seq = h.Seq*10 + int64(p[n]-'0')
		n++
	}
	if n == 0 {
		return chainHead{}, false, false
	}
	p, ok = bytes.CutPrefix(p[n:], []byte(`,"time":"`))
	if !ok {
		return h, true, false
	}
	i := bytes.IndexByte(p, '"')
	if i < 0 || bytes.IndexByte(p[:i], '\\') >= 0 {
		return h, true, false
	}
	p, ok = bytes.CutPrefix(p[i+1:], []byte(`,"phase":"`))
	if !ok {
		return h, true, false
	}
	i = bytes.IndexByte(p, '"')
	if i <= 0 {
		return h, true, false
	}
	for _, c := range p[:i] {
		if (c < 'a' || c > 'z') && c != '_' {
			return h, true, false
		}
	}
	h.Phase = string(p[:i])
	return h, true, true
}

func isHex(b []byte) bool {
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// parseHead reads the chain fields of a line. parsed is false when the line
// is not a whole JSON object (then prev and seq come from its start, when
// they are there). With checkValid the line is checked to be valid JSON;
// without, a line Append wrote counts as whole when it ends in '}' (cheap,
// for the start-up checks).
func parseHead(line []byte, checkValid bool) (h chainHead, parsed bool) {
	h, seqOK, phaseOK := readHead(line)
	if phaseOK {
		if checkValid {
			parsed = json.Valid(line)
		} else {
			parsed = bytes.HasSuffix(line, []byte("}"))
		}
		if !parsed {
			return chainHead{Prev: h.Prev, Seq: h.Seq}, false
		}
		if h.Phase == PhaseJournal { // short: read "continues" too
			_ = json.Unmarshal(line, &h)
		}
		return h, true
	}
	// Lines from before the chain, and anything else.
	var full chainHead
	if json.Unmarshal(line, &full) == nil {
		return full, true
	}
	if seqOK {
		return chainHead{Prev: h.Prev, Seq: h.Seq}, false
	}
	return chainHead{}, false
}

// attemptOf reads the attempt id of a line Append wrote without decoding it:
// "attempt" follows the record, so its last occurrence is the entry's own
// (a JSON string cannot hold an unescaped quote).
func attemptOf(line []byte) string {
	const key = `"attempt":"`
	i := bytes.LastIndex(line, []byte(key))
	if i < 0 {
		return ""
	}
	rest := line[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// tailState is what Append needs to know about the end of the live file.
// It is built by reading the file once and then only what others appended.
type tailState struct {
	fi       os.FileInfo // the file the state is about (os.SameFile)
	size     int64       // bytes accounted for
	readFrom int64       // where the next update reads: size, or the start of a torn last line
	lines    int         // non-blank lines
	lastHash string      // hash of the last non-blank line ("" when none)
	seq      int64       // seq of the last line that has one
	chained  bool        // a PhaseJournal line was seen: the file is chained
	newline  bool        // the file is empty or ends in '\n'
}

// update reads f from s.readFrom to size and advances the state.
func (s *tailState) update(f *os.File, size int64) error {
	if size < s.size {
		*s = tailState{fi: s.fi}
	}
	if s.size == 0 && s.readFrom == 0 && size > 0 && s.loadEnd(f, size) {
		return nil
	}
	if s.size == 0 && s.readFrom == 0 {
		s.newline = true
	}
	if size == s.size && s.readFrom == s.size {
		return nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, s.readFrom, size-s.readFrom), 64<<10)
	off := s.readFrom
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			complete := line[len(line)-1] == '\n'
			body := bytes.TrimSuffix(line, []byte("\n"))
			if len(bytes.TrimSpace(body)) > 0 {
				s.lines++
				s.lastHash = lineHash(body)
				h, _ := parseHead(body, false)
				if h.Seq > 0 {
					s.seq = h.Seq
				}
				if h.Phase == PhaseJournal || h.Prev != "" {
					s.chained = true
				}
			}
			if complete {
				off += int64(len(line))
				s.readFrom = off
				s.newline = true
			} else {
				// A torn last line (a write cut short): the next append
				// starts with a newline, which completes it, so read it
				// again then; it stays the line the next one chains to.
				s.newline = false
				if len(bytes.TrimSpace(body)) > 0 {
					s.lines-- // counted again when re-read
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("audit: read journal: %w", err)
		}
	}
	s.size = size
	return nil
}

// loadEnd builds the state of a chained file from its last line alone, so
// opening a big journal does not read all of it. It reports false (and
// leaves s alone) when the last line does not show a chain: then the whole
// file is read.
func (s *tailState) loadEnd(f *os.File, size int64) bool {
	const chunk = 64 << 10
	// Read backwards until the chunk holds a whole non-blank last line.
	for n := int64(chunk); ; n *= 2 {
		from := max(size-n, 0)
		buf := make([]byte, size-from)
		if _, err := f.ReadAt(buf, from); err != nil {
			return false
		}
		newline := buf[len(buf)-1] == '\n'
		body := bytes.TrimRight(buf, " \t\r\n")
		i := bytes.LastIndexByte(body, '\n')
		if i < 0 && from > 0 {
			if n >= 64<<20 {
				return false
			}
			continue // the line starts before this chunk
		}
		line := body[i+1:]
		if len(bytes.TrimSpace(line)) == 0 {
			return false
		}
		h, _ := parseHead(line, false)
		if h.Seq == 0 && h.Prev == "" {
			return false // not chained (legacy), or torn too early to tell
		}
		start := from + int64(i+1)
		*s = tailState{fi: s.fi, size: size, readFrom: size, lastHash: lineHash(line), seq: h.Seq,
			chained: true, newline: newline, lines: -1}
		if !newline {
			s.readFrom = start // a torn last line: read it again when completed
		}
		return true
	}
}

// header is the PhaseJournal line that starts a chained file.
func header(prev string, seq int64, continues string, legacyLines int) Entry {
	msg := "deletion journal: every line carries prev, the SHA-256 of the line before it, and seq, its number in the chain (wcadmin audit verify)"
	switch {
	case continues != "":
		msg = "deletion journal continued from " + continues + " (rolled over at the size limit): " + msg
	case legacyLines > 0:
		msg = fmt.Sprintf("the chain starts here: the %d line(s) above were written before wcadmin chained its journal; %s", legacyLines, msg)
	}
	return Entry{Phase: PhaseJournal, Prev: prev, Seq: seq, Continues: continues, Message: msg}
}
