package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/wcadmin/wcadmin/termtext"
)

// secretKeys are the settings that may come from a *_command, in the order
// their commands run.
var secretKeys = []string{"token", "client_secret", "password"}

// commandTimeout bounds each secret command. A variable so tests need not
// wait.
var commandTimeout = 10 * time.Second

// runCommand runs argv without a shell and returns its stdout. Tests swap
// it for a fake; FuzzLoadFile for one that refuses to run anything. On a
// non-zero exit it returns a *commandFailure.
var runCommand func(ctx context.Context, argv []string) ([]byte, error) = execCommand

// Output limits: a secret is short; anything bigger is a mistake.
const (
	maxSecretOutput = 64 << 10
	maxStderrKept   = 4 << 10
)

var errOutputTooLarge = fmt.Errorf("printed more than %d KiB on stdout", maxSecretOutput>>10)

// commandFailure is a command that ran and failed.
type commandFailure struct {
	status string // e.g. "exit status 3" or "signal: killed"
	stderr []byte
}

func (e *commandFailure) Error() string { return e.status }

// execCommand is the real runCommand: no shell, no stdin (the null
// device), stderr kept for the error message and never shown as is.
func execCommand(ctx context.Context, argv []string) ([]byte, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	stdout := &capBuffer{max: maxSecretOutput}
	stderr := &capBuffer{max: maxStderrKept}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, stdout, stderr
	// A killed command's children may keep the pipes open; don't wait
	// for them for long.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if stdout.over {
		return nil, errOutputTooLarge
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return stdout.Bytes(), &commandFailure{status: ee.ProcessState.String(), stderr: stderr.Bytes()}
	}
	return stdout.Bytes(), err
}

// capBuffer keeps the first max bytes written and drops the rest, without
// failing the write (which would kill the command with SIGPIPE).
type capBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.over = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// parseCommand turns a TOML value into argv; problem is "" or says what is
// wrong, to follow "token_command in profile p".
func parseCommand(raw any) (argv []string, problem string) {
	switch v := raw.(type) {
	case string:
		argv, err := splitCommandLine(v)
		if err != nil {
			return nil, err.Error()
		}
		if len(argv) == 0 {
			return nil, "is empty"
		}
		return checkArgv(argv)
	case []any:
		if len(v) == 0 {
			return nil, "is an empty array"
		}
		argv := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Sprintf("has element %d that is not a string", i+1)
			}
			argv[i] = s
		}
		return checkArgv(argv)
	}
	return nil, "must be a string or an array of strings"
}

func checkArgv(argv []string) ([]string, string) {
	if strings.TrimSpace(argv[0]) == "" {
		return nil, "has an empty program name"
	}
	for i, a := range argv {
		if strings.ContainsRune(a, 0) {
			return nil, fmt.Sprintf("has a NUL byte in argument %d", i+1)
		}
	}
	return argv, ""
}

// splitCommandLine splits s into arguments on white space. 'single quotes'
// keep everything literally; "double quotes" honour \" and \\; outside
// quotes a backslash escapes the next character. Quoted and unquoted parts
// next to each other form one argument, and "" is an empty argument.
// Nothing else of a shell ($VAR, ~, globs, pipes) is interpreted.
func splitCommandLine(s string) ([]string, error) {
	var (
		args   []string
		cur    strings.Builder
		inArg  bool // cur holds an argument, possibly empty ("")
		quote  rune // 0, '\'' or '"'
		escape bool
	)
	for _, r := range s {
		switch {
		case escape:
			if quote == '"' && r != '"' && r != '\\' {
				cur.WriteByte('\\') // "a\b" keeps the backslash
			}
			cur.WriteRune(r)
			escape = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escape = true
			default:
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == '\\':
			escape, inArg = true, true
		case unicode.IsSpace(r):
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	switch {
	case quote != 0:
		return nil, fmt.Errorf("has an unterminated %c quote", quote)
	case escape && quote == 0:
		cur.WriteByte('\\') // a trailing backslash stands for itself
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// runSecretCommands runs the commands still pending after every layer was
// applied and validated: only the profile in use has any, and a secret
// that the environment provides has none.
func (l *loader) runSecretCommands() error {
	for _, key := range secretKeys {
		argv := l.cmds[key]
		if argv == nil {
			continue
		}
		v, err := l.runSecretCommand(key, argv)
		if err != nil {
			return err
		}
		*l.stringFields()[key] = v
		delete(l.cmds, key)
	}
	return nil
}

func (l *loader) runSecretCommand(secret string, argv []string) (string, *Error) {
	key := secret + "_command"
	argv = append([]string{l.programPath(argv[0])}, argv[1:]...)
	ctx, cancel := context.WithTimeout(l.ctx, commandTimeout)
	defer cancel()
	out, err := l.run(ctx, argv)

	what := fmt.Sprintf("%s of profile %s in %s", key, l.s.Profile, l.path)
	orEnv := fmt.Sprintf("or set %s instead", envNames[secret])
	fail := func(msg, fix string) (string, *Error) {
		return "", &Error{Setting: key, Msg: what + " " + msg, Fix: fix + ", " + orEnv}
	}
	secretOut := strings.TrimSpace(string(out))
	var failure *commandFailure
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && l.ctx.Err() == nil:
		return fail(fmt.Sprintf("did not finish within %s", commandTimeout),
			"make it work without a terminal (stdin is empty): e.g. unlock the password manager first")
	case err != nil && ctx.Err() != nil:
		return fail("was interrupted", "run wcadmin again")
	case errors.Is(err, errOutputTooLarge):
		return fail(err.Error(), "make it print only the "+secret)
	case errors.As(err, &failure):
		line := firstLine(failure.stderr, secretOut)
		if line == "" {
			line = "nothing on stderr"
		} else {
			line = "stderr: " + line
		}
		return fail(fmt.Sprintf("failed with %s (%s)", failure.status, line),
			fmt.Sprintf("run %s yourself to see what is wrong; it must print the %s on stdout and exit 0", filepath.Base(argv[0]), secret))
	case err != nil: // did not start: not found, not executable, ...
		return fail("could not run: "+termtext.Clean(err.Error()),
			"install the program or give its full path")
	case secretOut == "":
		return fail("printed nothing on stdout", "make it print the "+secret)
	case strings.ContainsAny(secretOut, "\r\n"):
		return fail("printed more than one line on stdout", "make it print only the "+secret+" on a single line")
	}
	return secretOut, nil
}

// programPath expands "~/" and takes a relative path with a slash (like
// "./get-token") relative to the config file's directory. Bare names are
// looked up in $PATH.
func (l *loader) programPath(prog string) string {
	prog = expandHome(prog, l.getenv)
	if strings.ContainsRune(prog, filepath.Separator) || strings.ContainsRune(prog, '/') {
		return l.relToFile(prog)
	}
	return prog
}

// firstLine returns the first non-blank line of stderr, made terminal-safe
// (termtext), shortened, and with the secret (if the command printed one
// before failing) masked.
func firstLine(stderr []byte, secret string) string {
	for line := range strings.SplitSeq(string(stderr), "\n") {
		if len(secret) >= 4 {
			line = strings.ReplaceAll(line, secret, "***")
		}
		line = termtext.Clean(line)
		if line == "" {
			continue
		}
		if len(secret) >= 4 { // in case escape sequences split it
			line = strings.ReplaceAll(line, secret, "***")
		}
		return termtext.Truncate(line, maxStderrCells)
	}
	return ""
}

// maxStderrCells is how much of a command's stderr line an error shows.
const maxStderrCells = 200
