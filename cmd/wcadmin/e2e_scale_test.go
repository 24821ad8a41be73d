package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
)

// Filter, mark three customers, bulk-delete them by typing the count, and
// check on the store that exactly those three are gone and the journal holds
// an intent and an outcome for each.
func TestE2EFilterMarkBulkDelete(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	ids := store.IDs()
	spam := []int64{ids[3], ids[9], ids[14]}
	for i, id := range spam {
		store.SetField(id, "email", fmt.Sprintf("spam-bot-%d@junk.example", i))
	}
	c, _ := startLoaded(t, store, consoleEnv(srv))
	c.sendKeys("/")
	c.sendLiteral("spam-bot")
	c.waitFor("3 matches of")
	c.sendKeys("Enter")
	c.sendKeys("C-a")
	c.waitFor("● 3 marked")
	for _, r := range rows(c.screen()) {
		if !r.marked {
			t.Fatalf("row %d on screen is not marked", r.id)
		}
	}
	c.sendKeys("D")
	c.waitFor("Delete 3 customers?", "spam-bot-0@junk.example", "cannot be undone", "Type 3")
	if n := len(deleteRequests(store)); n != 0 {
		t.Fatalf("opening the bulk modal sent %d DELETEs", n)
	}
	c.sendLiteral("3")
	c.sendKeys("Enter")
	c.waitFor("Bulk deletion finished", "Deleted: 3")

	got := store.Deleted()
	slices.Sort(got)
	want := slices.Clone(spam)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("store deleted %v, want exactly %v", got, want)
	}
	for _, id := range ids {
		if !slices.Contains(spam, id) && !store.Exists(id) {
			t.Fatalf("customer %d is gone but was not marked", id)
		}
	}
	entries, err := audit.Read(filepath.Join(c.home, ".local", "state", "wcadmin", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	phases := map[int64][]string{}
	for _, e := range entries {
		phases[e.CustomerID] = append(phases[e.CustomerID], e.Phase+":"+e.Result)
		if e.Phase == audit.PhaseIntent && len(e.Record) == 0 {
			t.Errorf("intent for %d has no record", e.CustomerID)
		}
	}
	for _, id := range spam {
		if p := phases[id]; !slices.Equal(p, []string{"intent:", "outcome:deleted"}) {
			t.Errorf("journal for %d: %v", id, p)
		}
	}
	c.sendKeys("Enter")
	c.waitGone("Bulk deletion finished")
	c.quit("q")
}

// Quitting while a request hangs cancels it and gives the terminal back
// within a second.
func TestE2EQuitWhileRequestsInFlight(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))
	store.SetLatency(apitest.RouteGet, 30*time.Second)
	c.sendKeys("Enter") // the detail view's GET now hangs
	c.waitFor(fmt.Sprintf("Customer #%d", ids[0]), "Loading")
	start := time.Now()
	c.sendKeys("C-c")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	if el := time.Since(start); el > time.Second+pollEvery {
		t.Fatalf("quit took %s with a request in flight", el)
	}
	if c.ttyAfterExit != "cooked" {
		t.Fatalf("terminal left in %s mode", c.ttyAfterExit)
	}
}

// Secrets never reach the screen, the debug log or the journal: a static
// token, and the OAuth client secret, password and the tokens the store issues.
func TestE2ESecretsStayHidden(t *testing.T) {
	t.Parallel()
	t.Run("static token", func(t *testing.T) {
		t.Parallel()
		const secret = "s3cr3t-T0ken-xyz"
		store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeA, Customers: 30, Token: secret})
		env := map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_TOKEN": secret}
		checkSecretsHidden(t, store, env, secret)
	})
	t.Run("oauth", func(t *testing.T) {
		t.Parallel()
		const clientSecret, password = "cl13nt-S3cret-abc", "P4ssw0rd-def"
		store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 30,
			ClientID: "wcadmin", ClientSecret: clientSecret, Username: "ops@example.com", Password: password,
			RedirectURI: "https://shop.example.com/cb"})
		env := map[string]string{"WCADMIN_SITE": srv.URL, "WCADMIN_CLIENT_ID": "wcadmin",
			"WCADMIN_CLIENT_SECRET": clientSecret, "WCADMIN_USERNAME": "ops@example.com",
			"WCADMIN_PASSWORD": password, "WCADMIN_REDIRECT_URI": "https://shop.example.com/cb"}
		checkSecretsHidden(t, store, env, clientSecret, password)
	})
}

