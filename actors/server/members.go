package server

import (
	"net"
	"strconv"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/gossip"
	"github.com/corral-zk/corral/actors/peer"
	"github.com/corral-zk/corral/admin"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/messages"
)

// members is a quorum server's gossip (actors/gossip) on its election
// port: memberlist, seeded with the configured servers' election
// addresses, tells every server who is up and where, including observers
// that no voter's zoo.cfg lists. Its events go to the peer actor as
// MemberEvent messages (memberlist calls back on its own goroutines, which
// only send); the peer uses them as hints for addresses, never for the
// voting set. Operators see the view at /commands/members.
type members struct {
	g    *gossip.Gossip
	peer atomic.Pointer[actor.PID] // nil until the peer actor exists
	base *messages.MemberMeta      // what never changes: sid, role, addresses
}

// gossipConfig is the election port's configuration: bound where the
// quorum port is bound (every address with quorumListenOnAllIPs),
// advertised at the server.N address, seeded with every configured
// server's election address.
func gossipConfig(cfg *config.Config, own config.Server) (bind, advertise string, seeds []string) {
	a := own.Addresses[0]
	advertise = net.JoinHostPort(a.Host, strconv.Itoa(a.ElectionPort))
	bind = advertise
	if cfg.QuorumListenOnAllIPs {
		bind = net.JoinHostPort("0.0.0.0", strconv.Itoa(a.ElectionPort))
	}
	for _, sv := range cfg.Servers {
		for _, sa := range sv.Addresses {
			seeds = append(seeds, net.JoinHostPort(sa.Host, strconv.Itoa(sa.ElectionPort)))
		}
	}
	return bind, advertise, seeds
}

// startGossip binds the election port; Start calls it after the quorum
// port is open. Events that come before the peer actor exists are
// dropped: attach replays the view.
func (s *Server) startGossip(quorumAddr string) error {
	cfg := s.cfg
	own, _ := cfg.Server(cfg.ServerID)
	bind, advertise, seeds := gossipConfig(cfg, own)
	role := "participant"
	if cfg.IsObserver() {
		role = "observer"
	}
	// The client address others can use: a wildcard bind is advertised at
	// the server.N host.
	var client string
	switch {
	case own.Client != nil && !wildcard(own.Client.Host):
		client = own.Client.String()
	case own.Client != nil:
		client = net.JoinHostPort(own.Addresses[0].Host, strconv.Itoa(own.Client.Port))
	case cfg.ClientPort > 0 && !wildcard(cfg.ClientPortAddress):
		client = net.JoinHostPort(cfg.ClientPortAddress, strconv.Itoa(cfg.ClientPort))
	case cfg.ClientPort > 0:
		client = net.JoinHostPort(own.Addresses[0].Host, strconv.Itoa(cfg.ClientPort))
	}
	m := &members{base: &messages.MemberMeta{Sid: cfg.ServerID, Role: role, State: "looking",
		QuorumAddr: quorumAddr, ClientAddr: client}}
	system := s.system
	g, err := gossip.Start(gossip.Config{Bind: bind, Advertise: advertise, Seeds: seeds, Meta: m.base,
		Logger: s.logger, Events: func(ev *messages.MemberEvent) {
			if pid := m.peer.Load(); pid != nil {
				system.Root.Send(pid, ev)
			}
		}})
	if err != nil {
		return err
	}
	m.g = g
	s.quorum.members = m
	s.logger.Info("election port open (gossip)", "addr", bind, "advertise", advertise, "seeds", seeds)
	return nil
}

func wildcard(host string) bool { return host == "" || host == "0.0.0.0" || host == "::" }

// attach sends gossip's events to the peer from now on, starting with the
// current view.
func (m *members) attach(system *actor.ActorSystem, pid *actor.PID) {
	if m == nil {
		return
	}
	m.peer.Store(pid)
	for _, n := range m.g.Members() {
		system.Root.Send(pid, &messages.MemberEvent{Kind: messages.MemberEvent_JOIN, Member: n})
	}
}

// serving tells the others this server's role, epoch and leader.
func (m *members) serving(serving bool, mode peer.Mode, epoch, leader int64) {
	if m == nil {
		return
	}
	meta := &messages.MemberMeta{Sid: m.base.Sid, Role: m.base.Role, QuorumAddr: m.base.QuorumAddr,
		ClientAddr: m.base.ClientAddr, State: "looking"}
	if serving {
		meta.Epoch, meta.Leader = epoch, leader
		switch mode {
		case peer.ModeLeader:
			meta.State = "leading"
		case peer.ModeFollower:
			meta.State = "following"
		case peer.ModeObserver:
			meta.State = "observing"
		}
	}
	_ = m.g.Update(meta)
}

func (m *members) stop() {
	if m != nil {
		m.g.Stop()
	}
}

// Members is the gossip view for the admin API (/commands/members, a
// Corral extension); none on a standalone server.
func (a *adminSource) Members() []admin.MemberInfo {
	qp := a.s.quorum
	if qp == nil || qp.members == nil {
		return nil
	}
	var out []admin.MemberInfo
	for _, n := range qp.members.g.Nodes() {
		m := n.Meta
		out = append(out, admin.MemberInfo{ID: m.GetSid(), Name: n.Name, Address: n.Address, Gossip: n.State,
			Role: m.GetRole(), State: m.GetState(), QuorumAddr: m.GetQuorumAddr(), ClientAddr: m.GetClientAddr(),
			Leader: m.GetLeader(), Epoch: m.GetEpoch()})
	}
	return out
}
