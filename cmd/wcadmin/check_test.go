package main

import (
	"bytes"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// runCheck runs `wcadmin check` with env as the whole environment.
func runCheck(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	full := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"),
		"XDG_STATE_HOME": filepath.Join(home, "state")}
	for k, v := range env {
		full[k] = v
	}
	cmd := newRootCmd(func(k string) string { return full[k] })
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"check"}, args...))
	err := cmd.Execute()
	return out.String(), err
}

func TestCheck(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 42, Token: "chk-S3cret"})
	_ = store

	t.Run("ok", func(t *testing.T) {
		out, err := runCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "chk-S3cret"}, "--read-only")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"answered: 42 customers", "journal: ", "is writable", "read-only"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "chk-S3cret") {
			t.Errorf("the token is printed:\n%s", out)
		}
	})
	t.Run("rejected token", func(t *testing.T) {
		_, err := runCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "expired-4711"})
		if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "expired or revoked") {
			t.Fatalf("error %v", err)
		}
		if strings.Contains(err.Error(), "expired-4711") {
			t.Fatal("the token is in the error")
		}
	})
	t.Run("store down", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		_, err = runCheck(t, map[string]string{"WCADMIN_SITE": "http://" + addr, "WCADMIN_TOKEN": "tok"}, "--timeout", "1s")
		if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "check the site URL") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("not the API", func(t *testing.T) {
		store.Inject(apitest.RouteList, apitest.Fault{Status: 200, Body: "<html>sign in</html>",
			Header: map[string][]string{"Content-Type": {"text/html"}}, Times: 1})
		_, err := runCheck(t, map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": "chk-S3cret"})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "html") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("no site", func(t *testing.T) {
		_, err := runCheck(t, nil)
		if err == nil || !strings.Contains(err.Error(), "WCADMIN_SITE") {
			t.Fatalf("error %v", err)
		}
	})
}
