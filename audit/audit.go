// Package audit is the deletion journal: an append-only JSON Lines file that
// records every delete attempt. Deleting a customer is permanent, so the
// journal is written (and fsynced) before a DELETE goes out and again after
// it; a caller that cannot write the journal must not delete (fail closed).
//
// The file is $XDG_STATE_HOME/wcadmin/audit.jsonl (see [DefaultPath]), mode
// 0600 in a 0700 directory. Every line is one [Entry]. Lines never hold
// credentials: entries carry only who, where, which customer and what
// happened.
package audit

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wcadmin/wcadmin/termtext"
)

// Phases of an Entry.
const (
	// PhaseIntent is written before the DELETE is sent, with the full record.
	PhaseIntent = "intent"
	// PhaseOutcome is written after the DELETE (and any follow-up check).
	PhaseOutcome = "outcome"
	// PhaseSkipped is written when no DELETE was sent: the customer was
	// already gone, had changed, or the delete was refused.
	PhaseSkipped = "skipped"
	// PhaseScheduled is written when the operator confirms a deletion that
	// waits out the undo window: nothing is sent yet. The intent and outcome
	// that follow (when it is not undone) carry the same attempt id.
	PhaseScheduled = "scheduled"
	// PhaseUndone is written when a scheduled deletion is taken back (u, or
	// wcadmin quitting before the window ended): nothing was sent.
	PhaseUndone = "undone"
	// PhaseJournal is the first line of every chained file: it says the
	// lines that follow carry the hash chain, and (after a roll-over) which
	// file the chain continues from. It is about the journal, not a customer.
	PhaseJournal = "journal"
)

// Results of an outcome or skipped Entry.
const (
	ResultDeleted     = "deleted"
	ResultAlreadyGone = "already_gone"
	ResultChanged     = "changed"
	ResultFailed      = "failed"
	ResultUnknown     = "unknown"
	ResultRefused     = "refused"
	// ResultNotDeleted: written when settling an interrupted attempt whose
	// customer is still there: the DELETE did not happen.
	ResultNotDeleted = "not_deleted"
	// ResultNotSent: written when settling a scheduled deletion whose wcadmin
	// ended before the undo window closed: no DELETE was ever sent.
	ResultNotSent = "not_sent"
)

