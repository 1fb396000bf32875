// Package snapshotter is the actor that writes snapshots (Apache's
// "Snapshot Thread"). The sync stage asks for one every snapCount txns,
// right after rolling the log; the snapshotter walks the tree in small
// chunks under the read lock (a fuzzy snapshot, see Take) on its own
// goroutine, so neither the pipeline nor the readers wait for the file to
// be written. One snapshot runs at a time: the syncer skips a request while
// the previous one is still running, as Apache does.
package snapshotter

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
)

// Snapshotter is the actor's state, kept across restarts.
type Snapshotter struct {
	db     *zkdb.DB
	dir    string
	logger *slog.Logger
	hooks  *supervision.CrashHooks
	stage  supervision.Stage
	syncer *actor.PID
	cancel atomic.Bool
	last   atomic.Pointer[Result]
	// Chunk is the number of nodes copied per read-lock hold (0 means
	// DefaultChunk).
	Chunk int
}

// New returns the snapshotter writing into dir.
func New(db *zkdb.DB, dir string, hooks *supervision.CrashHooks, logger *slog.Logger) *Snapshotter {
	s := &Snapshotter{db: db, dir: dir, logger: logger, hooks: hooks}
	s.stage = supervision.Stage{Name: "snapshotter", Handle: s.handle, Logger: logger, OnGiveUp: s.giveUp}
	return s
}

// Wire sets the syncer, which is told when each snapshot is done.
func (s *Snapshotter) Wire(syncer *actor.PID) { s.syncer = syncer }

// Props returns the actor's props.
func (s *Snapshotter) Props() *actor.Props { return actor.PropsFromProducer(s.stage.Producer()) }

// Cancel makes a running snapshot stop at its next chunk (server shutdown:
// a half-written snapshot is discarded, the log holds everything).
func (s *Snapshotter) Cancel() { s.cancel.Store(true) }

// Last is the last snapshot written, nil before the first (metrics, tests).
func (s *Snapshotter) Last() *Result { return s.last.Load() }

func (s *Snapshotter) handle(ctx actor.Context, msg any) {
	req, ok := msg.(*messages.SnapshotRequest)
	if !ok {
		return
	}
	s.hooks.Check("snapshotter")
	s.logger.Info("snapshot starting", "durable_zxid", fmt.Sprintf("%#x", req.GetDurableZxid()),
		"sessions", len(req.GetSessions()))
	res, err := Take(s.db, s.dir, req, s.Chunk, &s.cancel)
	done := &messages.SnapshotDone{Zxid: res.Zxid, Nodes: res.Nodes, Bytes: res.Bytes,
		DurationMicros: res.Elapsed.Microseconds()}
	if err != nil {
		done.Error = err.Error()
		s.logger.Error("snapshot failed; the log keeps every txn, the next snapshot will retry",
			"zxid", fmt.Sprintf("%#x", res.Zxid), "err", err)
	} else {
		s.last.Store(&res)
		s.logger.Info("snapshot written", "file", res.Path, "zxid", fmt.Sprintf("%#x", res.Zxid),
			"nodes", res.Nodes, "bytes", res.Bytes, "elapsed", res.Elapsed, "lock_hold_p99", res.HoldP99, "lock_hold_max", res.MaxHold)
	}
	s.reply(ctx, done)
}

func (s *Snapshotter) reply(ctx actor.Context, done *messages.SnapshotDone) {
	if s.syncer != nil {
		ctx.Send(s.syncer, done)
	}
}

// giveUp answers a request that crashed the actor twice, so the syncer
// does not wait for it forever.
func (s *Snapshotter) giveUp(ctx actor.Context, msg any, reason any) {
	if _, ok := msg.(*messages.SnapshotRequest); ok {
		s.reply(ctx, &messages.SnapshotDone{Error: fmt.Sprintf("snapshotter crashed: %v", reason)})
	}
}
