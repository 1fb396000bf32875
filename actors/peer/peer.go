// Package peer is the quorum peer actor ("peer"), Apache's QuorumPeer as a
// supervised actor: it owns the server's role in the ensemble. It starts
// LOOKING with its election participant ("election", a child that lives as
// long as the server), and on a decision spawns the role: the leader actor
// (actors/leader) or the learner actor (actors/learner, a follower or an
// observer). When the role ends, for whatever reason (the leader lost its
// quorum, the learner lost its leader, a crash below it left its state
// unknown), the peer stops serving clients, closes their connections and
// goes back to LOOKING.
//
// The peer is also the entry of client traffic into the role: the session
// actors and the session manager send writes, syncs, touches and
// revalidations to the peer, which hands them to the current role, and the
// prep stage sends it the txns it prepared (the leader proposes them).
// While no role serves, such messages are dropped: the connections they
// came from are being closed and their clients move to another server.
package peer

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/leader"
	"github.com/corral-zk/corral/actors/learner"
	"github.com/corral-zk/corral/actors/zabhost"
	"github.com/corral-zk/corral/core/election"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/epoch"
)

// Mode is the role a server reports (srvr's "Mode:", mntr's
// zk_server_state); "" while it has none.
type Mode string

// Modes as Apache spells them.
const (
	ModeNone     Mode = ""
	ModeLeader   Mode = "leader"
	ModeFollower Mode = "follower"
	ModeObserver Mode = "observer"
)

// Peer is the quorum peer: the actor's state and what the rest of the
// server reads about it (from any goroutine).
type Peer struct {
	h *zabhost.Host
	// LastLogged reports the last durable zxid (the quorum log's).
	LastLogged func() int64
	// OnServing is called when the server starts or stops serving clients.
	OnServing func(serving bool, mode Mode)

	mode    atomic.Value // Mode of the role, set once it serves
	serving atomic.Bool
	leading atomic.Bool
	epoch   atomic.Int64
	leader  atomic.Int64
	rounds  atomic.Int64
}

// New returns the peer of a server.
func New(h *zabhost.Host, lastLogged func() int64) *Peer {
	p := &Peer{h: h, LastLogged: lastLogged}
	p.mode.Store(ModeNone)
	return p
}

// Props returns the peer actor's props. Its children are the election
// participant (restarted on a crash, its state kept) and the role (stopped
// on a crash: its state is unknown, so the server goes back to LOOKING).
func (p *Peer) Props() *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor { return &peerActor{p: p} },
		actor.WithSupervisor(childStrategy()))
}

// Serving reports whether the role serves clients now.
func (p *Peer) Serving() bool { return p.serving.Load() }

// Leading reports whether this server leads an established epoch.
func (p *Peer) Leading() bool { return p.leading.Load() && p.serving.Load() }

// Mode is the role this server serves in, ModeNone while it does not.
func (p *Peer) Mode() Mode {
	if !p.serving.Load() {
		return ModeNone
	}
	return p.mode.Load().(Mode)
}

// Epoch is the epoch the role serves in.
func (p *Peer) Epoch() int64 { return p.epoch.Load() }

// LeaderID is the current leader's id (0 while there is none).
func (p *Peer) LeaderID() int64 { return p.leader.Load() }

// Lookings is how many times this server went LOOKING (its start
// included): one more each time a role ended.
func (p *Peer) Lookings() int64 { return p.rounds.Load() }

// peerActor is one incarnation of the peer actor.
type peerActor struct {
	p        *Peer
	election *actor.PID
	role     *actor.PID
	decision *messages.ElectionDecision
	// starting is set between a decision and the role's spawn (the log
	// state is being read).
	starting bool
	stopping bool
	// lookedAt is when the current election round started (Apache's
	// election_time runs from LOOKING to the decision).
	lookedAt time.Time
}

