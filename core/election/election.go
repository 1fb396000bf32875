package election

import (
	"fmt"
	"math"

	"github.com/corral-zk/corral/core/quorum"
)

// Config is what an election participant needs to know.
type Config struct {
	// ID is this server's id (myid). It must be a voter or an observer of
	// Quorum.
	ID int64
	// Quorum says who votes, who observes, what a quorum is and what each
	// candidate weighs.
	Quorum quorum.Verifier
	// FinalizeWaitTicks is finalizeWait: once a quorum agrees with our
	// proposal, how many ticks without a new notification to wait before
	// deciding. 0 decides at once.
	FinalizeWaitTicks int
	// MinNotificationTicks and MaxNotificationTicks bound the silence
	// after which notifications are sent again: the wait starts at the
	// minimum and doubles after each re-send, up to the maximum
	// (minNotificationInterval and maxNotificationInterval). Keep the
	// minimum at least FinalizeWaitTicks, as Apache's default: every
	// notification restarts a finalizeWait, so quicker re-sends (from a
	// server that cannot win, such as a weight-0 one with the most data)
	// can keep the others from ever deciding.
	MinNotificationTicks int
	MaxNotificationTicks int
}

// Decision is the outcome of an election for this server: the role it
// takes and the vote it ends with (Vote.Leader is the leader,
// Vote.ElectionEpoch the round it was decided in).
type Decision struct {
	Role State
	Vote Vote
}

func (d Decision) String() string { return fmt.Sprintf("%s %s", d.Role, d.Vote) }

// Ready is what the core asks its shell to carry out.
type Ready struct {
	// Messages to send, in order. Losing some is safe (the protocol
	// re-sends); reordering between two servers is safe too.
	Messages []Message
	// Decision, when not nil, ends the election: the shell starts the
	// role (leader, follower or observer).
	Decision *Decision
}

// Election is one server's Fast Leader Election participant. It is not
// safe for concurrent use; it belongs to one actor.
type Election struct {
	cfg   Config
	q     quorum.Verifier
	voter bool

	started bool
	state   State
	clock   int64 // logicalclock: the election round
	// proposal is (proposedLeader, proposedZxid, proposedEpoch); its
	// ElectionEpoch is unused, the round being clock.
	proposal Vote
	// initial is getInitId, getInitLastLoggedZxid and getPeerEpoch: what
	// this server proposes when it proposes itself.
	initial Vote
	// current is QuorumPeer.currentVote: the last decision (or, before the
	// first one, this server with its own zxid), sent to those who ask.
	current Vote

	recvset       map[int64]ballot // votes of this round
	outOfElection map[int64]ballot // FOLLOWING/LEADING votes, any round

	finalizing   bool
	finalizeLeft int
	notTimeout   int // ticks of silence before re-sending
	idle         int // ticks since the last notification

	loopback []Notification // our own notifications, delivered to ourselves

	msgs          []Message
	decision      *Decision
	readyMsgs     int
	readyDecision *Decision
}

// New builds a participant; it does nothing until Start.
func New(cfg Config) (*Election, error) {
	switch {
	case cfg.Quorum == nil:
		return nil, fmt.Errorf("election: no quorum verifier")
	case cfg.FinalizeWaitTicks < 0:
		return nil, fmt.Errorf("election: FinalizeWaitTicks %d is negative", cfg.FinalizeWaitTicks)
	case cfg.MinNotificationTicks < 1:
		return nil, fmt.Errorf("election: MinNotificationTicks %d is below 1", cfg.MinNotificationTicks)
	case cfg.MaxNotificationTicks < cfg.MinNotificationTicks:
		return nil, fmt.Errorf("election: MaxNotificationTicks %d is below MinNotificationTicks %d",
			cfg.MaxNotificationTicks, cfg.MinNotificationTicks)
	}
	voter := cfg.Quorum.IsVoter(cfg.ID)
	if !voter && !isObserver(cfg.Quorum, cfg.ID) {
		return nil, fmt.Errorf("election: server %d is neither a voter nor an observer", cfg.ID)
	}
	return &Election{cfg: cfg, q: cfg.Quorum, voter: voter, state: Looking}, nil
}

