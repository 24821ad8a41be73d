package main

// Output of customers for the scriptable commands (customers list, customers
// get): one JSON field mapping, one table, one CSV, one ids format. Both API
// shapes decode into apiclient.Customer, so both print the same names.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/wcadmin/wcadmin/apiclient"
	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// outputIDs prints one customer id per line (outputTable, outputJSON and
// outputCSV are in audit_list.go).
const outputIDs = "ids"

// customerOutputs are the --output values of the customers commands.
var customerOutputs = []string{outputTable, outputJSON, outputCSV, outputIDs}

// customerRecord is a customer as --output json prints it. The field names
// are stable and documented in the README ("Scripting"); never rename one.
// Times are RFC 3339 in UTC, null when the store sent none.
type customerRecord struct {
	CustomerID       int64      `json:"customer_id"`
	DisplayID        string     `json:"display_id"`
	Email            string     `json:"email"`
	FirstName        string     `json:"first_name"`
	LastName         string     `json:"last_name"`
	Name             string     `json:"name"`
	Status           string     `json:"status"`
	Company          bool       `json:"company"`
	CompanyName      string     `json:"company_name"`
	StoreCredit      string     `json:"store_credit"`
	CreditLimit      string     `json:"credit_limit"`
	AllowCreditLimit bool       `json:"allow_credit_limit"`
	CreatedAt        *time.Time `json:"created_at"`
	UpdatedAt        *time.Time `json:"updated_at"`
	IsInTrash        bool       `json:"is_in_trash"`
}

// customerJSON maps a customer of either API shape to its JSON record.
// name is the store's name, else first and last name joined.
func customerJSON(c apiclient.Customer) customerRecord {
	return customerRecord{
		CustomerID: c.ID, DisplayID: c.DisplayID, Email: c.Email,
		FirstName: c.FirstName, LastName: c.LastName, Name: c.FullName(),
		Status: c.Status, Company: c.Company || c.CompanyName != "", CompanyName: c.CompanyName,
		StoreCredit: c.StoreCredit, CreditLimit: c.CreditLimit, AllowCreditLimit: c.AllowCreditLimit,
		CreatedAt: utcOrNil(c.CreatedAt), UpdatedAt: utcOrNil(c.UpdatedAt), IsInTrash: c.InTrash,
	}
}

func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// customerCSVHeader is the header row of --output csv: the JSON names, in
// the same order.
var customerCSVHeader = []string{"customer_id", "display_id", "email", "first_name", "last_name", "name", "status",
	"company", "company_name", "store_credit", "credit_limit", "allow_credit_limit", "created_at", "updated_at",
	"is_in_trash"}

// marshalCustomerJSON is one customer as a single line of terminal-safe
// JSON (no trailing newline): control, bidi and invisible characters are
// \u escapes (audit.EscapeJSON), the data itself is unchanged.
func marshalCustomerJSON(c apiclient.Customer) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(customerJSON(c)); err != nil {
		return nil, err
	}
	return audit.EscapeJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// writeCustomerJSON prints one customer as a JSON object and a newline
