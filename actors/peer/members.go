package peer

import (
	"github.com/corral-zk/corral/messages"
)

// member takes a hint from gossip (actors/gossip): a server that is up and
// where its quorum port is. The only use made of it is the address of a
// server that this server's zoo.cfg does not list, an observer that joined
// by itself, so that the election's answers and the leader's packets reach
// it; the same address also arrives with its first election notification
// and link request. Gossip never changes who votes, and a server that
// leaves the gossip view is not considered down for that: Zab's own
// timeouts decide.
func (a *peerActor) member(m *messages.MemberEvent) {
	h := a.p.h
	mem := m.GetMember()
	if h.Transport == nil || mem == nil || m.Kind == messages.MemberEvent_LEAVE {
		return
	}
	if h.Transport.Learn(mem.GetSid(), mem.GetQuorumAddr()) {
		h.Logger.Info("learned the address of a server that is not in zoo.cfg", "server_id", mem.GetSid(),
			"addr", mem.GetQuorumAddr(), "role", mem.GetRole(), "from", "gossip")
	}
}
