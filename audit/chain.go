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
	"regexp"
	"strconv"
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

// tornPrefix reads prev and seq from the start of a line that is not valid
// JSON (a write cut short): Append puts them first so they survive.
var tornPrefix = regexp.MustCompile(`^\{"prev":"([0-9a-f]{64})","seq":([0-9]+)`)

// parseHead reads the chain fields of a line; parsed is false when the line
// is not a JSON object, in which case prev and seq come from tornPrefix.
func parseHead(line []byte) (h chainHead, parsed bool) {
	if len(line) > 4096 && json.Valid(line) {
		// A long line (a big record): its head is at the start, and a
		// journal line is never long.
		if m := tornPrefix.FindSubmatch(line); m != nil {
			h.Prev = string(m[1])
			h.Seq, _ = strconv.ParseInt(string(m[2]), 10, 64)
			return h, true
		}
	}
	if json.Unmarshal(line, &h) == nil {
		return h, true
	}
	if m := tornPrefix.FindSubmatch(line); m != nil {
		h.Prev = string(m[1])
		h.Seq, _ = strconv.ParseInt(string(m[2]), 10, 64)
	}
	return chainHead{Prev: h.Prev, Seq: h.Seq}, false
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
				h, _ := parseHead(body)
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
