package session

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// Quorum is what the sessions of a server in an ensemble need from its
// peer actor (nil on a standalone server). Sessions are the ensemble's,
// decided by the leader (Apache's LeaderSessionTracker and
// LearnerSessionTracker):
//
//   - the leader's manager holds every session of the ensemble: those of
//     its own clients, those whose createSession committed
//     (SessionAdd), and, when it starts leading, all the sessions of its
//     history (SessionsReset); only the leader expires sessions, by a
//     closeSession txn as in standalone mode;
//   - a follower's manager creates sessions for its clients by forwarding
//     createSession to the leader (through the peer, as any write), and
//     answers the client once the txn commits; it passes its clients'
//     activity to the peer, which reports it in PING replies; a client
//     that brings a session from elsewhere is accepted only once the
//     leader says the session is live (REVALIDATE);
//   - while the server does not serve (LOOKING, syncing), a client that
//     connects is disconnected without an answer, so that it tries
//     another server, as Apache's closed client port does.
//
// Session actors send sync() to the peer too: the leader orders it after
// every proposal made before it.
type Quorum struct {
	Peer    *actor.PID
	Serving func() bool
	Leading func() bool
}

// SetQuorum makes the manager an ensemble server's; call it before the
// manager's first message.
func (m *Manager) SetQuorum(q *Quorum) {
	m.deps.Quorum = q
	m.pending = map[int64][]*messages.SessionOpen{}
}

// expires reports whether this server expires sessions.
func (m *Manager) expires() bool { return m.deps.Quorum == nil || m.deps.Quorum.Leading() }

// refuseWhileNotServing disconnects a client that connects while the
// server does not serve.
func (m *Manager) refuseWhileNotServing(ctx actor.Context, r *messages.SessionOpen) bool {
	q := m.deps.Quorum
	if q == nil || q.Serving() {
		return false
	}
	if c, ok := m.deps.Registry.Conn(r.ConnId); ok {
		ctx.Send(c.PID(), &messages.CloseConn{Reason: "server is not serving: looking for a leader"})
	}
	return true
}

// revalidateAtLeader sends a reconnect with a good password to the leader
// when this server follows: only the leader knows whether the session is
// still live. The connection waits for the answer (SessionRevalidated).
func (m *Manager) revalidateAtLeader(ctx actor.Context, r *messages.SessionOpen) bool {
	q := m.deps.Quorum
	if q == nil || q.Leading() || r.SessionId == 0 {
		return false
	}
	if !m.table.CheckPassword(r.SessionId, r.Passwd) {
		m.deps.Logger.Info("reconnect refused: password wrong", "session", fmt.Sprintf("0x%x", r.SessionId))
		m.reject(ctx, r.ConnId)
		return true
	}
	// Every reconnect asks: an earlier question may have been lost with
	// the leader it went to. The first answer settles them all.
	m.pending[r.SessionId] = append(m.pending[r.SessionId], r)
	ctx.Send(q.Peer, &messages.SessionRevalidate{SessionId: r.SessionId, Timeout: m.table.Negotiate(r.Timeout)})
	return true
}

// claimOnLeader tells the leader's prep stage, through the peer, that a
// reconnected session's client is now on the leader (Apache's
// revalidateSession sets the owner), before the client can write: a write
// still coming from the server it left is then SESSIONMOVED. Owner 0 means
// this server; the leader actor fills in its id.
func (m *Manager) claimOnLeader(ctx actor.Context, id int64) {
	if q := m.deps.Quorum; q != nil && q.Leading() {
		ctx.Send(q.Peer, &messages.SessionOwner{SessionId: id})
	}
}

// forwardTouch passes a client's activity to the peer (followers): the
// leader learns it from the next PING reply.
func (m *Manager) forwardTouch(ctx actor.Context, id int64) {
	q := m.deps.Quorum
	if q == nil || q.Leading() {
		return
	}
	if info, ok := m.table.Get(id); ok {
		ctx.Send(q.Peer, &messages.ZabTouch{SessionId: id, Timeout: info.TimeoutMs})
	}
}

