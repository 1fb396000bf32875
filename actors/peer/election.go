package peer

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/election"
	"github.com/corral-zk/corral/messages"
)

// ElectionTick is the election participant's clock period. Apache's
// defaults in ticks of it: finalizeWait 200 ms, notification re-sends from
// 200 ms doubling up to 60 s.
const ElectionTick = 50 * time.Millisecond

const (
	finalizeWaitTicks    = 4
	minNotificationTicks = 4
	maxNotificationTicks = 1200
)

// electionActor is the election participant ("election", child of the
// peer): it owns the Fast Leader Election core, feeds it the notifications
// other servers send to it and its clock, sends what the core asks to send
// and reports decisions to the peer. It lives as long as the server: a
// decided participant keeps answering servers that look for the leader,
// which is how they join.
//
// Its state survives a restart (the producer returns the same value): the
// core changes only inside its calls, and a lost notification is safe (the
// protocol sends again).
type electionActor struct {
	h     *zabhost.Host
	core  *election.Election
	peer  *actor.PID
	stop  func()
	dests []int64
}

func newElection(h *zabhost.Host) (*electionActor, error) {
	core, err := election.New(election.Config{ID: h.ID, Quorum: h.Quorum, FinalizeWaitTicks: finalizeWaitTicks,
		MinNotificationTicks: minNotificationTicks, MaxNotificationTicks: maxNotificationTicks})
	if err != nil {
		return nil, err
	}
	var dests []int64
	for _, v := range h.Quorum.Voters() {
		if v != h.ID {
			dests = append(dests, v)
		}
	}
	return &electionActor{h: h, core: core, dests: dests}, nil
}

func (e *electionActor) props() *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor { return e })
}

func (e *electionActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		e.peer = ctx.Parent()
		e.stop = zabhost.Ticker(ctx.ActorSystem(), ctx.Self(), ElectionTick)
	case *actor.Stopping, *actor.Restarting:
		if e.stop != nil {
			e.stop()
			e.stop = nil
		}
	case *messages.ElectionStart:
		e.core.Start(m.LastZxid, m.CurrentEpoch)
		e.h.Logger.Info("looking for a leader", "round", e.core.LogicalClock(),
			"last_zxid", hex(m.LastZxid), "current_epoch", m.CurrentEpoch)
	case *messages.ElectionNotification:
		e.h.Hooks.Check("election")
		learnSender(e.h, m.Sid, ctx.Sender())
		e.core.Step(election.FromProto(m))
	case *messages.Tick:
		e.core.Tick()
	case *messages.ElectionPeerEpoch:
		e.core.UpdatePeerEpoch(m.Epoch)
	default:
		return
	}
	e.flush(ctx)
}

// flush sends what the core asks for. Sending is best effort: a server that
// is down loses the notification, and the core sends again.
func (e *electionActor) flush(ctx actor.Context) {
	if !e.core.HasReady() {
		return
	}
	rd := e.core.Ready()
	for _, msg := range rd.Messages {
		n := msg.Notification.Proto()
		if msg.Broadcast {
			for _, sid := range e.dests {
				e.send(ctx, sid, n)
			}
			continue
		}
		e.send(ctx, msg.To, n)
	}
	if d := rd.Decision; d != nil {
		e.h.Logger.Info("election decided", "role", d.Role.String(), "leader", d.Vote.Leader,
			"zxid", hex(d.Vote.Zxid), "round", d.Vote.ElectionEpoch, "peer_epoch", d.Vote.PeerEpoch)
		ctx.Send(e.peer, &messages.ElectionDecision{Role: messages.ServerState(d.Role), Leader: d.Vote.Leader,
			Zxid: d.Vote.Zxid, ElectionEpoch: d.Vote.ElectionEpoch, PeerEpoch: d.Vote.PeerEpoch})
	}
	e.core.Advance()
}

// send sends with this actor as the sender, so that a server that does
// not have this one in its configuration (an observer that joined by
// itself) can answer: the sender's address travels with the message.
func (e *electionActor) send(ctx actor.Context, sid int64, n *messages.ElectionNotification) {
	if pid, ok := e.h.PID(sid, zabhost.ElectionName); ok {
		ctx.Request(pid, n)
	}
}

// learnSender records where server sid is when its zoo.cfg line is not in
// ours: an observer that joined by itself is answered at the address its
// notification came from. Configured servers are never moved
// (transport.Learn).
func learnSender(h *zabhost.Host, sid int64, sender *actor.PID) {
	if sender == nil || h.Transport == nil {
		return
	}
	if h.Transport.Learn(sid, sender.Address) {
		h.Logger.Info("learned the address of a server that is not in zoo.cfg", "server_id", sid, "addr", sender.Address, "from", "election")
	}
}
