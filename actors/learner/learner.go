// Package learner is the learner role of a quorum server: the learner
// actor ("learner", child of the peer) follows or observes the elected
// leader with the Zab learner core (core/zab).
//
// It first opens a link to the leader: LinkOpen to the leader actor, again
// every connectRetry until a learner handler accepts (the leader may still
// be finishing its own election) or initLimit passes. It then watches the
// handler, so that a lost leader, or a handler that stopped, ends the
// role; it checks the numbering of the link's messages, collects a SNAP's
// snapshot chunks into a staged file before the core sees the SNAP, and
// turns everything into core events. Each Ready is carried out in the
// order zab.Ready prescribes: a TRUNC or SNAP goes to the quorum log
// actor, which owns the log and the files, before the entries that follow
// it; epoch files are written before the messages of the same Ready;
// committed txns go to the final stage.
package learner

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/epoch"
)

// connectRetry is how often LinkOpen is sent again until the leader
// accepts.
const connectRetry = 200 * time.Millisecond

// connectTry is a learner's note to itself to send LinkOpen again.
type connectTry = messages.Flush

// Props returns the learner actor's props: it follows (or, on an observer,
// observes) leader.
func Props(h *zabhost.Host, leader int64, st *messages.LogState) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &learnerActor{h: h, leaderID: leader, st: st, carrier: zabhost.NewCarrier(h, false)}
	})
}

type learnerActor struct {
	h        *zabhost.Host
	leaderID int64
	st       *messages.LogState
	carrier  *zabhost.Carrier

	link      zabhost.Link
	handler   *actor.PID // the leader's learner handler, once accepted
	deadline  time.Time  // for the handler to accept
	core      *zab.Learner
	stopTick  func()
	ended     bool
	connected bool

	// A SNAP waits here while its snapshot's chunks are written to the
	// staged file; the core sees it once the file is complete.
	snap       *messages.ZabPacket
	staged     *os.File
	stagedPath string
}

func (a *learnerActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.link = zabhost.Link{ID: randomLink(), Self: a.h.ID}
		a.deadline = time.Now().Add(time.Duration(a.h.InitLimit) * a.h.TickTime)
		a.connect(ctx)
	case *actor.Stopping:
		if a.stopTick != nil {
			a.stopTick()
		}
		a.dropStaged()
	case *connectTry:
		a.connect(ctx)
	case *messages.LinkAccepted:
		a.accepted(ctx, m)
	case *messages.QuorumPacket:
		a.packet(ctx, m)
	case *actor.Terminated:
		if a.handler != nil && m.Who.Equal(a.handler) {
			a.step(ctx, zab.LeaderLost{})
		}
	case *messages.Tick:
		if a.core != nil {
			a.core.Tick()
			a.carry(ctx)
		}
	case *messages.ZabPersisted:
		a.step(ctx, zab.Persisted{UpTo: m.UpTo})
	case *messages.ZabSnapshotSaved:
		a.step(ctx, zab.SnapshotSaved{Zxid: m.Zxid})
	case *messages.ClientRequest:
		a.forward(ctx, m)
	case *messages.ZabTouch:
		if a.core != nil {
			a.core.Touch(m.SessionId, m.Timeout)
		}
	case *messages.SessionRevalidate:
		// Unanswered when not serving: the client's connection is being
		// closed, and it asks again wherever it reconnects.
		if a.core != nil && a.core.Revalidate(m.SessionId, m.Timeout) == nil {
			a.carry(ctx)
		}
	case *messages.RoleEnded:
		a.end(ctx, m.Reason)
	}
	if a.core != nil { // for operators (zabstate)
		a.h.SetZabState(zabhost.LearnerZabState(a.core.Phase()))
	}
}

// connect sends LinkOpen to the leader actor until a handler accepts.
func (a *learnerActor) connect(ctx actor.Context) {
	if a.connected || a.ended {
		return
	}
	if time.Now().After(a.deadline) {
		a.end(ctx, fmt.Sprintf("cannot connect to leader %d within initLimit", a.leaderID))
		return
	}
	pid, ok := a.h.PID(a.leaderID, zabhost.LeaderName)
	if !ok {
		a.end(ctx, fmt.Sprintf("leader %d is not in the configuration", a.leaderID))
		return
	}
	ctx.Request(pid, &messages.LinkOpen{Sid: a.h.ID, Link: a.link.ID})
	self, root := ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(connectRetry, func() { root.Send(self, &connectTry{}) })
}

