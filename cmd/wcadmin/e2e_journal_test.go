package main

import (
	"os"
	"path/filepath"
	"testing"
)

// tempJournal is a journal path of its own for one e2e test, outside the
// test's home (a short path: the console shows it in notices).
func tempJournal(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "wce2e-journal-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "audit.jsonl")
}
