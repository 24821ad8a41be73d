// Package authkeys reads the authorized_keys file of `wcadmin serve`: which
// SSH public keys may connect, who they belong to and what they may do.
//
// The file uses the OpenSSH format (sshd(8), AUTHORIZED_KEYS FILE FORMAT):
// one key a line, optionally preceded by comma-separated options and
// followed by a comment. wcadmin reads these options of its own:
//
//	wcadmin-profiles="staging,production"  profiles the key may use
//	wcadmin-read-only                      read-only access
//	wcadmin-operator="Jane Doe"            the operator's name
//
// Without wcadmin-operator the comment names the operator; without a
// comment, the key's fingerprint does. Identity always comes from the key,
// never from the SSH user name.
//
// A line that cannot be used is reported as a [Problem] with its line number
// and skipped; it never disables the keys after it. An unknown wcadmin-*
// option is such a problem (a typo must not silently grant or drop a
// restriction); other OpenSSH options (from=, no-pty, restrict, …) are kept
// in [Key.Options] but not enforced by wcadmin — the access-limiting ones
// among them (from=, expiry-time=, cert-authority, principals=) are reported
// as [Set.Warnings].
package authkeys

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/termtext"
)

// OperatorMaxCells is the display width at which an operator name is cut.
const OperatorMaxCells = 64

// MinRSABits is the smallest RSA modulus accepted.
const MinRSABits = 2048

// The wcadmin options.
const (
	OptProfiles = "wcadmin-profiles"
	OptReadOnly = "wcadmin-read-only"
	OptOperator = "wcadmin-operator"
)

// Key is one authorized key and what it may do.
type Key struct {
	Line        int           // 1-based line in the file
	PublicKey   ssh.PublicKey // golang.org/x/crypto/ssh
	Fingerprint string        // ssh.FingerprintSHA256
	Operator    string        // wcadmin-operator="…", else the comment, else the fingerprint; terminal-safe (termtext.CleanMax)
	Profiles    []string      // wcadmin-profiles="a,b" (trimmed, non-empty, in order); empty = no profile granted
	ReadOnly    bool          // wcadmin-read-only
	// Options are the line's other (non-wcadmin) options as written, e.g.
	// `from="10.0.0.0/8"` or "no-pty". wcadmin does not enforce them.
	Options []string
}

// Problem is a line that was skipped.
type Problem struct {
	Line int
	Msg  string // a full sentence, terminal-safe
}

// Set is a parsed authorized_keys file.
type Set struct {
	Keys     []Key
	Problems []Problem
	// Warnings are about lines that were loaded (their key is in Keys) but
	// carry an OpenSSH option that would limit the key and that wcadmin does
	// not enforce (from=, expiry-time=, cert-authority, principals=).
	Warnings []Problem
}

// unenforced are the OpenSSH options that restrict who or when a key may
// log in; wcadmin serve ignores them, which an administrator should know.
var unenforced = map[string]bool{
	"from":           true,
	"expiry-time":    true,
	"cert-authority": true,
	"principals":     true,
}

// Load reads and parses the file at path. The error is only for I/O (a
// missing file gives an error matching fs.ErrNotExist); a malformed line is
// a Problem in the Set.
func Load(path string) (Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Set{}, err
	}
	return Parse(data), nil
}

// Parse parses the contents of an authorized_keys file. It never fails:
// lines that cannot be used are in Problems and skipped.
func Parse(data []byte) Set {
	var s Set
	seen := map[string]int{} // marshalled key → line
	for i, line := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		t := bytes.Trim(line, " \t\r")
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		k, warn, msg := parseLine(t)
		if msg != "" {
			s.Problems = append(s.Problems, Problem{Line: n, Msg: msg})
			continue
		}
		blob := string(k.PublicKey.Marshal())
		if first, dup := seen[blob]; dup {
			s.Problems = append(s.Problems, Problem{Line: n,
				Msg: fmt.Sprintf("The key is already listed on line %d; only that line counts.", first)})
			continue
		}
		seen[blob] = n
		k.Line = n
		s.Keys = append(s.Keys, k)
		if warn != "" {
			s.Warnings = append(s.Warnings, Problem{Line: n, Msg: warn})
		}
	}
	return s
}

// Lookup returns the key that is exactly pk (same wire encoding); the first
// match wins.
func (s Set) Lookup(pk ssh.PublicKey) (Key, bool) {
	if pk == nil {
		return Key{}, false
	}
	blob := pk.Marshal()
	for _, k := range s.Keys {
		if k.PublicKey != nil && bytes.Equal(k.PublicKey.Marshal(), blob) {
			return k, true
		}
	}
	return Key{}, false
}

