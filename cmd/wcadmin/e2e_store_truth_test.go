package main

// End-to-end tests for the list's truth at scale: the server search finds
// a customer that was never loaded, and a load-all after other admins
// deleted and created customers lists exactly the store's set.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// colleague is a second client on the same store, as another admin.
func colleague(t *testing.T, srv *apitest.Server) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(apiclient.Options{Site: srv.URL, Token: testToken, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestE2EServerSearchFindsAnUnloadedCustomer(t *testing.T) {
	t.Parallel()
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 500, Token: testToken})
	ids := store.IDs()
	target := ids[len(ids)-1] // far past the pages the console loads at start
	store.SetField(target, "first_name", "Zebulonqx")
	c, _ := startLoaded(t, store, consoleEnv(srv))
	if strings.Contains(c.screen(), fmt.Sprint(target)) {
		t.Fatalf("customer %d is already on screen", target)
	}
	store.ResetRequests()
	c.sendKeys("/")
	c.sendLiteral("zebulonqx")
	c.waitUntil(fmt.Sprintf("customer %d found on the store", target), func(s string) bool {
		_, ok := findRow(s, target)
		return ok
	})
	var searches []string
	for _, r := range store.Requests() {
		if q := r.Query.Get("search"); q != "" {
			searches = append(searches, q)
		}
	}
	if len(searches) != 1 || searches[0] != "zebulonqx" {
		t.Errorf("searches sent while typing one query: %q, want exactly one for the whole query", searches)
	}
	c.sendKeys("Enter")
	c.waitSelected(target)
	c.quit("q")
}

func TestE2ELoadAllAfterChangesElsewhereListsTheStoresSet(t *testing.T) {
	t.Parallel()
	store, srv := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 200, Token: testToken})
	c, ids := startLoaded(t, store, consoleEnv(srv))
	other := colleague(t, srv)
	gone := []int64{ids[1], ids[5], ids[9]} // loaded rows, before the load's end
	goneEmail := customerEmail(t, store, gone[1])
	for _, id := range gone {
		if err := other.DeleteCustomer(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	store.Add(map[string]any{"first_name": "Newly", "last_name": "Created", "email": "newly.created@example.com"})
	want := store.Len()
	c.sendKeys("G")
	c.waitFor(fmt.Sprintf("%d / %d customers", want, want))
	// As many as the store has, none of them deleted elsewhere, the new one
	// among them.
	c.sendKeys("/")
	c.sendLiteral(goneEmail)
	c.waitFor(fmt.Sprintf("0 matches of %d", want))
	c.sendKeys("Escape")
	c.waitGone("matches of")
	c.sendKeys("/")
	c.sendLiteral("newly.created")
	c.waitFor("newly.created@example.com")
	c.sendKeys("Escape")
	c.quit("q")
}
