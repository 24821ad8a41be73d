//go:build unix

package authkeys

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestWatchSIGHUP(t *testing.T) {
	shortInterval(t, time.Hour) // no polling: only SIGHUP reads
	a, b := edKey(t, 1), edKey(t, 2)
	p := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, p, lines(line(a, "", "a")))
	var log logBuf
	w, err := Watch(t.Context(), p, log.logf)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, lines(line(b, "", "b")))
	// Watch has registered for SIGHUP before returning, so this does not
	// end the test binary.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the SIGHUP reload", func() bool { _, ok := w.Current().Lookup(b); return ok })
	if !log.has("SIGHUP") {
		t.Errorf("log:\n%s", log.String())
	}
}
