package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "bash completion", "zsh": "zsh completion",
		"fish": "fish completion", "powershell": "powershell completion"} {
		t.Run(shell, func(t *testing.T) {
			cmd := newRootCmd(func(string) string { return "" })
			var out, errb bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&errb)
			cmd.SetArgs([]string{"completion", shell})
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "wcadmin") {
				t.Errorf("stdout lacks %q:\n%.300s", want, out.String())
			}
			if errb.Len() > 0 {
				t.Errorf("stderr: %s", errb.String())
			}
		})
	}
}

// TestCompletionCandidates asks cobra's completion back end what a shell
// would offer after `wcadmin au` and `wcadmin auth `.
func TestCompletionCandidates(t *testing.T) {
	for args, want := range map[string][]string{"au": {"audit", "auth"}, "auth ": {"check"}} {
		cmd := newRootCmd(func(string) string { return "" })
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(append([]string{"__complete"}, strings.Split(args, " ")...))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w+"\t") {
				t.Errorf("wcadmin %s<TAB> does not offer %q:\n%s", args, w, out.String())
			}
		}
	}
}

// TestCompletionBinary runs the real binary: the script goes to stdout and
// the exit status is 0; an unknown shell is a usage error.
func TestCompletionBinary(t *testing.T) {
	bin := wcadminBinary(t)
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, "completion", "bash")
	cmd.Env = []string{"HOME=" + t.TempDir()}
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v, stderr: %s", err, errb.String())
	}
	if !strings.Contains(out.String(), "bash completion") || errb.Len() > 0 {
		t.Errorf("stdout %.200q, stderr %q", out.String(), errb.String())
	}

	cmd = exec.Command(bin, "completion", "tcsh")
	cmd.Env = []string{"HOME=" + t.TempDir()}
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
		t.Errorf("completion tcsh: %v, want exit %d", err, exitUsage)
	}
}
