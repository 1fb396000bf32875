package server

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/peer"
	"github.com/corral-zk/corral/actors/quorumlog"
	sessionactor "github.com/corral-zk/corral/actors/session"
	"github.com/corral-zk/corral/actors/syncer"
	"github.com/corral-zk/corral/actors/transport"
	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/quorum"
	"github.com/corral-zk/corral/fourletter"
	"github.com/corral-zk/corral/storage/layout"
)

// quorumParts is what a server of an ensemble (server.N lines, myid) has
// beside the standalone pipeline: the quorum log actor in place of the
// syncer, the peer actor and its role subtree, and the inter-server
// transport on the quorum port. See docs/ENSEMBLE.md and the package docs
// of actors/peer, actors/leader, actors/learner and actors/quorumlog.
type quorumParts struct {
	host      *zabhost.Host
	peer      *peer.Peer
	log       *quorumlog.Log
	transport *transport.Transport
	bind      string
	advertise string // "" unless quorumListenOnAllIPs: then the server.N address
	peers     map[int64]string
	mode      atomic.Value // fourletter.ServerState while serving
	members   *members     // gossip on the election port (members.go)
}

// newQuorum prepares the quorum parts of a server whose configuration is
// not standalone, after recovery (New).
func (s *Server) newQuorum(d *durable) error {
	cfg := s.cfg
	if d.txnlog == nil {
		return errors.New("an ensemble server needs its data directory (Options.Log cannot replace the log)")
	}
	q, err := quorum.FromConfig(cfg)
	if err != nil {
		return err
	}
	own, ok := cfg.Server(cfg.ServerID)
	if !ok || len(own.Addresses) == 0 {
		return fmt.Errorf("myid %d has no server.%d line", cfg.ServerID, cfg.ServerID)
	}
	peers := map[int64]string{}
	for _, sv := range cfg.Servers {
		if sv.ID == cfg.ServerID || len(sv.Addresses) == 0 {
			continue
		}
		a := sv.Addresses[0]
		peers[sv.ID] = net.JoinHostPort(a.Host, strconv.Itoa(a.QuorumPort))
	}
	logDir, snapDir := layout.Dirs(cfg.DataDir, cfg.DataLogDir)
	if err := removeSyncLeftovers(snapDir); err != nil {
		return err
	}
	var trigger *syncer.SnapTrigger
	if cfg.SnapCount > 0 {
		trigger = syncer.NewSnapTrigger(int64(cfg.SnapCount), cfg.SnapSizeLimitKB<<10, rand.Int64N)
	}
	ql, err := quorumlog.New(quorumlog.Config{Log: d.txnlog, LogDir: logDir, SnapDir: snapDir,
		LogOptions: logOptions(cfg, s), DB: s.db, TreeOptions: datatree.Options{ExtendedTypesEnabled: cfg.ExtendedTypesEnabled},
		Sessions: d.sessions, Trigger: trigger, Logger: s.logger, Hooks: s.hooks, Fatal: s.quorumFatal})
	if err != nil {
		return err
	}
	// corral.testingonly.initialZxid is for tests only (docs/ENSEMBLE.md):
	// every epoch this server leads numbers its txns from that counter.
	var initialCounter int64
	if v, ok := cfg.Corral["testingonly.initialZxid"]; ok {
		if initialCounter, err = strconv.ParseInt(v, 0, 64); err != nil || initialCounter < 0 || initialCounter >= 0xffffffff {
			return fmt.Errorf("corral.testingonly.initialZxid: %q is not a zxid counter (0 to 0xfffffffe)", v)
		}
		s.logger.Warn("corral.testingonly.initialZxid is set: for tests only, every epoch led starts at its counter",
			"counter", fmt.Sprintf("%#x", initialCounter))
	}
	h := &zabhost.Host{Config: zabhost.Config{ID: cfg.ServerID, Quorum: q, InitialCounter: initialCounter,
		TickTime: time.Duration(cfg.TickTime) * time.Millisecond, InitLimit: cfg.InitLimit, SyncLimit: cfg.SyncLimit,
		DataDir: cfg.DataDir, SnapDir: snapDir, Observer: cfg.IsObserver()},
		DB: s.db, Registry: s.reg, Logger: s.logger, Hooks: s.hooks,
		DiffLog: &quorumlog.DiffLog{LogDir: logDir, SnapDir: snapDir, DB: s.db, Logger: s.logger,
			Factor: quorumlog.SnapshotSizeFactor(cfg.Extra, s.logger)}}
	qp := &quorumParts{host: h, log: ql, peers: peers,
		bind: net.JoinHostPort(own.Addresses[0].Host, strconv.Itoa(own.Addresses[0].QuorumPort))}
	if cfg.QuorumListenOnAllIPs {
		// As Apache: listen on every address (containers whose server.N
		// name resolves to a service address, multi-homed hosts) and tell
		// the peers the configured name.
		qp.advertise = qp.bind
		qp.bind = net.JoinHostPort("0.0.0.0", strconv.Itoa(own.Addresses[0].QuorumPort))
	}
	qp.peer = peer.New(h, ql.LastLogged)
	qp.peer.OnServing = s.quorumServing
	qp.mode.Store(fourletter.ServerState(""))
	s.quorum = qp
	return nil
}

