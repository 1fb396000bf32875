package zabhost

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/epoch"
	"github.com/corral-zk/corral/wire"
)

// Carrier carries out the fields of a Zab core's Ready that leaders and
// learners share, in the order zab.Ready prescribes: epoch files (durable
// before any message of the same Ready leaves), entries to the quorum log,
// committed txns and sync() answers to the final stage. One role actor owns
// one Carrier; it also keeps the role's local sync() requests, answered in
// order as the core reports them done.
type Carrier struct {
	h *Host
	// Leading makes committed createSession txns known to the session
	// manager (the leader's table holds every session of the ensemble).
	Leading bool
	syncs   []*messages.ClientRequest
}

// NewCarrier returns the carrier of one role.
func NewCarrier(h *Host, leading bool) *Carrier { return &Carrier{h: h, Leading: leading} }

// WriteEpochs writes the epoch files a Ready asks for, durably.
func (c *Carrier) WriteEpochs(rd *zab.Ready) error {
	if rd.AcceptedEpoch != nil {
		if err := epoch.Write(c.h.DataDir, epoch.Accepted, *rd.AcceptedEpoch); err != nil {
			return fmt.Errorf("write %s: %w", epoch.Accepted, err)
		}
	}
	if rd.CurrentEpoch != nil {
		if err := epoch.Write(c.h.DataDir, epoch.Current, *rd.CurrentEpoch); err != nil {
			return fmt.Errorf("write %s: %w", epoch.Current, err)
		}
	}
	return nil
}

// LogEntries hands txns to the quorum log; it reports ZabPersisted to the
// sending actor once they are durable.
func (c *Carrier) LogEntries(ctx actor.Context, entries []*messages.Txn) {
	for _, t := range entries {
		ctx.Request(c.h.Log, &messages.Proposal{Txn: t})
	}
}

// PushSync records a local client's sync(), answered at the next SyncDone.
func (c *Carrier) PushSync(req *messages.ClientRequest) { c.syncs = append(c.syncs, req) }

// PopSync forgets the newest recorded sync() (the core refused it).
func (c *Carrier) PopSync() {
	if n := len(c.syncs); n > 0 {
		c.syncs = c.syncs[:n-1]
	}
}

// Apply hands committed txns to the final stage, in order, and answers
// sync() requests in their place in that order: the answer goes through
// the final stage too, so that it leaves only after every txn before it
// was applied and a read behind it sees them.
func (c *Carrier) Apply(ctx actor.Context, applies []zab.Apply) {
	var batch []*messages.Proposal
	flush := func() {
		if len(batch) > 0 {
			ctx.Send(c.h.Final, &messages.ProposalBatch{Proposals: batch})
			batch = nil
		}
	}
	for _, a := range applies {
		if a.SyncDone {
			flush()
			c.answerSync(ctx)
			continue
		}
		t := a.Txn
		c.h.applySession(t)
		if c.Leading && wire.OpCode(t.GetType()) == wire.OpCreateSession {
			ctx.Send(c.h.Sessions, &messages.SessionAdd{SessionId: t.GetSessionId(),
				Timeout: t.GetCreateSession().GetTimeout()})
		}
		batch = append(batch, &messages.Proposal{Txn: t})
		if z := t.GetZxid(); z > c.h.appliedSent.Load() {
			c.h.appliedSent.Store(z)
		}
	}
	flush()
}

func (c *Carrier) answerSync(ctx actor.Context) {
	if len(c.syncs) == 0 {
		return
	}
	req := c.syncs[0]
	c.syncs[0] = nil
	c.syncs = c.syncs[1:]
	rep := &messages.Reply{SessionId: req.GetSessionId(), Cxid: req.GetCxid(), Zxid: c.h.appliedSent.Load(),
		Type: req.GetType(), Trace: req.GetTrace()}
	var p wire.PathRequest
	if err := wire.Unmarshal(req.GetPayload(), &p); err != nil {
		rep.Err = int32(wire.ErrMarshallingError)
	} else {
		rep.Body = wire.Marshal(&wire.PathRequest{Path: p.Path})
	}
	ctx.Send(c.h.Final, &messages.WriteDone{Reply: rep})
}

// IsSync reports whether a client request is a sync().
func IsSync(req *messages.ClientRequest) bool { return wire.OpCode(req.GetType()) == wire.OpSync }
