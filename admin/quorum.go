package admin

import (
	"net"
	"strconv"
)

// QuorumView is what the ensemble commands (leader, voting_view,
// zabstate, observers) report about a quorum server. Source.Quorum
// returns nil on a standalone server, which answers as Apache's
// standalone ZooKeeperServer does.
type QuorumView struct {
	MyID     int64
	IsLeader bool
	// LeaderID is the current leader's id; LeaderHost the host of its
	// quorum address ("" while there is none).
	LeaderID   int64
	LeaderHost string
	// QuorumAddrs and ElectionAddrs are this server's "host:port"
	// addresses from its server.N line, ClientAddr its client address.
	QuorumAddrs, ElectionAddrs []string
	ClientAddr                 string
	// Voting is set when this server is a voting member.
	Voting bool
	// LastZxid is the last zxid the tree applied.
	LastZxid int64
	// ZabState is "election", "discovery", "synchronization" or
	// "broadcast" (Apache's QuorumPeer.ZabState, lowercased).
	ZabState string
	// Voters is the voting view, by id.
	Voters []Member
	// Observers are the observers synced with this server (the leader's;
	// a follower, which runs no observer master, has none).
	Observers []ObserverLink
}

// Member is one voter as voting_view lists it.
type Member struct {
	ID                         int64
	ServerAddrs, ElectionAddrs []string
	ClientAddr                 string // "" when its server.N line has none
	LearnerType                string // "participant" or "observer"
}

// ObserverLink is one observer's link to this server
// (LearnerHandler.getLearnerHandlerInfo).
type ObserverLink struct {
	RemoteAddr        string
	SID               int64
	Established       int64 // Unix ms
	QueuedPackets     int64
	QueuedPacketsSize int64
	PacketsReceived   int64
	PacketsSent       int64
	Requests          int64
	LastZxid          int64
}

// cmdLeader is LeaderCommand: Apache reports the leader only from a quorum
// server; a standalone one answers with an error in the data.
func cmdLeader(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	q := src.Quorum()
	if q == nil {
		r.Put("error", "server is not initialized")
		return r
	}
	r.Put("is_leader", q.IsLeader)
	r.Put("leader_id", q.LeaderID)
	r.Put("leader_ip", q.LeaderHost)
	return r
}

// cmdVotingView lists the voting members by id, each as Apache's
// QuorumServerView.
func cmdVotingView(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	view := Object{}
	if q := src.Quorum(); q != nil {
		for _, m := range q.Voters {
			v := Object{{"server_addresses", nonNil(m.ServerAddrs)}, {"election_addresses", nonNil(m.ElectionAddrs)}}
			if m.ClientAddr != "" {
				v = append(v, Field{"client_address", m.ClientAddr})
			}
			v = append(v, Field{"learner_type", m.LearnerType})
			view = append(view, Field{strconv.FormatInt(m.ID, 10), v})
		}
	}
	r.Put("current_config", view)
	return r
}

// cmdZabState is ZabStateCommand: who this server is in the ensemble and
// the Zab phase it is in. While the server looks for a leader, Apache has
// no ZooKeeperServer to ask and answers as a standalone server does; so
// does Corral (the "election" state is never reported).
func cmdZabState(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	q := src.Quorum()
	if q == nil || q.ZabState == "election" {
		r.Put("voting", false)
		r.Put("zabstate", "")
		return r
	}
	r.Put("myid", q.MyID)
	r.Put("is_leader", q.IsLeader)
	r.Put("quorum_address", multipleAddresses(q.QuorumAddrs))
	r.Put("election_address", multipleAddresses(q.ElectionAddrs))
	r.Put("client_address", q.ClientAddr)
	r.Put("voting", q.Voting)
	r.Put("last_zxid", "0x"+strconv.FormatUint(uint64(q.LastZxid), 16))
	r.Put("zab_epoch", q.LastZxid>>32)
	r.Put("zab_counter", q.LastZxid&0xffffffff)
	r.Put("zabstate", q.ZabState)
	return r
}

// multipleAddresses is a MultipleAddresses as Jackson writes the bean:
// every getter, the "reachable" ones answered without probing (Corral does
// not ping its own addresses: they are all taken as reachable).
func multipleAddresses(addrs []string) Object {
	addrs = nonNil(addrs)
	one := ""
	if len(addrs) > 0 {
		one = addrs[0]
	}
	var wildcard, hosts []string
	var ports []int64
	for _, a := range addrs {
		h, p, err := net.SplitHostPort(a)
		if err != nil {
			continue
		}
		port, _ := strconv.ParseInt(p, 10, 64)
		wildcard = append(wildcard, net.JoinHostPort("0.0.0.0", p))
		hosts = append(hosts, h)
		ports = append(ports, port)
	}
	return Object{
		{"empty", len(addrs) == 0},
		{"all_addresses", addrs},
		{"all_reachable_addresses", addrs},
		{"one", one},
		{"reachable_address", one},
		{"wildcard_addresses", nonNil(wildcard)},
		{"all_ports", nonNilInts(ports)},
		{"all_host_strings", nonNil(hosts)},
		{"all_reachable_addresses_or_all", addrs},
		{"reachable_or_one", one},
	}
}

// cmdObservers is SyncedObserverConsCommand: the observers synced with
// this server, if it leads.
func cmdObservers(c *Command, src Source, _ map[string]string) *Response {
	r := c.response()
	list := []any{}
	if q := src.Quorum(); q != nil {
		for _, o := range q.Observers {
			list = append(list, Object{
				{"remote_socket_address", o.RemoteAddr},
				{"sid", o.SID},
				{"established", o.Established},
				{"queued_packets", o.QueuedPackets},
				{"queued_packets_size", o.QueuedPacketsSize},
				{"packets_received", o.PacketsReceived},
				{"packets_sent", o.PacketsSent},
				{"requests", o.Requests},
				{"last_zxid", o.LastZxid},
			})
		}
	}
	r.Put("synced_observers", len(list))
	r.Put("observers", list)
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilInts(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}
