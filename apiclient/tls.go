package apiclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

// maxCAFileBytes bounds the CA file read (a bundle of a few hundred certificates fits).
const maxCAFileBytes = 4 << 20

// buildTransport returns the transport to use: nil for resty's default, the caller's
// Transport, or (with a CA file) an *http.Transport whose RootCAs are the system
// roots plus the file's certificates. caPEM, when not nil, is the CA file's content
// already read by the caller; caFile then only names it. TLS verification is never
// turned off.
func buildTransport(rt http.RoundTripper, caFile string, caPEM []byte) (http.RoundTripper, error) {
	if t, ok := rt.(*http.Transport); ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify {
		return nil, errors.New("apiclient: the transport skips TLS certificate verification; refusing it (use CAFile for a private CA)")
	}
	if caFile == "" && caPEM == nil {
		return rt, nil
	}
	if caPEM == nil {
		var err error
		if caPEM, err = readCAFile(caFile); err != nil {
			return nil, err
		}
	}
	pool, err := caPool(caFile, caPEM)
	if err != nil {
		return nil, err
	}
	var t *http.Transport
	switch base := rt.(type) {
	case nil:
		t = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		t = base.Clone()
	default:
		return nil, errors.New("apiclient: CAFile needs the default transport or an *http.Transport")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
		if cfg.MinVersion < tls.VersionTLS12 {
			cfg.MinVersion = tls.VersionTLS12
		}
	}
	cfg.RootCAs = pool
	cfg.InsecureSkipVerify = false
	t.TLSClientConfig = cfg
	return t, nil
}

// readCAFile reads a CA file (a regular file of at most maxCAFileBytes).
func readCAFile(name string) ([]byte, error) {
	// Stat first: opening a FIFO or a terminal would block.
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("apiclient: CA file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("apiclient: CA file %s is not a regular file", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("apiclient: CA file: %w", err)
	}
	defer f.Close()
	pem, err := io.ReadAll(io.LimitReader(f, maxCAFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("apiclient: CA file: %w", err)
	}
	if len(pem) > maxCAFileBytes {
		return nil, fmt.Errorf("apiclient: CA file %s is larger than %d MB; it should hold PEM certificates", name, maxCAFileBytes>>20)
	}
	return pem, nil
}

// caPool is the system roots plus the PEM certificates; name names their file.
func caPool(name string, pem []byte) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		if name == "" {
			name = "(given as PEM)"
		}
		return nil, fmt.Errorf("apiclient: CA file %s holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks; "+
			"convert a DER file with: openssl x509 -inform der -in ca.der -out ca.pem)", name)
	}
	return pool, nil
}