// parseLine parses one non-blank, non-comment line. It returns the key, a
// warning (or "") and, when the line must be skipped, the reason.
func parseLine(line []byte) (k Key, warn, problem string) {
	pk, comment, options, rest, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		return k, "", "The line is not an OpenSSH public key (" + cleanErr(err) + ")."
	}
	if len(bytes.TrimSpace(rest)) != 0 { // cannot happen for a single line
		return k, "", "The line holds more than one key."
	}
	if _, ok := pk.(*ssh.Certificate); ok {
		return k, "", "The line holds an SSH certificate; list the plain public key instead."
	}
	switch pk.Type() {
	case "ssh-dss": // ssh.KeyAlgoDSA, deprecated with DSA itself
		return k, "", "DSA keys are no longer accepted; use an ed25519 key."
	case ssh.KeyAlgoRSA:
		if cpk, ok := pk.(ssh.CryptoPublicKey); ok {
			if rk, ok := cpk.CryptoPublicKey().(*rsa.PublicKey); ok && rk.N.BitLen() < MinRSABits {
				return k, "", fmt.Sprintf("The RSA key has %d bits; at least %d are required.", rk.N.BitLen(), MinRSABits)
			}
		}
	}
	k.PublicKey = pk
	k.Fingerprint = ssh.FingerprintSHA256(pk)

	var operator string
	var haveProfiles, haveOperator bool
	var warned []string
	for _, opt := range options {
		name, value, hasValue := strings.Cut(opt, "=")
		lname := strings.ToLower(name) // sshd matches option names case-insensitively
		if !strings.HasPrefix(lname, "wcadmin-") {
			k.Options = append(k.Options, opt)
			if unenforced[lname] {
				warned = append(warned, lname)
			}
			continue
		}
		switch lname {
		case OptReadOnly:
			if hasValue {
				return Key{}, "", "The option " + OptReadOnly + " takes no value."
			}
			k.ReadOnly = true
		case OptProfiles, OptOperator:
			if !hasValue {
				return Key{}, "", fmt.Sprintf("The option %s needs a value in double quotes, as in %s.", lname, example(lname))
			}
			v, ok := dequote(value)
			if !ok {
				return Key{}, "", fmt.Sprintf("The value of %s must be in double quotes, as in %s.", lname, example(lname))
			}
			if lname == OptProfiles {
				if haveProfiles {
					return Key{}, "", "The option " + OptProfiles + " is given twice; list all profiles in one."
				}
				haveProfiles = true
				k.Profiles = splitProfiles(v)
				if len(k.Profiles) == 0 {
					return Key{}, "", "The option " + OptProfiles + " lists no profile; remove the key or name at least one profile."
				}
				for _, p := range k.Profiles {
					if termtext.Clean(p) != p {
						return Key{}, "", fmt.Sprintf("The profile name %q in %s contains control or invisible characters.",
							termtext.CleanMax(p, 40), OptProfiles)
					}
				}
			} else {
				if haveOperator {
					return Key{}, "", "The option " + OptOperator + " is given twice."
				}
				haveOperator = true
				operator = termtext.CleanMax(v, OperatorMaxCells)
				if operator == "" {
					return Key{}, "", "The option " + OptOperator + " names no operator."
				}
			}
		default:
			return Key{}, "", fmt.Sprintf("The option %q is not a wcadmin option (known: %s, %s, %s).",
				termtext.CleanMax(name, 40), OptProfiles, OptReadOnly, OptOperator)
		}
	}
	if operator == "" {
		operator = termtext.CleanMax(comment, OperatorMaxCells)
	}
	if operator == "" {
		operator = k.Fingerprint
	}
	k.Operator = operator
	if len(warned) > 0 {
		warn = fmt.Sprintf("The key is loaded, but wcadmin does not enforce its option %s.", strings.Join(warned, ", "))
	}
	return k, warn, ""
}

func example(opt string) string {
	if opt == OptProfiles {
		return OptProfiles + `="staging,production"`
	}
	return OptOperator + `="Jane Doe"`
}

// dequote undoes OpenSSH's quoting of an option value: the value starts and
// ends with '"', and `\"` stands for '"' inside it.
func dequote(v string) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) && v[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		if c == '"' {
			if i != len(v)-1 {
				return "", false // text after the closing quote
			}
			return b.String(), true
		}
		b.WriteByte(c)
	}
	return "", false // no closing quote
}

// splitProfiles splits a comma-separated list, trimming names and dropping
// empty ones and repeats; the order is kept.
func splitProfiles(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		dup := false
		for _, q := range out {
			if q == p {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// cleanErr makes a parse error terminal-safe and short.
func cleanErr(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "ssh: no key found; last parsing error for ignored line: ")
	msg = strings.TrimPrefix(msg, "ssh: ")
	msg = strings.TrimRight(termtext.CleanMax(msg, 120), ".")
	if msg == "" {
		msg = "unreadable"
	}
	return msg
}