func (a *peerActor) Receive(ctx actor.Context) {
	p := a.p
	switch m := ctx.Message().(type) {
	case *actor.Started:
		ea, err := newElection(p.h)
		if err != nil {
			panic(fmt.Sprintf("peer: %v", err))
		}
		pid, err := ctx.SpawnNamed(ea.props(), "election")
		if err != nil {
			panic(fmt.Sprintf("peer: spawn election: %v", err))
		}
		a.election = pid
		a.look(ctx)
	case *messages.ElectionDecision:
		a.decided(ctx, m)
	case *messages.LogState:
		a.startRole(ctx, m)
	case *messages.RoleServing:
		a.serving(ctx, m)
	case *messages.RoleEnded:
		p.h.Logger.Info("role ending", "reason", m.Reason)
	case *actor.Stopping:
		a.stopping = true
	case *actor.Restarting:
		// The children stop; a new incarnation starts LOOKING.
		a.stopping = true
		a.stopServing(ctx)
	case *actor.Terminated:
		switch {
		case a.stopping:
		case a.role != nil && m.Who.Equal(a.role):
			a.roleEnded(ctx)
		case m.Who.Equal(a.election):
			// The participant crashed past its restart limit: start over
			// with a new peer (the supervisor restarts this actor).
			panic("peer: the election participant stopped")
		}
	case *messages.MemberEvent:
		a.member(m)
	case *messages.ClientRequest, *messages.Proposal, *messages.Resynced, *messages.ZabTouch,
		*messages.SessionRevalidate, *messages.SessionCheckResult, *messages.SessionOwner:
		if a.role != nil {
			ctx.Forward(a.role)
		}
	}
}

// look starts an election round with what this server's history holds.
func (a *peerActor) look(ctx actor.Context) {
	cur, err := epoch.Read(a.p.h.DataDir, epoch.Current)
	if err != nil {
		panic(fmt.Sprintf("peer: %v", err))
	}
	a.p.rounds.Add(1)
	a.lookedAt = time.Now()
	a.p.h.SetZabState(zabhost.ZabElection)
	a.p.h.Count("looking_count", 1)
	ctx.Send(a.election, &messages.ElectionStart{LastZxid: a.p.LastLogged(), CurrentEpoch: cur})
}

// decided reads the log state the role starts from; the role is spawned
// when it arrives, once the final stage applied everything the previous
// role handed it.
func (a *peerActor) decided(ctx actor.Context, m *messages.ElectionDecision) {
	if a.role != nil || a.starting {
		return
	}
	a.decision = m
	a.starting = true
	if !a.lookedAt.IsZero() {
		a.p.h.Observe("election_time", time.Since(a.lookedAt).Milliseconds())
		a.lookedAt = time.Time{}
	}
	ctx.Request(a.p.h.Log, &messages.LogStateRequest{AppliedBarrier: a.p.h.AppliedSent()})
}

func (a *peerActor) startRole(ctx actor.Context, st *messages.LogState) {
	if !a.starting {
		return
	}
	a.starting = false
	d := a.decision
	h := a.p.h
	if st.Error != "" {
		h.Logger.Error("cannot read the log state for the new role", "err", st.Error)
		a.look(ctx)
		return
	}
	var props *actor.Props
	var name string
	mode := ModeFollower
	switch election.State(d.Role) {
	case election.Leading:
		props, name, mode = leader.Props(h, st), "leader", ModeLeader
	case election.Following, election.Observing:
		if election.State(d.Role) == election.Observing {
			mode = ModeObserver
		}
		props, name = learner.Props(h, d.Leader, st), "learner"
	default:
		a.look(ctx)
		return
	}
	pid, err := ctx.SpawnNamed(props, name)
	if err != nil {
		h.Logger.Error("cannot start the role", "role", name, "err", err)
		a.look(ctx)
		return
	}
	a.role = pid
	a.p.mode.Store(mode)
	a.p.leader.Store(d.Leader)
	a.p.leading.Store(mode == ModeLeader)
}

func (a *peerActor) serving(ctx actor.Context, m *messages.RoleServing) {
	if a.role == nil {
		return
	}
	p := a.p
	p.epoch.Store(m.Epoch)
	p.serving.Store(true)
	ctx.Send(a.election, &messages.ElectionPeerEpoch{Epoch: m.Epoch})
	mode := p.mode.Load().(Mode)
	p.h.Logger.Info("serving clients", "mode", string(mode), "epoch", m.Epoch, "leader", p.leader.Load())
	if p.OnServing != nil {
		p.OnServing(true, mode)
	}
}

// roleEnded stops serving: every client connection is closed, so clients
// move to a server that serves (CONNECTIONLOSS, as Apache's clients see
// when their server goes LOOKING), and a new election round starts.
func (a *peerActor) roleEnded(ctx actor.Context) {
	a.role = nil
	a.stopServing(ctx)
	a.look(ctx)
}

func (a *peerActor) stopServing(ctx actor.Context) {
	p := a.p
	wasServing := p.serving.Swap(false)
	p.leading.Store(false)
	p.leader.Store(0)
	p.mode.Store(ModeNone)
	if wasServing && p.OnServing != nil {
		p.OnServing(false, ModeNone)
	}
	for _, c := range p.h.Registry.Conns() {
		ctx.Send(c.PID(), &messages.CloseConn{Reason: "server is not serving: looking for a leader"})
	}
}

func hex(z int64) string { return fmt.Sprintf("%#x", z) }
