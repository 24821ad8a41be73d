package config

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/termtext"
)

// fakeRunner replaces runCommand for the test: fn answers each call, and
// the returned slice pointer records every argv run.
func fakeRunner(t *testing.T, fn func(ctx context.Context, argv []string) ([]byte, error)) *[][]string {
	t.Helper()
	var calls [][]string
	old := runCommand
	runCommand = func(ctx context.Context, argv []string) ([]byte, error) {
		calls = append(calls, slices.Clone(argv))
		return fn(ctx, argv)
	}
	t.Cleanup(func() { runCommand = old })
	return &calls
}

// prints is a fake command that prints out and succeeds.
func prints(out string) func(context.Context, []string) ([]byte, error) {
	return func(context.Context, []string) ([]byte, error) { return []byte(out), nil }
}

const cmdSite = "[profiles.p]\nsite = \"https://x.example.com\"\n"

func TestTokenCommand(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		env       map[string]string
		run       func(context.Context, []string) ([]byte, error)
		wantToken string
		wantArgv  [][]string // nil: don't check; empty: must not run
		wantSrc   string
		wantErr   []string // with Setting token_command
	}{
		{name: "string form", body: cmdSite + `token_command = "pass show wcadmin/prod"`, run: prints("s3cret\n"),
			wantToken: "s3cret", wantArgv: [][]string{{"pass", "show", "wcadmin/prod"}}, wantSrc: "token_command of profile p in "},
		{name: "array form", body: cmdSite + `token_command = ["op", "read", "op://Shop Vault/wcadmin token"]`, run: prints("  s3cret  \r\n"),
			wantToken: "s3cret", wantArgv: [][]string{{"op", "read", "op://Shop Vault/wcadmin token"}}},
		{name: "quoted string form", body: cmdSite + `token_command = '''op read "op://Shop Vault/x" --account='a b' c\ d'''`, run: prints("t"),
			wantToken: "t", wantArgv: [][]string{{"op", "read", "op://Shop Vault/x", "--account=a b", "c d"}}},
		{name: "command beats plain key", body: cmdSite + "token = \"plain\"\ntoken_command = \"get\"\n", run: prints("from-cmd"),
			wantToken: "from-cmd", wantArgv: [][]string{{"get"}}},
		{name: "env beats command, which does not run", body: cmdSite + `token_command = "get"`,
			env: map[string]string{"WCADMIN_TOKEN": "from-env"}, run: prints("from-cmd"),
			wantToken: "from-env", wantArgv: [][]string{}, wantSrc: "env WCADMIN_TOKEN"},
		{name: "empty env does not stop the command", body: cmdSite + `token_command = "get"`,
			env: map[string]string{"WCADMIN_TOKEN": ""}, run: prints("from-cmd"), wantToken: "from-cmd"},
		{name: "other profiles' commands do not run", body: `
default_profile = "b"
[profiles.a]
site = "https://a.example.com"
token_command = "get-a"
[profiles.b]
site = "https://b.example.com"
token_command = "get-b"
[profiles.c]
site = "https://c.example.com"
token_command = ["get-c"]
`, run: prints("tb"), wantToken: "tb", wantArgv: [][]string{{"get-b"}}, wantSrc: "profile b"},
		{name: "other profile's command with plain token in use", body: `
default_profile = "b"
[profiles.a]
site = "https://a.example.com"
token_command = "get-a"
[profiles.b]
site = "https://b.example.com"
token = "tb"
`, run: prints("ta"), wantToken: "tb", wantArgv: [][]string{}},

		{name: "failure", body: cmdSite + `token_command = "pass show wcadmin/prod"`,
			run: func(context.Context, []string) ([]byte, error) {
				return []byte("partial-secret"), &commandFailure{status: "exit status 3",
					stderr: []byte("\n\x1b[31mError: wcadmin/prod is not in the password store\x1b[0m\x07\nsecond line\n")}
			},
			wantErr: []string{"token_command of profile p in ", "failed with exit status 3",
				"stderr: Error: wcadmin/prod is not in the password store)", "run pass yourself", "or set WCADMIN_TOKEN instead"}},
		{name: "failure without stderr", body: cmdSite + `token_command = "get"`,
			run:     func(context.Context, []string) ([]byte, error) { return nil, &commandFailure{status: "exit status 1"} },
			wantErr: []string{"failed with exit status 1 (nothing on stderr)"}},
		{name: "stderr echoing the secret is masked", body: cmdSite + `token_command = "get"`,
			run: func(context.Context, []string) ([]byte, error) {
				return []byte("hunter22\n"), &commandFailure{status: "exit status 2", stderr: []byte("bad token hunter22")}
			},
			wantErr: []string{"stderr: bad token ***"}},
		{name: "cannot start", body: cmdSite + `token_command = "no-such-program --flag=SECRETARG"`,
			run: func(context.Context, []string) ([]byte, error) {
				return nil, &exec.Error{Name: "no-such-program", Err: exec.ErrNotFound}
			},
			wantErr: []string{"could not run", "no-such-program", "executable file not found", "full path"}},
		{name: "empty output", body: cmdSite + `token_command = "get"`, run: prints(" \n\t\n"),
			wantErr: []string{"token_command of profile p", "printed nothing on stdout", "WCADMIN_TOKEN"}},
		{name: "several lines", body: cmdSite + `token_command = "get"`, run: prints("tok\nurl: x\n"),
			wantErr: []string{"more than one line"}},
		{name: "too much output", body: cmdSite + `token_command = "get"`,
			run:     func(context.Context, []string) ([]byte, error) { return nil, errOutputTooLarge },
			wantErr: []string{"printed more than 64 KiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := fakeRunner(t, tt.run)
			f := withConfig(writeConfig(t, tt.body+"\n"))
			if tt.wantErr != nil {
				e := loadErr(t, f, tt.env, "token_command", tt.wantErr...)
				for _, leak := range []string{"partial-secret", "hunter22", "SECRETARG", "second line", "\x1b", "\x07"} {
					if strings.Contains(e.Error(), leak) {
						t.Errorf("error %q contains %q", e, leak)
					}
				}
				return
			}
			s := mustLoad(t, f, tt.env)
			if s.Token != tt.wantToken {
				t.Errorf("Token = %q, want %q", s.Token, tt.wantToken)
			}
			if tt.wantArgv != nil && !slices.EqualFunc(*calls, tt.wantArgv, slices.Equal) {
				t.Errorf("ran %q, want %q", *calls, tt.wantArgv)
			}
			if !strings.Contains(s.Source("token"), tt.wantSrc) {
				t.Errorf("Source(token) = %q, want %q", s.Source("token"), tt.wantSrc)
			}
		})
	}
}

