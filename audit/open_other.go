//go:build !unix

package audit

import (
	"fmt"
	"os"
)

func openFile(path string) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("audit: journal %s is a symbolic link: refusing", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open journal: %w", err)
	}
	return f, nil
}

// ownedByMe cannot tell without Unix ownership; the file is the user's own.
func ownedByMe(os.FileInfo) bool { return true }
