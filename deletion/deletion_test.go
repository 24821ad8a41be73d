package deletion

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/apiclient/apitest"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

const secretToken = "s3cr3t-t0ken-do-not-log"

type fixture struct {
	store   *apitest.Store
	client  *apiclient.Client
	journal *audit.Journal
	path    string
	del     *Deleter
}

type fixtureOpts struct {
	store   apitest.Options
	timeout time.Duration
	// handler wraps the store's handler (nil: the store as is, on a real port).
	handler func(http.Handler) http.Handler
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	if o.store.Customers == 0 {
		o.store.Customers = 50
	}
	o.store.Shape = apitest.ShapeB
	o.store.Token = secretToken
	store := apitest.New(o.store)
	var url string
	if o.handler == nil {
		srv, err := store.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		url = srv.URL
	} else {
		srv := httptest.NewServer(o.handler(store.Handler()))
		t.Cleanup(srv.Close)
		url = srv.URL
	}
	client, err := apiclient.New(apiclient.Options{Site: url, Token: secretToken, MaxReadRetries: -1, Timeout: o.timeout})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wcadmin", "audit.jsonl")
	j, err := audit.Open(path, func(k string) string {
		return map[string]string{"USER": "alice", "SSH_CLIENT": "192.0.2.1 5000 22"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return &fixture{
		store: store, client: client, journal: j, path: path,
		del: &Deleter{API: client, Journal: j, Profile: "test", Site: url, CheckTimeout: 5 * time.Second},
	}
}

// confirm loads a customer the way the TUI holds it: sanitised, without Raw.
func (f *fixture) confirm(t *testing.T, id int64) apiclient.Customer {
	t.Helper()
	c, err := f.client.GetCustomer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*string{&c.DisplayID, &c.FirstName, &c.LastName, &c.Name, &c.Email,
		&c.Status, &c.CompanyName, &c.StoreCredit, &c.CreditLimit} {
		*p = termtext.CleanMax(*p, termtext.MaxFieldCells)
	}
	c.Raw = nil
	f.store.ResetRequests()
	return c
}

func (f *fixture) deletes() int {
	n := 0
	for _, r := range f.store.Requests() {
		if r.Method == http.MethodDelete {
			n++
		}
	}
	return n
}

func (f *fixture) entries(t *testing.T) []audit.Entry {
	t.Helper()
	es, err := audit.Read(f.path)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(f.path)
	if strings.Contains(string(raw), secretToken) {
		t.Fatal("the journal contains the access token")
	}
	return es
}

func firstID(f *fixture) int64 { return f.store.IDs()[3] }

func wantKind(t *testing.T, o Outcome, k Kind) {
	t.Helper()
	if o.Kind != k {
		t.Fatalf("Kind = %v, want %v (err %v)", o.Kind, k, o.Err)
	}
}

func TestDeleteSuccess(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	want, _ := f.store.Record(id)

	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Deleted)
	if !o.Sent || o.Status != http.StatusNoContent || o.Err != nil || o.JournalErr != nil || o.Checked {
		t.Errorf("outcome = %+v", o)
	}
	if o.Customer.ID != id || len(o.Customer.Raw) == 0 {
		t.Errorf("Customer = %+v", o.Customer)
	}
	if got := f.store.Deleted(); len(got) != 1 || got[0] != id {
		t.Errorf("store deleted %v, want [%d]", got, id)
	}
	if f.deletes() != 1 {
		t.Errorf("%d DELETEs, want 1", f.deletes())
	}

	// The journal is readable while still open: every line was synced.
	es := f.entries(t)
	if len(es) != 2 {
		t.Fatalf("%d journal entries, want 2", len(es))
	}
	in, out := es[0], es[1]
	if in.Phase != audit.PhaseIntent || out.Phase != audit.PhaseOutcome {
		t.Fatalf("phases %q, %q", in.Phase, out.Phase)
	}
	if in.Attempt == "" || in.Attempt != out.Attempt || o.Attempt != in.Attempt {
		t.Errorf("attempt ids %q %q %q", in.Attempt, out.Attempt, o.Attempt)
	}
	if in.CustomerID != id || in.Email != c.Email || in.Name != c.FullName() || in.Operator != "alice" ||
		in.Site != f.del.Site || in.Profile != "test" || in.SSHClient == "" {
		t.Errorf("intent = %+v", in)
	}
	// The full record, as served, to re-create it by hand.
	var rec map[string]any
	if err := json.Unmarshal(in.Record, &rec); err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	var wantRec map[string]any
	json.Unmarshal(wantJSON, &wantRec)
	if gotJSON, _ := json.Marshal(rec); string(gotJSON) != func() string { b, _ := json.Marshal(wantRec); return string(b) }() {
		t.Errorf("record\n got %s\nwant %s", gotJSON, wantJSON)
	}
	if out.Result != "deleted" || out.Status != 204 || out.Record != nil {
		t.Errorf("outcome line = %+v", out)
	}
	if in.Time.After(out.Time) {
		t.Errorf("intent at %v after outcome at %v", in.Time, out.Time)
	}
}

func TestDeleteAlreadyInTrash(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	if err := f.client.DeleteCustomer(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	f.store.ResetRequests()

	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, AlreadyGone)
	if o.Sent || o.Status != 0 || f.deletes() != 0 {
		t.Errorf("a DELETE was sent: %+v, %d", o, f.deletes())
	}
	es := f.entries(t)
	if len(es) != 1 || es[0].Phase != audit.PhaseSkipped || es[0].Result != "already_gone" || es[0].CustomerID != id {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteUnknownID(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.del.Delete(context.Background(), apiclient.Customer{ID: 987654, Email: "x@example.com"})
	wantKind(t, o, AlreadyGone)
	if o.Sent || f.deletes() != 0 {
		t.Error("a DELETE was sent")
	}
	if es := f.entries(t); len(es) != 1 || es[0].Result != "already_gone" {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteChanged(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"first_name", "Mallory"},
		{"email", "someone.else@example.com"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			id := firstID(f)
			c := f.confirm(t, id)
			f.store.SetField(id, tc.key, tc.value)

			o := f.del.Delete(context.Background(), c)
			wantKind(t, o, Changed)
			if !errors.Is(o.Err, ErrChanged) || o.Sent || f.deletes() != 0 || !f.store.Exists(id) {
				t.Errorf("outcome %+v, %d DELETEs", o, f.deletes())
			}
			if !strings.Contains(o.Message(), "refresh and check") {
				t.Errorf("Message = %q", o.Message())
			}
			es := f.entries(t)
			if len(es) != 1 || es[0].Phase != audit.PhaseSkipped || es[0].Result != "changed" ||
				!strings.Contains(es[0].Message, tc.value) {
				t.Errorf("journal = %+v", es)
			}
		})
	}
}

func TestDeleteEmailCaseChangeIsNotAChange(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.SetField(id, "email", strings.ToUpper(c.Email))
	wantKind(t, f.del.Delete(context.Background(), c), Deleted)
}

// Hostile text, sanitised by the TUI, still matches the fresh record.
func TestDeleteHostileRecords(t *testing.T) {
	f := newFixture(t, fixtureOpts{store: apitest.Options{Hostile: true}})
	ids := f.store.IDs()
	for i := 1; i < 21; i += 2 {
		c := f.confirm(t, ids[i])
		o := f.del.Delete(context.Background(), c)
		wantKind(t, o, Deleted)
	}
	raw, _ := os.ReadFile(f.path)
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if termtext.Clean(line) != line {
			t.Errorf("journal line is not terminal-safe: %q", line)
		}
	}
	if n := len(f.entries(t)); n != 20 {
		t.Errorf("%d entries, want 20", n)
	}
}

func TestDeleteNoJournal(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	d := *f.del
	d.Journal = nil
	o := d.Delete(context.Background(), c)
	wantKind(t, o, Refused)
	if !errors.Is(o.Err, ErrNoJournal) || o.Sent || len(f.store.Requests()) != 0 || !f.store.Exists(id) {
		t.Errorf("outcome %+v, requests %d", o, len(f.store.Requests()))
	}
}

func TestDeleteJournalUnwritable(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.journal.Close()

	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Refused)
	if !errors.Is(o.Err, ErrJournal) || !errors.Is(o.Err, audit.ErrClosed) || o.Sent || f.deletes() != 0 || !f.store.Exists(id) {
		t.Errorf("outcome %+v, %d DELETEs", o, f.deletes())
	}
	if es := f.entries(t); len(es) != 0 {
		t.Errorf("journal = %+v", es)
	}
}

func TestJournalInReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	j, err := audit.Open(filepath.Join(dir, "audit.jsonl"), os.Getenv)
	if err == nil {
		j.Close()
		t.Fatal("Open succeeded in a read-only directory")
	}
	// The caller then has no journal: Delete refuses (TestDeleteNoJournal).
}

