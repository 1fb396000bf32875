// Package server assembles one Corral server: the actor system, the
// supervision tree of docs/ARCHITECTURE.md, the client listener and the
// shared database. It is the only package that knows every actor.
package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/connection"
	"github.com/corral-zk/corral/actors/final"
	prepactor "github.com/corral-zk/corral/actors/prep"
	"github.com/corral-zk/corral/actors/registry"
	sessionactor "github.com/corral-zk/corral/actors/session"
	"github.com/corral-zk/corral/actors/syncer"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/prep"
	"github.com/corral-zk/corral/core/session"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
)

// Version is reported by srvr/stat/mntr.
const Version = "3.8.0-corral-0.1"

// Options configure a server.
type Options struct {
	Config *config.Config
	Logger *slog.Logger
	// Hooks arms crash injection (tests); nil disables it.
	Hooks *supervision.CrashHooks
	// Log overrides the transaction log (tests); nil uses the data dir.
	Log syncer.Log
}

// Server is one running Corral server.
type Server struct {
	cfg    *config.Config
	logger *slog.Logger
	hooks  *supervision.CrashHooks

	system   *actor.ActorSystem
	reg      *registry.Registry
	db       *zkdb.DB
	limiter  *connection.Limiter
	counters connection.Counters

	prep     *prepactor.Stage
	syncer   *syncer.Stage
	final    *final.Stage
	manager  *sessionactor.Manager
	root     *actor.PID
	pids     map[string]*actor.PID
	ln       net.Listener
	started  time.Time
	stopOnce sync.Once
	stopping atomic.Bool
	done     chan struct{}
	fatal    chan error
}

// New builds a server from its configuration; Start runs it.
func New(opts Options) (*Server, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	for _, w := range cfg.Warnings {
		logger.Warn("config: " + w)
	}
	s := &Server{cfg: cfg, logger: logger, hooks: opts.Hooks, reg: registry.New(),
		done: make(chan struct{}), fatal: make(chan error, 1), pids: map[string]*actor.PID{}}
	s.db = zkdb.New(s.reg, datatree.Options{ExtendedTypesEnabled: cfg.ExtendedTypesEnabled})
	s.limiter = connection.NewLimiter(cfg.GlobalOutstandingLimit)
	log := opts.Log
	if log == nil {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("dataDir %s: %w", cfg.DataDir, err)
		}
		log = &syncer.MemLog{}
	}
	secret, err := loadSecret(cfg)
	if err != nil {
		return nil, err
	}
	table := session.New(session.Config{ServerID: cfg.SessionTrackerID(), TickMillis: int32(cfg.TickTime),
		MinTimeout: int32(cfg.MinSessionTimeout), MaxTimeout: int32(cfg.MaxSessionTimeout),
		Secret: secret, StartMillis: time.Now().UnixMilli()})
	core := prep.New(prep.Config{ExtendedTypesEnabled: cfg.ExtendedTypesEnabled, SkipACL: cfg.SkipACL,
		SuperDigest: cfg.SuperDigest, MaxDataLen: cfg.JuteMaxBuffer}, log.LastZxid())
	s.prep = prepactor.New(core, s.db, s.reg, s.hooks, logger)
	s.syncer = syncer.New(log, s.reg, s.hooks, logger)
	s.final = final.New(s.db, s.reg, s.hooks, logger)
	policy := zkdb.ACLPolicy{Skip: cfg.SkipACL, Super: cfg.SuperDigest}
	touch := time.Duration(cfg.TickTime) * time.Millisecond / 4
	s.manager = sessionactor.NewManager(table, &sessionactor.Deps{Registry: s.reg, DB: s.db,
		Policy: policy, Logger: logger, Hooks: s.hooks, TouchEvery: touch}, time.Duration(cfg.TickTime)*time.Millisecond/4)
	return s, nil
}

// loadSecret returns the key of session passwords: corral.sessionSecret when
// configured (an ensemble shares it), otherwise one generated once and kept
// in dataDir, so passwords stay valid across restarts.
func loadSecret(cfg *config.Config) ([]byte, error) {
	if v := cfg.Extra["corral.sessionSecret"]; v != "" {
		return []byte(v), nil
	}
	p := filepath.Join(cfg.DataDir, "session.secret")
	if b, err := os.ReadFile(p); err == nil && len(b) >= 16 {
		return b, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", p, err)
	}
	return b, nil
}

// Start spawns the actors and starts listening.
func (s *Server) Start() error {
	addr := net.JoinHostPort(s.cfg.ClientPortAddress, strconv.Itoa(s.cfg.ClientPort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("clientPort: cannot listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.system = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return s.logger.With("lib", "protoactor")
	}))
	s.started = time.Now()
	ready := make(chan error, 1)
	props := actor.PropsFromProducer(func() actor.Actor { return &rootActor{s: s, ready: ready} },
		actor.WithSupervisor(supervision.Pipeline()))
	root, err := s.system.Root.SpawnNamed(props, "server")
	if err != nil {
		return err
	}
	s.root = root
	if err := <-ready; err != nil {
		return err
	}
	s.manager.StartTicker(s.system.Root, s.pids["sessions"])
	go s.accept()
	go s.runContainerSweeper()
	s.logger.Info("corral serving", "addr", ln.Addr().String(), "dataDir", s.cfg.DataDir, "version", Version)
	return nil
}

// Addr is the client listener's address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Done is closed when the server stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// Fatal reports a failure that stopped the server.
func (s *Server) Fatal() <-chan error { return s.fatal }

// Hooks are the crash hooks (nil unless armed by options).
func (s *Server) Hooks() *supervision.CrashHooks { return s.hooks }

// DB is the in-memory database (tests and tools).
func (s *Server) DB() *zkdb.DB { return s.db }

// Stop closes the listener and every connection and stops the actors.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		s.stopping.Store(true)
		if s.ln != nil {
			_ = s.ln.Close()
		}
		s.manager.Stop()
		for _, c := range s.reg.Conns() {
			s.system.Root.Send(c.PID(), &messages.CloseConn{Reason: "server shutting down"})
		}
		if s.root != nil {
			_ = s.system.Root.StopFuture(s.root).Wait()
		}
		s.system.Shutdown()
		close(s.done)
	})
}

func (s *Server) accept() {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.logger.Warn("accept failed", "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		s.system.Root.Send(s.pids["listener"], &accepted{nc: nc})
	}
}

// accepted carries a new socket to the listener actor. Sockets never leave
// the process, so this one message is a Go value, not a protobuf.
type accepted struct{ nc net.Conn }

func (s *Server) connDeps() *connection.Deps {
	return &connection.Deps{
		System: s.system, Registry: s.reg, Sessions: s.pids["sessions"], Limiter: s.limiter,
		MaxBuffer: s.cfg.JuteMaxBuffer, LastZxid: s.db.LastApplied, FourLetter: s.fourLetter,
		Logger: s.logger, OnClose: s.db.RemoveWatcher, Stats: &s.counters,
		MaxOutbox: 64 << 20,
	}
}

// maxClientCnxnsReached applies maxClientCnxns per client IP.
func (s *Server) maxClientCnxnsReached(nc net.Conn) bool {
	limit := s.cfg.MaxClientCnxns
	if limit <= 0 {
		return false
	}
	host, _, _ := net.SplitHostPort(nc.RemoteAddr().String())
	n := 0
	for _, c := range s.reg.Conns() {
		h, _, _ := net.SplitHostPort(c.Remote())
		if h == host {
			n++
		}
	}
	return n >= limit
}
