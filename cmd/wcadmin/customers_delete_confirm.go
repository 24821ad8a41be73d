package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/wcadmin/wcadmin/apiclient"
)

// The question `customers delete` asks before anything is sent.

// confirmTerminal is where `customers delete` asks for confirmation.
type confirmTerminal struct {
	in    io.Reader
	out   io.Writer
	close func()
}

// openDeleteTerminal finds the terminal to ask on: stdin when it is a
// terminal and did not carry the ids, else /dev/tty; nil when there is none
// (a cron job, a pipeline without a controlling terminal). Tests replace it.
var openDeleteTerminal = func(stdin io.Reader, stdinUsed bool) *confirmTerminal {
	if f, ok := stdin.(*os.File); ok && !stdinUsed && term.IsTerminal(f.Fd()) {
		return &confirmTerminal{in: f, out: os.Stderr, close: func() {}}
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if !term.IsTerminal(tty.Fd()) {
		tty.Close()
		return nil
	}
	return &confirmTerminal{in: tty, out: tty, close: func() { tty.Close() }}
}

// freshLook is the pre-confirmation GET of one id.
type freshLook struct {
	c    apiclient.Customer
	err  error
	done bool
}

// gone reports that the store does not have the customer (404 or trash).
func (l freshLook) gone() bool {
	return apiclient.IsNotFound(l.err) || (l.err == nil && l.c.InTrash)
}

// preview GETs every id, --concurrency at a time. A 401 or 403 ends the
// command (exit 4): nothing was sent.
func (r *deleteRun) preview(ctx context.Context) ([]freshLook, error) {
	looks := make([]freshLook, len(r.ids))
	runBounded(ctx, len(r.ids), r.flags.concurrency, func(i int) bool {
		bctx, cancel := r.sess.budget(ctx)
		defer cancel()
		c, err := r.sess.client.GetCustomer(bctx, r.ids[i])
		if err == nil && c.ID != r.ids[i] {
			err = fmt.Errorf("the store answered with customer %d for id %d", c.ID, r.ids[i])
		}
		looks[i] = freshLook{c: c, err: err, done: true}
		return !isAuthError(err)
	})
	for _, l := range looks {
		if isAuthError(l.err) {
			return nil, fmt.Errorf("%s: %w (nothing was deleted)", r.sess.describeStore(), l.err)
		}
	}
	for i := range looks {
		if !looks[i].done {
			looks[i].c = apiclient.Customer{ID: r.ids[i]}
		}
	}
	return looks, nil
}

// confirm shows what will be deleted and asks on the terminal: yes or the
// count goes ahead; anything else (or the end of input) deletes nothing.
func (r *deleteRun) confirm(ctx context.Context, tty *confirmTerminal, looks []freshLook) error {
	rows := [][]string{{"ID", "NAME", "EMAIL"}}
	var gone, unreadable []string
	n := 0
	for i, l := range looks {
		switch {
		case l.gone():
			gone = append(gone, strconv.FormatInt(r.ids[i], 10))
		case l.err != nil:
			unreadable = append(unreadable, strconv.FormatInt(r.ids[i], 10))
		default:
			n++
			rows = append(rows, []string{strconv.FormatInt(l.c.ID, 10), l.c.FullName(), l.c.Email})
		}
	}
	var b strings.Builder
	if n > 0 {
		fmt.Fprintf(&b, "These customers will be deleted from %s (permanently; no undo):\n\n", r.sess.client.Host())
		_ = writeAlignedRows(&b, rows, []int{12, 40, 60})
		b.WriteByte('\n')
	}
	if len(gone) > 0 {
		fmt.Fprintf(&b, "Already gone (nothing to delete): %s\n", strings.Join(gone, ", "))
	}
	if len(unreadable) > 0 {
		fmt.Fprintf(&b, "Could not be read (will not be deleted): %s\n", strings.Join(unreadable, ", "))
	}
	if n == 0 {
		_, _ = io.WriteString(tty.out, b.String())
		return nil // nothing to confirm: the results say what happened
	}
	fmt.Fprintf(&b, "Delete %s from %s? Type yes or %d to confirm: ", pluralNoun(n, "customer"), r.sess.client.Host(), n)
	if _, err := io.WriteString(tty.out, b.String()); err != nil {
		return fmt.Errorf("asking for confirmation: %w", err)
	}
	answer := make(chan string, 1)
	go func() { // a terminal read cannot be cancelled: a signal leaves it behind
		line, _ := bufio.NewReader(tty.in).ReadString('\n')
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(tty.out)
		fmt.Fprintln(r.errOut, "wcadmin: interrupted: nothing was deleted")
		return exitError{code: exitInterrupted}
	case a := <-answer:
		if strings.EqualFold(a, "yes") || a == strconv.Itoa(n) {
			return nil
		}
		return exitError{code: exitFailure, err: errors.New("not confirmed: nothing was deleted")}
	}
}