func TestDeletePrecheckFails(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteGet, apitest.Fault{Status: 503, Body: `{"message":"maintenance"}`, Times: 1})

	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Refused)
	if !errors.Is(o.Err, ErrPrecheck) || apiclient.StatusCode(o.Err) != 503 || o.Sent || f.deletes() != 0 {
		t.Errorf("outcome %+v", o)
	}
	if es := f.entries(t); len(es) != 1 || es[0].Phase != audit.PhaseSkipped || es[0].Result != "refused" {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteRejected(t *testing.T) {
	for _, status := range []int{401, 403, 409, 429} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			id := firstID(f)
			c := f.confirm(t, id)
			f.store.Inject(apitest.RouteDelete, apitest.Fault{Status: status, Body: `{"message":"no way"}`, Times: 1})
			o := f.del.Delete(context.Background(), c)
			wantKind(t, o, Failed)
			var apiErr *apiclient.Error
			if o.Status != status || !o.Sent || o.Checked || !errors.As(o.Err, &apiErr) || apiErr.StatusCode != status {
				t.Errorf("outcome %+v", o)
			}
			if f.deletes() != 1 || !f.store.Exists(id) {
				t.Errorf("%d DELETEs", f.deletes())
			}
			es := f.entries(t)
			if len(es) != 2 || es[1].Result != "failed" || es[1].Status != status || !strings.Contains(es[1].Message, "no way") {
				t.Errorf("journal = %+v", es)
			}
		})
	}
}

