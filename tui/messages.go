package tui

import (
	"time"

	"github.com/wcadmin/wcadmin/apiclient"
)

// pageMsg carries one list page. gen ties it to the load that asked for it so
// answers to a superseded load are dropped.
type pageMsg struct {
	gen    int
	offset int
	page   apiclient.Page
	err    error
}

// deleteDoneMsg is the outcome of one DELETE.
type deleteDoneMsg struct {
	target   apiclient.Customer
	err      error
	duration time.Duration
}
