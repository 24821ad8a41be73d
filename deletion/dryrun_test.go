package deletion

import (
	"context"
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
)

// journalSize is the journal file's size (0 when it does not exist yet).
func journalSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestDryRunCheck(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ids := f.store.IDs()
	before := journalSize(t, f.path)

	t.Run("would delete", func(t *testing.T) {
		c := f.confirm(t, ids[1])
		o := f.del.Check(context.Background(), c)
		wantKind(t, o, WouldDelete)
		if o.Sent || o.Err != nil || o.Attempt != "" || o.Customer.ID != ids[1] || len(o.Customer.Raw) == 0 {
			t.Errorf("outcome = %+v", o)
		}
		if o.Kind.String() != "would_delete" || o.Message() == "" {
			t.Errorf("String %q, Message %q", o.Kind, o.Message())
		}
	})
	t.Run("changed", func(t *testing.T) {
		c := f.confirm(t, ids[2])
		f.store.SetField(ids[2], "email", "someone.else@example.org")
		o := f.del.Check(context.Background(), c)
		wantKind(t, o, Changed)
		if !errors.Is(o.Err, ErrChanged) {
			t.Errorf("Err = %v", o.Err)
		}
	})
	t.Run("already gone", func(t *testing.T) {
		o := f.del.Check(context.Background(), apiclient.Customer{ID: 999999})
		wantKind(t, o, AlreadyGone)
	})
	t.Run("in the trash", func(t *testing.T) {
		c := f.confirm(t, ids[3])
		if o := f.del.Delete(context.Background(), c); o.Kind != Deleted {
			t.Fatalf("setup: %+v", o)
		}
		before = journalSize(t, f.path)
		f.store.ResetRequests()
		wantKind(t, f.del.Check(context.Background(), c), AlreadyGone)
	})
	t.Run("precheck fails", func(t *testing.T) {
		f.store.Inject(apitest.RouteGet, apitest.Fault{Status: 500, Body: `{"error":"boom"}`, Times: 1})
		o := f.del.Check(context.Background(), apiclient.Customer{ID: ids[4]})
		wantKind(t, o, Refused)
		if !errors.Is(o.Err, ErrPrecheck) {
			t.Errorf("Err = %v", o.Err)
		}
	})
	t.Run("no journal", func(t *testing.T) {
		d := *f.del
		d.Journal = nil
		o := d.Check(context.Background(), apiclient.Customer{ID: ids[5]})
		wantKind(t, o, Refused)
		if !errors.Is(o.Err, ErrNoJournal) {
			t.Errorf("Err = %v", o.Err)
		}
	})
	t.Run("invalid id", func(t *testing.T) {
		wantKind(t, f.del.Check(context.Background(), apiclient.Customer{ID: 0}), Refused)
	})

	if n := f.deletes(); n != 0 {
		t.Errorf("Check sent %d DELETE requests", n)
	}
	for _, r := range f.store.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("Check sent %s %s", r.Method, r.Path)
		}
	}
	if after := journalSize(t, f.path); after != before {
		t.Errorf("Check wrote to the journal: %d bytes before, %d after", before, after)
	}
}
