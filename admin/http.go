package admin

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strings"
	"time"
)

// Options configure the admin HTTP server (zoo.cfg admin.*).
type Options struct {
	// Addr is admin.serverAddress:admin.serverPort.
	Addr string
	// CommandURL is admin.commandURL, "/commands" by default.
	CommandURL string
	// IdleTimeout is admin.idleTimeout: how long an idle connection is
	// kept open.
	IdleTimeout time.Duration
	// Live answers the liveness probe: nil when the process works (its
	// actors answer), an error saying what does not.
	Live func(ctx context.Context) error
}

// Server is Apache's JettyAdminServer: GET <commandURL>/<name> runs a
// command and answers its JSON; GET <commandURL> lists the commands as
// links. Corral adds two probes for orchestrators, outside commandURL:
//
//   - GET /ready: 200 while the server serves clients, 503 before it does
//     and while it shuts down (a Kubernetes readinessProbe).
//   - GET /live: 200 while the actor system answers, 503 otherwise (a
//     livenessProbe: restart the process if it fails).
type Server struct {
	opts Options
	src  Source
	srv  *http.Server
	ln   net.Listener
}

// New returns an admin server over src; Start makes it listen.
func New(src Source, opts Options) *Server {
	if opts.CommandURL == "" {
		opts.CommandURL = "/commands"
	}
	opts.CommandURL = "/" + strings.Trim(opts.CommandURL, "/")
	return &Server{opts: opts, src: src}
}

// Handler routes the admin API; Start serves it, tests may mount it.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", s.ready)
	mux.HandleFunc("/live", s.live)
	if s.opts.CommandURL == "/" {
		mux.HandleFunc("/", s.commands)
		return mux
	}
	mux.HandleFunc(s.opts.CommandURL, s.commands)
	mux.HandleFunc(s.opts.CommandURL+"/", s.commands)
	return mux
}

// Start listens on opts.Addr and serves until Stop. Failing to listen is
// an error, which stops the server's start as it stops Apache's.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("admin.serverPort: cannot listen on %s: %w", s.opts.Addr, err)
	}
	s.ln = ln
	idle := s.opts.IdleTimeout
	if idle <= 0 {
		idle = 30 * time.Second
	}
	s.srv = &http.Server{Handler: s.Handler(), IdleTimeout: idle, ReadHeaderTimeout: idle}
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

// Addr is the address the server listens on (after Start).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Stop closes the listener and every connection.
func (s *Server) Stop() error {
	if s.srv == nil {
		return nil
	}
	if err := s.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// commands serves the command index and the commands. Every command
// answers 200 with a JSON body, errors included, as Apache does.
func (s *Server) commands(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(s.opts.CommandURL, "/")), "/")
	if name == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		for _, n := range PrimaryNames() {
			u := html.EscapeString(strings.TrimSuffix(s.opts.CommandURL, "/") + "/" + n)
			fmt.Fprintf(&b, "<a href=\"%s\">%s</a>\n<br/>\n", u, html.EscapeString(n))
		}
		_, _ = w.Write([]byte(b.String()))
		return
	}
	args := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			args[k] = v[0]
		}
	}
	body := Run(name, s.src, args).JSON()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if !s.src.Serving() {
		probeAnswer(w, http.StatusServiceUnavailable, NotServing)
		return
	}
	probeAnswer(w, http.StatusOK, "serving")
}

func (s *Server) live(w http.ResponseWriter, r *http.Request) {
	if s.opts.Live != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.opts.Live(ctx); err != nil {
			probeAnswer(w, http.StatusServiceUnavailable, err.Error())
			return
		}
	}
	probeAnswer(w, http.StatusOK, "alive")
}

func probeAnswer(w http.ResponseWriter, code int, status string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(Marshal(Object{{"status", status}}))
}
