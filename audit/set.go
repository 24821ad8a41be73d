package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Line is one line of a journal set, and where it is.
type Line struct {
	File  string // path of the file
	N     int    // 1-based line number in File
	Entry Entry
}

// Set is a journal and its rolled-over files.
type Set struct {
	// Files are oldest first: path.1, path.2, … then the live journal.
	Files []string
	// Lines are every readable line, PhaseJournal lines included.
	Lines []Line
	// Unreadable are the lines that are not JSON entries (Entry is zero),
	// e.g. a write cut short by a crash.
	Unreadable []Line
}

// Files lists the files of the journal set at path that exist, oldest
// first: the rolled-over path.N by N, then path itself.
func Files(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: list journal files: %w", err)
	}
	type rolled struct {
		n    int
		path string
	}
	var old []rolled
	live := false
	for _, e := range ents {
		name := e.Name()
		if name == base {
			live = true
			continue
		}
		p := filepath.Join(filepath.Dir(path), name)
		if n, ok := rolledNumber(path, p); ok {
			old = append(old, rolled{n, p})
		}
	}
	sort.Slice(old, func(a, b int) bool { return old[a].n < old[b].n })
	files := make([]string, 0, len(old)+1)
	for _, r := range old {
		files = append(files, r.path)
	}
	if live {
		files = append(files, path)
	}
	return files, nil
}

// rolledNumber reads N from a rolled-over file name path.N.
func rolledNumber(path, file string) (int, bool) {
	suffix, ok := strings.CutPrefix(filepath.Base(file), filepath.Base(path)+".")
	if !ok || suffix == "" || strings.TrimLeft(suffix, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(suffix)
	return n, err == nil && n > 0
}

// ReadSet reads every file of the journal set at path. When no file of the
// set exists the error matches fs.ErrNotExist.
func ReadSet(path string) (*Set, error) {
	files, err := Files(path)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &fs.PathError{Op: "read journal", Path: path, Err: fs.ErrNotExist}
	}
	s := &Set{Files: files}
	for _, f := range files {
		if err := readLines(f, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readLines appends the lines of one file to s.
func readLines(path string, s *Set) error {
	return eachLine(path, func(n int, raw []byte) {
		var e Entry
		if json.Unmarshal(raw, &e) == nil && e.Phase != "" {
			s.Lines = append(s.Lines, Line{File: path, N: n, Entry: e})
		} else {
			s.Unreadable = append(s.Unreadable, Line{File: path, N: n})
		}
	})
}

// eachLine calls fn with every non-blank line of the file (without its
// newline) and its 1-based number.
func eachLine(path string, fn func(n int, raw []byte)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return scanLines(f, fn)
}

func scanLines(r io.Reader, fn func(n int, raw []byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		body := bytes.TrimSuffix(line, []byte("\n"))
		if len(bytes.TrimSpace(body)) > 0 {
			fn(n, body)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("audit: read journal: %w", err)
		}
	}
}
