package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wcadmin/wcadmin/apiclient"
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
	m.setStatus(statusInfo, "Retrying %s %s (%d/%d) in %s: %s", ri.Method, ri.Path, ri.Attempt+1, ri.Max,
		ri.Wait.Round(100*time.Millisecond), m.describe(ri.Err))
}