// checkSecretsHidden deletes a customer (so the journal has lines), looks at
// several screens, quits, then searches every output for each secret and
// for the access tokens the store handed out.
func checkSecretsHidden(t *testing.T, store *apitest.Store, env map[string]string, secrets ...string) {
	t.Helper()
	c, ids := startLoaded(t, store, env, "--debug-log="+debugLogArg)
	c.sendKeys("D")
	c.waitFor(deleteModalTitle)
	c.sendKeys("y")
	c.waitFor(fmt.Sprintf("Deleted customer #%d", ids[0]))
	screens := []string{c.screen()}
	c.sendKeys("?")
	screens = append(screens, c.waitFor("clear marks"))
	c.sendKeys("Escape")
	c.quit("q")
	for _, r := range store.Requests() {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && len(a) > len("Bearer ")+8 {
			secrets = append(secrets, strings.TrimPrefix(a, "Bearer "))
		}
	}
	outputs := map[string]string{}
	for i, s := range screens {
		outputs[fmt.Sprintf("screen %d", i)] = s
	}
	for _, f := range []string{c.debugLogPath(), filepath.Join(c.home, ".local", "state", "wcadmin", "audit.jsonl")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Fatalf("%s is empty", f)
		}
		outputs[f] = string(b)
	}
	for where, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("a secret (%d chars) appears in %s", len(s), where)
			}
		}
	}
}

// NO_COLOR: no colour escapes reach the terminal, and the selected row and
// the marks still show by their text markers.
func TestE2ENoColor(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	env := consoleEnv(srv)
	colour := func(c *console) bool {
		s, err := c.run("capture-pane", "-p", "-e", "-t", c.target)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(s, "38;5;") || strings.Contains(s, "48;5;")
	}
	withColour, _ := startLoaded(t, store, env)
	if !colour(withColour) {
		t.Fatal("test setup: no colour seen without NO_COLOR")
	}
	withColour.quit("q")

	env["NO_COLOR"] = "1"
	c, ids := startLoaded(t, store, env)
	c.sendKeys("Space")
	c.waitUntil("first row marked and cursor on the second", func(s string) bool {
		r, ok := findRow(s, ids[0])
		sel, ok2 := selectedRow(s)
		return ok && r.marked && ok2 && sel.id == ids[1]
	})
	if colour(c) {
		t.Fatal("colour escapes with NO_COLOR set")
	}
	c.quit("q")
}

// Quitting while a DELETE is in flight gives the terminal back at once, and
// the deletion still leaves its outcome in the journal before the process
// ends: intent and outcome, never an intent alone.
func TestE2EQuitDuringDeleteJournalsOutcome(t *testing.T) {
	t.Parallel()
	store, srv := defaultStore(t)
	c, ids := startLoaded(t, store, consoleEnv(srv))
	store.SetLatency(apitest.RouteDelete, 2*time.Second)
	c.sendKeys("D")
	c.waitFor(deleteModalTitle)
	c.sendKeys("y")
	journal := filepath.Join(c.home, ".local", "state", "wcadmin", "audit.jsonl")
	waitStore(t, "the intent line", func() bool {
		e, _ := audit.Read(journal)
		return len(e) == 1 && e[0].Phase == audit.PhaseIntent
	})
	// The DELETE hangs; the check that follows a cut-off DELETE is slow too,
	// so the outcome line comes well after the terminal is given back.
	store.SetLatency(apitest.RouteGet, 700*time.Millisecond)
	c.sendKeys("C-c")
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	if c.ttyAfterExit != "cooked" {
		t.Fatalf("terminal left in %s mode", c.ttyAfterExit)
	}
	entries, err := audit.Read(journal)
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, e := range entries {
		if e.CustomerID == ids[0] {
			phases = append(phases, e.Phase)
		}
	}
	if !slices.Equal(phases, []string{audit.PhaseIntent, audit.PhaseOutcome}) {
		t.Fatalf("journal for %d: %v, want intent then outcome", ids[0], phases)
	}
}
