package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/tui"
)

// startDemo serves the in-memory store on a loopback port and points the
// client at it over real HTTP, exactly as it would talk to a real store.
func startDemo(o options, c *apiclient.Options, t *tui.Options) (stop func(), err error) {
	if o.demoCustomers < 0 {
		return nil, fmt.Errorf("--demo-customers must be 0 or more, not %d", o.demoCustomers)
	}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, err
	}
	token := hex.EncodeToString(tok)
	store := apitest.New(apitest.Options{
		Shape:     apitest.ShapeB,
		Customers: max(o.demoCustomers, 1),
		Token:     token,
		Hostile:   true, // shows that hostile names are rendered harmless
	})
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo store: %w", err)
	}
	c.Site = srv.URL
	c.Token = token
	c.Timeout = o.flags.Timeout
	t.Demo = true
	t.ReadOnly = o.flags.ReadOnly
	t.ReadOnlyReason = "--read-only"
	t.CredentialsHint = "the demo token"
	return func() { _ = srv.Close() }, nil
}
