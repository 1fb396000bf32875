// Package syncer is the sync stage actor (Apache's SyncRequestProcessor):
// it makes txns durable before anything acknowledges them, with group
// commit: proposals that arrive while a sync is running are gathered and
// covered by the next single sync. It also decides when to snapshot (every
// snapCount txns, see SnapTrigger): it rolls the log and asks the
// snapshotter actor for a snapshot, handing it the durable sessions.
//
// When the log cannot be written (a full disk, an I/O error) the batch is
// refused: every client in it gets SYSTEMERROR, never an acknowledgement,
// and the prep stage is rolled back to the last durable zxid so that the
// txns it prepared on top of the refused ones are forgotten. Reads keep
// being served from the tree; the next write tries the log again, so
// writes work again as soon as the disk does.
package syncer

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/dispatch"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/wire"
)

// Log is the durable transaction log the syncer writes to
// (storage/txnlog.Log, or MemLog in tests that are not about durability).
type Log interface {
	// Append buffers a txn.
	Append(txn *messages.Txn) error
	// Sync makes every appended txn durable (write + fsync). On error none
	// of the txns appended since the last successful Sync is durable, and
	// the log is left as it was after that Sync.
	Sync() error
	// SyncedZxid is the zxid of the last durable txn.
	SyncedZxid() int64
	// Roll syncs and makes the next Sync start a new segment; called when
	// a snapshot starts, so that older segments can later be purged whole.
	Roll() error
}

// Options configure a syncer beyond its log.
type Options struct {
	// Applied reports the zxid the data tree has applied up to; the
	// rollback after a failed sync waits until the tree caught up with the
	// durable log (see rollback).
	Applied func() int64
	// Sessions are the sessions the durable log holds open (from recovery).
	Sessions recovery.Sessions
	// Trigger decides when to snapshot; nil disables snapshots.
	Trigger *SnapTrigger
	// SnapshotDue asks for a snapshot with the first batch written: the
	// log replayed at start-up was already long enough for one.
	SnapshotDue bool
	// RetryEvery is how long a refused closeSession of an expired session
	// waits before it is submitted again (0 means one second).
	RetryEvery time.Duration
}

// Stage is the syncer actor's state, kept across restarts.
type Stage struct {
	log         Log
	opts        Options
	final       *actor.PID
	prep        *actor.PID
	snapshotter *actor.PID
	registry    *registry.Registry
	hooks       *supervision.CrashHooks
	logger      *slog.Logger
	stage       supervision.Stage

	batch     []*messages.Proposal
	scheduled bool
	// resyncing: a sync failed; every proposal is refused until prep
	// confirms it rolled back (Resynced).
	resyncing bool
	// rollbackTo is the durable zxid prep is rolled back to once the tree
	// has applied it; rollbackWait is set until that Rollback is sent.
	rollbackTo   int64
	rollbackWait bool
	// ticking: a Tick to this actor is pending (at most one at a time).
	ticking bool
	// closes are sessions whose expiry closeSession was refused; they are
	// submitted again after RetryEvery.
	closes    map[int64]bool
	closesDue time.Time

	sessions     recovery.Sessions
	snapshotting bool
}

// New returns a syncer over log.
func New(log Log, reg *registry.Registry, hooks *supervision.CrashHooks, logger *slog.Logger, opts Options) *Stage {
	if opts.Sessions == nil {
		opts.Sessions = recovery.Sessions{}
	}
	if opts.RetryEvery <= 0 {
		opts.RetryEvery = time.Second
	}
	s := &Stage{log: log, opts: opts, registry: reg, hooks: hooks, logger: logger,
		sessions: opts.Sessions, closes: map[int64]bool{}}
	s.stage = supervision.Stage{Name: "syncer", Handle: s.handle, Logger: logger}
	return s
}

// Wire sets the neighbours.
func (s *Stage) Wire(prep, final *actor.PID) { s.prep, s.final = prep, final }

// SetSnapshotter wires the snapshotter; without one no snapshot is taken.
func (s *Stage) SetSnapshotter(pid *actor.PID) { s.snapshotter = pid }

// Props returns the actor's props.
func (s *Stage) Props() *actor.Props {
	return actor.PropsFromProducer(s.stage.Producer(), dispatch.Props())
}

func (s *Stage) handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case *messages.Proposal:
		s.hooks.Check("syncer")
		if s.resyncing {
			s.refuse(ctx, m)
			return
		}
		if err := s.log.Append(m.Txn); err != nil {
			// What was appended before m is still good: make it durable
			// and deliver it, then refuse m and roll prep back to it.
			s.logger.Error("cannot append txn to the log", "zxid", fmt.Sprintf("%#x", m.Txn.GetZxid()), "err", err)
			s.flush(ctx)
			if !s.resyncing {
				s.fail(ctx, []*messages.Proposal{m})
			} else {
				s.refuse(ctx, m)
			}
			return
		}
		s.batch = append(s.batch, m)
		if !s.scheduled {
			// Flush is queued behind whatever is already in the mailbox, so
			// one sync covers every proposal that arrived meanwhile.
			s.scheduled = true
			ctx.Send(ctx.Self(), &messages.Flush{})
		}
	case *messages.Flush:
		s.scheduled = false
		s.flush(ctx)
	case *messages.Resynced:
		s.resyncing = false
		s.scheduleTick(ctx)
	case *messages.Tick:
		s.ticking = false
		s.tick(ctx, time.UnixMilli(m.UnixMillis))
	case *messages.SnapshotDone:
		s.snapshotting = false
	}
}

