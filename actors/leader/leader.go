// Package leader is the leader role of a quorum server: the leader actor
// ("leader", child of the peer) owns the Zab leader core (core/zab) and
// drives it; one learner handler actor per connected learner
// ("lh-<sid>-<link>", its children) owns that learner's link.
//
// The leader actor turns what happens around it into core events: a
// learner's packets (through its handler), the quorum log's ZabPersisted
// (its own acknowledgement), a handler's end (LearnerLost), the clock
// (Tick every tickTime/2). The txns the prep stage prepares arrive here and
// are proposed; forwarded writes of learners go to prep; sync()s are
// registered with the core. It carries out each Ready in the order
// zab.Ready prescribes. Once a quorum acknowledged NEWLEADER it resets the
// prep stage's zxid to epoch<<32 and tells the peer it serves.
//
// A handler crash closes only its link (supervision: stop): the learner
// sees the link end, goes back to LOOKING, finds this leader again and is
// synced anew. A crash of the leader actor itself ends the role (the peer
// stops it and goes LOOKING): its state is unknown.
package leader

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/epoch"
)

// Props returns the leader actor's props over the log state it starts
// from.
func Props(h *zabhost.Host, st *messages.LogState) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &leaderActor{h: h, st: st, handlers: map[int64]*handlerRef{}, carrier: zabhost.NewCarrier(h, true)}
	}, actor.WithSupervisor(handlerStrategy()))
}

type handlerRef struct {
	pid  *actor.PID
	link uint64
	info linkInfo // for operators (status.go)
}

type leaderActor struct {
	h        *zabhost.Host
	st       *messages.LogState
	core     *zab.Leader
	carrier  *zabhost.Carrier
	handlers map[int64]*handlerRef
	stop     func()
	ended    bool

	// established: a quorum acknowledged NEWLEADER. resetting: the prep
	// stage was told to number from the new epoch; ready: it confirmed
	// (Resynced), so requests may flow to it and what it proposes is of
	// this epoch. Until then learners' requests wait in queued, and
	// proposals (prepared before the reset) are dropped.
	established bool
	resetting   bool
	ready       bool
	readyAt     int64 // the tree must apply this before ready
	queued      []queuedRequest

	status statusState // what operators see (status.go)
}

// queuedRequest is a learner's request that arrived before the leader was
// ready.
type queuedRequest struct {
	r      *messages.ClientRequest
	origin int64
}

func (a *leaderActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.start(ctx)
	case *actor.Stopping:
		a.withdrawStatus()
		if a.stop != nil {
			a.stop()
		}
	case *messages.Tick:
		if a.core == nil {
			return
		}
		a.core.Tick()
		a.carry(ctx)
	case *messages.Flush:
		a.checkReady(ctx)
	case *messages.LinkOpen:
		a.linkOpen(ctx, m)
	case *messages.QuorumPacket:
		a.h.Hooks.Check("leader")
		a.step(ctx, zab.Receive{From: m.From, Packet: m.Packet})
	case *actor.Terminated:
		for sid, ref := range a.handlers {
			if ref.pid.Equal(m.Who) {
				delete(a.handlers, sid)
				a.step(ctx, zab.LearnerLost{ID: sid})
				break
			}
		}
	case *messages.ZabPersisted:
		a.step(ctx, zab.Persisted{UpTo: m.UpTo})
	case *messages.Proposal:
		a.propose(ctx, m)
	case *messages.ClientRequest:
		a.clientRequest(ctx, m, a.h.ID)
	case *messages.Resynced:
		a.resynced(ctx)
	case *messages.SessionCheckResult:
		if m.Valid {
			// Before the learner hears the answer: its client's writes
			// come after, and the old server's are SESSIONMOVED.
			ctx.Send(a.h.Prep, &messages.SessionOwner{SessionId: m.SessionId, Owner: m.Learner})
		}
		a.step(ctx, zab.SessionChecked{Learner: m.Learner, SessionID: m.SessionId, Valid: m.Valid})
	case *messages.SessionOwner:
		// A reconnect to this server (its session manager sends owner 0).
		if m.Owner == 0 {
			m = &messages.SessionOwner{SessionId: m.SessionId, Owner: a.h.ID}
		}
		ctx.Send(a.h.Prep, m)
	case *messages.RoleEnded:
		a.end(ctx, m.Reason)
	case *messages.LogReadResult:
		a.step(ctx, zab.LogRead{Learner: m.Learner, Gen: m.Gen, Txns: m.Txns, OK: m.Ok})
	}
	a.publishStatus()
}