func TestDelete404IsAlreadyGone(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteDelete, apitest.Fault{Status: 404, Body: `{"message":"Customer already in trash"}`, Times: 1})
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, AlreadyGone)
	if !o.Sent || o.Status != 404 || o.Err != nil {
		t.Errorf("outcome %+v", o)
	}
	if es := f.entries(t); len(es) != 2 || es[1].Result != "already_gone" || es[1].Status != 404 {
		t.Errorf("journal = %+v", es)
	}
}

func TestDelete500StillThere(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteDelete, apitest.Fault{Status: 500, Body: `{"message":"boom"}`})

	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Failed)
	if !o.Checked || o.Status != 500 || !errors.Is(o.Err, ErrStillThere) || apiclient.StatusCode(o.Err) != 500 {
		t.Errorf("outcome %+v", o)
	}
	if f.deletes() != 1 {
		t.Errorf("%d DELETEs: a DELETE was re-sent", f.deletes())
	}
	es := f.entries(t)
	if len(es) != 2 || es[1].Result != "failed" || !strings.Contains(es[1].Message, "still there") {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteDroppedConnectionStillThere(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteDelete, apitest.Fault{DropConnection: true})

	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Failed)
	if !o.Checked || o.Status != 0 || !o.Sent || !errors.Is(o.Err, ErrStillThere) {
		t.Errorf("outcome %+v", o)
	}
	if f.deletes() != 1 || !f.store.Exists(id) {
		t.Errorf("%d DELETEs", f.deletes())
	}
}

