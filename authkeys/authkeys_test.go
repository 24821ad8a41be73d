package authkeys

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/wcadmin/wcadmin/termtext"
)

// edKey returns a deterministic ed25519 public key (n selects the seed).
func edKey(t testing.TB, n byte) ssh.PublicKey {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = n
	pk, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

func rsaKey(t testing.TB, bits int) ssh.PublicKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

// line renders an authorized_keys line: options, key, comment.
func line(pk ssh.PublicKey, options, comment string) string {
	s := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	if options != "" {
		s = options + " " + s
	}
	if comment != "" {
		s += " " + comment
	}
	return s
}

func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

func problemLines(s Set) []int {
	var out []int
	for _, p := range s.Problems {
		out = append(out, p.Line)
	}
	return out
}

func keyLines(s Set) []int {
	var out []int
	for _, k := range s.Keys {
		out = append(out, k.Line)
	}
	return out
}

func checkMessages(t *testing.T, ps []Problem) {
	t.Helper()
	for _, p := range ps {
		if p.Msg == "" || termtext.Clean(p.Msg) != p.Msg || !strings.HasSuffix(p.Msg, ".") ||
			strings.ToUpper(p.Msg[:1]) != p.Msg[:1] {
			t.Errorf("line %d: message %q is not a clean full sentence", p.Line, p.Msg)
		}
	}
}

func TestParseOptions(t *testing.T) {
	a, b, c, d := edKey(t, 1), edKey(t, 2), edKey(t, 3), edKey(t, 4)
	data := lines(
		"# operators",
		"",
		line(a, `wcadmin-profiles="staging, production",wcadmin-read-only`, "alice@laptop"),
		line(b, `no-pty,wcadmin-operator="Bob \"the builder\" Smith",wcadmin-profiles="staging"`, "bob@desk"),
		"   \t",
		line(c, "", ""),
		line(d, `from="10.0.0.0/8",restrict,WCADMIN-Read-Only`, "dora"),
	)
	s := Parse(data)
	if len(s.Problems) != 0 {
		t.Fatalf("problems: %+v", s.Problems)
	}
	if got := keyLines(s); !slices.Equal(got, []int{3, 4, 6, 7}) {
		t.Fatalf("key lines %v", got)
	}
	k := s.Keys[0]
	if k.Operator != "alice@laptop" || !k.ReadOnly || !slices.Equal(k.Profiles, []string{"staging", "production"}) ||
		k.Fingerprint != ssh.FingerprintSHA256(a) || len(k.Options) != 0 {
		t.Errorf("alice: %+v", k)
	}
	k = s.Keys[1]
	if k.Operator != `Bob "the builder" Smith` || k.ReadOnly || !slices.Equal(k.Profiles, []string{"staging"}) ||
		!slices.Equal(k.Options, []string{"no-pty"}) {
		t.Errorf("bob: %+v", k)
	}
	k = s.Keys[2]
	if k.Operator != ssh.FingerprintSHA256(c) || k.ReadOnly || len(k.Profiles) != 0 {
		t.Errorf("no comment: %+v", k)
	}
	k = s.Keys[3]
	if k.Operator != "dora" || !k.ReadOnly || !slices.Equal(k.Options, []string{`from="10.0.0.0/8"`, "restrict"}) {
		t.Errorf("dora: %+v", k)
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Line != 7 || !strings.Contains(s.Warnings[0].Msg, "from") {
		t.Errorf("warnings: %+v", s.Warnings)
	}
	checkMessages(t, s.Warnings)
}

func TestParseProblems(t *testing.T) {
	keys := make([]ssh.PublicKey, 20)
	for i := range keys {
		keys[i] = edKey(t, byte(i+10))
	}
	cases := []struct {
		name string
		line string
		want string // in the message
	}{
		{"garbage", "this is not a key", "not an OpenSSH public key"},
		{"single word", "ssh-ed25519", "not an OpenSSH public key"},
		{"bad base64", "ssh-ed25519 AAAA!!!! x", "not an OpenSSH public key"},
		{"truncated", line(keys[0], "", "")[:40], "not an OpenSSH public key"},
		{"type mismatch", "ssh-rsa " + strings.Fields(line(keys[1], "", ""))[1], "not an OpenSSH public key"},
		{"unknown wcadmin option", line(keys[2], `wcadmin-profile="staging"`, "x"), "not a wcadmin option"},
		{"unknown wcadmin option any case", line(keys[3], `Wcadmin-ReadOnly`, "x"), "not a wcadmin option"},
		{"empty profiles", line(keys[4], `wcadmin-profiles=""`, "x"), "lists no profile"},
		{"blank profiles", line(keys[5], `wcadmin-profiles=" , ,"`, "x"), "lists no profile"},
		{"profiles without value", line(keys[6], `wcadmin-profiles`, "x"), "needs a value"},
		{"unquoted profiles", line(keys[7], `wcadmin-profiles=staging`, "x"), "double quotes"},
		{"profiles twice", line(keys[8], `wcadmin-profiles="a",wcadmin-profiles="b"`, "x"), "twice"},
		{"read-only with value", line(keys[9], `wcadmin-read-only="no"`, "x"), "takes no value"},
		{"empty operator", line(keys[10], `wcadmin-operator=""`, "x"), "names no operator"},
		{"control operator", line(keys[11], `wcadmin-operator="`+"\x1b[2J"+`"`, "x"), "names no operator"},
		{"operator twice", line(keys[12], `wcadmin-operator="a",wcadmin-operator="b"`, "x"), "twice"},
		{"text after quote", line(keys[13], `wcadmin-operator="a"b`, "x"), "double quotes"},
		{"control in profile", line(keys[14], `wcadmin-profiles="a`+"\x07"+`b"`, "x"), "control"},
		{"hostile option name", line(keys[15], "wcadmin-\x1b]0;pwned\x07", "x"), "not a wcadmin option"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			good := edKey(t, 99)
			s := Parse(lines(tc.line, line(good, "", "after")))
			if len(s.Problems) != 1 || s.Problems[0].Line != 1 || !strings.Contains(s.Problems[0].Msg, tc.want) {
				t.Fatalf("problems %+v, want one on line 1 containing %q", s.Problems, tc.want)
			}
			checkMessages(t, s.Problems)
			if len(s.Keys) != 1 || s.Keys[0].Line != 2 || s.Keys[0].Operator != "after" {
				t.Fatalf("the line after was not loaded: %+v", s.Keys)
			}
		})
	}
}

func TestMalformedLineInTheMiddle(t *testing.T) {
	a, b, c := edKey(t, 1), edKey(t, 2), edKey(t, 3)
	s := Parse(lines(
		line(a, "", "a"),
		`wcadmin-profiles="staging ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI`, // unmatched quote
		line(b, `wcadmin-bogus`, "b"),
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB", // truncated key
		line(c, `wcadmin-profiles="production"`, "c"),
	))
	if got := keyLines(s); !slices.Equal(got, []int{1, 5}) {
		t.Errorf("keys on lines %v, want [1 5]", got)
	}
	if got := problemLines(s); !slices.Equal(got, []int{2, 3, 4}) {
		t.Errorf("problems on lines %v, want [2 3 4]: %+v", got, s.Problems)
	}
	if k, ok := s.Lookup(c); !ok || k.Operator != "c" || !slices.Equal(k.Profiles, []string{"production"}) {
		t.Errorf("Lookup(c) = %+v, %v", k, ok)
	}
	if _, ok := s.Lookup(b); ok {
		t.Error("a skipped key was found")
	}
}

func TestDuplicateKey(t *testing.T) {
	a := edKey(t, 1)
	s := Parse(lines(
		line(a, `wcadmin-read-only`, "first"),
		line(a, `wcadmin-profiles="production"`, "second"),
	))
	if len(s.Keys) != 1 || s.Keys[0].Operator != "first" || !s.Keys[0].ReadOnly || len(s.Keys[0].Profiles) != 0 {
		t.Fatalf("keys %+v", s.Keys)
	}
	if len(s.Problems) != 1 || s.Problems[0].Line != 2 || !strings.Contains(s.Problems[0].Msg, "line 1") {
		t.Fatalf("problems %+v", s.Problems)
	}
	checkMessages(t, s.Problems)
	if k, ok := s.Lookup(a); !ok || k.Line != 1 {
		t.Errorf("Lookup = %+v, %v", k, ok)
	}
}

func TestRSASize(t *testing.T) {
	small, big := rsaKey(t, 1024), rsaKey(t, 2048)
	s := Parse(lines(line(small, "", "small"), line(big, "", "big")))
	if len(s.Problems) != 1 || s.Problems[0].Line != 1 || !strings.Contains(s.Problems[0].Msg, "1024 bits") {
		t.Fatalf("problems %+v", s.Problems)
	}
	checkMessages(t, s.Problems)
	if len(s.Keys) != 1 || s.Keys[0].Operator != "big" {
		t.Fatalf("keys %+v", s.Keys)
	}
}

func TestCertificateRejected(t *testing.T) {
	signer, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	cert := &ssh.Certificate{Key: edKey(t, 5), CertType: ssh.UserCert, ValidPrincipals: []string{"x"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, signer); err != nil {
		t.Fatal(err)
	}
	s := Parse(lines(line(cert, "", "cert")))
	if len(s.Keys) != 0 || len(s.Problems) != 1 || !strings.Contains(s.Problems[0].Msg, "certificate") {
		t.Fatalf("%+v", s)
	}
}

func TestOperatorIsTerminalSafe(t *testing.T) {
	a, b := edKey(t, 1), edKey(t, 2)
	long := strings.Repeat("x", 500)
	s := Parse(lines(
		line(a, "", "\x1b[31mmallory\x1b[0m\x07 evil"),
		line(b, `wcadmin-operator="`+long+`"`, ""),
	))
	if len(s.Keys) != 2 {
		t.Fatalf("%+v", s)
	}
	if got := s.Keys[0].Operator; got != "mallory evil" {
		t.Errorf("operator %q", got)
	}
	if got := s.Keys[1].Operator; termtext.Width(got) > OperatorMaxCells || !strings.HasSuffix(got, "…") {
		t.Errorf("long operator %q", got)
	}
}

func TestCRLFAndWhitespace(t *testing.T) {
	a, b := edKey(t, 1), edKey(t, 2)
	data := "  " + line(a, "wcadmin-read-only", "a") + "\r\n\t# comment\r\n\r\n" + line(b, "", "b") // no final newline
	s := Parse([]byte(data))
	if len(s.Problems) != 0 || !slices.Equal(keyLines(s), []int{1, 4}) || s.Keys[0].Operator != "a" || s.Keys[1].Operator != "b" {
		t.Fatalf("%+v", s)
	}
}

func TestLookup(t *testing.T) {
	a, b, other := edKey(t, 1), edKey(t, 2), edKey(t, 3)
	s := Parse(lines(line(a, "", "a"), line(b, "", "b")))
	if k, ok := s.Lookup(b); !ok || k.Operator != "b" || k.Line != 2 {
		t.Errorf("Lookup(b) = %+v, %v", k, ok)
	}
	// A freshly parsed copy of the same key (as the server receives it) matches.
	again, _, _, _, err := ssh.ParseAuthorizedKey(ssh.MarshalAuthorizedKey(a))
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := s.Lookup(again); !ok || k.Operator != "a" {
		t.Errorf("Lookup(a) = %+v, %v", k, ok)
	}
	if _, ok := s.Lookup(other); ok {
		t.Error("unknown key found")
	}
	if _, ok := s.Lookup(nil); ok {
		t.Error("nil key found")
	}
	if _, ok := (Set{}).Lookup(a); ok {
		t.Error("found in empty set")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Load(dir); err == nil {
		t.Fatal("a directory loaded")
	}
	p := filepath.Join(dir, "authorized_keys")
	writeFile(t, p, lines(line(edKey(t, 1), "", "a"), "junk"))
	s, err := Load(p)
	if err != nil || len(s.Keys) != 1 || len(s.Problems) != 1 {
		t.Fatalf("%+v %v", s, err)
	}
}

func ExampleParse() {
	seed := make([]byte, ed25519.SeedSize)
	pk, _ := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	file := `wcadmin-profiles="staging,production",wcadmin-read-only ` +
		strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " Jane Doe\n" +
		"wcadmin-readonly " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " typo\n"
	s := Parse([]byte(file))
	for _, k := range s.Keys {
		fmt.Println(k.Line, k.Operator, k.Profiles, k.ReadOnly)
	}
	for _, p := range s.Problems {
		fmt.Printf("line %d skipped: %s\n", p.Line, p.Msg)
	}
	// Output:
	// 1 Jane Doe [staging production] true
	// line 2 skipped: The option "wcadmin-readonly" is not a wcadmin option (known: wcadmin-profiles, wcadmin-read-only, wcadmin-operator).
}