func TestSecretCommandTimeout(t *testing.T) {
	old := commandTimeout
	commandTimeout = 20 * time.Millisecond
	t.Cleanup(func() { commandTimeout = old })
	fakeRunner(t, func(ctx context.Context, _ []string) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	loadErr(t, withConfig(writeConfig(t, cmdSite+`token_command = "get"`)), nil, "token_command",
		"token_command of profile p", "did not finish within 20ms", "WCADMIN_TOKEN")

	// A cancelled parent context is not a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := LoadContext(ctx, withConfig(writeConfig(t, cmdSite+`token_command = "get"`)), fakeEnv(nil))
	if err == nil || !strings.Contains(err.Error(), "was interrupted") {
		t.Errorf("err = %v, want interrupted", err)
	}
}

func TestOAuthSecretCommands(t *testing.T) {
	const body = cmdSite + `client_id = "id"
username = "bob"
redirect_uri = "https://x.example.com/cb"
client_secret_command = ["get", "client-secret"]
password_command = "get password"
`
	answer := func(_ context.Context, argv []string) ([]byte, error) { return []byte("v-" + argv[1]), nil }

	t.Run("both run", func(t *testing.T) {
		calls := fakeRunner(t, answer)
		s := mustLoad(t, withConfig(writeConfig(t, body)), nil)
		if s.ClientSecret != "v-client-secret" || s.Password != "v-password" {
			t.Errorf("ClientSecret=%q Password=%q", s.ClientSecret, s.Password)
		}
		if len(*calls) != 2 {
			t.Errorf("ran %q, want 2 commands", *calls)
		}
		str := s.String()
		for _, w := range []string{"client_secret=set", "client_secret_command=set", "password_command=set"} {
			if !strings.Contains(str, w) {
				t.Errorf("String() = %q, want %q", str, w)
			}
		}
		for _, leak := range []string{"v-client-secret", "v-password", "get"} {
			if strings.Contains(str, leak) {
				t.Errorf("String() = %q leaks %q", str, leak)
			}
		}
	})
	t.Run("env password skips its command", func(t *testing.T) {
		calls := fakeRunner(t, answer)
		s := mustLoad(t, withConfig(writeConfig(t, body)), map[string]string{"WCADMIN_PASSWORD": "env-pw"})
		if s.Password != "env-pw" || !slices.EqualFunc(*calls, [][]string{{"get", "client-secret"}}, slices.Equal) {
			t.Errorf("Password=%q ran %q", s.Password, *calls)
		}
	})
	t.Run("failure names the key and env variable", func(t *testing.T) {
		fakeRunner(t, func(_ context.Context, argv []string) ([]byte, error) {
			if argv[1] == "password" {
				return nil, &commandFailure{status: "exit status 1", stderr: []byte("locked")}
			}
			return []byte("x"), nil
		})
		loadErr(t, withConfig(writeConfig(t, body)), nil, "password_command",
			"password_command of profile p", "exit status 1", "stderr: locked", "WCADMIN_PASSWORD")
	})
}

func TestSecretCommandsWaitForValidSettings(t *testing.T) {
	tests := []struct {
		name, body string
		env        map[string]string
		setting    string
		want       string
	}{
		{name: "bad site", body: "[profiles.p]\nsite = \"ftp://x\"\ntoken_command = \"get\"\n", setting: "site", want: "https://"},
		{name: "token command and OAuth from env", body: cmdSite + "token_command = \"get\"\n",
			env: map[string]string{"WCADMIN_CLIENT_ID": "id"}, setting: "token",
			want: "both token (from token_command of profile p"},
		{name: "incomplete OAuth", body: cmdSite + "client_id = \"id\"\npassword_command = \"get\"\n",
			setting: "client_secret", want: "missing client_secret, username and redirect_uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := fakeRunner(t, prints("x"))
			loadErr(t, withConfig(writeConfig(t, tt.body)), tt.env, tt.setting, tt.want)
			if len(*calls) != 0 {
				t.Errorf("ran %q before the settings were valid", *calls)
			}
		})
	}
}