// actThen performs a DELETE in the store, then answers badly (drops the
// connection, or hangs until the client gives up).
func actThen(hang bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodDelete {
				h.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(httptest.NewRecorder(), r) // the delete happens
			if hang {
				<-r.Context().Done()
				return
			}
			panic(http.ErrAbortHandler) // connection closed, no answer
		})
	}
}

func TestDeleteDroppedConnectionButDeleted(t *testing.T) {
	f := newFixture(t, fixtureOpts{handler: actThen(false)})
	id := firstID(f)
	c := f.confirm(t, id)
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Deleted)
	if !o.Checked || o.Status != 0 || o.Err != nil {
		t.Errorf("outcome %+v", o)
	}
	es := f.entries(t)
	if len(es) != 2 || es[1].Result != "deleted" || !strings.Contains(es[1].Message, "confirmed by a follow-up check") {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteTimeoutButDeleted(t *testing.T) {
	f := newFixture(t, fixtureOpts{handler: actThen(true), timeout: 300 * time.Millisecond})
	id := firstID(f)
	c := f.confirm(t, id)
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Deleted)
	if !o.Checked || o.Status != 0 || o.Duration < 250*time.Millisecond {
		t.Errorf("outcome %+v", o)
	}
	if f.deletes() != 1 {
		t.Errorf("%d DELETEs", f.deletes())
	}
	es := f.entries(t)
	if len(es) != 2 || es[1].Result != "deleted" || !strings.Contains(es[1].Message, "confirmed by a follow-up check") {
		t.Errorf("journal = %+v", es)
	}
}

// A delay fault longer than the client's timeout: the store does not act
// once the client has given up, so the check finds the customer.
func TestDeleteTimeoutNotDeleted(t *testing.T) {
	f := newFixture(t, fixtureOpts{timeout: 300 * time.Millisecond})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteDelete, apitest.Fault{Delay: 3 * time.Second, Times: 1})
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Failed)
	if !o.Checked || !errors.Is(o.Err, ErrStillThere) || !errors.Is(o.Err, context.DeadlineExceeded) {
		t.Errorf("outcome %+v", o)
	}
	if f.deletes() != 1 || !f.store.Exists(id) {
		t.Errorf("%d DELETEs, exists %v", f.deletes(), f.store.Exists(id))
	}
}

// The caller's context expires during the DELETE: the check still runs, on a
// context of its own.
func TestDeleteCallerDeadlineButDeleted(t *testing.T) {
	f := newFixture(t, fixtureOpts{handler: actThen(true)})
	id := firstID(f)
	c := f.confirm(t, id)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	go func() {
		// Expire the caller's context once the DELETE is in flight.
		for f.deletes() == 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	o := f.del.Delete(ctx, c)
	wantKind(t, o, Deleted)
	if !o.Checked {
		t.Errorf("outcome %+v", o)
	}
}

func TestDeleteCancelledBeforeStart(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := f.del.Delete(ctx, c)
	wantKind(t, o, Refused)
	if o.Sent || f.deletes() != 0 {
		t.Errorf("outcome %+v", o)
	}
}

// hookAPI runs after() once DeleteCustomer has returned.
type hookAPI struct {
	*apiclient.Client
	after func()
}

func (h hookAPI) DeleteCustomer(ctx context.Context, id int64) error {
	err := h.Client.DeleteCustomer(ctx, id)
	h.after()
	return err
}

func TestDeleteUnknownWhenCheckFails(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteDelete, apitest.Fault{Status: 502, Body: "bad gateway", Times: 1})
	f.del.API = hookAPI{f.client, func() {
		f.store.Inject(apitest.RouteGet, apitest.Fault{Status: 503, Body: `{"message":"down"}`})
	}}
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Unknown)
	if !o.Checked || o.Status != 502 || !errors.Is(o.Err, ErrOutcomeUnknown) || f.deletes() != 1 {
		t.Errorf("outcome %+v", o)
	}
	es := f.entries(t)
	if len(es) != 2 || es[1].Result != "unknown" || es[1].Status != 502 {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteOutcomeJournalFails(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.del.API = hookAPI{f.client, func() { f.journal.Close() }}
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Deleted)
	if !errors.Is(o.JournalErr, audit.ErrClosed) || !strings.Contains(o.Message(), "audit journal") {
		t.Errorf("outcome %+v, message %q", o, o.Message())
	}
	if es := f.entries(t); len(es) != 1 || es[0].Phase != audit.PhaseIntent {
		t.Errorf("journal = %+v", es)
	}
}

