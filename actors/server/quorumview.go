package server

import (
	"net"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/actors/peer"
	"github.com/corral-zk/corral/admin"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/fourletter"
	"github.com/corral-zk/corral/metrics"
)

// This file is the ensemble's part of what operators read (the admin
// API's leader, voting_view, zabstate and observers commands, conf's
// quorum lines, mntr's leader gauges): the configuration, the peer's role,
// and the status the role actors publish (zabhost.Host's LeaderStatus),
// all read without asking any actor.

// Quorum is the ensemble view of this server, nil standalone.
func (a *adminSource) Quorum() *admin.QuorumView {
	s := a.s
	qp := s.quorum
	if qp == nil {
		return nil
	}
	cfg := s.cfg
	v := &admin.QuorumView{MyID: cfg.ServerID, LeaderID: qp.peer.LeaderID(), ZabState: qp.host.ZabState().String(),
		LastZxid: s.db.LastApplied()}
	v.IsLeader = qp.peer.Mode() == peer.ModeLeader
	if own, ok := cfg.Server(cfg.ServerID); ok {
		v.QuorumAddrs, v.ElectionAddrs = quorumAddrs(own)
		v.Voting = own.Type == config.Participant && !cfg.IsObserver()
		if own.Client != nil {
			v.ClientAddr = own.Client.String()
		}
	}
	if v.ClientAddr == "" {
		v.ClientAddr = s.ln.Addr().String()
	}
	if ld, ok := cfg.Server(v.LeaderID); ok && len(ld.Addresses) > 0 {
		v.LeaderHost = ld.Addresses[0].Host
	}
	for _, sv := range cfg.Servers {
		if sv.Type != config.Participant {
			continue
		}
		m := admin.Member{ID: sv.ID, LearnerType: sv.Type.String()}
		m.ServerAddrs, m.ElectionAddrs = quorumAddrs(sv)
		if sv.Client != nil {
			m.ClientAddr = sv.Client.String()
		}
		v.Voters = append(v.Voters, m)
	}
	// A learner's link rides the quorum transport rather than a socket of
	// its own, so its configured quorum address stands in for Apache's
	// remote socket address; the bytes queued for it are not counted
	// (queued_packets_size 0).
	if st := qp.host.LeaderStatus(); st != nil {
		for _, l := range st.Learners {
			if !l.Observer || !l.Forwarding {
				continue
			}
			o := admin.ObserverLink{SID: l.ID, Established: l.Established.UnixMilli(),
				QueuedPackets: int64(l.Link.Queued()), PacketsReceived: l.Link.Received.Load(),
				PacketsSent: l.Link.Sent.Load(), Requests: l.Link.Requests.Load(), LastZxid: l.Link.LastZxid.Load()}
			if sv, ok := cfg.Server(l.ID); ok && len(sv.Addresses) > 0 {
				o.RemoteAddr = "/" + net.JoinHostPort(sv.Addresses[0].Host, strconv.Itoa(sv.Addresses[0].QuorumPort))
			} else if pid, ok := qp.host.PID(l.ID, ""); ok {
				// An observer that joined by itself: the address it was learned at.
				o.RemoteAddr = "/" + pid.Address
			}
			v.Observers = append(v.Observers, o)
		}
	}
	return v
}

// ResetObserverStats zeroes the counters of the observers' links (orst).
func (a *adminSource) ResetObserverStats() {
	if a.s.quorum == nil {
		return
	}
	if st := a.s.quorum.host.LeaderStatus(); st != nil {
		for _, l := range st.Learners {
			if l.Observer {
				l.Link.Reset()
			}
		}
	}
}

// quorumAddrs are a server.N line's quorum and election addresses.
func quorumAddrs(sv config.Server) (quorumAddrs, electionAddrs []string) {
	for _, a := range sv.Addresses {
		quorumAddrs = append(quorumAddrs, net.JoinHostPort(a.Host, strconv.Itoa(a.QuorumPort)))
		electionAddrs = append(electionAddrs, net.JoinHostPort(a.Host, strconv.Itoa(a.ElectionPort)))
	}
	return quorumAddrs, electionAddrs
}

// leaderStats fills the leader's gauges (LeaderZooKeeperServer) from what
// the leader actor published; nothing unless this server leads.
func (s *Server) leaderStats(st *fourletter.Stats) {
	if s.quorum == nil || st.Mode != fourletter.StateLeader {
		return
	}
	h := s.quorum.host
	ls := h.LeaderStatus()
	if ls == nil {
		return
	}
	l := &fourletter.LeaderStats{Learners: int64(len(ls.Learners)), PendingSyncs: int64(ls.PendingSyncs),
		Uptime: timeSinceMs(ls.Since)}
	for _, ln := range ls.Learners {
		switch {
		case !ln.Forwarding:
		case ln.Observer:
			st.SyncedObservers++
		case h.Quorum.IsVoter(ln.ID):
			l.SyncedFollowers++
		default:
			// A participant the verifier does not count (Apache's
			// getNonVotingFollowers, after a reconfig).
			l.SyncedFollowers++
			l.SyncedNonVotingFollowers++
		}
	}
	l.ProposalSizes.Last, l.ProposalSizes.Min, l.ProposalSizes.Max = h.ProposalSizes()
	st.Leader = l
}

// quorumConfig is conf's quorum part (QuorumZooKeeperServer.dumpConf):
// limits, ports, peer type, and the membership as QuorumVerifier.toString
// prints it.
func quorumConfig(c *config.Config) *fourletter.QuorumConfig {
	q := &fourletter.QuorumConfig{InitLimit: c.InitLimit, SyncLimit: c.SyncLimit, ElectionAlg: c.ElectionAlg,
		ConfigVersion: c.QuorumVersion}
	if c.IsObserver() {
		q.PeerType = 1
	}
	if own, ok := c.Server(c.ServerID); ok {
		for _, a := range own.Addresses {
			q.ElectionPorts = append(q.ElectionPorts, a.ElectionPort)
			q.QuorumPorts = append(q.QuorumPorts, a.QuorumPort)
		}
	}
	lines := strings.Split(c.QuorumString(), "\n")
	for _, l := range lines[:len(lines)-1] { // the last is "version=..."
		if k, v, ok := strings.Cut(l, "="); ok {
			q.Members = append(q.Members, fourletter.KV{Key: k, Value: v})
		}
	}
	return q
}

// roleMetrics feeds the role actors' measurements (zabhost.Observer) to
// the server's metric registry under Apache's names.
type roleMetrics struct{ r *metrics.Registry }

func (m roleMetrics) Count(name string, delta int64)       { m.r.Counter(name).Add(delta) }
func (m roleMetrics) Observe(name string, v int64)         { m.r.Summary(name).Add(v) }
func (m roleMetrics) ObserveSet(name, key string, v int64) { m.r.SummarySet(name).Add(key, v) }
