// Command wcadmin is a keyboard-driven terminal console for the customers of a
// WebCommander store: find them, and delete the ones that must go.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/wcadmin/wcadmin/termtext"
)

func main() {
	if err := newRootCmd(os.Getenv).Execute(); err != nil {
		// A quit signal: runConsole has said so on stderr; the status is
		// 128+signal number, as for a process the signal killed.
		var se signalExit
		if errors.As(err, &se) {
			os.Exit(se.code())
		}
		var ue usageError
		if msg := err.Error(); !errors.As(err, &ue) && msg != "" {
			// Errors can quote the server: make them terminal-safe.
			fmt.Fprintln(os.Stderr, "wcadmin:", termtext.Clean(msg))
		}
		os.Exit(exitCode(err)) // exit.go
	}
}

// usageError marks errors cobra has already printed with the usage.
type usageError struct{ error }