func isObserver(q quorum.Verifier, id int64) bool {
	for _, o := range q.Observers() {
		if o == id {
			return true
		}
	}
	return false
}

// Start begins a new election round (lookForLeader): LOOKING, logical
// clock +1, a vote for this server (an observer votes for nobody), sent to
// every voter. lastZxid is the last logged zxid and currentEpoch the
// persisted current epoch. Call it when the server starts and whenever
// its role ends (the leader was lost, a sync failed...). A decision not
// yet taken with Ready is dropped.
func (e *Election) Start(lastZxid, currentEpoch int64) {
	if !e.started {
		// QuorumPeer.startLeaderElection.
		e.current = Vote{Leader: e.cfg.ID, Zxid: lastZxid, ElectionEpoch: -1, PeerEpoch: currentEpoch}
		e.started = true
	}
	e.state = Looking
	e.clock++
	e.recvset = map[int64]ballot{}
	e.outOfElection = map[int64]ballot{}
	e.finalizing = false
	e.notTimeout = e.cfg.MinNotificationTicks
	e.idle = 0
	e.loopback = nil
	e.decision = nil
	if e.voter {
		e.initial = Vote{Leader: e.cfg.ID, Zxid: lastZxid, PeerEpoch: currentEpoch}
	} else {
		e.initial = Vote{Leader: math.MinInt64, Zxid: math.MinInt64, PeerEpoch: math.MinInt64}
	}
	e.proposal = e.initial
	e.broadcast()
	e.drain()
}

// Step handles a notification received from another server. Before the
// first Start it is ignored.
func (e *Election) Step(n Notification) {
	if !e.started {
		return
	}
	e.receive(n)
	e.drain()
}

// Tick advances time by one tick: it runs out finalizeWait and re-sends
// notifications (with exponential backoff) while no decision is reached.
func (e *Election) Tick() {
	if !e.started || e.state != Looking {
		return
	}
	if e.finalizing {
		e.finalizeLeft--
		if e.finalizeLeft <= 0 {
			e.decideProposal()
		}
		return
	}
	e.idle++
	if e.idle >= e.notTimeout {
		e.idle = 0
		e.broadcast()
		e.notTimeout = min(e.notTimeout*2, e.cfg.MaxNotificationTicks)
	}
	e.drain()
}

// UpdatePeerEpoch is QuorumPeer.updateElectionVote: once the role serves
// in the new Zab epoch (the leader when a quorum acknowledged NEWLEADER,
// a learner on UPTODATE), the vote this server reports to late joiners
// carries that epoch, so that they count it with the votes of the others,
// which report it too (ZOOKEEPER-1732).
func (e *Election) UpdatePeerEpoch(epoch int64) { e.current.PeerEpoch = epoch }

// HasReady reports whether Ready has something new.
func (e *Election) HasReady() bool { return len(e.msgs) > 0 || e.decision != nil }

// Ready returns the messages to send and the decision, if any, since the
// last Advance.
func (e *Election) Ready() Ready {
	e.readyMsgs = len(e.msgs)
	e.readyDecision = e.decision
	rd := Ready{Messages: append([]Message(nil), e.msgs...)}
	if e.decision != nil {
		d := *e.decision
		rd.Decision = &d
	}
	return rd
}

// Advance acknowledges the last Ready: its messages were handed to the
// transport and its decision acted on.
func (e *Election) Advance() {
	e.msgs = append(e.msgs[:0], e.msgs[e.readyMsgs:]...)
	if e.decision == e.readyDecision {
		e.decision = nil
	}
	e.readyMsgs, e.readyDecision = 0, nil
}

// State is this server's election state.
func (e *Election) State() State { return e.state }

// LogicalClock is the current election round.
func (e *Election) LogicalClock() int64 { return e.clock }

