package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/wcadmin/wcadmin/termtext"
)

// maxIDLine bounds one line of an ids file or of stdin.
const maxIDLine = 4096

// parseID parses one customer id: a positive decimal integer.
func parseID(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// collectIDs gathers the customer ids of a command: the arguments ("-" reads
// stdin), then --from-file ("-" is stdin too). Arguments must be ids; in
// stdin and the file blank lines and comments (from "#" to the end of the
// line) are ignored. A bad id
// is a usage error naming the argument or the line, and no id is returned.
// Duplicates are removed, keeping the first occurrence's place.
func collectIDs(args []string, stdin io.Reader, fromFile string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	usedStdin := false
	for _, a := range args {
		if a == "-" {
			if usedStdin {
				continue
			}
			usedStdin = true
			if stdin == nil {
				return nil, usage(errors.New("- reads ids from stdin, but there is no stdin"))
			}
			if err := readIDLines(stdin, "stdin", add); err != nil {
				return nil, err
			}
			continue
		}
		id, ok := parseID(a)
		if !ok {
			return nil, usage(fmt.Errorf("%q is not a customer id (a positive integer); use - to read ids from stdin or --from-file FILE",
				termtext.CleanMax(a, 60)))
		}
		add(id)
	}
	if fromFile != "" {
		var r io.Reader
		if fromFile == "-" {
			if usedStdin {
				return nil, usage(errors.New("--from-file - and the argument - both read stdin: give one of them"))
			}
			r = stdin
		} else {
			f, err := os.Open(fromFile)
			if err != nil {
				return nil, usage(fmt.Errorf("--from-file: %w", err))
			}
			defer f.Close()
			r = f
		}
		if err := readIDLines(r, termtext.Clean(fromFile), add); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// readIDLines reads one id a line from r (named name in errors) into add.
func readIDLines(r io.Reader, name string, add func(int64)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxIDLine)
	var lineIDs []int64
	n := 0
	for sc.Scan() {
		n++
		line := stripComment(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff") // a BOM from a Windows editor
		}
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" {
			continue
		}
		id, ok := parseID(line)
		if !ok {
			return usage(fmt.Errorf("%s line %d: %q is not a customer id (a positive integer): nothing was deleted",
				name, n, termtext.CleanMax(line, 60)))
		}
		lineIDs = append(lineIDs, id)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return usage(fmt.Errorf("%s line %d: longer than %d bytes: nothing was deleted", name, n+1, maxIDLine))
		}
		return fmt.Errorf("reading ids from %s: %w", name, err)
	}
	for _, id := range lineIDs {
		add(id)
	}
	return nil
}

// stripComment removes a comment: from "#" to the end of the line (so a
// commented-out id, "#1234", is skipped, never deleted).
func stripComment(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		return line[:i]
	}
	return line
}
