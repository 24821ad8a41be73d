package apiclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

type authKind struct {
	name   string
	store  func(*apitest.Options)
	client func(*apiclient.Options)
}

var authKinds = []authKind{
	{
		name:   "static bearer",
		store:  func(o *apitest.Options) { o.Token = "static-tok" },
		client: func(o *apiclient.Options) { o.Token = "static-tok" },
	},
	{
		name: "static access_token header",
		store: func(o *apitest.Options) {
			o.Token = "static-tok"
			o.AcceptAccessTokenHeader = true
		},
		client: func(o *apiclient.Options) {
			o.Token = "static-tok"
			o.TokenHeader = apiclient.TokenAccessTokenHeader
		},
	},
	{
		name: "oauth",
		store: func(o *apitest.Options) {
			o.ClientID, o.ClientSecret, o.Username, o.Password, o.RedirectURI = "cid", "csecret", "admin", "pw", "https://app/cb"
		},
		client: func(o *apiclient.Options) {
			o.OAuth = &apiclient.OAuth{ClientID: "cid", ClientSecret: "csecret", Username: "admin", Password: "pw", RedirectURI: "https://app/cb"}
		},
	},
}

func startStore(t *testing.T, so apitest.Options, co apiclient.Options) (*apitest.Store, *apiclient.Client) {
	t.Helper()
	store := apitest.New(so)
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	co.Site = srv.URL
	if co.Timeout == 0 {
		co.Timeout = 10 * time.Second
	}
	c, err := apiclient.New(co)
	if err != nil {
		t.Fatal(err)
	}
	return store, c
}

func listAll(t *testing.T, c *apiclient.Client, limit int) ([]apiclient.Customer, apiclient.Page) {
	t.Helper()
	var all []apiclient.Customer
	var last apiclient.Page
	offset := 0
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		p, err := c.ListCustomers(context.Background(), apiclient.ListOptions{Limit: limit, Offset: offset, OrderBy: "id", Direction: "asc"})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Customers...)
		last = p
		if !p.HasMore {
			return all, last
		}
		if p.NextOffset <= offset {
			t.Fatalf("NextOffset %d does not advance past %d", p.NextOffset, offset)
		}
		offset = p.NextOffset
	}
}