// quorumMessage handles the messages only an ensemble server's manager
// gets.
func (m *Manager) quorumMessage(ctx actor.Context, msg any) {
	now := time.Now().UnixMilli()
	switch r := msg.(type) {
	case *messages.SessionAdd:
		m.table.Add(r.SessionId, r.Timeout, now)
	case *messages.SessionsReset:
		keep := map[int64]bool{}
		for _, st := range r.Sessions {
			keep[st.SessionId] = true
			// Removed first: a session this server was closing (its
			// closeSession may be lost with the old leader) is expired
			// again if nothing touches it.
			m.table.Remove(st.SessionId)
			m.table.Add(st.SessionId, st.TimeoutMs, now)
		}
		for _, info := range m.table.All() {
			if !keep[info.ID] {
				m.table.Remove(info.ID)
			}
		}
	case *messages.SessionCheck:
		info, ok := m.table.Get(r.SessionId)
		valid := ok && !info.Closing
		if valid {
			m.table.Touch(r.SessionId, now)
			m.table.SetOwner(r.SessionId, r.Learner)
		}
		if ctx.Sender() != nil {
			ctx.Send(ctx.Sender(), &messages.SessionCheckResult{Learner: r.Learner, SessionId: r.SessionId, Valid: valid})
		}
	case *messages.SessionRevalidated:
		waiting := m.pending[r.SessionId]
		delete(m.pending, r.SessionId)
		for _, open := range waiting {
			m.revalidated(ctx, open, r.Valid)
		}
	}
}

// revalidated finishes a reconnect the leader answered.
func (m *Manager) revalidated(ctx actor.Context, r *messages.SessionOpen, valid bool) {
	if !valid {
		m.deps.Logger.Info("reconnect refused: the leader does not know the session",
			"session", fmt.Sprintf("0x%x", r.SessionId))
		m.reject(ctx, r.ConnId)
		return
	}
	timeout := m.table.Negotiate(r.Timeout)
	if info, ok := m.table.Get(r.SessionId); ok {
		timeout = info.TimeoutMs
	}
	m.table.Add(r.SessionId, timeout, time.Now().UnixMilli())
	pid, ok := m.deps.Registry.Session(r.SessionId)
	if !ok {
		pw := m.table.Password(r.SessionId)
		in := Init{ID: r.SessionId, Timeout: timeout, Passwd: pw[:], Remote: r.RemoteAddr, Existing: true}
		var err error
		pid, err = ctx.SpawnNamed(Props(in, m.deps, ctx.Self()), fmt.Sprintf("session-%x", r.SessionId))
		if err != nil {
			m.reject(ctx, r.ConnId)
			return
		}
		m.deps.Registry.PutSession(r.SessionId, pid)
	}
	ctx.Send(pid, &messages.ConnAttached{ConnId: r.ConnId})
}

// forwardsSync reports whether a sync() goes to the leader (an ensemble)
// instead of being answered at once (standalone: nothing is pending
// anywhere else).
func (s *Session) forwardsSync(op wire.OpCode) bool {
	return op == wire.OpSync && s.deps.Quorum != nil
}

// dropQueueOnMove forgets what the session's previous connection left
// pending when a new connection attaches in an ensemble: those requests
// may never be answered (the server went LOOKING and the leader that had
// them is gone), and the new connection's reads must not wait behind
// them. Their client already failed them with a connection loss.
func (s *Session) dropQueueOnMove(conn uint64) {
	if s.deps.Quorum == nil {
		return
	}
	kept := s.queue[:0]
	for _, e := range s.queue {
		if e.req.ConnId == conn {
			kept = append(kept, e)
		} else if e.write && !e.done {
			s.writes--
		}
	}
	clear(s.queue[len(kept):])
	s.queue = kept
}
