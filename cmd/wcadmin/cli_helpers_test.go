package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// privateEnv is env plus a HOME and XDG directories of the test's own, so a
// command never reads the real user's config or journal.
func privateEnv(t testing.TB, env map[string]string) map[string]string {
	t.Helper()
	home := t.TempDir()
	full := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"),
		"XDG_STATE_HOME": filepath.Join(home, "state")}
	for k, v := range env {
		full[k] = v
	}
	return full
}

// runCLI runs wcadmin with args, env as the whole environment and stdin.
func runCLI(t testing.TB, ctx context.Context, env map[string]string, stdin io.Reader, args ...string) cliRun {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	cmd := newRootCmd(func(k string) string { return env[k] })
	var out, errOut bytes.Buffer
	cmd.SetIn(stdin)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return cliRun{stdout: out.String(), stderr: errOut.String(), err: err, code: exitCode(err)}
}
