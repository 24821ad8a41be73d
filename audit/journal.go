package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wcadmin/wcadmin/termtext"
)

// MaxFileSize is the size at which the live journal rolls over: it is
// renamed to the next free path.N and a new file starts whose first line
// chains to the old file's last line. Nothing is ever deleted.
var MaxFileSize int64 = 64 << 20

// Journal appends entries to the journal file. It is safe for concurrent use
// and may share its file with other processes: every append takes the
// advisory lock on path+".lock" (flock), so lines never interleave.
type Journal struct {
	*journalFile

	// Who the lines are written for: filled once at Open from the
	// environment, or given to As.
	operator, sshClient, host, keyFingerprint, via string
	derived                                        bool // made by As: Close leaves the file open
}

// Identity is who a line is written for when it is not the process's own
// user: an operator of `wcadmin serve`, known by an SSH key.
type Identity struct {
	Operator       string
	SSHClient      string // the client's address
	KeyFingerprint string // SHA256:… of the key that authenticated
	Via            string // e.g. "ssh-serve"
}

// As returns a journal on the same file (same lock, same chain) whose lines
// carry id instead of the process's user. Closing it is a no-op; close j.
func (j *Journal) As(id Identity) *Journal {
	return &Journal{journalFile: j.journalFile, host: j.host, derived: true,
		operator:  termtext.CleanMax(id.Operator, 100),
		sshClient: termtext.CleanMax(id.SSHClient, 200), keyFingerprint: termtext.CleanMax(id.KeyFingerprint, 100),
		via: termtext.CleanMax(id.Via, 50)}
}

// journalFile is the open file and its state, shared by a journal and the
// journals As made from it.
type journalFile struct {
	path string
	pid  int

	mu     sync.Mutex
	f      *os.File
	lockf  *os.File
	closed bool
	tail   tailState
	now    func() time.Time

	// inflight are this journal's attempts with an intent and no outcome
	// yet: in progress, never "interrupted".
	inflight map[string]bool
}

// inflight is every attempt in flight in this process, across journals: a
// settle in this process must not take one of them for interrupted.
var inflight sync.Map // attempt id → struct{}

// Open opens (creating if needed) the journal at path for appending.
//
// The directory is created with mode 0700. For the default location (path ==
// DefaultPath(getenv)) the directory must be 0700: a wider one owned by the
// current user is repaired, one owned by somebody else is refused. For
// another path, a directory owned by the current user loses group/other write
// permission; one owned by somebody else and writable by others (without the
// sticky bit) is refused. The file and its lock file (path+".lock") are
// opened with mode 0600 (a wider mode on a file of ours is repaired; a
// symlink, a non-regular file, or somebody else's world-writable file is
// refused).
//
// Operator, SSHClient and Host are read once from getenv (nil = os.Getenv)
// and os.Hostname.
func Open(path string, getenv func(string) string) (*Journal, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if path == "" {
		return nil, errors.New("audit: no journal path (set XDG_STATE_HOME or HOME, or give a path)")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: create journal directory: %w", err)
	}
	if err := secureDir(dir, filepath.Clean(path) == DefaultPath(getenv)); err != nil {
		return nil, err
	}
	lockf, err := openSecure(path + ".lock")
	if err != nil {
		return nil, err
	}
	j := &Journal{journalFile: &journalFile{path: path, lockf: lockf, now: time.Now, pid: os.Getpid(), inflight: map[string]bool{}}}
	if err := j.lock(); err != nil {
		lockf.Close()
		return nil, fmt.Errorf("audit: lock journal: %w", err)
	}
	err = j.reopen()
	if err == nil {
		err = j.refresh()
	}
	j.unlock()
	if err != nil {
		if j.f != nil {
			j.f.Close()
		}
		lockf.Close()
		return nil, err
	}
	// Make the (possibly new) directory entries durable; best effort.
	syncDir(dir)
	j.operator, j.sshClient = identity(getenv)
	if h, err := os.Hostname(); err == nil {
		j.host = termtext.CleanMax(h, 255)
	}
	return j, nil
}

