// Package final is the final stage actor (Apache's FinalRequestProcessor):
// the single writer of the data tree. It applies durable txns in zxid order,
// fires the watches they trigger, and hands each reply to the session that
// waits for it.
package final

import (
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/dispatch"
	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/wire"
)

// Stage is the final actor's state, kept across restarts.
type Stage struct {
	db       *zkdb.DB
	registry *registry.Registry
	sessions *actor.PID
	hooks    *supervision.CrashHooks
	stage    supervision.Stage
	// OnApplied, when set, is called after each batch with its last zxid.
	OnApplied func(zxid int64)
}

// New returns the final stage.
func New(db *zkdb.DB, reg *registry.Registry, hooks *supervision.CrashHooks, logger *slog.Logger) *Stage {
	s := &Stage{db: db, registry: reg, hooks: hooks}
	s.stage = supervision.Stage{Name: "final", Handle: s.handle, Logger: logger}
	return s
}

// SetSessions wires the session manager (told about closed sessions).
func (s *Stage) SetSessions(pid *actor.PID) { s.sessions = pid }

// Props returns the actor's props.
func (s *Stage) Props() *actor.Props {
	return actor.PropsFromProducer(s.stage.Producer(), dispatch.Props())
}

func (s *Stage) handle(ctx actor.Context, msg any) {
	if d, ok := msg.(*messages.WriteDone); ok {
		// A reply that must leave after every txn handed over before it
		// (an ensemble's sync() answer): queued here, it does.
		if pid, ok := s.registry.Session(d.GetReply().GetSessionId()); ok {
			ctx.Send(pid, d)
		}
		return
	}
	b, ok := msg.(*messages.ProposalBatch)
	if !ok {
		return
	}
	s.hooks.Check("final")
	txns := make([]*messages.Txn, len(b.Proposals))
	for i, p := range b.Proposals {
		txns[i] = p.Txn
	}
	// Replies are built inside Apply, after the txn's events were enqueued;
	// they are sent once the lock is released.
	type out struct {
		pid *actor.PID
		msg any
	}
	outs := make([]out, 0, len(txns))
	last := int64(0)
	s.db.Apply(txns, func(txn *messages.Txn, res *datatree.Result) {
		last = txn.Zxid
		if txn.Type == int32(wire.OpCloseSession) && s.sessions != nil {
			outs = append(outs, out{s.sessions, &messages.SessionClosed{SessionId: txn.SessionId}})
		}
		if pid, ok := s.registry.Session(txn.SessionId); ok {
			outs = append(outs, out{pid, &messages.WriteDone{Reply: ReplyFor(txn, res)}})
		}
	})
	for _, o := range outs {
		ctx.Send(o.pid, o.msg)
	}
	if s.OnApplied != nil && last != 0 {
		s.OnApplied(last)
	}
}

// ReplyFor builds the client reply of an applied txn, shaped by the request
// type the txn carries (create answers a path, create2 a path and a stat…).
func ReplyFor(txn *messages.Txn, res *datatree.Result) *messages.Reply {
	rep := &messages.Reply{SessionId: txn.SessionId, Cxid: txn.Cxid, Zxid: txn.Zxid, Type: txn.Type, Trace: txn.Trace}
	op := wire.OpCode(txn.Type)
	if op == wire.OpError {
		rep.Err = txn.GetError().GetErr()
		return rep
	}
	if res.Err != wire.ErrOK && op != wire.OpMulti {
		rep.Err = int32(res.Err)
		return rep
	}
	var rec wire.Record
	switch op {
	case wire.OpCreate:
		rec = &wire.CreateResponse{Path: res.Path}
	case wire.OpCreate2, wire.OpCreateContainer, wire.OpCreateTTL:
		rec = &wire.Create2Response{Path: res.Path, Stat: res.Stat}
	case wire.OpSetData, wire.OpSetACL, wire.OpCheck:
		rec = &wire.StatResponse{Stat: res.Stat}
	case wire.OpMulti:
		// A failed multi still answers err=0 in the header: the failure is
		// in the per-op results (Apache's FinalRequestProcessor).
		rec = multiResponse(txn, res)
	}
	if rec != nil {
		rep.Body = wire.Marshal(rec)
	}
	return rep
}

func multiResponse(txn *messages.Txn, res *datatree.Result) *wire.MultiResponse {
	subs := txn.GetMulti().GetTxns()
	out := &wire.MultiResponse{Results: make([]wire.MultiResult, 0, len(subs))}
	for i, sub := range subs {
		var r datatree.Result
		if i < len(res.Multi) {
			r = res.Multi[i]
		}
		op := wire.OpCode(sub.Type)
		switch {
		case op == wire.OpError:
			out.Results = append(out.Results, wire.MultiResult{Type: wire.OpError, Err: wire.ErrCode(sub.GetError().GetErr())})
		case r.Err != wire.ErrOK:
			out.Results = append(out.Results, wire.MultiResult{Type: wire.OpError, Err: r.Err})
		default:
			out.Results = append(out.Results, wire.MultiResult{Type: op, Path: r.Path, Stat: r.Stat})
		}
	}
	return out
}
