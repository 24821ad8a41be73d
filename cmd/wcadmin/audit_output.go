package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wcadmin/wcadmin/audit"
	"github.com/wcadmin/wcadmin/termtext"
)

// attemptView is one attempt as `wcadmin audit` shows it; its JSON form is
// the object --output json prints (stable snake_case fields).
type attemptView struct {
	Attempt   string    `json:"attempt"`
	Time      time.Time `json:"time"`
	Operator  string    `json:"operator"`
	SSHClient string    `json:"ssh_client"`
	// KeyFingerprint and Via: `wcadmin serve` sessions ("ssh-serve"),
	// the CLI ("cli") or the console ("console").
	KeyFingerprint string `json:"key_fingerprint"`
	Via            string `json:"via"`
	Reason         string `json:"reason"`
	Host           string `json:"host"`
	Profile        string `json:"profile"`
	Site           string `json:"site"`
	Customer       int64  `json:"customer_id"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	// Result is the final line's result, or "open", "undone" (taken back in
	// the undo window) or "scheduled" (waiting out the window, or its wcadmin
	// ended before it did: not sent).
	Result     string            `json:"result"`
	Status     int               `json:"status"`
	DurationMS int64             `json:"duration_ms"`
	Message    string            `json:"message"`
	Settled    *audit.Settlement `json:"settled"`
	// Record is the customer as it was before deletion (null when none).
	Record json.RawMessage `json:"record"`
	Lines  int             `json:"lines"`
}

func viewOf(a audit.Attempt) attemptView {
	first := a.First()
	v := attemptView{Attempt: a.ID, Time: first.Time, Operator: first.Operator, SSHClient: first.SSHClient,
		KeyFingerprint: first.KeyFingerprint, Via: first.Via, Reason: first.Reason,
		Host: first.Host, Profile: first.Profile, Site: first.Site, Customer: first.CustomerID,
		Email: first.Email, Name: first.Name, Result: a.Result(), Status: a.Status(),
		DurationMS: a.Duration().Milliseconds(), Record: a.Record(), Lines: len(a.Lines)}
	switch {
	case a.Final != nil:
		v.Message, v.Settled = a.Final.Message, a.Final.Settled
	case a.Undone != nil:
		v.Message = a.Undone.Message
	case a.Scheduled != nil:
		v.Message = a.Scheduled.Message
	}
	return v
}

// resultText is the result column: an open attempt says it has no outcome,
// a scheduled one that nothing was sent for, a settled one says so.
func (v attemptView) resultText() string {
	switch {
	case v.Result == audit.ResultOpen:
		return "open (no outcome)"
	case v.Result == audit.ResultScheduled:
		return "scheduled (not sent)"
	case v.Settled != nil:
		return v.Result + " (settled)"
	}
	return v.Result
}

func (v attemptView) statusText() string {
	if v.Status == 0 {
		return ""
	}
	return strconv.Itoa(v.Status)
}

func (v attemptView) durationText() string {
	if v.DurationMS == 0 {
		return ""
	}
	return (time.Duration(v.DurationMS) * time.Millisecond).String()
}

// writeTable prints an aligned, terminal-safe table: every cell is cleaned
// and cut to its column's limit, and columns are padded by display width.
func writeTable(w io.Writer, attempts []audit.Attempt) error {
	type column struct {
		head  string
		max   int
		value func(attemptView) string
	}
	cols := []column{
		{"TIME", 20, func(v attemptView) string { return v.Time.UTC().Format("2006-01-02T15:04:05Z") }},
		{"ATTEMPT", 32, func(v attemptView) string { return v.Attempt }},
		{"OPERATOR", 20, func(v attemptView) string { return v.Operator }},
		{"SSH CLIENT", 40, func(v attemptView) string { ip, _, _ := strings.Cut(v.SSHClient, " "); return ip }},
		{"PROFILE", 16, func(v attemptView) string { return v.Profile }},
		{"SITE", 40, func(v attemptView) string { return v.Site }},
		{"CUSTOMER", 12, func(v attemptView) string { return strconv.FormatInt(v.Customer, 10) }},
		{"EMAIL", 40, func(v attemptView) string { return v.Email }},
		{"RESULT", 24, attemptView.resultText},
		{"STATUS", 6, attemptView.statusText},
		{"DURATION", 10, attemptView.durationText},
	}
	rows := make([][]string, 0, len(attempts)+1)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.head
	}
	rows = append(rows, head)
	for _, a := range attempts {
		v := viewOf(a)
		row := make([]string, len(cols))
		for i, c := range cols {
			if row[i] = termtext.CleanMax(c.value(v), c.max); row[i] == "" {
				row[i] = "-"
			}
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(cols))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], termtext.Width(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-termtext.Width(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// csvHeader names the CSV columns (the record is only in --output json).
var csvHeader = []string{"attempt", "time", "operator", "ssh_client", "host", "profile", "site", "customer_id",
	"email", "name", "result", "status", "duration_ms", "message", "settled_by", "settled_at", "lines",
	"key_fingerprint", "via", "reason"}

// writeCSV prints RFC 4180 CSV with a header row. Cells are terminal-safe
// and cannot run as spreadsheet formulas.
func writeCSV(w io.Writer, attempts []audit.Attempt) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, a := range attempts {
		v := viewOf(a)
		var settledBy, settledAt string
		if v.Settled != nil {
			settledBy, settledAt = v.Settled.By, v.Settled.At.UTC().Format(time.RFC3339)
		}
		row := []string{v.Attempt, v.Time.UTC().Format(time.RFC3339), v.Operator, v.SSHClient, v.Host, v.Profile, v.Site,
			strconv.FormatInt(v.Customer, 10), v.Email, v.Name, v.Result, v.statusText(),
			strconv.FormatInt(v.DurationMS, 10), v.Message, settledBy, settledAt, strconv.Itoa(v.Lines),
			v.KeyFingerprint, v.Via, v.Reason}
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell makes journal text terminal-safe and keeps a spreadsheet from
// running it: a cell starting with = + - @ (or a tab or CR) gets a leading '.
func csvCell(s string) string {
	s = termtext.Clean(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeJSONLines prints one JSON object per attempt per line.
func writeJSONLines(w io.Writer, attempts []audit.Attempt) error {
	for _, a := range attempts {
		if err := writeSafeJSON(w, viewOf(a)); err != nil {
			return err
		}
	}
	return nil
}

// writeSafeJSON writes v as one line of JSON that is safe to print on a
// terminal (see audit.EscapeJSON).
func writeSafeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(audit.EscapeJSON(buf.Bytes()))
	return err
}
