package admin

// MembersSource is a Source of a quorum server, which gossips on its
// election port (actors/gossip). It is separate from Source so that a
// standalone server, or a test's source, needs no method for it: the
// members command then lists nobody.
type MembersSource interface {
	// Members is the gossip view, this server included, by server id.
	Members() []MemberInfo
}

// MemberInfo is one server as gossip sees it: a hint of who is up and
// what it says it does, never the voting set (voting_view is that).
type MemberInfo struct {
	ID int64
	// Name is the gossip node name, Address its gossip (election port)
	// address, Gossip memberlist's state of it ("alive" or "suspect").
	Name, Address, Gossip string
	// Role is "participant" or "observer" as the server is configured;
	// State is "looking", "leading", "following" or "observing".
	Role, State string
	// QuorumAddr and ClientAddr are where it takes Zab traffic and clients.
	QuorumAddr, ClientAddr string
	// Leader and Epoch are the leader it serves under and the epoch, 0
	// while it looks.
	Leader, Epoch int64
}

// cmdMembers answers /commands/members (a Corral extension): every server
// the gossip view holds, including observers that no voter's zoo.cfg
// lists. It runs whether the server serves or not: while looking for a
// leader is when an operator wants to know who is up.
func cmdMembers(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	list := []any{}
	if ms, ok := src.(MembersSource); ok {
		for _, m := range ms.Members() {
			list = append(list, Object{{"id", m.ID}, {"name", m.Name}, {"address", m.Address}, {"gossip", m.Gossip},
				{"role", m.Role}, {"state", m.State}, {"quorum_address", m.QuorumAddr},
				{"client_address", m.ClientAddr}, {"leader", m.Leader}, {"epoch", m.Epoch}})
		}
	}
	r.Put("members", list)
	return r
}
