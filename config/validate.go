package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"net/url"
	"os"
	"strings"
)

var oauthKeys = []string{"client_id", "client_secret", "username", "password", "redirect_uri"}

func (l *loader) validate() error {
	for _, check := range []func() *Error{l.checkSite, l.checkCredentials, l.checkTokenHeader, l.checkTimeout, l.checkUndoWindow, l.checkCAFile} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) checkSite() *Error {
	s := &l.s
	raw := strings.TrimSpace(s.Site)
	if raw == "" {
		return &Error{Setting: "site", Msg: "no store site", Fix: l.howToSet("site", `"https://shop.example.com"`)}
	}
	shown := redactSite(raw) // messages get printed and logged
	bad := func(msg, fix string) *Error {
		return &Error{Setting: "site", Msg: fmt.Sprintf("site %q (from %s) %s", shown, s.Source("site"), msg), Fix: fix}
	}
	const example = `use a full URL such as "https://shop.example.com"`
	u, err := url.Parse(raw)
	if err != nil {
		return bad("is not a valid URL", example)
	}
	if !strings.Contains(raw, "://") { // "shop.example.com" or "localhost:8080"
		return bad("has no scheme", fmt.Sprintf("did you mean %q?", "https://"+shown))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("must use https:// (or http:// for a local test server)", example)
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad("has no host", example)
	}
	if u.User != nil { // would leak into logs and String()
		return bad("must not contain a user name or password", "drop the user@ part; credentials go in token or the OAuth settings")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return bad("must not have a query or fragment", "use only scheme, host, port and optional base path")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) && !s.AllowInsecureHTTP {
		return bad("uses plain http:// to a non-local host (credentials and customer data would travel unencrypted)",
			fmt.Sprintf("use https://, or accept the risk with --allow-insecure-http or allow_insecure_http = true %s", l.fileWhere()))
	}
	s.Site = strings.TrimRight(u.String(), "/")
	return nil
}

// redactSite hides any user:password@ part of a site URL, even one that
// does not parse.
func redactSite(raw string) string {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
	}
	end := len(raw)
	if j := strings.IndexAny(raw[start:], "/?#"); j >= 0 {
		end = start + j
	}
	if at := strings.LastIndex(raw[start:end], "@"); at >= 0 {
		return raw[:start] + "***" + raw[start+at:]
	}
	return raw
}

// isLoopback: localhost, 127.0.0.0/8 and ::1 never leave the machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

func (l *loader) checkCredentials() *Error {
	s := &l.s
	vals := map[string]string{
		"client_id": s.ClientID, "client_secret": s.ClientSecret, "username": s.Username,
		"password": s.Password, "redirect_uri": s.RedirectURI,
	}
	// A secret whose command has yet to run counts as set: commands run
	// after validation, and only when the settings are consistent.
	isSet := func(k string) bool { return vals[k] != "" || l.cmds[k] != nil }
	hasToken := s.Token != "" || l.cmds["token"] != nil
	var have, missing []string
	for _, k := range oauthKeys {
		if isSet(k) {
			have = append(have, k)
		} else {
			missing = append(missing, k)
		}
	}
	allOAuth := "client_id, client_secret, username, password and redirect_uri"
	switch {
	case hasToken && len(have) > 0:
		return &Error{Setting: "token",
			Msg: fmt.Sprintf("both token (from %s) and OAuth %s (from %s) are set", s.Source("token"), have[0], s.Source(have[0])),
			Fix: "set either token or " + allOAuth + ", not both"}
	case hasToken:
		return nil
	case len(have) == 0:
		return &Error{Setting: "token", Msg: "no credentials",
			Fix: fmt.Sprintf("set WCADMIN_TOKEN, or token = \"...\" or token_command = \"...\" %s, or all of %s (or their WCADMIN_* variables or *_command keys)", l.fileWhere(), allOAuth)}
	case len(missing) > 0:
		envs := make([]string, len(missing))
		for i, k := range missing {
			envs[i] = envNames[k]
		}
		return &Error{Setting: missing[0],
			Msg: "incomplete OAuth settings: missing " + joinAnd(missing),
			Fix: fmt.Sprintf("set them %s or as %s, or use a token instead", l.fileWhere(), joinAnd(envs))}
	}
	if u, err := url.Parse(s.RedirectURI); err != nil || !u.IsAbs() || u.Host == "" {
		return &Error{Setting: "redirect_uri",
			Msg: fmt.Sprintf("redirect_uri %q (from %s) is not an absolute URL", s.RedirectURI, s.Source("redirect_uri")),
			Fix: "use the redirect URI registered for the API client, e.g. \"https://shop.example.com/callback\""}
	}
	return nil
}