func TestSecretCommandProgramPath(t *testing.T) {
	home := t.TempDir()
	path := writeConfig(t, cmdSite+`token_command = "./bin/get-token --x"`)
	calls := fakeRunner(t, prints("t"))
	mustLoad(t, withConfig(path), nil)
	path2 := writeConfig(t, cmdSite+`token_command = ["~/bin/get-token", "~/not-expanded"]`)
	mustLoad(t, withConfig(path2), map[string]string{"HOME": home})
	path3 := writeConfig(t, cmdSite+`token_command = "/abs/get"`)
	mustLoad(t, withConfig(path3), nil)
	want := [][]string{
		{filepath.Join(filepath.Dir(path), "bin", "get-token"), "--x"},
		{filepath.Join(home, "bin", "get-token"), "~/not-expanded"},
		{"/abs/get"},
	}
	if !slices.EqualFunc(*calls, want, slices.Equal) {
		t.Errorf("ran %q, want %q", *calls, want)
	}
}

func TestCommandParseErrors(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"number", "5", "must be a string or an array of strings"},
		{"table", "{ a = 1 }", "must be a string or an array of strings"},
		{"empty string", `"  "`, "is empty"},
		{"empty array", "[]", "is an empty array"},
		{"non-string element", `["get", 1]`, "has element 2 that is not a string"},
		{"empty program", `["", "x"]`, "has an empty program name"},
		{"unterminated single quote", `"get 'x"`, "has an unterminated ' quote"},
		{"unterminated double quote", `'get "x'`, `has an unterminated " quote`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := fakeRunner(t, prints("x"))
			// In a profile that is not in use: every profile is checked.
			body := "default_profile = \"p\"\n" + cmdSite + "token = \"t\"\n[profiles.q]\nsite = \"https://q.example.com\"\ntoken_command = " + tt.value + "\n"
			path := writeConfig(t, body)
			loadErr(t, withConfig(path), nil, "token_command", path+":7: token_command in profile q "+tt.want, `token_command = "pass show`)
			if len(*calls) != 0 {
				t.Errorf("ran %q", *calls)
			}
		})
	}
}

func TestSplitCommandLine(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"a", []string{"a"}},
		{"  a \t b\nc  ", []string{"a", "b", "c"}},
		{`'a b' "c d"`, []string{"a b", "c d"}},
		{`'it''s'`, []string{"its"}},
		{`'a\b "c"'`, []string{`a\b "c"`}},
		{`"a \"b\" \\ \n"`, []string{`a "b" \ \n`}},
		{`--x="a b"c`, []string{"--x=a bc"}},
		{`a\ b \'c`, []string{"a b", "'c"}},
		{`"" ''`, []string{"", ""}},
		{`x $HOME ~ * | y`, []string{"x", "$HOME", "~", "*", "|", "y"}},
		{`trailing\`, []string{`trailing\`}},
		{`ünï "cödé"`, []string{"ünï", "cödé"}},
	}
	for _, tt := range tests {
		got, err := splitCommandLine(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("splitCommandLine(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`'a`, `"a`, `a "b\"`} {
		if got, err := splitCommandLine(bad); err == nil {
			t.Errorf("splitCommandLine(%q) = %q, want an error", bad, got)
		}
	}
}

