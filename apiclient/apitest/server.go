package apitest

import (
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is a store listening on a real TCP port.
type Server struct {
	// URL is the site root, e.g. http://127.0.0.1:34567 (without /api/v4).
	URL string
	// Addr is the listening host:port.
	Addr string

	srv  *http.Server
	done chan struct{}
}

// Start serves the store on addr (e.g. "127.0.0.1:0" for any free port).
func (s *Store) Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &Server{
		URL:  "http://" + ln.Addr().String(),
		Addr: ln.Addr().String(),
		srv:  &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second},
		done: make(chan struct{}),
	}
	go func() {
		defer close(srv.done)
		srv.srv.Serve(ln)
	}()
	return srv, nil
}

// Close stops listening and closes every connection at once (it does not
// wait for slow or delayed handlers).
func (srv *Server) Close() error {
	err := srv.srv.Close()
	<-srv.done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