func (l *loader) checkTokenHeader() *Error {
	h := strings.ToLower(strings.TrimSpace(l.s.TokenHeader))
	if h != HeaderBearer && h != HeaderAccessToken {
		return &Error{Setting: "token_header",
			Msg: fmt.Sprintf("token_header %q (from %s) is not supported", l.s.TokenHeader, l.s.Source("token_header")),
			Fix: fmt.Sprintf("use %q or %q", HeaderBearer, HeaderAccessToken)}
	}
	l.s.TokenHeader = h
	return nil
}

func (l *loader) checkTimeout() *Error {
	if l.s.Timeout <= 0 {
		return &Error{Setting: "timeout",
			Msg: fmt.Sprintf("timeout %s (from %s) must be positive", l.s.Timeout, l.s.Source("timeout")),
			Fix: `use a duration such as "15s" or "1m"`}
	}
	return nil
}

// checkUndoWindow refuses a negative undo window, and on a protected store
// raises one below the floor (the profile's undo_window, else the default)
// to it: like read_only and protected, the window is a safety switch that a
// higher layer may strengthen but not weaken. Source then names the floor and
// the value that was refused.
func (l *loader) checkUndoWindow() *Error {
	s := &l.s
	if s.UndoWindow < 0 {
		return &Error{Setting: "undo_window",
			Msg: fmt.Sprintf("undo_window %s (from %s) is negative", s.UndoWindow, s.Source("undo_window")),
			Fix: `use a duration such as "5s" or "10s", or "0" to turn the undo window off`}
	}
	if s.Protected && s.UndoWindow < l.undoFloor {
		s.Sources["undo_window"] = fmt.Sprintf("%s (protected: %s from %s is below it)",
			l.undoFloorSrc, s.UndoWindow, s.Source("undo_window"))
		s.UndoWindow = l.undoFloor
	}
	return nil
}

// maxCAFile bounds what Load reads from ca_file; CA bundles are far smaller.
const maxCAFile = 4 << 20

// checkCAFile reads ca_file once, checks that it holds a PEM certificate and
// keeps the content in Settings.CAPEM for the client.
func (l *loader) checkCAFile() *Error {
	path := l.s.CAFile
	if path == "" {
		return nil
	}
	what := fmt.Sprintf("ca_file %s (from %s)", path, l.s.Source("ca_file"))
	const fix = "point ca_file or WCADMIN_CA_FILE at a PEM file with the certificate of the CA that signed the store's certificate"
	bad := func(msg, fix string) *Error { return &Error{Setting: "ca_file", Msg: what + " " + msg, Fix: fix} }
	// Stat first: opening a FIFO or a terminal would block.
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return bad("does not exist", fix)
	case err != nil:
		return bad("cannot be read: "+errText(err), "check the path and its permissions")
	case !fi.Mode().IsRegular():
		return bad("is not a regular file", fix)
	}
	f, err := os.Open(path)
	if err != nil {
		return bad("cannot be read: "+errText(err), "check the path and its permissions")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	switch {
	case err != nil:
		return bad("cannot be read: "+errText(err), "check the path and its permissions")
	case len(data) > maxCAFile:
		return bad(fmt.Sprintf("is larger than %d MiB", maxCAFile>>20), fix)
	case !x509.NewCertPool().AppendCertsFromPEM(data):
		return bad("holds no PEM certificate",
			"it must contain -----BEGIN CERTIFICATE----- blocks; convert a DER file with: openssl x509 -inform der -in ca.der -out ca.pem")
	}
	l.s.CAPEM = data
	return nil
}

// errText is an error without the path that the message already names.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// howToSet lists every layer that can set key, e.g. `set --site,
// WCADMIN_SITE or site = "..." in profile prod of /path`.
func (l *loader) howToSet(key, example string) string {
	var ways []string
	if f := flagNames[key]; f != "" {
		ways = append(ways, "--"+f)
	}
	if e := envNames[key]; e != "" {
		ways = append(ways, e)
	}
	ways = append(ways, fmt.Sprintf("%s = %s %s", key, example, l.fileWhere()))
	return "set " + joinWith(ways, "or")
}

// fileWhere says where in the config file a setting would go.
func (l *loader) fileWhere() string {
	path := l.path
	if path == "" {
		path = "a config file (--config)"
	}
	if l.s.Profile != "" {
		return fmt.Sprintf("in profile %s of %s", l.s.Profile, path)
	}
	return fmt.Sprintf("in a [profiles.NAME] table of %s", path)
}

func joinAnd(items []string) string { return joinWith(items, "and") }

func joinWith(items []string, conj string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}
