package tui

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/termtext"
)

// retryMsg tells the operator a read is being retried, so a slow store shows
// "retrying (2/3)…" instead of a frozen screen.
type retryMsg struct{ info apiclient.RetryInfo }

// RetryNotice turns the client's retry callback into a message for the
// program (wire it with Program.Send: the callback runs on the request's
// goroutine and must not touch the model).
func RetryNotice(info apiclient.RetryInfo) tea.Msg { return retryMsg{info} }

func (m *Model) handleRetry(msg retryMsg) {
	ri := msg.info
	m.status.Notice(fmt.Sprintf("Retrying %s %s (%d/%d) in %s after %s…", ri.Method, ri.Path, ri.Attempt+1, ri.Max,
		ri.Wait.Round(100*time.Millisecond), shortCause(ri.Err)))
}

// shortCause names why a try failed, in a few words.
func shortCause(err error) string {
	var apiErr *apiclient.Error
	var netErr *apiclient.NetError
	switch {
	case errors.As(err, &netErr):
		return netErr.Kind.String()
	case errors.As(err, &apiErr):
		return fmt.Sprintf("HTTP %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	case err == nil:
		return "an error"
	}
	return termtext.CleanMax(err.Error(), 60)
}
