// Package zabhost is what the Zab role actors of a quorum server (the
// leader and its learner handlers, the follower, the observer) share: the
// server's parts they talk to (transport, stages, quorum log, session
// manager), the names of the actors on every server, and the code that
// carries out the parts of a Zab core's Ready that leaders and learners
// have in common (epoch files, entries to the log, committed txns and sync
// answers to the final stage).
package zabhost

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/transport"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/quorum"
	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/supervision"
)

// Names of the actors of the quorum tree, the same on every server, so
// that a server addresses another's actors through transport.PID.
const (
	PeerName     = "server/peer"
	ElectionName = "server/peer/election"
	LeaderName   = "server/peer/leader"
	LearnerName  = "server/peer/learner"
)

// ChunkSize is the size of one snapshot chunk on a link: well under the
// transport's message limit (4 MiB is gRPC's default).
const ChunkSize = 1 << 20

// Config is the quorum part of zoo.cfg, as the role actors use it.
type Config struct {
	ID     int64
	Quorum quorum.Verifier
	// TickTime is zoo.cfg's tickTime; the Zab cores tick every half of it.
	TickTime time.Duration
	// InitLimit and SyncLimit are zoo.cfg's, in ticks.
	InitLimit, SyncLimit int
	// DataDir holds the epoch files.
	DataDir string
	// SnapDir holds the snapshots; snapshots received from a leader are
	// staged there (sync-*.tmp) until they are installed.
	SnapDir string
	// Observer is set when this server observes (peerType=observer).
	Observer bool
	// InitialCounter is for tests only (zoo.cfg
	// corral.testingonly.initialZxid, Apache's
	// zookeeper.testingonly.initialZxid): the counter each epoch this
	// server leads continues from (zab.LeaderConfig.InitialCounter).
	InitialCounter int64
}

// Host is one server as its role actors see it. Its fields are set once
// before the quorum tree is spawned.
type Host struct {
	Config
	System    *actor.ActorSystem
	Transport *transport.Transport
	DB        *zkdb.DB
	Registry  *registry.Registry
	// Final, Prep, Sessions and Log are the server's final stage, prep
	// stage, session manager and quorum log actor.
	Final, Prep, Sessions, Log *actor.PID
	Logger                     *slog.Logger
	Hooks                      *supervision.CrashHooks
	// DiffLog reads this server's txn log for a leader's DIFFs that reach
	// back past its in-memory window; nil: such learners get a SNAP.
	DiffLog zab.LogReader
	// Metrics receives the roles' measurements (status.go); nil drops them.
	Metrics Observer

	status roleStatus // what the roles publish for operators (status.go)

	appliedSent atomic.Int64

	mu       sync.Mutex
	sessions recovery.Sessions
}

// AppliedSent is the last zxid handed to the final stage: once the tree
// applied it, everything a role handed out was applied.
func (h *Host) AppliedSent() int64 { return h.appliedSent.Load() }

// SetSessions replaces the sessions of the committed history (a new
// leader's, from its log).
func (h *Host) SetSessions(list []*messages.SessionTimeout) {
	s := recovery.Sessions{}
	for _, st := range list {
		s[st.GetSessionId()] = st.GetTimeoutMs()
	}
	h.mu.Lock()
	h.sessions = s
	h.mu.Unlock()
}

// CommittedSessions lists the sessions of the committed history, for a snapshot
// sent to a learner.
func (h *Host) CommittedSessions() []*messages.SessionTimeout {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions == nil {
		return nil
	}
	return h.sessions.List()
}

func (h *Host) applySession(txn *messages.Txn) {
	h.mu.Lock()
	if h.sessions == nil {
		h.sessions = recovery.Sessions{}
	}
	h.sessions.Apply(txn)
	h.mu.Unlock()
}

// PID names an actor of the quorum tree on server sid.
func (h *Host) PID(sid int64, name string) (*actor.PID, bool) {
	return h.Transport.PID(sid, name)
}

// Ticker sends Tick to pid every period until stop is called.
func Ticker(system *actor.ActorSystem, pid *actor.PID, period time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				system.Root.Send(pid, &messages.Tick{UnixMillis: now.UnixMilli()})
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
