package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// runAuthCheck runs `wcadmin auth check` with env as the whole environment
// and returns its stdout, its stderr and the error Execute returned.
func runAuthCheck(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	r := runCLI(t, nil, privateEnv(t, env), nil, append([]string{"auth", "check"}, args...)...)
	return r.stdout, r.stderr, r.err
}

// writeAuthConfig writes a config file without secrets and returns its path.
func writeAuthConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func wantAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func wantNone(t *testing.T, got string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("a secret (%q) is printed:\n%s", s, got)
		}
	}
}

func TestAuthCheckBearerToken(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 7, Token: "bearer-S3cret"})
	out, errOut, err := runAuthCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "bearer-S3cret"})
	if err != nil || exitCode(err) != exitOK {
		t.Fatalf("err %v (exit %d), stderr:\n%s", err, exitCode(err), errOut)
	}
	wantAll(t, "stdout", out,
		"store:   "+srv.Addr+" (from env WCADMIN_SITE)",
		"profile: none",
		"auth:    access token (from env WCADMIN_TOKEN)",
		`header:  Authorization: Bearer <token> (token_header "bearer", the default)`,
		"result:  ok", "7 customers")
	wantNone(t, out+errOut, "bearer-S3cret")
	reqs := store.Requests()
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "Bearer bearer-S3cret" || reqs[0].Query.Get("limit") != "1" {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestAuthCheckAccessTokenHeader(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 3, Token: "old-S3cret",
		AcceptAccessTokenHeader: true})
	cfg := writeAuthConfig(t, `[profiles.legacy]
site = "`+srv.URL+`"
token_header = "access_token"
`)
	out, errOut, err := runAuthCheck(t, map[string]string{"WCADMIN_CONFIG": cfg, "WCADMIN_TOKEN": "old-S3cret"},
		"--profile", "legacy")
	if err != nil {
		t.Fatalf("err %v, stderr:\n%s", err, errOut)
	}
	wantAll(t, "stdout", out,
		"store:   "+srv.Addr+" (from profile legacy in "+cfg+")",
		"profile: legacy (from flag --profile)",
		"config:  "+cfg,
		"auth:    access token (from env WCADMIN_TOKEN)",
		`header:  access_token: <token> (token_header "access_token", from profile legacy in `+cfg+")",
		"result:  ok")
	wantNone(t, out+errOut, "old-S3cret")
	reqs := store.Requests()
	if len(reqs) != 1 || reqs[0].Header.Get("access_token") != "old-S3cret" || reqs[0].Header.Get("Authorization") != "" {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestAuthCheckOAuth(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5, ClientID: "cid-1",
		ClientSecret: "client-S3cret", Username: "api@example.com", Password: "pass-S3cret",
		RedirectURI: "https://shop.example.com/cb"})
	env := map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_CLIENT_ID": "cid-1",
		"WCADMIN_CLIENT_SECRET": "client-S3cret", "WCADMIN_USERNAME": "api@example.com",
		"WCADMIN_PASSWORD": "pass-S3cret", "WCADMIN_REDIRECT_URI": "https://shop.example.com/cb"}

	t.Run("accepted", func(t *testing.T) {
		out, errOut, err := runAuthCheck(t, env)
		if err != nil {
			t.Fatalf("err %v, stderr:\n%s", err, errOut)
		}
		wantAll(t, "stdout", out,
			"auth:    OAuth client credentials (wcadmin gets the access token from POST /api/v4/oauth2/token and renews it)\n"+
				"         client_id cid-1 (from env WCADMIN_CLIENT_ID)\n"+
				"         username api@example.com (from env WCADMIN_USERNAME)\n"+
				"         client_secret (from env WCADMIN_CLIENT_SECRET)\n"+
				"         password (from env WCADMIN_PASSWORD)\n",
			"header:  Authorization: Bearer <token>, carrying the OAuth access token (token_header \"bearer\", the default)",
			"result:  ok")
		wantNone(t, out+errOut, "client-S3cret", "pass-S3cret")
		if store.TokenRequests() == 0 {
			t.Fatal("no token was requested")
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		bad := map[string]string{}
		for k, v := range env {
			bad[k] = v
		}
		bad["WCADMIN_PASSWORD"] = "wrong-S3cret"
		out, errOut, err := runAuthCheck(t, bad)
		if got := exitCode(err); got != exitAuth {
			t.Fatalf("exit %d (err %v), stderr:\n%s", got, err, errOut)
		}
		wantAll(t, "stdout", out, "result:  refused (401)")
		wantAll(t, "stderr", errOut, "refused the credentials", "check client_id, client_secret, username and password (env WCADMIN_CLIENT_ID): the store refused them when asked for an access token")
		wantNone(t, out+errOut, "client-S3cret", "wrong-S3cret", "pass-S3cret")
	})
}

