package audit

import (
	"fmt"
	"io/fs"
	"path/filepath"
)

// Kinds of Problem.
const (
	ProblemChanged     = "changed"
	ProblemRemoved     = "removed"
	ProblemInserted    = "inserted"
	ProblemMissingFile = "missing file"
)

// Problem is where the hash chain breaks.
type Problem struct {
	File   string
	Line   int
	Kind   string
	Detail string // a full sentence
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Files []string
	// Lines is the number of non-blank lines read.
	Lines int
	// Legacy lines were written before the chain started: not verifiable.
	Legacy int
	// Head is the SHA-256 of the last line: an auditor records it elsewhere
	// to detect later that lines were cut off the end.
	Head string
	// Seq is the seq of the last chained line.
	Seq int64
	// Torn are lines that are not JSON (a write cut short by a crash) that
	// the chain still covers.
	Torn []Line
	// Problem is the first break; nil when the chain verifies.
	Problem *Problem
}

// OK reports that the chain verifies.
func (r VerifyReport) OK() bool { return r.Problem == nil }

// Verify checks the hash chain of the whole journal set at path. When no
// file of the set exists the error matches fs.ErrNotExist; the error is for
// I/O only, a broken chain is VerifyReport.Problem.
func Verify(path string) (VerifyReport, error) { return verify(path, false) }

// VerifyRecent checks the live file and its link to the file before it:
// cheap enough for every start of the console.
func VerifyRecent(path string) (VerifyReport, error) { return verify(path, true) }

// rec is one line as the verifier sees it.
type rec struct {
	file      string
	n         int
	hash      string
	prev      string
	seq       int64
	parsed    bool
	header    bool
	continues string
	fileStart bool
	raw       []byte // lastLine only, while it reads
}

func verify(path string, recent bool) (VerifyReport, error) {
	files, err := Files(path)
	if err != nil {
		return VerifyReport{}, err
	}
	if len(files) == 0 {
		return VerifyReport{}, &fs.PathError{Op: "verify journal", Path: path, Err: fs.ErrNotExist}
	}
	// The recent check reads the live file and only the last line of the
	// file before it: the anchor its journal line must chain to.
	partial := recent && len(files) > 1
	var recs []rec
	if partial {
		prev := files[len(files)-2]
		a, err := lastLine(prev)
		if err != nil {
			return VerifyReport{}, err
		}
		recs = append(recs, a)
		files = files[len(files)-1:]
	}
	r := VerifyReport{Files: files}
	for _, f := range files {
		start := true
		err := eachLine(f, func(n int, raw []byte) {
			h, parsed := parseHead(raw, !recent)
			parsed = parsed && h.Phase != ""
			recs = append(recs, rec{file: f, n: n, hash: lineHash(raw), prev: h.Prev, seq: h.Seq, parsed: parsed,
				header: h.Phase == PhaseJournal, continues: h.Continues, fileStart: start})
			if !parsed {
				r.Torn = append(r.Torn, Line{File: f, N: n})
			}
			start = false
		})
		if err != nil {
			return r, err
		}
	}
	r.Lines = len(recs)
	if partial {
		r.Lines--
	}
	if len(recs) == 0 {
		return r, nil
	}
	r.Head = recs[len(recs)-1].hash
	r.Problem = checkChain(recs, &r, partial)
	return r, nil
}

