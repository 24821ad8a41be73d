// Package tui is the Bubble Tea program of wcadmin: a root model that owns one
// mode at a time, a customer table keyed by id, and the delete modal.
package tui

import (
	"context"
	"io"
	"log"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

// Store is what the console reads from a WebCommander store. *apiclient.Client
// satisfies it; tests use fakes. Deleting goes only through Deleter.
type Store interface {
	ListCustomers(ctx context.Context, o apiclient.ListOptions) (apiclient.Page, error)
	GetCustomer(ctx context.Context, id int64) (apiclient.Customer, error)
	CountCustomers(ctx context.Context) (int, error)
}

// Deleter performs one verified, journaled deletion (deletion.Deleter).
type Deleter interface {
	Delete(ctx context.Context, confirmed apiclient.Customer) deletion.Outcome
	// Schedule journals a confirmed deletion that waits out the undo
	// window; Undo journals taking it back; DeleteScheduled runs it.
	Schedule(c apiclient.Customer, window time.Duration) (attempt string, err error)
	Undo(attempt string, c apiclient.Customer, why string) error
	DeleteScheduled(ctx context.Context, confirmed apiclient.Customer, attempt string) deletion.Outcome
}

// Options configure the console. Zero values get sensible defaults.
type Options struct {
	Store Store
	// Deleter sends every DELETE: it re-checks the customer, journals the
	// attempt and reports what really happened. Required for deleting.
	Deleter Deleter
	// Host is the store host shown in the header and in the delete modal.
	Host string
	// Profile is the config profile in use ("" when none).
	Profile string
	// Demo marks the embedded demo store in the header.
	Demo bool
	// ReadOnly disables every delete key.
	ReadOnly bool
	// Protected marks a production profile: a loud badge, and even a single
	// delete requires typing the customer's email.
	Protected bool
	// ReadOnlyReason says where read-only came from ("--read-only", "profile prod").
	ReadOnlyReason string
	// CredentialsHint names the settings to check when the store rejects the
	// credentials, e.g. "WCADMIN_TOKEN or token in profile prod".
	CredentialsHint string
	// PageSize is the limit asked per list request (the API caps it at 20).
	PageSize int
	// Timeout bounds every request made from the console.
	Timeout time.Duration
	// DarkBackground picks the theme; query it before the program starts.
	DarkBackground bool
	// Now is the clock (tests freeze it).
	Now func() time.Time
	// Log receives a line per event; nil discards. Never the terminal.
	Log *log.Logger
	// Notice is shown in the status line at start (e.g. why deleting is disabled).
	Notice string
	// Concurrency bounds the requests of one load-all or bulk deletion.
	Concurrency int
	// Clipboard receives OSC 52 sequences (the terminal); nil disables copying.
	Clipboard io.Writer
	// Renderer renders the styles (nil: lipgloss's default). `wcadmin serve`
	// gives each session the renderer of its SSH channel.
	Renderer *lipgloss.Renderer
	// UndoWindow is how long a confirmed deletion waits before anything is
	// sent; u takes it back meanwhile. 0 sends at once.
	UndoWindow time.Duration
}

func (o Options) withDefaults() Options {
	if o.Deleter == nil {
		// No deleter configured: every delete is refused with the reason,
		// never sent (fail closed).
		o.Deleter = &deletion.Deleter{}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.PageSize <= 0 {
		o.PageSize = 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = log.New(io.Discard, "", 0)
	}
	if o.ReadOnlyReason == "" {
		o.ReadOnlyReason = "read-only mode"
	}
	if o.CredentialsHint == "" {
		o.CredentialsHint = "the token or OAuth settings of this profile"
	}
	return o
}
