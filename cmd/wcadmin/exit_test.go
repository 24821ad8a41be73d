package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient"
)

// TestExitUsageFromCobra: cobra's flag and argument errors, on the root and
// on subcommands, are usage errors (exit 2).
func TestExitUsageFromCobra(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"auth", "check", "--bogus"},
		{"check", "--timeout"},
		{"check", "extra"},
		{"version", "--bogus"},
		{"audit", "--bogus"},
		{"completion", "tcsh"},
		{"completion"},
		{"auth"},
		{"auth", "chek"},
	} {
		cmd := newRootCmd(func(string) string { return "" })
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		if got := exitCode(err); got != exitUsage {
			t.Errorf("%v: exit %d (err %v), want %d", args, got, err, exitUsage)
		}
	}
}

// TestExitUsageBinary runs the real binary with an unknown flag on a
// subcommand: exit status 2, the error on stderr, nothing on stdout.
func TestExitUsageBinary(t *testing.T) {
	bin := wcadminBinary(t)
	cmd := exec.Command(bin, "auth", "check", "--no-such-flag")
	cmd.Env = []string{"HOME=" + t.TempDir()}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
		t.Fatalf("err %v, want exit %d; stderr: %s", err, exitUsage, errb.String())
	}
	if !strings.Contains(errb.String(), "unknown flag: --no-such-flag") || out.Len() > 0 {
		t.Errorf("stdout %q, stderr %q", out.String(), errb.String())
	}
}

func TestExitCodes(t *testing.T) {
	unauthorized := &apiclient.Error{StatusCode: 401, Method: "GET", Path: "/admin/customers"}
	forbidden := &apiclient.Error{StatusCode: 403, Method: "DELETE", Path: "/admin/customers/1"}
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"401", unauthorized, exitAuth},
		{"401 wrapped", fmt.Errorf("the store at shop.example.com: %w", unauthorized), exitAuth},
		{"403", forbidden, exitAuth},
		{"404", &apiclient.Error{StatusCode: 404}, exitFailure},
		{"500", &apiclient.Error{StatusCode: 500}, exitFailure},
		{"other", errors.New("connection refused"), exitFailure},
		{"usage()", usage(errors.New("--limit must be positive")), exitUsage},
		{"partial", exitError{code: exitPartial}, exitPartial},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}
