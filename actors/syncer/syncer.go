// Package syncer is the sync stage actor (Apache's SyncRequestProcessor):
// it makes txns durable before anything acknowledges them, with group
// commit: proposals that arrive while a sync is running are gathered and
// covered by the next single sync.
package syncer

import (
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/wire"
)

// Log is the durable transaction log the syncer writes to.
type Log interface {
	// Append buffers a txn.
	Append(txn *messages.Txn) error
	// Sync makes every appended txn durable (write + fsync). On error none
	// of the txns appended since the last successful Sync is durable, and
	// the log is left as it was after that Sync.
	Sync() error
	// LastZxid is the zxid of the last durable txn.
	LastZxid() int64
}

// Stage is the syncer actor's state, kept across restarts.
type Stage struct {
	log       Log
	final     *actor.PID
	prep      *actor.PID
	registry  *registry.Registry
	hooks     *supervision.CrashHooks
	logger    *slog.Logger
	stage     supervision.Stage
	batch     []*messages.Proposal
	scheduled bool
	// resyncing: a sync failed; every proposal is refused until prep
	// confirms it rolled back (Resynced).
	resyncing bool
	// OnSnapshot, when set, is called after each durable batch with the
	// number of txns (the snapshot trigger counts them).
	OnDurable func(n int)
}

// New returns a syncer over log.
func New(log Log, reg *registry.Registry, hooks *supervision.CrashHooks, logger *slog.Logger) *Stage {
	s := &Stage{log: log, registry: reg, hooks: hooks, logger: logger}
	s.stage = supervision.Stage{Name: "syncer", Handle: s.handle, Logger: logger}
	return s
}

// Wire sets the neighbours.
func (s *Stage) Wire(prep, final *actor.PID) { s.prep, s.final = prep, final }

// Props returns the actor's props.
func (s *Stage) Props() *actor.Props { return actor.PropsFromProducer(s.stage.Producer()) }

func (s *Stage) handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case *messages.Proposal:
		s.hooks.Check("syncer")
		if s.resyncing {
			s.refuse(ctx, m)
			return
		}
		if err := s.log.Append(m.Txn); err != nil {
			s.logger.Error("cannot append txn to the log", "zxid", m.Txn.Zxid, "err", err)
			s.fail(ctx, append(s.batch, m))
			s.batch = nil
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
	}
}

func (s *Stage) flush(ctx actor.Context) {
	if len(s.batch) == 0 {
		return
	}
	batch := s.batch
	s.batch = nil
	if err := s.log.Sync(); err != nil {
		s.logger.Error("transaction log sync failed; writes are refused until it succeeds",
			"txns", len(batch), "err", err)
		s.fail(ctx, batch)
		return
	}
	if s.OnDurable != nil {
		s.OnDurable(len(batch))
	}
	ctx.Send(s.final, &messages.ProposalBatch{Proposals: batch})
}

// fail refuses a batch that is not durable: each client gets an error (never
// an acknowledgement), and prep rolls back to the last durable zxid.
func (s *Stage) fail(ctx actor.Context, batch []*messages.Proposal) {
	for _, p := range batch {
		s.refuse(ctx, p)
	}
	s.resyncing = true
	ctx.Send(s.prep, &messages.Rollback{LastDurableZxid: s.log.LastZxid()})
}

func (s *Stage) refuse(ctx actor.Context, p *messages.Proposal) {
	t := p.Txn
	if pid, ok := s.registry.Session(t.SessionId); ok && p.Local {
		ctx.Send(pid, &messages.WriteDone{Reply: &messages.Reply{SessionId: t.SessionId, Cxid: t.Cxid,
			Zxid: s.log.LastZxid(), Err: int32(wire.ErrSystemError), Type: t.Type}})
	}
}