func TestAuthCheckRejected(t *testing.T) {
	_, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 3, Token: "good-S3cret",
		AcceptAccessTokenHeader: true})

	t.Run("bearer", func(t *testing.T) {
		out, errOut, err := runAuthCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "expired-4711"})
		if got := exitCode(err); got != exitAuth {
			t.Fatalf("exit %d (err %v)", got, err)
		}
		wantAll(t, "stdout", out, "result:  refused (401)")
		wantAll(t, "stderr", errOut, "401", "refused the credentials",
			"check the access token (env WCADMIN_TOKEN)", `set token_header = "access_token"`)
		wantNone(t, out+errOut+err.Error(), "expired-4711", "good-S3cret")
	})
	t.Run("access_token", func(t *testing.T) {
		cfg := writeAuthConfig(t, "[profiles.old]\nsite = \""+srv.URL+"\"\ntoken_header = \"access_token\"\n")
		out, errOut, err := runAuthCheck(t, map[string]string{"WCADMIN_CONFIG": cfg, "WCADMIN_PROFILE": "old",
			"WCADMIN_TOKEN": "expired-4711"})
		if got := exitCode(err); got != exitAuth {
			t.Fatalf("exit %d (err %v)", got, err)
		}
		wantAll(t, "stdout", out, "result:  refused (401)", "profile: old (from env WCADMIN_PROFILE)")
		wantAll(t, "stderr", errOut, `most stores want "Authorization: Bearer"`, `token_header = "bearer"`)
		wantNone(t, out+errOut+err.Error(), "expired-4711", "good-S3cret")
	})
}

func TestAuthCheckForbidden(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 3, Token: "good-S3cret"})
	store.Inject(apitest.RouteList, apitest.Fault{Status: 403,
		Body: `{"status":"error","message":"Permission denied"}`, Times: 1})
	out, errOut, err := runAuthCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "good-S3cret"})
	if got := exitCode(err); got != exitAuth {
		t.Fatalf("exit %d (err %v)", got, err)
	}
	wantAll(t, "stdout", out, "result:  refused (403)")
	wantAll(t, "stderr", errOut, "403", "refused the permission", "needs the right to read customers")
	wantNone(t, out+errOut, "good-S3cret")
}

func TestAuthCheckStoreDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	out, _, err := runAuthCheck(t, map[string]string{"WCADMIN_SITE": "http://" + addr, "WCADMIN_TOKEN": "down-S3cret"},
		"--timeout", "1s")
	if got := exitCode(err); got != exitFailure {
		t.Fatalf("exit %d (err %v)", got, err)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %v", err)
	}
	wantAll(t, "stdout", out, "result:  failed")
	wantNone(t, out+err.Error(), "down-S3cret")
}

func TestAuthCheckNoCredentials(t *testing.T) {
	_, _, err := runAuthCheck(t, map[string]string{"WCADMIN_SITE": "https://shop.example.com"})
	if err == nil || exitCode(err) != exitFailure {
		t.Fatalf("err %v (exit %d)", err, exitCode(err))
	}
}

// TestAuthCheckBinaryExitStatus runs the real binary: a rejected token exits
// 4, the refusal and the hint go to stderr, and the token appears nowhere.
func TestAuthCheckBinaryExitStatus(t *testing.T) {
	bin := wcadminBinary(t)
	_, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 3, Token: "good-S3cret"})
	home := t.TempDir()
	cmd := exec.Command(bin, "auth", "check")
	cmd.Env = []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "cfg"), "WCADMIN_SITE=" + srv.URL, "WCADMIN_TOKEN=expired-4711"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitAuth {
		t.Fatalf("err %v, stdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	wantAll(t, "stdout", out.String(), "store:", "result:  refused (401)")
	wantAll(t, "stderr", errb.String(), "refused the credentials", "hint: ")
	if strings.Contains(out.String(), "hint") || strings.Contains(out.String(), "wcadmin:") {
		t.Errorf("diagnostics on stdout:\n%s", out.String())
	}
	wantNone(t, out.String()+errb.String(), "expired-4711", "good-S3cret")
}

// TestAuthCheckTerminalSafe: values from the environment or the config reach
// the terminal only through termtext.Clean.
func TestAuthCheckTerminalSafe(t *testing.T) {
	_, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 2, Token: "good-S3cret"})
	out, errOut, err := runAuthCheck(t, map[string]string{"WCADMIN_SITE": srv.URL,
		"WCADMIN_CLIENT_ID": "cid\x1b]0;pwned\x07\u202e", "WCADMIN_CLIENT_SECRET": "cs-S3cret",
		"WCADMIN_USERNAME": "u\x1b[2J@example.com", "WCADMIN_PASSWORD": "pw-S3cret", "WCADMIN_REDIRECT_URI": "https://x/cb"})
	if err != nil {
		t.Fatalf("err %v, stderr:\n%s", err, errOut)
	}
	if strings.ContainsAny(out+errOut, "\x1b\x07\u202e") {
		t.Errorf("control characters reach the terminal: %q", out+errOut)
	}
	wantAll(t, "stdout", out, "client_id cid", "result:  ok")
	wantNone(t, out+errOut, "cs-S3cret", "pw-S3cret", "good-S3cret")
}