func (s *Stage) flush(ctx actor.Context) {
	if len(s.batch) == 0 {
		return
	}
	batch := s.batch
	s.batch = nil
	if err := s.log.Sync(); err != nil {
		s.logger.Error("transaction log sync failed; the batch is refused and writes fail until the log can be written",
			"txns", len(batch), "err", err)
		s.fail(ctx, batch)
		return
	}
	var size int64
	for _, p := range batch {
		s.sessions.Apply(p.Txn)
		if s.opts.Trigger != nil {
			size += int64(proto.Size(p.Txn)) + 8
		}
	}
	ctx.Send(s.final, &messages.ProposalBatch{Proposals: batch})
	if s.opts.Trigger != nil && (s.opts.Trigger.Logged(int64(len(batch)), size) || s.opts.SnapshotDue) {
		s.opts.SnapshotDue = false
		s.snapshot(ctx)
	}
}

// snapshot rolls the log and, unless the previous snapshot still runs,
// asks the snapshotter for a new one with the durable sessions.
func (s *Stage) snapshot(ctx actor.Context) {
	if err := s.log.Roll(); err != nil {
		// The old segment stays the active one; nothing is lost.
		s.logger.Warn("cannot roll the transaction log", "err", err)
	}
	if s.snapshotter == nil {
		return
	}
	if s.snapshotting {
		s.logger.Warn("too busy to snapshot, skipping: the previous snapshot is still being written")
		return
	}
	s.snapshotting = true
	ctx.Send(s.snapshotter, &messages.SnapshotRequest{DurableZxid: s.log.SyncedZxid(), Sessions: s.sessions.List()})
}

// fail refuses a batch that is not durable: each client gets an error
// (never an acknowledgement) and prep is rolled back to the last durable
// zxid. Refused closeSessions of expired sessions are remembered and
// submitted again later.
func (s *Stage) fail(ctx actor.Context, batch []*messages.Proposal) {
	for _, p := range batch {
		s.refuse(ctx, p)
	}
	s.resyncing = true
	s.rollbackTo = s.log.SyncedZxid()
	s.rollbackWait = true
	s.rollback(ctx)
}

// rollback sends Rollback to prep once the tree has applied every durable
// txn. Prep forgets all its change records on Rollback and from then on
// decides from the tree alone, so the tree must first hold everything that
// is durable: the batches already sent to final may still be queued there.
func (s *Stage) rollback(ctx actor.Context) {
	if !s.rollbackWait {
		return
	}
	if s.opts.Applied != nil && s.opts.Applied() < s.rollbackTo {
		s.scheduleTickIn(ctx, time.Millisecond)
		return
	}
	s.rollbackWait = false
	ctx.Send(s.prep, &messages.Rollback{LastDurableZxid: s.rollbackTo})
}

func (s *Stage) refuse(ctx actor.Context, p *messages.Proposal) {
	t := p.Txn
	if wire.OpCode(t.GetType()) == wire.OpCloseSession && p.ConnId == 0 {
		// An expiry decided by the server: nobody waits for it, and the
		// session manager will not expire the session again.
		if len(s.closes) == 0 {
			s.closesDue = time.Now().Add(s.opts.RetryEvery)
		}
		s.closes[t.SessionId] = true
	}
	if pid, ok := s.registry.Session(t.SessionId); ok && p.Local {
		ctx.Send(pid, &messages.WriteDone{Reply: &messages.Reply{SessionId: t.SessionId, Cxid: t.Cxid,
			Zxid: s.log.SyncedZxid(), Err: int32(wire.ErrSystemError), Type: t.Type}})
	}
}

// tick is the syncer's timer: it finishes a waiting rollback and submits
// refused closeSessions again once they are due.
func (s *Stage) tick(ctx actor.Context, now time.Time) {
	s.rollback(ctx)
	if len(s.closes) == 0 || s.resyncing {
		return
	}
	if now.Before(s.closesDue) {
		s.scheduleTickIn(ctx, s.closesDue.Sub(now))
		return
	}
	for id := range s.closes {
		s.logger.Info("submitting the closeSession of an expired session again", "session", fmt.Sprintf("0x%x", id))
		ctx.Send(s.prep, &messages.ClientRequest{SessionId: id, Type: int32(wire.OpCloseSession)})
	}
	clear(s.closes)
}

func (s *Stage) scheduleTick(ctx actor.Context) {
	if len(s.closes) > 0 {
		s.scheduleTickIn(ctx, time.Until(s.closesDue))
	}
}

// scheduleTickIn sends the syncer a Tick after d; at most one is pending.
func (s *Stage) scheduleTickIn(ctx actor.Context, d time.Duration) {
	if s.ticking {
		return
	}
	s.ticking = true
	root, self := ctx.ActorSystem().Root, ctx.Self()
	time.AfterFunc(max(d, 0), func() { root.Send(self, &messages.Tick{UnixMillis: time.Now().UnixMilli()}) })
}
