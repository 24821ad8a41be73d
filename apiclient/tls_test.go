package apiclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writePEM(t *testing.T, certs ...*x509.Certificate) string {
	t.Helper()
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	name := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func tlsServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"total": 7}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestCAFile(t *testing.T) {
	srv := tlsServer(t)
	ca := writePEM(t, srv.Certificate())

	c, err := New(Options{Site: srv.URL, Token: "t", CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.CountCustomers(context.Background()); err != nil || n != 7 {
		t.Fatalf("with CA file: %d, %v", n, err)
	}

	// Without it: unknown authority, not retried, not ambiguous.
	var retries retryLog
	c2, err := New(Options{Site: srv.URL, Token: "t", OnRetry: retries.add})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c2.CountCustomers(context.Background())
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != NetTLS || IsAmbiguous(err) || len(retries.list()) != 0 {
		t.Fatalf("without CA file: err = %v, retries %v", err, retries.list())
	}
	if !strings.Contains(err.Error(), "signed by an unknown authority — if the store uses a private or self-signed CA, give its certificate (PEM) as the CA file") {
		t.Errorf("message: %v", err)
	}
}

func TestCAFileHostnameMismatch(t *testing.T) {
	srv := tlsServer(t)
	addr := srv.Listener.Addr().String()
	// wrong.test resolves (by this dialer) to the server, whose certificate does not name it.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	c, err := New(Options{Site: "https://wrong.test", Token: "t", CAFile: writePEM(t, srv.Certificate()), Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CountCustomers(context.Background())
	if k, _ := netErrorKindOf(err); k != NetTLS || !strings.Contains(err.Error(), "is not valid for that name") {
		t.Fatalf("err = %v", err)
	}
}

func TestCAFileExpiredCertificate(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "expired test"},
		NotBefore:             time.Now().Add(-48 * time.Hour),
		NotAfter:              time.Now().Add(-24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"total": 1}`)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	c, err := New(Options{Site: srv.URL, Token: "t", CAFile: writePEM(t, cert)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CountCustomers(context.Background())
	if k, _ := netErrorKindOf(err); k != NetTLS || !strings.Contains(err.Error(), "has expired or is not yet valid") {
		t.Fatalf("err = %v", err)
	}
}

func TestCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("not a certificate\n"), 0o600)
	for _, tt := range []struct {
		name string
		o    Options
		want string
	}{
		{"missing", Options{CAFile: filepath.Join(dir, "nope.pem")}, "CA file"},
		{"no certificate", Options{CAFile: empty}, "holds no PEM certificate"},
		{"directory", Options{CAFile: dir}, "not a regular file"},
		{"custom round tripper", Options{CAFile: writePEM(t, tlsServer(t).Certificate()),
			Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("x") })}, "*http.Transport"},
		{"insecure transport", Options{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}, "skips TLS certificate verification"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Site, tt.o.Token = "https://shop.example.com", "t"
			if _, err := New(tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPlainHTTPServerOverHTTPS(t *testing.T) {
	c, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"total": 1}`) })
	c2, err := New(Options{Site: strings.Replace(srv.URL, "http://", "https://", 1), Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	_ = c
	_, err = c2.CountCustomers(context.Background())
	if k, _ := netErrorKindOf(err); k != NetTLS || !strings.Contains(err.Error(), "does not speak TLS") {
		t.Fatalf("err = %v", err)
	}
}

// CAPEM is the CA file's content read by the caller (package config): New does not
// read CAFile again, and names it in messages.
func TestCAPEMReadOnce(t *testing.T) {
	srv := tlsServer(t)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	gone := filepath.Join(t.TempDir(), "removed-after-config-read-it.pem")

	c, err := New(Options{Site: srv.URL, Token: "t", CAFile: gone, CAPEM: pemBytes})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.CountCustomers(context.Background()); err != nil || n != 7 {
		t.Fatalf("with CAPEM: %d, %v", n, err)
	}

	_, err = New(Options{Site: srv.URL, Token: "t", CAFile: "/etc/wcadmin/ca.pem", CAPEM: []byte("not a certificate")})
	if err == nil || !strings.Contains(err.Error(), "CA file /etc/wcadmin/ca.pem holds no PEM certificate") ||
		!strings.Contains(err.Error(), "openssl x509 -inform der") {
		t.Errorf("garbage CAPEM: %v", err)
	}
	_, err = New(Options{Site: srv.URL, Token: "t", CAPEM: []byte{}})
	if err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("empty CAPEM: %v", err)
	}
}
