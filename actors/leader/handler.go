package leader

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/snapshotter"
	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/messages"
)

// snapshotWait bounds the wait for the tree to apply what a SNAP covers.
const snapshotWait = 30 * time.Second

// handlerProps returns the props of the learner handler owning the link
// to learner sid.
func handlerProps(h *zabhost.Host, sid int64, link uint64, learner *actor.PID, stats *zabhost.LinkStats) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &handler{h: h, sid: sid, learner: learner, link: zabhost.Link{ID: link, Self: h.ID}, stats: stats}
	})
}

// handlerStrategy stops a crashed learner handler: that closes its link
// only (the learner sees the end and re-registers), never the leader.
func handlerStrategy() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(0, time.Second, func(any) actor.Directive { return actor.StopDirective })
}

// handler is one learner's handler (Apache's LearnerHandler, minus the
// protocol decisions, which are the leader core's): it watches the
// learner's actor, so that a lost learner ends the link; checks the
// numbering of what the learner sends and passes it to the leader actor;
// numbers and sends what the leader actor routes to it, in order; and
// fills a SNAP by streaming a snapshot of the tree in chunks.
type handler struct {
	h       *zabhost.Host
	sid     int64
	learner *actor.PID
	link    zabhost.Link
	stats   *zabhost.LinkStats // for operators (status.go)
}

func (l *handler) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		ctx.Watch(l.learner)
		ctx.Request(l.learner, &messages.LinkAccepted{Link: l.link.ID})
	case *actor.Terminated:
		if m.Who.Equal(l.learner) {
			l.h.Logger.Info("learner link lost", "learner", l.sid)
			ctx.Stop(ctx.Self())
		}
	case *messages.LogReadRequest:
		l.readLog(ctx, m)
	case *messages.QuorumPacket:
		if m.Link == 0 {
			l.countSent(m.Packet)
			l.send(ctx, m.Packet, m.AppliedBarrier)
			return
		}
		l.h.Hooks.Check("learnerhandler")
		if err := l.link.Accept(m); err != nil {
			l.h.Logger.Warn("closing a learner's link", "learner", l.sid, "err", err)
			ctx.Stop(ctx.Self())
			return
		}
		if m.From != l.sid || m.Packet == nil {
			ctx.Stop(ctx.Self())
			return
		}
		l.countReceived(m.Packet)
		l.h.Logger.Debug("zab <-", "learner", l.sid, "seq", m.Seq, "type", m.Packet.GetType().String(), "zxid", hex(m.Packet.GetZxid()))
		ctx.Send(ctx.Parent(), m)
	}
}

// send writes one packet of the leader's to the learner; a SNAP is
// followed by its snapshot.
func (l *handler) send(ctx actor.Context, p *messages.ZabPacket, barrier int64) {
	if p.GetType() != messages.ZabType_ZAB_SNAP {
		out := l.link.Packet(p)
		l.h.Logger.Debug("zab ->", "learner", l.sid, "seq", out.Seq, "type", p.GetType().String(), "zxid", hex(p.GetZxid()))
		ctx.Send(l.learner, out)
		return
	}
	if err := l.sendSnapshot(ctx, p, barrier); err != nil {
		l.h.Logger.Warn("cannot send a snapshot to a learner; closing its link", "learner", l.sid, "err", err)
		ctx.Stop(ctx.Self())
	}
}

// sendSnapshot sends SNAP and then a snapshot of the tree covering at least
// its zxid: a fuzzy snapshot taken once the tree applied everything the
// leader had committed when it decided the SNAP (barrier), named by the
// SNAP's zxid; the txns after it that the snapshot may already hold are
// applied again by the learner, harmlessly (every txn applies
// idempotently). The file is written aside (it is not this server's
// snapshot) and streamed in chunks, each a message of its own on the link.
func (l *handler) sendSnapshot(ctx actor.Context, p *messages.ZabPacket, barrier int64) error {
	z := p.GetZxid()
	deadline := time.Now().Add(snapshotWait)
	for l.h.DB.LastApplied() < min(z, barrier) {
		if time.Now().After(deadline) {
			return fmt.Errorf("the tree did not reach %#x within %v", z, snapshotWait)
		}
		time.Sleep(time.Millisecond)
	}
	dir, err := os.MkdirTemp(l.h.SnapDir, "send-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	res, err := snapshotter.TakeAt(l.h.DB, dir, z, l.h.CommittedSessions())
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Clean(res.Path))
	if err != nil {
		return err
	}
	defer f.Close()
	l.h.Logger.Info("sending a snapshot to a learner", "learner", l.sid, "zxid", hex(z), "bytes", res.Bytes, "znodes", res.Nodes)
	ctx.Send(l.learner, l.link.Packet(p))
	buf := make([]byte, zabhost.ChunkSize)
	for {
		n, err := io.ReadFull(f, buf)
		last := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !last {
			return err
		}
		ctx.Send(l.learner, l.link.Chunk(&messages.SnapshotChunk{Zxid: z, Data: append([]byte(nil), buf[:n]...), Last: last}))
		if last {
			return nil
		}
	}
}

// readLog reads the leader's txn log for its learner's DIFF and gives the
// leader actor what it read (zab.Ready.LogReads): from the last txn at or
// before m.From to the end of the log, refused when it weighs more than a
// snapshot (quorumlog.DiffLog). Only this learner's link waits meanwhile:
// nothing is forwarded to a learner before its sync is planned.
func (l *handler) readLog(ctx actor.Context, m *messages.LogReadRequest) {
	res := &messages.LogReadResult{Learner: m.Learner, Gen: m.Gen}
	if l.h.DiffLog != nil {
		txns, ok, err := l.h.DiffLog.TxnRange(m.From, math.MaxInt64)
		res.Txns, res.Ok = txns, ok && err == nil
	}
	ctx.Send(ctx.Parent(), res)
}
