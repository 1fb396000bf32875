package instrument

import (
	"reflect"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

// TraceHook records, in ring, one hop per message of a client request or
// a txn that any actor of the tree handles (issue 7). It has two parts:
//
//   - a mailbox wrapper that, when a message carrying trace ids (see IDs) is
//     posted and its request is sampled, notes the enqueue time and the ids
//     in a stamp around the message; it runs on the sender's goroutine,
//     whoever sends (an actor, a socket reader, the remote transport);
//   - a receiver middleware that takes the stamp off, so the actor sees
//     its message unchanged, and times the handling.
//
// A message that is not traced, or not sampled, or posted while the ring
// is off, is passed on untouched: the cost is one type switch.
func TraceHook(ring *trace.Ring, server int64) Hook {
	return Hook{
		Mailbox: func(_ string, next actor.Mailbox) actor.Mailbox {
			return &stampingMailbox{Mailbox: next, ring: ring}
		},
		Options: func(kind string) []actor.PropsOption {
			return []actor.PropsOption{actor.WithReceiverMiddleware(hopRecorder(ring, kind, server))}
		},
	}
}

// HopIDs are the ids of one request or txn a message belongs to.
type HopIDs struct {
	Session int64
	Cxid    int32
	Zxid    int64
}

// stamp is a traced message in a mailbox: the message as posted (an
// envelope when it has a sender or headers), its ids and enqueue time.
// inline holds the ids of a message of one request, so that stamping
// costs one allocation.
type stamp struct {
	msg      any
	ids      []HopIDs
	inline   [1]HopIDs
	enqueued int64
}

type stampingMailbox struct {
	actor.Mailbox
	ring *trace.Ring
}

func (m *stampingMailbox) PostUserMessage(msg any) {
	if m.ring.Enabled() {
		if inner := actor.UnwrapEnvelopeMessage(msg); carriesIDs(inner) {
			st := &stamp{msg: msg}
			st.ids = sampled(m.ring, appendIDs(st.inline[:0], inner))
			if len(st.ids) > 0 {
				st.enqueued = time.Now().UnixNano()
				msg = st
			}
		}
	}
	m.Mailbox.PostUserMessage(msg)
}

// sampled keeps the ids of the sampled requests, in place.
func sampled(ring *trace.Ring, ids []HopIDs) []HopIDs {
	kept := ids[:0]
	for _, id := range ids {
		if ring.Sampled(id.Session, id.Cxid, id.Zxid) {
			kept = append(kept, id)
		}
	}
	return kept
}

// hopRecorder is the receiver middleware of actors of kind.
func hopRecorder(ring *trace.Ring, kind string, server int64) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			st, ok := env.Message.(*stamp)
			if !ok {
				next(ctx, env)
				return
			}
			// env is the envelope protoactor made for the stamp: reuse it
			// for the message unless the message came in its own (with a
			// sender or headers).
			inner := env
			if e, ok := st.msg.(*actor.MessageEnvelope); ok {
				inner = e
			} else {
				env.Message = st.msg
			}
			started := time.Now().UnixNano()
			// Deferred so that a handler that panics (and is restarted by
			// its supervisor) still leaves its hop in the trace.
			defer func() {
				ended := time.Now().UnixNano()
				pid := ""
				if self := ctx.Self(); self != nil {
					pid = self.Id
				}
				name := reflect.TypeOf(inner.Message).String()
				for _, id := range st.ids {
					ring.Write(trace.Record{
						Kind: kind, PID: pid, Server: server, Message: name,
						Session: id.Session, Cxid: id.Cxid, Zxid: id.Zxid,
						Enqueued: st.enqueued, Started: started, Ended: ended,
					})
				}
			}()
			next(ctx, inner)
		}
	}
}

// carriesIDs is the cheap first test of the mailbox: whether msg is of a
// type that may carry trace ids (see appendIDs).
func carriesIDs(msg any) bool {
	switch msg.(type) {
	case *messages.ClientRequest, *messages.Txn, *messages.Proposal, *messages.ProposalBatch,
		*messages.Reply, *messages.WriteDone, *messages.WatchEvent, *messages.QuorumPacket, *messages.ZabPacket:
		return true
	}
	return false
}

// IDs returns the request and txn ids msg carries: none for a message
// that belongs to no client request or txn, several for a batch. A txn
// decided by the server itself (a session expiry) has session and cxid
// of the server's own making, as in Apache's log.
func IDs(msg any) []HopIDs { return appendIDs(nil, msg) }

func appendIDs(dst []HopIDs, msg any) []HopIDs {
	switch m := msg.(type) {
	case *messages.ClientRequest:
		return append(dst, HopIDs{Session: m.SessionId, Cxid: m.Cxid})
	case *messages.Txn:
		return appendTxn(dst, m)
	case *messages.Proposal:
		return appendTxn(dst, m.GetTxn())
	case *messages.ProposalBatch:
		for _, p := range m.Proposals {
			dst = appendTxn(dst, p.GetTxn())
		}
		return dst
	case *messages.Reply:
		return appendReply(dst, m)
	case *messages.WriteDone:
		return appendReply(dst, m.GetReply())
	case *messages.WatchEvent:
		if m.Zxid != 0 {
			return append(dst, HopIDs{Zxid: m.Zxid})
		}
	case *messages.QuorumPacket:
		return appendZab(dst, m.GetPacket())
	case *messages.ZabPacket:
		return appendZab(dst, m)
	}
	return dst
}

func appendTxn(dst []HopIDs, t *messages.Txn) []HopIDs {
	if t == nil {
		return dst
	}
	return append(dst, HopIDs{Session: t.SessionId, Cxid: t.Cxid, Zxid: t.Zxid})
}

func appendReply(dst []HopIDs, r *messages.Reply) []HopIDs {
	if r == nil || (r.SessionId == 0 && r.Zxid == 0) {
		return dst
	}
	return append(dst, HopIDs{Session: r.SessionId, Cxid: r.Cxid, Zxid: r.Zxid})
}

// appendZab: a PROPOSAL or INFORM carries its txn, a REQUEST its client
// request, every other packet about a txn (ACK, COMMIT) only its zxid.
func appendZab(dst []HopIDs, p *messages.ZabPacket) []HopIDs {
	if p == nil {
		return dst
	}
	if t := p.GetTxn(); t != nil {
		return appendTxn(dst, t)
	}
	if r := p.GetRequest(); r != nil {
		return append(dst, HopIDs{Session: r.SessionId, Cxid: r.Cxid})
	}
	switch p.Type {
	case messages.ZabType_ZAB_ACK, messages.ZabType_ZAB_COMMIT:
		if p.Zxid != 0 {
			return append(dst, HopIDs{Zxid: p.Zxid})
		}
	}
	return dst
}