func (a *learnerActor) accepted(ctx actor.Context, m *messages.LinkAccepted) {
	if a.connected || a.ended || m.Link != a.link.ID || ctx.Sender() == nil {
		return
	}
	a.connected = true
	a.handler = ctx.Sender()
	ctx.Watch(a.handler)
	acc, err := epoch.Read(a.h.DataDir, epoch.Accepted)
	if err != nil {
		a.end(ctx, err.Error())
		return
	}
	cur, err := epoch.Read(a.h.DataDir, epoch.Current)
	if err != nil {
		a.end(ctx, err.Error())
		return
	}
	st := a.st
	cfg := zab.LearnerConfig{ID: a.h.ID, LeaderID: a.leaderID, Observer: a.h.Observer, AcceptedEpoch: acc,
		CurrentEpoch: cur, LastLoggedZxid: st.LastLogged, LogStart: st.LogStart, InitLimit: a.h.InitLimit,
		SyncLimit: a.h.SyncLimit, ConfigVersion: a.h.Quorum.Version()}
	if len(st.Unapplied) > 0 {
		cfg.Unapplied = st.Unapplied
	}
	a.core, err = zab.NewLearner(cfg)
	if err != nil {
		a.end(ctx, fmt.Sprintf("cannot start following: %v", err))
		return
	}
	kind := "following"
	if a.h.Observer {
		kind = "observing"
	}
	a.h.Logger.Info(kind, "leader", a.leaderID, "last_logged", hex(st.LastLogged), "accepted_epoch", acc, "current_epoch", cur)
	a.stopTick = zabhost.Ticker(ctx.ActorSystem(), ctx.Self(), a.h.TickTime/zab.TicksPerTickTime)
	a.carry(ctx)
}

// packet takes one message of the link.
func (a *learnerActor) packet(ctx actor.Context, m *messages.QuorumPacket) {
	if a.core == nil || a.ended {
		return
	}
	a.h.Hooks.Check("learner")
	a.h.Logger.Debug("zab <-", "leader", a.leaderID, "seq", m.Seq, "type", m.GetPacket().GetType().String(),
		"zxid", hex(m.GetPacket().GetZxid()), "chunk", m.GetChunk() != nil)
	if err := a.link.Accept(m); err != nil {
		a.h.Logger.Warn("leader link broken", "err", err)
		a.step(ctx, zab.LeaderLost{})
		return
	}
	if c := m.GetChunk(); c != nil {
		if err := a.chunk(ctx, c); err != nil {
			a.end(ctx, fmt.Sprintf("snapshot from the leader: %v", err))
		}
		return
	}
	p := m.GetPacket()
	if p == nil {
		return
	}
	switch p.GetType() {
	case messages.ZabType_ZAB_PROPOSAL: // Apache's Follower counts them
		a.h.Count("learner_proposal_received_count", 1)
	case messages.ZabType_ZAB_COMMIT, messages.ZabType_ZAB_INFORM:
		a.h.Count("learner_commit_received_count", 1)
	case messages.ZabType_ZAB_DIFF:
		a.h.Logger.Info("Getting a diff from the leader", "zxid", hex(p.GetZxid()))
	case messages.ZabType_ZAB_TRUNC:
		a.h.Logger.Info("Truncating log to get in sync with the leader", "zxid", hex(p.GetZxid()))
	case messages.ZabType_ZAB_SNAP:
		a.h.Logger.Info("Getting a snapshot from leader", "zxid", hex(p.GetZxid()))
		if err := a.startStaging(p); err != nil {
			a.end(ctx, fmt.Sprintf("cannot stage the snapshot from the leader: %v", err))
		}
		return
	}
	a.step(ctx, zab.Receive{From: a.leaderID, Packet: p})
}

// startStaging opens the file a SNAP's chunks are written to. It is not a
// snapshot of this server until the core accepts the new history at
// NEWLEADER and the quorum log installs it.
func (a *learnerActor) startStaging(p *messages.ZabPacket) error {
	a.dropStaged()
	f, err := os.CreateTemp(a.h.SnapDir, "sync-*.tmp")
	if err != nil {
		return err
	}
	a.snap, a.staged, a.stagedPath = p, f, f.Name()
	return nil
}

