// Command wcadmin is a keyboard-driven terminal console for the customers of a
// WebCommander store: find them, and delete the ones that must go.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd(os.Getenv).Execute(); err != nil {
		var ue usageError
		if !errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "wcadmin:", err)
		}
		os.Exit(1)
	}
}

// usageError marks errors cobra has already printed with the usage.
type usageError struct{ error }
