package main

import (
	"errors"
	"strings"

	"github.com/wcadmin/wcadmin/apiclient"
)

// Exit statuses, documented in the README. Scripts branch on them.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2 // a mistake in the command line or its input: nothing was done
	exitPartial     = 3 // some deletions failed or were not attempted
	exitAuth        = 4 // the store refused the credentials or the permission
	exitInterrupted = 130
)

// exitError carries an exit status; its message (if any) is printed by main.
type exitError struct {
	code int
	err  error // nil: the command already said everything
}

func (e exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e exitError) Unwrap() error { return e.err }

// usage marks err as a usage error (exit 2).
func usage(err error) error { return exitError{code: exitUsage, err: err} }

// exitCode is the status for err: exitError's, 4 for authentication and
// permission errors from the store, 2 for cobra's flag and argument errors,
// else 1.
func exitCode(err error) int {
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case apiclient.IsUnauthorized(err) || apiclient.IsForbidden(err):
		return exitAuth
	case isCobraUsage(err):
		return exitUsage
	}
	return exitFailure
}

// isCobraUsage recognises cobra's own errors for bad flags and arguments
// (it has no types for them).
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "invalid argument",
		"flag needs an argument", "accepts ", "requires at least", "requires at most", "required flag",
		"if any flags in the group", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