func (a *leaderActor) start(ctx actor.Context) {
	h, st := a.h, a.st
	acc, err := epoch.Read(h.DataDir, epoch.Accepted)
	if err == nil {
		var cur int64
		cur, err = epoch.Read(h.DataDir, epoch.Current)
		if err == nil {
			cfg := zab.LeaderConfig{ID: h.ID, Quorum: h.Quorum, AcceptedEpoch: acc, CurrentEpoch: cur,
				LastLoggedZxid: st.LastLogged, InitLimit: h.InitLimit, SyncLimit: h.SyncLimit,
				CommittedLogSize: zab.DefaultCommittedLogSize, LogReads: h.DiffLog != nil, InitialCounter: h.InitialCounter}
			if n := len(st.Recent); n > 0 && st.Recent[n-1].GetZxid() == st.LastLogged {
				cfg.Recent = st.Recent
			}
			if len(st.Unapplied) > 0 {
				cfg.Unapplied, cfg.AppliedZxid = st.Unapplied, st.Applied
			}
			a.core, err = zab.NewLeader(cfg)
		}
	}
	if err != nil {
		a.end(ctx, fmt.Sprintf("cannot start leading: %v", err))
		return
	}
	a.status.since = time.Now()
	h.SetSessions(st.Sessions)
	ctx.Send(h.Sessions, &messages.SessionsReset{Sessions: st.Sessions})
	h.Logger.Info("leading", "last_logged", hex(st.LastLogged), "accepted_epoch", acc,
		"learners_expected", len(h.Quorum.Voters())+len(h.Quorum.Observers())-1)
	a.stop = zabhost.Ticker(ctx.ActorSystem(), ctx.Self(), h.TickTime/zab.TicksPerTickTime)
	a.carry(ctx)
}

// linkOpen accepts a learner's connection: a new handler owns it. An older
// link of the same learner is closed; the core replaces it when the new
// link's FOLLOWERINFO arrives.
func (a *leaderActor) linkOpen(ctx actor.Context, m *messages.LinkOpen) {
	learner := ctx.Sender()
	if learner == nil || a.ended {
		return
	}
	old := a.handlers[m.Sid]
	if old != nil && old.link == m.Link {
		return // the same attempt, sent again while the transport connected
	}
	if old != nil {
		delete(a.handlers, m.Sid)
		ctx.Stop(old.pid)
	}
	info := linkInfo{stats: zabhost.NewLinkStats(), since: time.Now()}
	props := handlerProps(a.h, m.Sid, m.Link, learner, info.stats)
	pid, err := ctx.SpawnNamed(props, fmt.Sprintf("lh-%d-%x", m.Sid, m.Link))
	if err != nil {
		a.h.Logger.Warn("cannot start a learner handler", "learner", m.Sid, "err", err)
		return
	}
	a.handlers[m.Sid] = &handlerRef{pid: pid, link: m.Link, info: info}
	a.h.Logger.Info("learner connected", "learner", m.Sid, "link", fmt.Sprintf("%x", m.Link))
}

// propose proposes a txn the prep stage prepared.
func (a *leaderActor) propose(ctx actor.Context, m *messages.Proposal) {
	if a.core == nil || !a.ready {
		return
	}
	if _, err := a.core.Propose(m.Txn); err != nil {
		if err != zab.ErrZxidRollover {
			a.end(ctx, fmt.Sprintf("cannot propose %s: %v", hex(m.Txn.GetZxid()), err))
			return
		}
	} else {
		a.h.ObserveProposal(int64(proto.Size(m.Txn)))
		a.h.Count("proposal_count", 1)
	}
	a.carry(ctx)
}

// clientRequest takes a write or a sync() of a client of server origin (this
// server's own, or a learner's forwarded one).
func (a *leaderActor) clientRequest(ctx actor.Context, r *messages.ClientRequest, origin int64) {
	if a.core == nil || !a.established {
		return
	}
	if !a.ready {
		if origin == a.h.ID {
			return // not serving yet: the client's connection is being closed
		}
		a.queued = append(a.queued, queuedRequest{r: r, origin: origin})
		return
	}
	if zabhost.IsSync(r) {
		if origin == a.h.ID {
			a.carrier.PushSync(r)
		}
		if err := a.core.Sync(origin); err != nil && origin == a.h.ID {
			a.carrier.PopSync()
		}
		a.carry(ctx)
		return
	}
	if origin != a.h.ID {
		// A learner's client: its connection id means nothing here.
		r.ConnId = 0
	}
	// Prep checks that the session's client is still on origin.
	ctx.Send(a.h.Prep, &messages.OwnedRequest{Request: r, Owner: origin})
}

func (a *leaderActor) step(ctx actor.Context, ev zab.Event) {
	if a.core == nil {
		return
	}
	if err := a.core.Step(ev); err != nil && err != zab.ErrStopped {
		a.h.Logger.Warn("leader core refused an event", "event", fmt.Sprintf("%T", ev), "err", err)
	}
	a.carry(ctx)
}