// checkChain finds the first break. The chain starts at the first journal
// line (or the first line with a prev); lines before it are legacy.
func checkChain(recs []rec, r *VerifyReport, partial bool) *Problem {
	start := -1
	for i, x := range recs {
		if x.header || x.prev != "" {
			start = i
			break
		}
	}
	if start < 0 {
		r.Legacy = len(recs)
		return nil
	}
	r.Legacy = start
	if start > 0 && recs[start].fileStart {
		// A rolled-over file must start the chain with its journal line;
		// legacy lines are only ever at the start of the set.
		r.Legacy = 0
		return problem(recs[start], ProblemChanged, "the lines before this file are not chained: a chained file follows an unchained one")
	}
	for i := start; i < len(recs); i++ {
		x := recs[i]
		if x.seq > 0 {
			r.Seq = x.seq
		}
		if x.fileStart && i > 0 {
			prevFile := filepath.Base(recs[i-1].file)
			switch {
			case !x.header:
				return problem(x, ProblemRemoved, fmt.Sprintf("%s does not start with its journal line: its first lines were removed, or the file was replaced", filepath.Base(x.file)))
			case x.continues != prevFile:
				return problem(x, ProblemMissingFile, fmt.Sprintf("%s continues %q, but the file before it in the set is %s: a file of the set is missing or was renamed", filepath.Base(x.file), x.continues, prevFile))
			}
		}
		if i == start {
			if partial {
				continue // the anchor: the end of the file before
			}
			if p := checkStart(recs, i); p != nil {
				return p
			}
			continue
		}
		if !x.parsed && x.prev == "" {
			continue // torn before its prev was written: nothing to check
		}
		if x.prev == "" {
			if i+1 < len(recs) && recs[i+1].prev == recs[i-1].hash {
				return problem(x, ProblemInserted, "this line was inserted: it has no hash, and the line after it chains to the line before it")
			}
			return problem(x, ProblemChanged, "this line has no hash (prev): it was changed or inserted")
		}
		if x.prev == recs[i-1].hash {
			continue
		}
		return mismatch(recs, i)
	}
	return nil
}

// lastLine is the last non-blank line of a file, as a rec, for VerifyRecent.
func lastLine(path string) (rec, error) {
	var last rec
	err := eachLine(path, func(n int, raw []byte) {
		last = rec{file: path, n: n, raw: raw}
	})
	if err != nil {
		return rec{}, err
	}
	h, parsed := parseHead(last.raw, false)
	last.hash, last.prev, last.seq, last.parsed = lineHash(last.raw), h.Prev, h.Seq, parsed
	last.fileStart, last.raw = true, nil
	return last, nil
}

// checkStart checks the first chained line: a journal line that chains to
// the legacy line before it, or starts the set.
func checkStart(recs []rec, i int) *Problem {
	x := recs[i]
	switch {
	case !x.header:
		return problem(x, ProblemRemoved, "the journal line that starts the chain is missing: lines before this one were removed")
	case i > 0 && x.prev != recs[i-1].hash:
		return problem(recs[i-1], ProblemChanged, "the last unchained line was changed after the chain started (the journal line after it holds a different hash)")
	case i == 0 && (x.continues != "" || x.prev != ""):
		what := "an earlier file"
		if x.continues != "" {
			what = x.continues
		}
		return problem(x, ProblemMissingFile, fmt.Sprintf("%s continues %s, which is not in the set: a file of the set is missing or was renamed", filepath.Base(x.file), what))
	}
	return nil
}

// mismatch explains line i, whose prev is not the hash of the line before it.
func mismatch(recs []rec, i int) *Problem {
	x, before := recs[i], recs[i-1]
	switch {
	case i+1 < len(recs) && recs[i+1].prev == before.hash:
		return problem(x, ProblemInserted, "this line was inserted: the line after it chains to the line before it")
	case i >= 2 && x.prev == recs[i-2].hash:
		return problem(before, ProblemInserted, "this line was inserted: the line after it chains to the line before it")
	case x.seq > 0 && before.seq > 0 && x.seq == before.seq+1:
		return problem(before, ProblemChanged, fmt.Sprintf("this line was changed: line %d chains to a different version of it", x.n))
	case x.seq > 0 && before.seq > 0 && x.seq > before.seq+1:
		k := x.seq - before.seq - 1
		return problem(x, ProblemRemoved, fmt.Sprintf("%d line(s) were removed before this line (seq %d follows seq %d)", k, x.seq, before.seq))
	case x.seq > 0 && before.seq > 0:
		return problem(before, ProblemInserted, fmt.Sprintf("this line is out of place (seq %d before seq %d): inserted, or lines were reordered", before.seq, x.seq))
	}
	return problem(before, ProblemChanged, fmt.Sprintf("this line was changed, or lines after it were removed: line %d does not chain to it", x.n))
}

func problem(x rec, kind, detail string) *Problem {
	return &Problem{File: x.file, Line: x.n, Kind: kind, Detail: detail}
}