// CurrentVote is QuorumPeer.getCurrentVote: the vote of the last
// decision (this server itself before the first).
func (e *Election) CurrentVote() Vote { return e.current }

// Proposal is the vote this server currently proposes, in the current
// round.
func (e *Election) Proposal() Vote {
	p := e.proposal
	p.ElectionEpoch = e.clock
	return p
}

// receive is FastLeaderElection.Messenger.WorkerReceiver: answer those who
// need an answer, and hand the notification to the election loop while
// LOOKING.
func (e *Election) receive(n Notification) {
	if !n.State.valid() {
		return
	}
	if !e.q.IsVoter(n.From) {
		// An observer (or a stranger): it cannot vote, tell it what we
		// believe right away. Apache answers whatever its state; once it
		// is no longer LOOKING it has no use for the answer, and answering
		// it would make it answer us again, for ever, while we look.
		//
		// While we look, what we believe is our proposal. Apache sends its
		// current vote, which is then the leader just lost: an observer
		// that asks while a quorum of voters is looking hears that dead
		// leader from all of them, decides for it, and stays stuck trying
		// to connect to it until initLimit runs out (20 s with the
		// defaults; seen when a container's leader was killed).
		if n.State == Looking {
			v := e.current
			if e.state == Looking {
				v = e.proposal
			}
			e.send(n.From, e.note(e.state, v.Leader, v.Zxid, e.clock, v.PeerEpoch))
		}
		return
	}
	if e.state == Looking {
		// A voter lagging behind: bring it to our round. Only a voter can:
		// a voter never counts what an observer says, so Apache's answer
		// from an observer is dropped, and would be answered, for ever.
		if e.voter && n.State == Looking && n.ElectionEpoch < e.clock {
			p := e.proposal
			e.send(n.From, e.note(Looking, p.Leader, p.Zxid, e.clock, p.PeerEpoch))
		}
		e.process(n)
		return
	}
	if n.State == Looking {
		// We are past the election: tell the looking voter whom we follow.
		c := e.current
		e.send(n.From, e.note(e.state, c.Leader, c.Zxid, c.ElectionEpoch, c.PeerEpoch))
	}
}

// process is one iteration of lookForLeader's loop with a notification
// polled from the queue, including the finalizeWait inner loop.
func (e *Election) process(n Notification) {
	e.idle = 0
	if e.finalizing {
		if !e.better(n.Leader, n.Zxid, n.PeerEpoch, e.proposal) {
			// Not better: dropped, and the wait starts over.
			e.finalizeLeft = e.cfg.FinalizeWaitTicks
			return
		}
		e.finalizing = false
	}
	if !e.q.IsVoter(n.From) || !e.q.IsVoter(n.Leader) {
		return
	}
	switch n.State {
	case Looking:
		e.looking(n)
	case Following, Leading:
		e.following(n)
	}
}

// looking handles a LOOKING notification of a voter.
func (e *Election) looking(n Notification) {
	if e.initial.Zxid == -1 || n.Zxid == -1 {
		return
	}
	switch {
	case n.ElectionEpoch > e.clock:
		// A later round: join it, forgetting the votes of ours.
		e.clock = n.ElectionEpoch
		clear(e.recvset)
		if e.better(n.Leader, n.Zxid, n.PeerEpoch, e.initial) {
			e.propose(n.Leader, n.Zxid, n.PeerEpoch)
		} else {
			e.proposal = e.initial
		}
		e.broadcast()
	case n.ElectionEpoch < e.clock:
		return
	case e.better(n.Leader, n.Zxid, n.PeerEpoch, e.proposal):
		e.propose(n.Leader, n.Zxid, n.PeerEpoch)
		e.broadcast()
	}
	e.recvset[n.From] = ballot{Vote: n.Vote(), state: Looking, version: versionNone}
	if hasQuorum(e.q, e.recvset, ballot{Vote: e.Proposal(), state: Looking}) {
		if e.cfg.FinalizeWaitTicks == 0 {
			e.decideProposal()
			return
		}
		e.finalizing = true
		e.finalizeLeft = e.cfg.FinalizeWaitTicks
	}
}