// (customers get).
func writeCustomerJSON(w io.Writer, c apiclient.Customer) error {
	b, err := marshalCustomerJSON(c)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// customersJSONStream writes a JSON array incrementally: "[\n", the
// objects separated by ",\n", then "\n]\n" from Close. Nothing is written
// before the first Write or Close, so a command that fails before any
// customer prints nothing on stdout. Close always ends the array, so the
// output stays valid JSON after an interruption.
type customersJSONStream struct {
	w       io.Writer
	started bool
	n       int
	closed  bool
}

// writeCustomersJSONStream starts a JSON array of customers on w; call
// Write for each batch, in order, and Close at the end.
func writeCustomersJSONStream(w io.Writer) *customersJSONStream { return &customersJSONStream{w: w} }

func (s *customersJSONStream) Write(cs []apiclient.Customer) error {
	var buf bytes.Buffer
	if !s.started {
		buf.WriteString("[\n")
		s.started = true
	}
	for _, c := range cs {
		b, err := marshalCustomerJSON(c)
		if err != nil {
			return err
		}
		if s.n > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(b)
		s.n++
	}
	_, err := s.w.Write(buf.Bytes())
	return err
}

// Close ends the array ("[\n]\n" when nothing was written).
func (s *customersJSONStream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	end := "\n]\n"
	switch {
	case !s.started:
		end = "[\n]\n"
	case s.n == 0:
		end = "]\n"
	}
	_, err := io.WriteString(s.w, end)
	return err
}

// customersCSV writes RFC 4180 CSV with the header row first. Cells are
// terminal-safe and cannot run as spreadsheet formulas (csvCell: a cell
// starting with = + - @ gets a leading ').
type customersCSV struct {
	cw     *csv.Writer
	headed bool
}

// newCustomersCSV starts CSV output on w; the header is written with the
// first batch (or by Flush when there is none).
func newCustomersCSV(w io.Writer) *customersCSV { return &customersCSV{cw: csv.NewWriter(w)} }

func (c *customersCSV) head() error {
	if c.headed {
		return nil
	}
	c.headed = true
	return c.cw.Write(customerCSVHeader)
}

func (c *customersCSV) Write(cs []apiclient.Customer) error {
	if err := c.head(); err != nil {
		return err
	}
	for _, cu := range cs {
		r := customerJSON(cu)
		row := []string{strconv.FormatInt(r.CustomerID, 10), r.DisplayID, r.Email, r.FirstName, r.LastName, r.Name,
			r.Status, strconv.FormatBool(r.Company), r.CompanyName, r.StoreCredit, r.CreditLimit,
			strconv.FormatBool(r.AllowCreditLimit), timeText(r.CreatedAt), timeText(r.UpdatedAt),
			strconv.FormatBool(r.IsInTrash)}
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := c.cw.Write(row); err != nil {
			return err
		}
	}
	c.cw.Flush() // rows reach the pipe page by page
	return c.cw.Error()
}

// Flush writes the header if nothing else was written, and flushes.
func (c *customersCSV) Flush() error {
	if err := c.head(); err != nil {
		return err
	}
	c.cw.Flush()
	return c.cw.Error()
}

func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

// writeCustomerIDs prints one id per line.
func writeCustomerIDs(w io.Writer, cs []apiclient.Customer) error {
	var b []byte
	for _, c := range cs {
		b = strconv.AppendInt(b, c.ID, 10)
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// customersTable prints customers as a table, streaming (no need to hold
// every row):
//   - on a terminal (tty): aligned columns of fixed width that fit the
//     terminal (narrower columns, then no COMPANY column, down to 80
//     columns), long text cut with "…", dates as 2006-01-02, "-" for an
//     empty cell;
//   - otherwise: tab-separated values with a header row, nothing cut,
//     exact times (RFC 3339, UTC), tabs and line breaks in text replaced
//     by spaces.
//
// Every cell is terminal-safe (termtext.Clean). No colour: none is needed.
type customersTable struct {
	w      io.Writer
	tty    bool
	widths []int // per column on a terminal; 0 hides the column
	headed bool
}

// newCustomersTable starts a table on w; tty says whether w is a terminal
// (its width, when known, is fitted).
func newCustomersTable(w io.Writer, tty bool) *customersTable {
	t := &customersTable{w: w, tty: tty}
	if tty {
		t.widths = fitColumns(terminalWidth(w))
	}
	return t
}

// terminalWidth is w's width in cells, 0 when unknown (tests replace it).
var terminalWidth = func(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}

// customerColumns are the table's columns and their widths on a wide
// terminal (the ID column grows for longer ids, nothing else does).
var customerColumns = []struct {
	head  string
	width int
}{{"ID", 8}, {"NAME", 28}, {"EMAIL", 36}, {"STATUS", 21}, {"COMPANY", 24}, {"CREATED", 10}}

// Column indexes.
const (
	colName, colEmail, colStatus, colCompany = 1, 2, 3, 4
)

// fitColumns narrows the columns to fit width cells (0: as wide as they
// come): COMPANY, EMAIL, NAME and STATUS shrink to a floor, COMPANY goes
// first if that is not enough. Below 80 columns the terminal wraps.
func fitColumns(width int) []int {
	ws := make([]int, len(customerColumns))
	for i, c := range customerColumns {
		ws[i] = c.width
	}
	total := func() int {
		n := 0
		for _, w := range ws {
			if w > 0 {
				n += w + 2
			}
		}
		return n - 2
	}
	if width <= 0 {
		return ws
	}
	width = max(width, 80)
	for _, step := range []struct{ col, floor int }{
		{colCompany, 14}, {colEmail, 28}, {colName, 20}, {colStatus, 12},
		{colCompany, 0}, {colEmail, 26}, {colName, 16}, {colStatus, 12},
	} {
		over := total() - width
		if over <= 0 {
			break
		}
		if step.floor == 0 {
			ws[step.col] = 0
			continue
		}
		ws[step.col] = max(step.floor, ws[step.col]-over)
	}
	return ws
}

func (t *customersTable) cells(c apiclient.Customer) []string {
	created := ""
	if !c.CreatedAt.IsZero() {
		if t.tty {
			created = c.CreatedAt.UTC().Format(time.DateOnly)
		} else {
			created = c.CreatedAt.UTC().Format(time.RFC3339)
		}
	}
	return []string{strconv.FormatInt(c.ID, 10), c.FullName(), c.Email, c.Status, c.CompanyName, created}
}

var tsvSpace = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

func (t *customersTable) line(b *strings.Builder, cells []string) {
	if !t.tty {
		for i, cell := range cells {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(tsvSpace.Replace(termtext.Clean(cell)))
		}
		b.WriteByte('\n')
		return
	}
	var row []string
	var ws []int
	for i, cell := range cells {
		wd := t.widths[i]
		if wd == 0 {
			continue
		}
		if i == 0 {
			cell = termtext.Clean(cell) // an id is never cut
		} else {
			cell = termtext.CleanMax(cell, wd)
		}
		if cell == "" {
			cell = "-"
		}
		row, ws = append(row, cell), append(ws, wd)
	}
	for i, cell := range row {
		b.WriteString(cell)
		if i < len(row)-1 {
			b.WriteString(strings.Repeat(" ", max(ws[i]-termtext.Width(cell), 0)+2))
		}
	}
	b.WriteByte('\n')
}

func (t *customersTable) head(b *strings.Builder) {
	if t.headed {
		return
	}
	t.headed = true
	heads := make([]string, len(customerColumns))
	for i, c := range customerColumns {
		heads[i] = c.head
	}
	t.line(b, heads)
}

func (t *customersTable) Write(cs []apiclient.Customer) error {
	var b strings.Builder
	t.head(&b)
	for _, c := range cs {
		t.line(&b, t.cells(c))
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// Flush writes the header if nothing else was written.
func (t *customersTable) Flush() error {
	var b strings.Builder
	t.head(&b)
	_, err := io.WriteString(t.w, b.String())
	return err
}

// customersSink is one output format, fed batch by batch in list order.
type customersSink interface {
	Write([]apiclient.Customer) error
	// Close ends the output (the JSON array's "]", the CSV or table
	// header when there were no rows).
	Close() error
}

// newCustomersSink returns the sink for format (one of customerOutputs).
func newCustomersSink(w io.Writer, format string, tty bool) customersSink {
	switch format {
	case outputJSON:
		return writeCustomersJSONStream(w)
	case outputCSV:
		c := newCustomersCSV(w)
		return sinkFuncs{c.Write, c.Flush}
	case outputIDs:
		return sinkFuncs{func(cs []apiclient.Customer) error { return writeCustomerIDs(w, cs) }, func() error { return nil }}
	}
	t := newCustomersTable(w, tty)
	return sinkFuncs{t.Write, t.Flush}
}

type sinkFuncs struct {
	write func([]apiclient.Customer) error
	close func() error
}

func (s sinkFuncs) Write(cs []apiclient.Customer) error { return s.write(cs) }
func (s sinkFuncs) Close() error                        { return s.close() }
