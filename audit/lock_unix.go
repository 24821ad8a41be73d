//go:build unix

package audit

import (
	"errors"
	"syscall"
)

// lock takes the journal's advisory lock (flock on the lock file): every
// wcadmin process that shares the journal takes it around each append and
// while settling, so lines never interleave.
func (j *Journal) lock() error {
	for {
		err := syscall.Flock(int(j.lockf.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func (j *Journal) unlock() { _ = syscall.Flock(int(j.lockf.Fd()), syscall.LOCK_UN) }

// processRuns reports whether a process with this id exists on this machine
// (a process of another user counts: signalling it is refused, not unknown).
func processRuns(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