// Entry is one line of the journal.
type Entry struct {
	// Prev is the SHA-256 (hex) of the line before this one, in this file
	// or, on the first line of a rolled-over file, the last line of the
	// previous file: the hash chain (see Verify). Set by Append.
	Prev string `json:"prev,omitempty"`
	// Seq numbers the chained lines of a journal set from 1 (the first
	// journal line); a gap shows removed lines. Set by Append.
	Seq int64 `json:"seq,omitempty"`

	Time time.Time `json:"time"`
	// Phase is PhaseIntent, PhaseOutcome or PhaseSkipped.
	Phase string `json:"phase"`
	// Operator is $SUDO_USER, else $USER (else $LOGNAME, else "uid:N").
	Operator string `json:"operator"`
	// SSHClient is $SSH_CLIENT (else $SSH_CONNECTION): "ip port port";
	// for `wcadmin serve`, the client's address.
	SSHClient string `json:"ssh_client,omitempty"`
	// KeyFingerprint is, for `wcadmin serve`, the SSH key the operator
	// logged in with (SHA256:…).
	KeyFingerprint string `json:"key_fingerprint,omitempty"`
	// Host is os.Hostname() of the machine running wcadmin.
	Host    string `json:"host"`
	Profile string `json:"profile,omitempty"`
	Site    string `json:"site"`

	CustomerID int64  `json:"customer_id"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	// Record is, on intent lines, the customer record exactly as fetched
	// right before the DELETE (compact JSON): enough to re-create it by hand.
	Record json.RawMessage `json:"record,omitempty"`

	// Status is the HTTP status of the DELETE, when one came back.
	Status int `json:"status,omitempty"`
	// Result is one of the Result* constants (outcome and skipped lines).
	Result     string `json:"result,omitempty"`
	Message    string `json:"message,omitempty"`
	DurationMS int64  `json:"duration_ms,omitempty"`
	// Attempt ties the intent and outcome lines of one attempt together.
	Attempt string `json:"attempt"`

	// Reason is why the operator deleted (customers delete --reason).
	Reason string `json:"reason,omitempty"`
	// Via is how the deletion was asked for: "console", "cli", "ssh-serve".
	Via string `json:"via,omitempty"`

	// PID is the process that wrote the line: an attempt whose intent was
	// written by a process that still runs is in progress, not interrupted.
	PID int `json:"pid,omitempty"`
	// Settled is set on an outcome line written for an attempt that was
	// interrupted (no outcome) by a later wcadmin process.
	Settled *Settlement `json:"settled,omitempty"`
	// Continues is set on a PhaseJournal line that starts a rolled-over
	// file: the base name of the file before it in the set.
	Continues string `json:"continues,omitempty"`
}

// Settlement says who settled an interrupted attempt, and when.
type Settlement struct {
	// By is the operator of the process that settled it; Host its machine.
	By   string    `json:"by"`
	Host string    `json:"host,omitempty"`
	At   time.Time `json:"at"`
	// Interrupted is the time of the attempt's intent line.
	Interrupted time.Time `json:"interrupted"`
	// How is the check that decided, e.g. "GET answered 404".
	How string `json:"how,omitempty"`
}

// ErrClosed is returned by Append on a closed Journal.
var ErrClosed = errors.New("audit: journal is closed")

// DefaultPath is $XDG_STATE_HOME/wcadmin/audit.jsonl; XDG_STATE_HOME defaults
// to $HOME/.local/state (a relative XDG_STATE_HOME is ignored, as the XDG
// spec asks). It returns "" when neither variable gives an absolute path.
func DefaultPath(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	base := getenv("XDG_STATE_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home := getenv("HOME")
		if home == "" || !filepath.IsAbs(home) {
			return ""
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "wcadmin", "audit.jsonl")
}

func identity(getenv func(string) string) (operator, sshClient string) {
	for _, k := range []string{"SUDO_USER", "USER", "LOGNAME"} {
		if v := termtext.CleanMax(getenv(k), 100); v != "" {
			operator = v
			break
		}
	}
	if operator == "" {
		operator = "uid:" + strconv.Itoa(os.Getuid())
	}
	sshClient = termtext.CleanMax(getenv("SSH_CLIENT"), 200)
	if sshClient == "" {
		sshClient = termtext.CleanMax(getenv("SSH_CONNECTION"), 200)
	}
	return operator, sshClient
}

func secureDir(dir string, dedicated bool) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("audit: journal directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("audit: journal directory %s is not a directory", dir)
	}
	mode := fi.Mode().Perm()
	mine := ownedByMe(fi)
	switch {
	case dedicated && mode&0o077 != 0:
		if !mine {
			return fmt.Errorf("audit: journal directory %s has mode %04o and belongs to another user; it must be 0700 and yours", dir, mode)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("audit: make journal directory private: %w", err)
		}
	case mode&0o022 != 0 && mine:
		if err := os.Chmod(dir, mode&^0o022); err != nil {
			return fmt.Errorf("audit: remove group/other write permission from the journal directory: %w", err)
		}
	case mode&0o002 != 0 && fi.Mode()&os.ModeSticky == 0:
		return fmt.Errorf("audit: journal directory %s is writable by every user (mode %04o): refusing", dir, mode)
	}
	return nil
}

func secureFile(f *os.File, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("audit: journal %s is not a regular file", f.Name())
	}
	mode := fi.Mode().Perm()
	if ownedByMe(fi) {
		if mode&0o077 != 0 {
			if err := f.Chmod(0o600); err != nil {
				return fmt.Errorf("audit: make journal private: %w", err)
			}
		}
		return nil
	}
	if mode&0o002 != 0 {
		return fmt.Errorf("audit: journal %s belongs to another user and is writable by everyone: refusing", f.Name())
	}
	return nil
}

// EncodeLine renders e as one journal line, ending in '\n'. Text fields are
// cleaned with termtext.Clean; the line is terminal-safe as a whole: every
// character termtext would remove (C1 controls, bidi controls, invisible
// characters) is written as a \u escape, so `cat` or `less` of the journal
// cannot be tricked by the stored record either. An invalid Record is stored
// as a JSON string.
func EncodeLine(e Entry) ([]byte, error) {
	for _, f := range []*string{&e.Phase, &e.Operator, &e.SSHClient, &e.Host, &e.Profile, &e.Site,
		&e.Email, &e.Name, &e.Result, &e.Message, &e.Attempt, &e.Reason, &e.Via, &e.KeyFingerprint} {
		*f = termtext.Clean(*f)
	}
	if len(e.Record) > 0 && !json.Valid(e.Record) {
		s, _ := json.Marshal(string(e.Record))
		e.Record = s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("audit: encode entry: %w", err)
	}
	return EscapeJSON(buf.Bytes()), nil
}

// EscapeJSON rewrites, in JSON text, DEL and the non-ASCII characters that
// termtext.Clean would remove (C1 controls, bidi controls, invisible
// characters) as \u escapes, and invalid UTF-8 as \ufffd (encoding/json
// escapes the C0 controls itself). Outside strings JSON text is printable
// ASCII, so every such character is inside a string, where the escape means
// the same character. Clean input is returned as is. Use it on any JSON
// built from journal or store text before it reaches a terminal or a file.
func EscapeJSON(b []byte) []byte {
	var out []byte // nil until something needs escaping
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf && c != 0x7f {
			if out != nil {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		var esc []byte
		switch {
		case r == utf8.RuneError && size == 1:
			esc = []byte(`\ufffd`)
		case r == 0x7f || termtext.Clean(string(r)) != string(r):
			for _, u := range utf16.Encode([]rune{r}) {
				esc = fmt.Appendf(esc, `\u%04x`, u)
			}
		}
		switch {
		case esc != nil && out == nil:
			out = append(append(make([]byte, 0, len(b)+16), b[:i]...), esc...)
		case esc != nil:
			out = append(out, esc...)
		case out != nil:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return b
	}
	return out
}

// NewAttempt returns a random id (16 hex digits) for Entry.Attempt.
func NewAttempt() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return short)
	return hex.EncodeToString(b[:])
}

// Read reads every well-formed entry about a customer in the journal file at
// path (not the rolled-over files: see ReadSet), in file order.
// Lines that are not valid JSON entries (a line torn by a crash, for
// instance) are skipped; use Scan to learn about them. The error is for I/O
// only (a missing file gives an error matching fs.ErrNotExist).
func Read(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, _, err := Scan(f)
	return entries, err
}

// Scan reads journal lines from r. It returns the well-formed entries about
// customers (PhaseJournal lines are left out) and the 1-based numbers of the
// lines it skipped (not JSON, or a torn last line); blank lines are ignored.
// The error is for I/O only.
func Scan(r io.Reader) (entries []Entry, badLines []int, err error) {
	err = scanLines(r, func(n int, raw []byte) {
		var e Entry
		switch {
		case json.Unmarshal(raw, &e) != nil || e.Phase == "":
			badLines = append(badLines, n)
		case e.Phase != PhaseJournal:
			entries = append(entries, e)
		}
	})
	return entries, badLines, err
}

// Filter selects entries. Zero fields match everything.
type Filter struct {
	// CustomerID, when non-zero, keeps entries about that customer only.
	CustomerID int64
	// Since, when non-zero, keeps entries at or after that time.
	Since time.Time
}

// Match reports whether e passes the filter.
func (f Filter) Match(e Entry) bool {
	if f.CustomerID != 0 && e.CustomerID != f.CustomerID {
		return false
	}
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	return true
}