func TestDeleteInvalidID(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	o := f.del.Delete(context.Background(), apiclient.Customer{ID: 0})
	wantKind(t, o, Refused)
	if len(f.store.Requests()) != 0 {
		t.Error("requests were sent")
	}
}

func TestDeleteConcurrent(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ids := f.store.IDs()[:10]
	cs := make([]apiclient.Customer, len(ids))
	for i, id := range ids {
		cs[i] = f.confirm(t, id)
	}
	var deleted atomic.Int32
	done := make(chan struct{})
	for _, c := range cs {
		go func() {
			defer func() { done <- struct{}{} }()
			if f.del.Delete(context.Background(), c).Kind == Deleted {
				deleted.Add(1)
			}
		}()
	}
	for range cs {
		<-done
	}
	if deleted.Load() != int32(len(cs)) {
		t.Errorf("%d deleted, want %d", deleted.Load(), len(cs))
	}
	es := f.entries(t)
	if len(es) != 2*len(cs) {
		t.Fatalf("%d entries", len(es))
	}
	phases := map[string][]string{}
	for _, e := range es {
		phases[e.Attempt] = append(phases[e.Attempt], e.Phase)
	}
	for a, p := range phases {
		if len(p) != 2 || p[0] != audit.PhaseIntent || p[1] != audit.PhaseOutcome {
			t.Errorf("attempt %s: phases %v", a, p)
		}
	}
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{Deleted: "deleted", AlreadyGone: "already_gone", Changed: "changed",
		Failed: "failed", Unknown: "unknown", Refused: "refused", 0: "Kind(0)"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), s)
		}
	}
}

func TestRecordJSONWithoutRaw(t *testing.T) {
	b := recordJSON(apiclient.Customer{ID: 5, Email: "a@b.c"})
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["ID"] != 5.0 || m["Email"] != "a@b.c" {
		t.Errorf("recordJSON = %s, %v", b, err)
	}
}

// splitAPI reads from the store and sends the DELETE through another client.
type splitAPI struct {
	*apiclient.Client
	del *apiclient.Client
}

func (s splitAPI) DeleteCustomer(ctx context.Context, id int64) error {
	return s.del.DeleteCustomer(ctx, id)
}