// following is receivedFollowingNotification (and, without Apache's
// two-server oracle, receivedLeadingNotification): a voter that already
// follows or leads. Its vote counts with this round's votes when it was
// cast in this round; in any case it counts with the other out-of-election
// votes, which is how a late joiner or a restarted server finds an
// existing leader. Either way the leader must itself be known to lead (or
// be us), so that a quorum of followers of a crashed leader is not joined.
func (e *Election) following(n Notification) {
	vote := ballot{Vote: n.Vote(), state: n.State, version: versionCurrent}
	if n.ElectionEpoch == e.clock {
		e.recvset[n.From] = ballot{Vote: n.Vote(), state: n.State, version: versionNone}
		if hasQuorum(e.q, e.recvset, vote) && e.checkLeader(e.recvset, n.Leader, n.ElectionEpoch) {
			e.decide(n.Vote())
			return
		}
	}
	e.outOfElection[n.From] = vote
	if hasQuorum(e.q, e.outOfElection, vote) && e.checkLeader(e.outOfElection, n.Leader, n.ElectionEpoch) {
		e.clock = n.ElectionEpoch
		e.decide(n.Vote())
	}
}

// checkLeader: another leader must have said it is LEADING; if the leader
// is us, the votes must be of our round.
func (e *Election) checkLeader(votes map[int64]ballot, leader, electionEpoch int64) bool {
	if leader != e.cfg.ID {
		b, ok := votes[leader]
		return ok && b.state == Leading
	}
	return e.clock == electionEpoch
}

func (e *Election) better(id, zxid, peerEpoch int64, than Vote) bool {
	return better(e.q, id, zxid, peerEpoch, than.Leader, than.Zxid, than.PeerEpoch)
}

func (e *Election) propose(leader, zxid, peerEpoch int64) {
	e.proposal = Vote{Leader: leader, Zxid: zxid, PeerEpoch: peerEpoch}
}

func (e *Election) decideProposal() { e.decide(e.Proposal()) }

// decide ends the round (setPeerState and leaveInstance).
func (e *Election) decide(v Vote) {
	role := Leading
	switch {
	case v.Leader == e.cfg.ID:
	case e.voter:
		role = Following
	default:
		role = Observing
	}
	e.state = role
	e.current = v
	e.decision = &Decision{Role: role, Vote: v}
	e.finalizing = false
	e.loopback = nil
	clear(e.recvset)
	clear(e.outOfElection)
}

// broadcast is sendNotifications: our proposal to every voter, ourselves
// included when we vote.
func (e *Election) broadcast() {
	p := e.proposal
	n := e.note(Looking, p.Leader, p.Zxid, e.clock, p.PeerEpoch)
	e.msgs = append(e.msgs, Message{Broadcast: true, Notification: n})
	if e.voter {
		e.loopback = append(e.loopback, n)
	}
}

func (e *Election) send(to int64, n Notification) {
	if to == e.cfg.ID {
		e.loopback = append(e.loopback, n)
		return
	}
	e.msgs = append(e.msgs, Message{To: to, Notification: n})
}

// drain delivers our own notifications to ourselves, after the input that
// produced them, as QuorumCnxManager's loopback queues them. Once decided
// they are dropped, as leaveInstance clears the queue.
func (e *Election) drain() {
	for len(e.loopback) > 0 && e.state == Looking {
		n := e.loopback[0]
		e.loopback = e.loopback[1:]
		e.receive(n)
	}
	e.loopback = nil
}

func (e *Election) note(state State, leader, zxid, electionEpoch, peerEpoch int64) Notification {
	return Notification{
		From:          e.cfg.ID,
		State:         state,
		Leader:        leader,
		Zxid:          zxid,
		ElectionEpoch: electionEpoch,
		PeerEpoch:     peerEpoch,
		ConfigVersion: e.q.Version(),
	}
}
