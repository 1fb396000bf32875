// Package prep is the prep stage actor (Apache's PrepRequestProcessor): the
// single actor that turns client writes into txns, in order, assigning each
// its zxid. The rules live in the pure core core/prep; this shell decodes
// the request body, gives the core the tree, the time and the session's
// identities, and sends the txn on to the syncer.
package prep

import (
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/dispatch"
	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/prep"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/wire"
)

// Stage is the prep actor's state, kept across restarts.
type Stage struct {
	core     *prep.Core
	db       *zkdb.DB
	next     *actor.PID // the syncer
	registry *registry.Registry
	hooks    *supervision.CrashHooks
	stage    supervision.Stage
	now      func() time.Time
}

// New returns the prep stage over a core that continues after lastZxid.
func New(core *prep.Core, db *zkdb.DB, reg *registry.Registry, hooks *supervision.CrashHooks, logger *slog.Logger) *Stage {
	s := &Stage{core: core, db: db, registry: reg, hooks: hooks, now: time.Now}
	s.stage = supervision.Stage{Name: "prep", Handle: s.handle, Logger: logger, OnGiveUp: s.giveUp}
	return s
}

// SetNext wires the syncer (spawned after prep).
func (s *Stage) SetNext(pid *actor.PID) { s.next = pid }

// Props returns the actor's props.
func (s *Stage) Props() *actor.Props {
	return actor.PropsFromProducer(s.stage.Producer(), dispatch.Props())
}

// Core exposes the core (zxid for stats).
func (s *Stage) Core() *prep.Core { return s.core }

func (s *Stage) handle(ctx actor.Context, msg any) {
	if rb, ok := msg.(*messages.Rollback); ok {
		s.core.SetLastZxid(rb.LastDurableZxid)
		ctx.Send(s.next, &messages.Resynced{})
		return
	}
	var owner int64
	switch m := msg.(type) {
	case *messages.SessionOwner:
		s.core.SetOwner(m.SessionId, m.Owner)
		return
	case *messages.SessionsReset:
		// A leader about to serve: the sessions of its history are the
		// live ones (writes of any other session are SESSIONEXPIRED).
		ids := make([]int64, len(m.Sessions))
		for i, st := range m.Sessions {
			ids[i] = st.GetSessionId()
		}
		s.core.TrackSessions(ids)
		return
	case *messages.OwnedRequest:
		// A leader's request: owner is the server its client is on.
		owner, msg = m.Owner, m.Request
	}
	r, ok := msg.(*messages.ClientRequest)
	if !ok || r == nil {
		return
	}
	s.hooks.Check("prep")
	req := prep.Request{
		Owner:          owner,
		SessionID:      r.SessionId,
		Cxid:           r.Cxid,
		Type:           wire.OpCode(r.Type),
		TimeMillis:     s.now().UnixMilli(),
		SessionTimeout: r.SessionTimeout,
		Auth:           fromMsgIDs(r.Auth),
	}
	// An undecodable body leaves Record nil: the core answers it with
	// MARSHALLINGERROR (and an unknown opcode with UNIMPLEMENTED), using a
	// zxid as Apache does.
	req.Record = decode(req.Type, r.Payload)
	var txn *messages.Txn
	s.db.View(func(t *datatree.Tree) { txn = s.core.Prepare(view{t}, req) })
	txn.Trace = r.Trace
	ctx.Send(s.next, &messages.Proposal{Txn: txn, ConnId: r.ConnId, Local: true})
}

func (s *Stage) giveUp(ctx actor.Context, msg any, reason any) {
	if o, ok := msg.(*messages.OwnedRequest); ok {
		msg = o.Request
	}
	if r, ok := msg.(*messages.ClientRequest); ok && r != nil {
		if pid, ok := s.registry.Session(r.SessionId); ok {
			ctx.Send(pid, &messages.StageFailed{Cxid: r.Cxid, Stage: "prep", Reason: "crashed twice"})
		}
	}
}

// decode turns a write's jute body into its record (nil when it does not
// decode or the opcode has no body).
func decode(op wire.OpCode, payload []byte) any {
	var rec wire.Record
	switch op {
	case wire.OpCreate, wire.OpCreate2, wire.OpCreateContainer:
		rec = &wire.CreateRequest{}
	case wire.OpCreateTTL:
		rec = &wire.CreateTTLRequest{}
	case wire.OpDelete:
		rec = &wire.DeleteRequest{}
	case wire.OpSetData:
		rec = &wire.SetDataRequest{}
	case wire.OpSetACL:
		rec = &wire.SetACLRequest{}
	case wire.OpCheck:
		rec = &wire.CheckVersionRequest{}
	case wire.OpMulti:
		rec = &wire.MultiRequest{}
	case wire.OpReconfig:
		rec = &wire.ReconfigRequest{}
	case wire.OpDeleteContainer:
		rec = &wire.PathRequest{}
	default:
		return nil
	}
	if err := wire.Unmarshal(payload, rec); err != nil {
		return nil
	}
	return rec
}

func fromMsgIDs(ids []*messages.Id) []wire.Id {
	out := make([]wire.Id, len(ids))
	for i, id := range ids {
		out[i] = wire.Id{Scheme: id.GetScheme(), ID: id.GetId()}
	}
	return out
}

// view adapts the data tree to the prep core's View.
type view struct{ t *datatree.Tree }

func (v view) Lookup(path string) (prep.NodeInfo, bool) {
	n, ok := v.t.Lookup(path)
	return prep.NodeInfo(n), ok
}

func (v view) EphemeralsOf(session int64) []string { return v.t.EphemeralsOf(session) }

func (v view) LastApplied() int64 { return v.t.LastApplied() }