// firstLine shows a command's stderr through termtext, the one sanitiser.
func TestFirstLine(t *testing.T) {
	tests := []struct{ in, secret, want string }{
		{"plain", "", "plain"},
		{"\n  \n\x1b[1;31mred\x1b[0m text\nsecond", "", "red text"},
		{"\x1b]0;title\x07after", "", "after"},
		{"\x1b]52;c;cHduZWQ=\x07clip", "", "clip"},
		{"a\rb\x00c\x7fd\u2028e", "", "a b c d e"},
		{"tab\there", "", "tab here"},
		{"bad \xff utf8", "", "bad \ufffd utf8"},
		{"evil\u202egnp.exe", "", "evilgnp.exe"},
		{"bad token hunter22", "hunter22", "bad token ***"},
		{"bad token hun\x1b[0mter22", "hunter22", "bad token ***"},
		{"short ab", "ab", "short ab"},
		{strings.Repeat("x", 300), "", strings.Repeat("x", 199) + "…"},
		{"\n\x1b[0m\n", "", ""},
	}
	for _, tt := range tests {
		got := firstLine([]byte(tt.in), tt.secret)
		if got != tt.want {
			t.Errorf("firstLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != termtext.Clean(got) {
			t.Errorf("firstLine(%q) = %q is not clean", tt.in, got)
		}
	}
}

// TestRealCommands runs actual programs through the real runner.
func TestRealCommands(t *testing.T) {
	need := func(t *testing.T, prog string) string {
		t.Helper()
		p, err := exec.LookPath(prog)
		if err != nil {
			t.Skipf("%s not available: %v", prog, err)
		}
		return p
	}
	t.Run("echo", func(t *testing.T) {
		echo := need(t, "echo")
		s := mustLoad(t, withConfig(writeConfig(t, cmdSite+fmt.Sprintf("token_command = %q\n", echo+" secret-from-echo"))), nil)
		if s.Token != "secret-from-echo" {
			t.Errorf("Token = %q", s.Token)
		}
	})
	t.Run("printf array", func(t *testing.T) {
		printf := need(t, "printf")
		body := cmdSite + fmt.Sprintf("token_command = [%q, %q, %q]\n", printf, `  %s\n\n`, "a b$HOME")
		s := mustLoad(t, withConfig(writeConfig(t, body)), nil)
		if s.Token != "a b$HOME" { // no shell: $HOME stays as written
			t.Errorf("Token = %q", s.Token)
		}
	})
	t.Run("stdin is empty", func(t *testing.T) {
		cat := need(t, "cat")
		loadErr(t, withConfig(writeConfig(t, cmdSite+fmt.Sprintf("token_command = %q\n", cat))), nil,
			"token_command", "printed nothing on stdout")
	})
	t.Run("failure with stderr", func(t *testing.T) {
		sh := need(t, "sh")
		body := cmdSite + fmt.Sprintf("token_command = [%q, \"-c\", \"echo leaked-stdout; printf '\\\\033[31mvault locked\\\\033[0m\\\\nmore\\\\n' >&2; exit 3\"]\n", sh)
		e := loadErr(t, withConfig(writeConfig(t, body)), nil, "token_command",
			"token_command of profile p", "failed with exit status 3", "(stderr: vault locked)", "WCADMIN_TOKEN")
		if strings.Contains(e.Error(), "leaked-stdout") || strings.Contains(e.Error(), "more") || strings.Contains(e.Error(), "\x1b") {
			t.Errorf("error shows more than the cleaned first stderr line: %q", e)
		}
	})
	t.Run("not found", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "no-such-program")
		loadErr(t, withConfig(writeConfig(t, cmdSite+fmt.Sprintf("token_command = %q\n", missing))), nil,
			"token_command", "could not run", "no such file or directory")
	})
	t.Run("relative to the config file", func(t *testing.T) {
		sh := need(t, "sh")
		path := writeConfig(t, cmdSite+`token_command = "./get-token"`)
		script := "#!" + sh + "\necho script-token\n"
		if err := os.WriteFile(filepath.Join(filepath.Dir(path), "get-token"), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
		if s := mustLoad(t, withConfig(path), nil); s.Token != "script-token" {
			t.Errorf("Token = %q", s.Token)
		}
	})
	t.Run("timeout kills it", func(t *testing.T) {
		sleep := need(t, "sleep")
		old := commandTimeout
		commandTimeout = 200 * time.Millisecond
		t.Cleanup(func() { commandTimeout = old })
		start := time.Now()
		loadErr(t, withConfig(writeConfig(t, cmdSite+fmt.Sprintf("token_command = [%q, \"30\"]\n", sleep))), nil,
			"token_command", "did not finish within 200ms")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %s", d)
		}
	})
}

func TestCapBuffer(t *testing.T) {
	b := &capBuffer{max: 5}
	for _, p := range []string{"abc", "defg", "hij"} {
		if n, err := b.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if b.String() != "abcde" || !b.over {
		t.Errorf("got %q over=%v", b.String(), b.over)
	}
	if _, err := execCommand(context.Background(), nil); err == nil {
		t.Error("execCommand(nil) succeeded")
	}
}