func (a *learnerActor) chunk(ctx actor.Context, c *messages.SnapshotChunk) error {
	if a.staged == nil || c.GetZxid() != a.snap.GetZxid() {
		return fmt.Errorf("a chunk of the snapshot of %#x without its SNAP", c.GetZxid())
	}
	if _, err := a.staged.Write(c.GetData()); err != nil {
		return err
	}
	if !c.GetLast() {
		return nil
	}
	if err := a.staged.Sync(); err != nil {
		return err
	}
	if err := a.staged.Close(); err != nil {
		return err
	}
	a.staged = nil
	p := a.snap
	a.snap = nil
	a.step(ctx, zab.Receive{From: a.leaderID, Packet: p})
	return nil
}

func (a *learnerActor) dropStaged() {
	if a.staged != nil {
		_ = a.staged.Close()
		a.staged = nil
	}
}

// forward sends a local client's write or sync() to the leader.
func (a *learnerActor) forward(ctx actor.Context, r *messages.ClientRequest) {
	if a.core == nil || a.ended {
		return
	}
	sync := zabhost.IsSync(r)
	if sync {
		a.carrier.PushSync(r)
	}
	fwd := &messages.ClientRequest{SessionId: r.SessionId, Cxid: r.Cxid, Type: r.Type, Payload: r.Payload,
		Auth: r.Auth, SessionTimeout: r.SessionTimeout, Trace: r.Trace}
	if err := a.core.Forward(fwd); err != nil {
		if sync {
			a.carrier.PopSync()
		}
		return
	}
	a.carry(ctx)
}

func (a *learnerActor) step(ctx actor.Context, ev zab.Event) {
	if a.core == nil || a.ended {
		return
	}
	if err := a.core.Step(ev); err != nil && err != zab.ErrStopped {
		a.h.Logger.Warn("learner core refused an event", "event", fmt.Sprintf("%T", ev), "err", err)
	}
	a.carry(ctx)
}

// carry carries out everything the core asks for, in zab.Ready's order.
func (a *learnerActor) carry(ctx actor.Context) {
	for a.core != nil && a.core.HasReady() && !a.ended {
		rd := a.core.Ready()
		if t := rd.Truncate; t != nil {
			ctx.Request(a.h.Log, &messages.LogTruncate{Zxid: t.Zxid, AppliedBarrier: a.h.AppliedSent()})
		}
		if s := rd.InstallSnapshot; s != nil {
			path := a.stagedPath
			a.stagedPath = ""
			ctx.Request(a.h.Log, &messages.LogInstallSnapshot{Zxid: s.Zxid, Path: path, AppliedBarrier: a.h.AppliedSent()})
		}
		if err := a.carrier.WriteEpochs(&rd); err != nil {
			a.end(ctx, err.Error())
			return
		}
		a.carrier.LogEntries(ctx, rd.Entries)
		a.carrier.Apply(ctx, rd.Apply)
		for _, msg := range rd.Messages {
			if msg.To == a.leaderID && a.handler != nil {
				out := a.link.Packet(msg.Packet)
				a.h.Logger.Debug("zab ->", "leader", a.leaderID, "seq", out.Seq, "type", msg.Packet.GetType().String(), "zxid", hex(msg.Packet.GetZxid()))
				ctx.Send(a.handler, out)
			}
		}
		for _, r := range rd.Revalidated {
			ctx.Send(a.h.Sessions, &messages.SessionRevalidated{SessionId: r.SessionID, Valid: r.Valid})
		}
		if rd.Established {
			ep := a.core.CurrentEpoch()
			a.h.Logger.Info("in sync with the leader (UPTODATE)", "leader", a.leaderID, "epoch", ep)
			ctx.Send(ctx.Parent(), &messages.RoleServing{Epoch: ep})
		}
		if rd.Stop != nil {
			a.end(ctx, rd.Stop.Reason)
			return
		}
	}
}

// end stops the role: the peer sees this actor stop and goes LOOKING.
func (a *learnerActor) end(ctx actor.Context, reason string) {
	if a.ended {
		return
	}
	a.ended = true
	a.h.Logger.Warn("leaving the leader", "leader", a.leaderID, "reason", reason)
	if a.stagedPath != "" {
		// Staged but never handed to the quorum log: nobody installs it.
		a.dropStaged()
		_ = os.Remove(a.stagedPath)
	}
	ctx.Send(ctx.Parent(), &messages.RoleEnded{Reason: reason})
	ctx.Stop(ctx.Self())
}

func randomLink() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if v := binary.BigEndian.Uint64(b[:]); v != 0 {
		return v
	}
	return 1
}

func hex(z int64) string { return fmt.Sprintf("%#x", z) }