func closedAddr(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

// Whether the follow-up GET runs is apiclient.IsAmbiguous's decision, nobody
// else's: refused, reset, timeout, 3xx, 5xx, 4xx and a 2xx error body.
func TestDeleteAmbiguityIsApiclients(t *testing.T) {
	answer := func(status int, body string, hdr ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(body))
		}
	}
	for _, tt := range []struct {
		name    string
		h       http.HandlerFunc // nil: nothing listens (connection refused)
		checked bool             // ambiguous: a follow-up GET decided
		status  int
	}{
		{name: "refused", checked: false},
		{name: "reset", h: func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		}, checked: true},
		{name: "timeout", h: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, checked: true},
		{name: "302", h: answer(302, "", "Location", "/login"), checked: true, status: 302},
		{name: "301", h: answer(301, "", "Location", "https://elsewhere.example/"), checked: true, status: 301},
		{name: "500", h: answer(500, `{"message":"boom"}`), checked: true, status: 500},
		{name: "502", h: answer(502, "bad gateway"), checked: true, status: 502},
		{name: "400", h: answer(400, `{"message":"no"}`), checked: false, status: 400},
		{name: "409", h: answer(409, `{"message":"open orders"}`), checked: false, status: 409},
		{name: "200 status error", h: answer(200, `{"status":"error","message":"open orders"}`), checked: false, status: 200},
		{name: "200 isSuccess false", h: answer(200, `{"isSuccess":false}`), checked: false, status: 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			id := firstID(f)
			c := f.confirm(t, id)
			site := "http://" + closedAddr(t)
			var sent atomic.Int32
			if tt.h != nil {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					sent.Add(1)
					tt.h(w, r)
				}))
				t.Cleanup(srv.Close)
				site = srv.URL
			}
			del, err := apiclient.New(apiclient.Options{Site: site, Token: secretToken, Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			f.del.API = splitAPI{f.client, del}
			o := f.del.Delete(context.Background(), c)
			wantKind(t, o, Failed) // the store never deleted it
			if o.Checked != tt.checked || o.Status != tt.status || !o.Sent {
				t.Errorf("checked %v, status %d, sent %v: %+v", o.Checked, o.Status, o.Sent, o)
			}
			// deletion follows apiclient.IsAmbiguous of what the DELETE returned.
			if tt.checked && !errors.Is(o.Err, ErrStillThere) {
				t.Errorf("err = %v, want ErrStillThere", o.Err)
			}
			if !tt.checked && (errors.Is(o.Err, ErrStillThere) || apiclient.IsAmbiguous(o.Err)) {
				t.Errorf("err = %v: an unchecked failure must be certain", o.Err)
			}
			if want := int32(1); tt.h != nil && sent.Load() != want {
				t.Errorf("%d DELETEs, want 1", sent.Load())
			}
			if gets := len(f.store.Requests()); (gets == 2) != tt.checked {
				t.Errorf("%d store requests (pre-check + follow-up?), checked %v", gets, tt.checked)
			}
			es := f.entries(t)
			if len(es) != 2 || es[1].Result != "failed" || es[1].Status != tt.status {
				t.Errorf("journal = %+v", es)
			}
			if strings.Contains(o.Message(), "still there") && strings.Contains(o.Message(), "unknown") {
				t.Errorf("message says both still there and unknown: %q", o.Message())
			}
		})
	}
}

// A store that deletes and then redirects (as a web admin does): the 3xx is
// ambiguous, and the follow-up GET finds the customer gone.
func TestDelete3xxAfterActingIsDeleted(t *testing.T) {
	f := newFixture(t, fixtureOpts{handler: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodDelete {
				h.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(httptest.NewRecorder(), r) // the delete happens
			http.Redirect(w, r, "/admin/customers", http.StatusFound)
		})
	}})
	id := firstID(f)
	c := f.confirm(t, id)
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Deleted)
	if !o.Checked || o.Status != 302 || o.Err != nil || f.store.Exists(id) {
		t.Errorf("outcome %+v", o)
	}
}

// NIT-3: an unusable 2xx answer settled by the check reads as one outcome:
// "still there", without the client also calling it unknown.
func TestDeleteUnusableAnswerStillThereSaysOneThing(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := firstID(f)
	c := f.confirm(t, id)
	f.store.Inject(apitest.RouteDelete, apitest.Fault{Body: "<html>Sign in</html>",
		Header: http.Header{"Content-Type": {"text/html"}}, Times: 1})
	o := f.del.Delete(context.Background(), c)
	wantKind(t, o, Failed)
	var apiErr *apiclient.Error
	if !o.Checked || o.Status != 200 || !errors.Is(o.Err, ErrStillThere) || !errors.As(o.Err, &apiErr) ||
		apiErr.Code != apiclient.CodeWrongContentType {
		t.Fatalf("outcome %+v", o)
	}
	for _, s := range []string{o.Message(), apiErr.Message, f.entries(t)[1].Message} {
		if !strings.Contains(s, "text/html") {
			t.Errorf("message lacks the cause: %q", s)
		}
		if strings.Contains(s, "unknown") || strings.Contains(s, "may or may not") {
			t.Errorf("a settled outcome is called unknown: %q", s)
		}
	}
}
