package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// ttyOutput makes the table think it prints on a terminal (aligned columns).
func ttyOutput(t *testing.T) {
	t.Helper()
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = old })
}

func TestCustomersGetOutputGolden(t *testing.T) {
	for _, format := range []string{"table", "tsv", "json"} {
		t.Run(format, func(t *testing.T) {
			if format == "table" {
				ttyOutput(t)
			}
			output := format
			if format == "tsv" {
				output = "table" // not a terminal
			}
			store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 30, Token: testToken, Seed: 7})
			ids := store.IDs()
			env, _ := cliEnv(t, srv)
			r := runCLI(t, nil, env, nil, "customers", "get", fmt.Sprint(ids[3]), fmt.Sprint(ids[1]), fmt.Sprint(ids[3]), "--output", output)
			wantCode(t, r, exitOK)
			checkGolden(t, "get_"+format+".golden", r.stdout)
			if r.stderr != "" {
				t.Errorf("stderr: %s", r.stderr)
			}
		})
	}
}

// A missing id is named on stderr; the others are still printed; exit 1.
func TestCustomersGetMissingID(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 10, Token: testToken})
	ids := store.IDs()
	env, _ := cliEnv(t, srv)
	r := runCLI(t, nil, env, nil, "customers", "get", "987654", fmt.Sprint(ids[0]), "--output", "json")
	wantCode(t, r, exitFailure)
	if !strings.Contains(r.stderr, "customer 987654: not found") {
		t.Errorf("stderr: %q", r.stderr)
	}
	var o customerRecord
	if err := json.Unmarshal([]byte(r.stdout), &o); err != nil || o.CustomerID != ids[0] || o.Email == "" {
		t.Errorf("stdout %q: %+v, %v", r.stdout, o, err)
	}
}

func TestCustomersGetErrors(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 10, Token: testToken})
	env, _ := cliEnv(t, srv)
	id := fmt.Sprint(store.IDs()[0])
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"abc"}, exitUsage},
		{[]string{}, exitUsage},
		{[]string{id, "--output", "yaml"}, exitUsage},
	} {
		r := runCLI(t, nil, env, nil, append([]string{"customers", "get"}, tc.args...)...)
		if r.code != tc.code {
			t.Errorf("%v: exit %d (%v), want %d", tc.args, r.code, r.err, tc.code)
		}
	}
	env["WCADMIN_TOKEN"] = "revoked"
	r := runCLI(t, nil, env, nil, "customers", "get", id)
	wantCode(t, r, exitAuth)
}

// Hostile text reaches the terminal neither raw in the table nor in JSON.
func TestCustomersGetIsTerminalSafe(t *testing.T) {
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 3, Token: testToken})
	id := store.Add(map[string]any{"first_name": "Eve\x1b]52;c;cGF5bG9hZA==\x07", "last_name": "\u202eevil", "email": "eve@example.com"})
	env, _ := cliEnv(t, srv)
	ttyOutput(t)
	for _, format := range []string{"table", "json", "csv"} {
		r := runCLI(t, nil, env, nil, "customers", "get", fmt.Sprint(id), "--output", format)
		wantCode(t, r, exitOK)
		if strings.ContainsAny(r.stdout, "\x1b\x07\u202e") {
			t.Errorf("%s output has control characters: %q", format, r.stdout)
		}
	}
}