func TestIntegration(t *testing.T) {
	for _, shape := range []apitest.Shape{apitest.ShapeA, apitest.ShapeB} {
		for _, ak := range authKinds {
			t.Run(fmt.Sprintf("%v/%s", shape, ak.name), func(t *testing.T) {
				so := apitest.Options{Shape: shape, Customers: 47, TokenTTL: time.Hour}
				ak.store(&so)
				co := apiclient.Options{Version: "test"}
				ak.client(&co)
				store, c := startStore(t, so, co)
				ctx := context.Background()

				// List every page (limit above the [B] cap of 20).
				all, last := listAll(t, c, 50)
				var ids []int64
				for _, cu := range all {
					ids = append(ids, cu.ID)
				}
				slices.Sort(ids)
				want := store.IDs()
				if !slices.Equal(ids, want) {
					t.Fatalf("listed %d ids, store has %d:\n got %v\nwant %v", len(ids), len(want), ids, want)
				}
				if last.Total != -1 && last.Total != len(want) {
					t.Errorf("Total = %d, want %d", last.Total, len(want))
				}
				if n, err := c.CountCustomers(ctx); err == nil && n != len(want) {
					t.Errorf("CountCustomers = %d, want %d", n, len(want))
				} else if err != nil && !apiclient.IsNotFound(err) && !errors.Is(err, apiclient.ErrNotSuccess) {
					t.Errorf("CountCustomers: %v", err)
				}

				// Pick a customer whose display id is another customer's id, if the seed has one:
				// the delete must hit the customer, never the one the display id names.
				target := all[0]
				for _, cu := range all {
					d, err := strconv.ParseInt(cu.DisplayID, 10, 64)
					if err == nil && d != cu.ID && store.Exists(d) {
						target = cu
						break
					}
				}
				t.Logf("target id %d display %s; total %d", target.ID, target.DisplayID, last.Total)
				got, err := c.GetCustomer(ctx, target.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != target.ID || got.DisplayID != target.DisplayID || got.Email != target.Email {
					t.Errorf("GetCustomer = %+v, listed %+v", got, target)
				}

				store.ResetRequests()
				if err := c.DeleteCustomer(ctx, target.ID); err != nil {
					t.Fatal(err)
				}
				if store.Exists(target.ID) {
					t.Error("customer still exists after delete")
				}
				if d := store.Deleted(); !slices.Equal(d, []int64{target.ID}) {
					t.Errorf("Deleted = %v, want [%d]", d, target.ID)
				}
				if dispID, err := strconv.ParseInt(target.DisplayID, 10, 64); err == nil && dispID != target.ID && slices.Contains(want, dispID) && !store.Exists(dispID) {
					t.Errorf("customer %d (the display id) was deleted too", dispID)
				}
				err = c.DeleteCustomer(ctx, target.ID)
				if !apiclient.IsNotFound(err) {
					t.Fatalf("second delete: %v, want 404", err)
				}
				for _, r := range store.Requests() {
					if r.Method == http.MethodDelete && r.Path != "/api/v4/admin/customers/"+strconv.FormatInt(target.ID, 10) {
						t.Errorf("DELETE went to %s", r.Path)
					}
				}
				if d := store.Deleted(); len(d) != 1 {
					t.Errorf("Deleted = %v after the second delete", d)
				}

				// After a delete the customer is gone from the list ([B] keeps it readable in the trash).
				all2, _ := listAll(t, c, 20)
				if len(all2) != len(want)-1 {
					t.Errorf("after delete: %d listed, want %d", len(all2), len(want)-1)
				}
				if cu, err := c.GetCustomer(ctx, target.ID); err == nil && !cu.InTrash {
					t.Errorf("deleted customer readable and not in trash: %+v", cu)
				}

				if co.OAuth != nil {
					before := store.TokenRequests()
					store.RevokeTokens()
					if _, err := c.GetCustomer(ctx, all[len(all)-1].ID); err != nil {
						t.Fatalf("after RevokeTokens: %v", err)
					}
					if n := store.TokenRequests() - before; n != 1 {
						t.Errorf("%d token requests after revocation, want 1", n)
					}
				}
			})
		}
	}
}

func TestIntegrationWrongSite(t *testing.T) {
	store := apitest.New(apitest.Options{Customers: 3})
	srv, err := store.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := apiclient.New(apiclient.Options{Site: srv.URL + "/not-the-shop", Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListCustomers(context.Background(), apiclient.ListOptions{})
	if !errors.Is(err, apiclient.ErrNotSuccess) {
		t.Fatalf("err = %v, want ErrNotSuccess", err)
	}
	if err := c.DeleteCustomer(context.Background(), store.IDs()[0]); !errors.Is(err, apiclient.ErrNotSuccess) {
		t.Fatalf("delete: err = %v, want ErrNotSuccess", err)
	}
}

func TestIntegrationFaults(t *testing.T) {
	store, c := startStore(t, apitest.Options{Shape: apitest.ShapeB, Customers: 5, Token: "t"},
		apiclient.Options{Token: "t"})
	ctx := context.Background()

	// A transient 503 on a read is retried.
	store.Inject(apitest.RouteList, apitest.Fault{Status: 503, Body: `{"message": "busy"}`, Times: 1})
	if _, err := c.ListCustomers(ctx, apiclient.ListOptions{}); err != nil {
		t.Fatalf("list after one 503: %v", err)
	}

	// A 503 on DELETE is not.
	id := store.IDs()[0]
	store.Inject(apitest.RouteDelete, apitest.Fault{Status: 503, Body: `{"message": "busy"}`, Times: 1})
	if err := c.DeleteCustomer(ctx, id); apiclient.StatusCode(err) != 503 {
		t.Fatalf("delete: %v", err)
	}
	if !store.Exists(id) {
		t.Fatal("customer deleted despite 503")
	}

	// A dropped connection on DELETE is an error (outcome unknown), never retried.
	store.ResetRequests()
	store.Inject(apitest.RouteDelete, apitest.Fault{DropConnection: true, Times: 1})
	if err := c.DeleteCustomer(ctx, id); err == nil {
		t.Fatal("dropped delete reported success")
	}
	n := 0
	for _, r := range store.Requests() {
		if r.Method == http.MethodDelete {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d DELETE requests, want 1", n)
	}

	// 429 with Retry-After reaches the caller when retries are exhausted.
	store.Inject(apitest.RouteGet, apitest.Fault{Status: 429, Header: http.Header{"Retry-After": {"60"}}})
	_, err := c.GetCustomer(ctx, id)
	var e *apiclient.Error
	if !apiclient.IsRateLimited(err) || !errors.As(err, &e) || e.RetryAfter != time.Minute {
		t.Fatalf("err = %v", err)
	}
	store.ClearFaults()
}