// carry carries out everything the core asks for, in zab.Ready's order,
// until it asks for nothing more.
func (a *leaderActor) carry(ctx actor.Context) {
	for a.core != nil && a.core.HasReady() && !a.ended {
		rd := a.core.Ready()
		if err := a.carrier.WriteEpochs(&rd); err != nil {
			a.end(ctx, err.Error())
			return
		}
		a.carrier.LogEntries(ctx, rd.Entries)
		a.carrier.Apply(ctx, rd.Apply)
		countCommits(a.h, rd.Apply)
		var queuedAt time.Time // one clock read per Ready (status.go)
		for _, msg := range rd.Messages {
			if ref := a.handlers[msg.To]; ref != nil {
				if queuedAt.IsZero() {
					queuedAt = time.Now()
				}
				ref.info.stats.Queue(queuedAt)
				ctx.Send(ref.pid, &messages.QuorumPacket{Packet: msg.Packet, AppliedBarrier: a.h.AppliedSent()})
			}
		}
		now := time.Now().UnixMilli()
		for _, t := range rd.Touches {
			ctx.Send(a.h.Sessions, &messages.Touch{SessionId: t.SessionID, UnixMillis: now})
		}
		for _, r := range rd.Requests {
			a.clientRequest(ctx, r.Request, r.From)
		}
		for _, c := range rd.SessionChecks {
			ctx.Request(a.h.Sessions, &messages.SessionCheck{Learner: c.Learner, SessionId: c.SessionID, Timeout: c.Timeout})
		}
		for _, r := range rd.LogReads {
			// The learner's handler reads the files, on its own
			// goroutine: this actor goes on committing meanwhile.
			if ref := a.handlers[r.Learner]; ref != nil {
				ctx.Send(ref.pid, &messages.LogReadRequest{Learner: r.Learner, Gen: r.Gen, From: r.From})
			} else {
				ctx.Send(ctx.Self(), &messages.LogReadResult{Learner: r.Learner, Gen: r.Gen})
			}
		}
		for _, d := range rd.Disconnect {
			if ref := a.handlers[d.ID]; ref != nil {
				a.h.Logger.Info("closing a learner's link", "learner", d.ID, "reason", d.Reason)
				delete(a.handlers, d.ID)
				ctx.Stop(ref.pid)
			}
		}
		if rd.Established {
			a.established = true
			a.readyAt = a.h.AppliedSent()
			a.h.Logger.Info("leader established: a quorum acknowledged NEWLEADER", "epoch", a.core.Epoch())
			a.checkReady(ctx)
		}
		if rd.Stop != nil {
			a.end(ctx, rd.Stop.Reason)
			return
		}
	}
}

// checkReady starts serving once the tree applied the history the epoch
// starts from: the prep stage, which decides from the tree, is reset to
// the epoch's numbering; once it confirms, the requests that waited go to
// it and the peer is told.
func (a *leaderActor) checkReady(ctx actor.Context) {
	if !a.established || a.resetting || a.ended {
		return
	}
	if a.h.DB.LastApplied() < a.readyAt {
		self, root := ctx.Self(), ctx.ActorSystem().Root
		time.AfterFunc(time.Millisecond, func() { root.Send(self, &messages.Flush{}) })
		return
	}
	a.resetting = true
	// The tree holds the whole committed history now, and the host's
	// sessions are its sessions: prep refuses writes of any other (a
	// session closed in an earlier epoch), before it numbers the epoch.
	ctx.Send(a.h.Prep, &messages.SessionsReset{Sessions: a.h.CommittedSessions()})
	ctx.Send(a.h.Prep, &messages.Rollback{LastDurableZxid: zab.MakeZxid(a.core.Epoch(), a.h.InitialCounter)})
}

// resynced: the prep stage numbers from the new epoch; the leader serves.
func (a *leaderActor) resynced(ctx actor.Context) {
	if !a.resetting || a.ready || a.ended {
		return
	}
	a.ready = true
	ep := a.core.Epoch()
	queued := a.queued
	a.queued = nil
	for _, q := range queued {
		a.clientRequest(ctx, q.r, q.origin)
	}
	ctx.Send(ctx.Parent(), &messages.RoleServing{Epoch: ep})
}

// end stops leading: the peer sees this actor stop and goes LOOKING.
func (a *leaderActor) end(ctx actor.Context, reason string) {
	if a.ended {
		return
	}
	a.ended = true
	a.h.Logger.Warn("leader stepping down", "reason", reason)
	ctx.Send(ctx.Parent(), &messages.RoleEnded{Reason: reason})
	ctx.Stop(ctx.Self())
}

func hex(z int64) string { return fmt.Sprintf("%#x", z) }
