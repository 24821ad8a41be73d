//go:build unix

package config

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO as ca_file must be refused, not block Load.
func TestCAFileFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f := withConfig(writeConfig(t, minimal+"ca_file = \""+fifo+"\"\n"))
		if _, err := Load(f, fakeEnv(nil)); err == nil {
			t.Error("Load accepted a FIFO as ca_file")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked on a FIFO ca_file")
	}
}
