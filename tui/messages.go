package tui

import (
	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/deletion"
)

// pageMsg carries one list page. gen ties it to the load that asked for it so
// answers to a superseded load are dropped.
type pageMsg struct {
	gen    int
	offset int
	page   apiclient.Page
	err    error
}

// countMsg answers GET /admin/customers/count.
type countMsg struct {
	total int
	err   error
}

// detailMsg answers GET /admin/customers/{id} for the detail view.
type detailMsg struct {
	id       int64
	customer apiclient.Customer
	err      error
}

// deleteDoneMsg is the outcome of one deletion; batch is 0 for a single delete.
type deleteDoneMsg struct {
	batch   int
	target  apiclient.Customer // what the operator confirmed
	outcome deletion.Outcome
}

// clipboardMsg reports an OSC 52 copy.
type clipboardMsg struct {
	what string
	err  error
}