// quorumSecret is the key of session passwords in an ensemble. A client
// that reconnects to another server brings its password, so every server
// must check it with the same key: corral.sessionSecret when set, and
// otherwise one derived from the ids of the voters, the one part of the
// membership every zoo.cfg of the ensemble states alike. Observers are
// left out because an observer that joins by itself lists only the
// voters and itself, and addresses because they may be written
// differently (a name on one server, an IP on another). The derived key
// is no secret from whoever knows the ids; Apache's passwords are derived
// from the session id and a constant, so it is no weaker than Apache. Set
// corral.sessionSecret to do better.
func quorumSecret(cfg *config.Config, loaded []byte) []byte {
	if v := cfg.Corral["sessionSecret"]; v != "" {
		return loaded
	}
	var voters []int64
	for _, sv := range cfg.Servers {
		if sv.Type != config.Observer {
			voters = append(voters, sv.ID)
		}
	}
	slices.Sort(voters)
	key := "corral ensemble session key\nvoters"
	for _, id := range voters {
		key += " " + strconv.FormatInt(id, 10)
	}
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// startQuorum opens the quorum port; Start calls it once the actor system
// exists, before any actor is spawned.
func (s *Server) startQuorum() error {
	qp := s.quorum
	t, err := transport.Start(s.system, transport.Config{Self: s.cfg.ServerID, Bind: qp.bind, Advertise: qp.advertise, Peers: qp.peers})
	if err != nil {
		return err
	}
	qp.transport = t
	qp.host.System = s.system
	qp.host.Transport = t
	s.logger.Info("quorum port open", "addr", qp.bind, "server_id", s.cfg.ServerID,
		"voters", qp.host.Quorum.Voters(), "observers", qp.host.Quorum.Observers())
	if err := s.startGossip(t.Address()); err != nil {
		t.Close()
		qp.transport = nil
		return err
	}
	return nil
}

// spawnQuorum spawns the quorum log (in the syncer's place) and the peer,
// and wires the pipeline to them: prep hands its txns to the peer (the
// leader proposes them), the session manager and the session actors send
// their writes, syncs, touches and revalidations to the peer, and the
// snapshotter reports to the quorum log. It returns false when a spawn
// failed (spawn reported it).
func (s *Server) spawnQuorum(spawn func(string, *actor.Props) *actor.PID, final, prep, sessions, snap *actor.PID) bool {
	qp := s.quorum
	logPID := spawn("quorumlog", qp.log.Props())
	if logPID == nil {
		return false
	}
	if snap != nil {
		s.snapshotter.Wire(logPID)
		qp.log.SetSnapshotter(snap)
	}
	h := qp.host
	h.Final, h.Prep, h.Sessions, h.Log = final, prep, sessions, logPID
	peerPID := spawn("peer", qp.peer.Props())
	if peerPID == nil {
		return false
	}
	s.prep.SetNext(peerPID)
	s.manager.SetPrep(peerPID, s.system)
	s.manager.SetQuorum(&sessionactor.Quorum{Peer: peerPID, Serving: qp.peer.Serving, Leading: qp.peer.Leading})
	qp.members.attach(s.system, peerPID)
	return true
}

// quorumServing follows the peer: the server serves clients (4lw, /ready)
// only while its role does.
func (s *Server) quorumServing(serving bool, mode peer.Mode) {
	s.quorum.mode.Store(fourletter.ServerState(mode))
	s.obs.root.Store(s.root)
	s.obs.serving.Store(serving)
	s.quorum.members.serving(serving, mode, s.quorum.peer.Epoch(), s.quorum.peer.LeaderID())
}

// serverMode is the "Mode:" of srvr and mntr's zk_server_state.
func (s *Server) serverMode() fourletter.ServerState {
	if s.quorum == nil {
		return fourletter.StateStandalone
	}
	return s.quorum.mode.Load().(fourletter.ServerState)
}

// quorumStats adds what mntr reports about a quorum peer: its detailed
// state (QuorumPeer.getDetailedPeerState, "following - broadcast") and
// the number of voters.
func (s *Server) quorumStats(st *fourletter.Stats) {
	if s.quorum == nil {
		return
	}
	st.QuorumSize = int64(len(s.quorum.host.Quorum.Voters()))
	switch s.quorum.peer.Mode() {
	case peer.ModeLeader:
		st.PeerState = "leading - broadcast"
	case peer.ModeFollower:
		st.PeerState = "following - broadcast"
	case peer.ModeObserver:
		st.PeerState = "observing - broadcast"
	default:
		st.PeerState = "looking - election"
	}
}

// leadsOrStandalone reports whether this server decides on its own what
// to submit through prep (container sweeps): standalone, or the leader.
func (s *Server) leadsOrStandalone() bool {
	return s.quorum == nil || s.quorum.peer.Leading()
}

// quorumFatal stops the server when the quorum log can no longer be used.
func (s *Server) quorumFatal(err error) {
	select {
	case s.fatal <- fmt.Errorf("transaction log: %w", err):
	default:
	}
}

// stopQuorum closes the quorum port and the log, once the actors stopped.
func (s *Server) stopQuorum() {
	if s.quorum == nil {
		return
	}
	s.quorum.members.stop() // first: the others see it leave at once
	if s.quorum.transport != nil {
		s.quorum.transport.Close()
	}
	if err := s.quorum.log.Close(); err != nil {
		s.logger.Warn("closing the transaction log", "err", err)
	}
}

// removeSyncLeftovers removes what a crash during a sync left in the
// snapshot directory: snapshots being received (sync-*.tmp) or sent
// (send-*).
func removeSyncLeftovers(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if (strings.HasPrefix(n, "sync-") && strings.HasSuffix(n, ".tmp")) || strings.HasPrefix(n, "send-") {
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}
