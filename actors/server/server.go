// Package server assembles one Corral server: the actor system, the
// supervision tree of docs/ARCHITECTURE.md, the client listener and the
// shared database. It is the only package that knows every actor.
package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
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
	"github.com/corral-zk/corral/actors/snapshotter"
	"github.com/corral-zk/corral/actors/syncer"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/prep"
	"github.com/corral-zk/corral/core/session"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/importer"
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
	obs      observability // stats, admin API, metrics (metrics.go, admin.go)
	done     chan struct{}
	fatal    chan error

	// durable is what recovery found (recovery.go); snapshotter is nil
	// when Options.Log replaced the log.
	durable     *durable
	snapshotter *snapshotter.Snapshotter
	// quorum is set on a server of an ensemble (quorum.go).
	quorum *quorumParts
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
	policy := zkdb.ACLPolicy{Skip: cfg.SkipACL, Auth: cfg.AuthConfig()}
	s.db = zkdb.NewWithPolicy(s.reg, datatree.Options{ExtendedTypesEnabled: cfg.ExtendedTypesEnabled}, policy)
	s.limiter = connection.NewLimiter(cfg.GlobalOutstandingLimit)
	secret, err := loadSecret(cfg)
	if err != nil {
		return nil, err
	}
	// Recovery (recovery.go): the tree, the zxid and the sessions come
	// back from dataDir before any actor runs.
	d, err := s.recover(opts.Log)
	if err != nil {
		return nil, err
	}
	s.durable = d
	if !cfg.IsStandalone() {
		secret = quorumSecret(cfg, secret)
		if err := s.newQuorum(d); err != nil {
			return nil, err
		}
	}
	var apacheSessions map[int64]bool
	if d.snapDir != "" {
		// Sessions imported from Apache keep Apache's passwords (corral
		// import), so that their clients resume them here.
		if apacheSessions, err = importer.ReadApacheSessions(d.snapDir); err != nil {
			return nil, err
		}
	}
	now := time.Now().UnixMilli()
	table := session.New(session.Config{ServerID: cfg.SessionTrackerID(), TickMillis: int32(cfg.TickTime),
		MinTimeout: int32(cfg.MinSessionTimeout), MaxTimeout: int32(cfg.MaxSessionTimeout),
		Secret: secret, StartMillis: now, ApacheSessions: apacheSessions})
	restoreSessions(table, d, int32(cfg.MinSessionTimeout), now)
	core := prep.New(prep.Config{ExtendedTypesEnabled: cfg.ExtendedTypesEnabled, SkipACL: cfg.SkipACL,
		Auth: cfg.AuthConfig(), MaxDataLen: cfg.JuteMaxBuffer}, d.lastZxid)
	s.prep = prepactor.New(core, s.db, s.reg, s.hooks, logger)
	s.syncer = syncer.New(d.log, s.reg, s.hooks, logger, s.syncerOptions(d))
	if d.txnlog != nil {
		s.snapshotter = snapshotter.New(s.db, d.snapDir, s.hooks, logger)
	}
	s.final = final.New(s.db, s.reg, s.hooks, logger)
	touch := time.Duration(cfg.TickTime) * time.Millisecond / 4
	s.manager = sessionactor.NewManager(table, &sessionactor.Deps{Registry: s.reg, DB: s.db,
		Policy: policy, Logger: logger, Hooks: s.hooks, TouchEvery: touch}, time.Duration(cfg.TickTime)*time.Millisecond/4)
	return s, nil
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
	if err := s.startObservability(); err != nil {
		_ = ln.Close()
		s.system.Shutdown()
		return err
	}
	if s.quorum != nil {
		if err := s.startQuorum(); err != nil {
			_ = ln.Close()
			s.stopObservability()
			s.system.Shutdown()
			return err
		}
	}
	s.started = time.Now()
	ready := make(chan error, 1)
	props := actor.PropsFromProducer(func() actor.Actor { return &rootActor{s: s, ready: ready} },
		actor.WithSupervisor(supervision.Pipeline()))
	props = s.instrumented(props)
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
	go s.runAutopurge()
	if s.quorum == nil {
		s.markServing() // an ensemble server serves once its role does (quorum.go)
	}
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
		if s.snapshotter != nil {
			s.snapshotter.Cancel() // a half-written snapshot is discarded
		}
		if s.root != nil {
			_ = s.system.Root.StopFuture(s.root).Wait()
		}
		s.stopQuorum()
		s.system.Shutdown()
		s.closeLog()
		s.stopObservability()
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
		MaxOutbox: 64 << 20, Traces: s.obs.traces, ServerID: max(s.cfg.ServerID, 0),
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