// openSecure opens path for appending (O_NOFOLLOW where there is one) and
// checks its type and mode.
func openSecure(path string) (*os.File, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = secureFile(f, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// reopen (under the lock) opens the file now at j.path: after a roll-over by
// this or another process the old descriptor points at path.N.
func (j *Journal) reopen() error {
	f, err := openSecure(j.path)
	if err != nil {
		return err
	}
	if j.f != nil {
		j.f.Close()
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("audit: %w", err)
	}
	j.f = f
	j.tail = tailState{fi: fi}
	return nil
}

// refresh (under the lock) makes j.f the live file and brings the tail state
// up to date with whatever other processes appended.
func (j *Journal) refresh() error {
	pfi, err := os.Lstat(j.path)
	if err != nil || !os.SameFile(pfi, j.tail.fi) {
		if err := j.reopen(); err != nil {
			return err
		}
	}
	fi, err := j.f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return j.tail.update(j.f, fi.Size())
}

// Path is the journal file.
func (j *Journal) Path() string { return j.path }

// Operator is who this process acts for, as written on every line.
func (j *Journal) Operator() string { return j.operator }

// Host is the machine this process runs on, as written on every line.
func (j *Journal) Host() string { return j.host }

// Append writes e as one JSON line and fsyncs the file before it returns.
// It fills Time (when zero; UTC), Operator, SSHClient, Host, PID, Prev and
// Seq, and makes Email, Name, Message, Profile, Site, Phase, Result and
// Attempt terminal-safe with termtext.Clean. Any error means the line may
// not be on disk: the caller must treat it as "not recorded" (and not
// delete).
func (j *Journal) Append(e Entry) error {
	return j.locked(func() error { return j.appendLocked(e) })
}

// appendLocked appends e; the caller holds j.mu and the file lock.
func (j *Journal) appendLocked(e Entry) error {
	if err := j.refresh(); err != nil {
		return err
	}
	if e.Time.IsZero() {
		e.Time = j.now()
	}
	e.Time = e.Time.UTC()
	e.Operator, e.SSHClient, e.Host, e.PID, e.KeyFingerprint = j.operator, j.sshClient, j.host, j.pid, j.keyFingerprint
	if e.Via == "" {
		e.Via = j.via
	}
	line, err := j.chainLine(e)
	if err != nil {
		return err
	}
	if j.tail.size > 0 && j.tail.size+int64(len(line)) > MaxFileSize {
		if err := j.rollOver(); err != nil {
			return err
		}
		if line, err = j.chainLine(e); err != nil {
			return err
		}
	}
	var buf []byte
	if !j.tail.newline {
		buf = append(buf, '\n') // complete a torn line: it stays in the chain
	}
	if !j.tail.chained {
		h := header(j.tail.lastHash, j.tail.seq+1, "", j.tail.lines)
		h.Time, h.Operator, h.SSHClient, h.Host, h.PID = e.Time, j.operator, j.sshClient, j.host, j.pid
		hl, err := EncodeLine(h)
		if err != nil {
			return err
		}
		buf = append(buf, hl...)
		j.tail.lastHash, j.tail.seq = lineHash(hl[:len(hl)-1]), h.Seq
		if line, err = j.chainLine(e); err != nil {
			return err
		}
	}
	buf = append(buf, line...)
	if err := writeAll(j.f, buf); err != nil {
		j.tail = tailState{} // unknown now: read the file again next time
		return fmt.Errorf("audit: write journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		j.tail = tailState{}
		return fmt.Errorf("audit: sync journal %s: %w", j.path, err)
	}
	j.tail.size += int64(len(buf))
	j.tail.readFrom = j.tail.size
	j.tail.lines++
	j.tail.lastHash, j.tail.seq = lineHash(line[:len(line)-1]), j.tail.seq+1
	j.tail.chained, j.tail.newline = true, true
	j.track(e)
	return nil
}

// chainLine encodes e as the next line of the chain.
func (j *Journal) chainLine(e Entry) ([]byte, error) {
	e.Prev, e.Seq = j.tail.lastHash, j.tail.seq+1
	return EncodeLine(e)
}

// track keeps the in-flight set: a scheduled or intent line opens an
// attempt, an outcome, skipped or undone line ends it.
func (j *Journal) track(e Entry) {
	if e.Attempt == "" {
		return
	}
	switch e.Phase {
	case PhaseScheduled, PhaseIntent:
		j.inflight[e.Attempt] = true
		inflight.Store(e.Attempt, struct{}{})
	case PhaseOutcome, PhaseSkipped, PhaseUndone:
		delete(j.inflight, e.Attempt)
		inflight.Delete(e.Attempt)
	}
}

// writeAll writes b with as many writes as it takes; the lock keeps other
// writers out meanwhile, so a long line is still one line.
func writeAll(f *os.File, b []byte) error {
	for len(b) > 0 {
		n, err := f.Write(b)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// rollOver (under the lock) renames the live file to the next free path.N
// and starts a new one whose journal line chains to the old file's end.
func (j *Journal) rollOver() error {
	files, err := Files(j.path)
	if err != nil {
		return err
	}
	next := 1
	for _, f := range files {
		if n, ok := rolledNumber(j.path, f); ok && n >= next {
			next = n + 1
		}
	}
	old := fmt.Sprintf("%s.%d", j.path, next)
	if _, err := os.Lstat(old); err == nil {
		return fmt.Errorf("audit: roll over journal: %s already exists", old)
	}
	if err := os.Rename(j.path, old); err != nil {
		return fmt.Errorf("audit: roll over journal: %w", err)
	}
	prev, seq := j.tail.lastHash, j.tail.seq
	if err := j.reopen(); err != nil {
		return err
	}
	syncDir(filepath.Dir(j.path))
	h := header(prev, seq+1, filepath.Base(old), 0)
	h.Time, h.Operator, h.SSHClient, h.Host, h.PID = j.now().UTC(), j.operator, j.sshClient, j.host, j.pid
	hl, err := EncodeLine(h)
	if err != nil {
		return err
	}
	if err := writeAll(j.f, hl); err != nil {
		j.tail = tailState{}
		return fmt.Errorf("audit: start rolled-over journal %s: %w", j.path, err)
	}
	j.tail.size, j.tail.readFrom, j.tail.lines = int64(len(hl)), int64(len(hl)), 1
	j.tail.lastHash, j.tail.seq, j.tail.chained, j.tail.newline = lineHash(hl[:len(hl)-1]), h.Seq, true, true
	return nil
}

// Close closes the file; later Appends fail with ErrClosed. Closing twice is
// a no-op. Attempts still in flight here are no longer in progress: a later
// settle may take them for interrupted.
func (j *Journal) Close() error {
	if j == nil || j.derived {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	for a := range j.inflight {
		inflight.Delete(a)
	}
	j.lockf.Close()
	return j.f.Close()
}
