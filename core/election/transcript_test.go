package election

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/core/quorum"
	"github.com/corral-zk/corral/messages"
)

func TestStartVotesForItself(t *testing.T) {
	q, err := quorum.NewMajority(ids(1, 3), nil, 0x700000000)
	require.NoError(t, err)
	e := node(t, 2, q, 2, 2, 8)
	requireSilent(t, e)
	e.Step(looking(1, 1, 0, 1, 0)) // ignored before Start
	e.Tick()
	requireSilent(t, e)

	e.Start(zxid(5, 3), 5)
	rd := take(e)
	require.Equal(t, []Message{bcast(Notification{From: 2, State: Looking, Leader: 2, Zxid: zxid(5, 3),
		ElectionEpoch: 1, PeerEpoch: 5, ConfigVersion: 0x700000000})}, rd.Messages)
	require.Nil(t, rd.Decision)
	require.Equal(t, Looking, e.State())
	require.Equal(t, int64(1), e.LogicalClock())
	require.Equal(t, Vote{Leader: 2, Zxid: zxid(5, 3), ElectionEpoch: 1, PeerEpoch: 5}, e.Proposal())
	require.Equal(t, Vote{Leader: 2, Zxid: zxid(5, 3), ElectionEpoch: -1, PeerEpoch: 5}, e.CurrentVote())
	requireSilent(t, e)
}

// Server 1 of three hears server 3's better vote (same data, higher sid):
// it adopts it, tells everyone, counts itself and 3 (a quorum), waits
// finalizeWait ticks and follows 3.
func TestAdoptBetterVoteThenDecideAfterFinalizeWait(t *testing.T) {
	e := node(t, 1, majority(t, ids(1, 3), nil), 3, 10, 10)
	z := zxid(1, 7)
	e.Start(z, 1)
	require.Equal(t, []Message{bcast(looking(1, 1, z, 1, 1))}, take(e).Messages)

	e.Step(looking(2, 2, z, 1, 1)) // better than 1: adopted, but no quorum
	require.Equal(t, []Message{bcast(looking(1, 2, z, 1, 1))}, take(e).Messages)
	e.Step(looking(3, 3, z, 1, 1)) // better still; 1 and 3 vote 3: quorum
	require.Equal(t, []Message{bcast(looking(1, 3, z, 1, 1))}, take(e).Messages)

	ticks(t, e, 2)
	e.Tick()
	rd := take(e)
	require.Empty(t, rd.Messages)
	require.Equal(t, &Decision{Role: Following, Vote: Vote{Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1}}, rd.Decision)
	require.Equal(t, Following, e.State())
	require.Equal(t, rd.Decision.Vote, e.CurrentVote())
	requireSilent(t, e)
	ticks(t, e, 50) // no more re-sends once decided
}

func TestVoteOrder(t *testing.T) {
	q, err := quorum.NewHierarchical(ids(1, 4), []int64{9},
		map[int64][]int64{1: ids(1, 4)}, map[int64]int64{4: 0}, 0)
	require.NoError(t, err)
	cases := []struct {
		name                string
		id, zx, ep          int64
		curID, curZx, curEp int64
		want                bool
	}{
		{"higher peer epoch beats higher zxid", 1, zxid(1, 1), 3, 2, zxid(2, 9), 2, true},
		{"lower peer epoch loses to lower zxid", 2, zxid(2, 9), 2, 1, zxid(1, 1), 3, false},
		{"higher zxid wins in the same epoch", 1, zxid(2, 9), 2, 3, zxid(2, 8), 2, true},
		{"lower zxid loses", 3, zxid(2, 8), 2, 1, zxid(2, 9), 2, false},
		{"tie broken by higher sid", 3, zxid(2, 8), 2, 2, zxid(2, 8), 2, true},
		{"lower sid loses the tie", 2, zxid(2, 8), 2, 3, zxid(2, 8), 2, false},
		{"the same vote is not better", 2, zxid(2, 8), 2, 2, zxid(2, 8), 2, false},
		{"weight 0 never wins", 4, zxid(9, 9), 9, 1, zxid(1, 1), 1, false},
		{"an observer never wins", 9, zxid(9, 9), 9, 1, zxid(1, 1), 1, false},
		{"a stranger never wins", 42, zxid(9, 9), 9, 1, zxid(1, 1), 1, false},
		{"anyone beats the observer's empty vote", 1, 0, 0, none, none, none, true},
	}
	for _, c := range cases {
		require.Equal(t, c.want, better(q, c.id, c.zx, c.ep, c.curID, c.curZx, c.curEp), c.name)
	}
}

// A LOOKING notification of a later round moves us to that round,
// forgets the votes counted in ours and compares with our own initial
// vote, not with what we had adopted. One of an earlier round is
// answered with our vote and otherwise ignored.
func TestRounds(t *testing.T) {
	e := node(t, 1, majority(t, ids(1, 5), nil), 2, 10, 10)
	e.Start(zxid(1, 10), 1)
	take(e)
	e.Step(looking(2, 2, zxid(1, 10), 1, 1))
	require.Equal(t, []Message{bcast(looking(1, 2, zxid(1, 10), 1, 1))}, take(e).Messages)

	// Round 3 proposes 3 with a lower zxid than ours: back to voting 1.
	e.Step(looking(4, 3, zxid(1, 5), 3, 1))
	require.Equal(t, []Message{bcast(looking(1, 1, zxid(1, 10), 3, 1))}, take(e).Messages)
	require.Equal(t, int64(3), e.LogicalClock())

	// 2 is still in round 1: answered, not counted, not adopted.
	e.Step(looking(2, 2, zxid(1, 10), 1, 1))
	require.Equal(t, []Message{to(2, looking(1, 1, zxid(1, 10), 3, 1))}, take(e).Messages)
	require.Equal(t, Vote{Leader: 1, Zxid: zxid(1, 10), ElectionEpoch: 3, PeerEpoch: 1}, e.Proposal())

	// Round 3 votes from 2 and 3 for 1 make a quorum with ours: decide.
	e.Step(looking(2, 1, zxid(1, 10), 3, 1))
	requireSilent(t, e)
	e.Step(looking(3, 1, zxid(1, 10), 3, 1))
	requireSilent(t, e)
	e.Tick()
	e.Tick()
	require.Equal(t, &Decision{Role: Leading, Vote: Vote{Leader: 1, Zxid: zxid(1, 10), ElectionEpoch: 3, PeerEpoch: 1}}, take(e).Decision)

	// A later round whose vote is better than ours is adopted as is.
	e = node(t, 1, majority(t, ids(1, 5), nil), 2, 10, 10)
	e.Start(zxid(1, 10), 1)
	take(e)
	e.Step(looking(5, 4, zxid(2, 1), 7, 2))
	require.Equal(t, []Message{bcast(looking(1, 4, zxid(2, 1), 7, 2))}, take(e).Messages)
}

// recvset keeps each server's latest vote of the round, and only votes
// equal to our proposal count towards a quorum.
func TestRecvsetKeepsLatestVotePerServer(t *testing.T) {
	e := node(t, 3, majority(t, ids(1, 5), nil), 1, 10, 10)
	z := zxid(1, 1)
	e.Start(z, 1)
	take(e)
	e.Step(looking(4, 4, z, 1, 1)) // adopt 4
	take(e)
	e.Step(looking(1, 4, z, 1, 1)) // 1, 3 and 4 vote 4: a quorum of 5
	e.Tick()
	require.Equal(t, Vote{Leader: 4, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1}, take(e).Decision.Vote)

	e = node(t, 3, majority(t, ids(1, 5), nil), 1, 10, 10)
	e.Start(z, 1)
	take(e)
	e.Step(looking(1, 3, z, 1, 1))
	e.Step(looking(2, 3, z, 1, 1)) // quorum {1,2,3} for 3: finalizing
	e.Step(looking(5, 5, z, 1, 1)) // better: the wait is over, vote 5
	require.Equal(t, []Message{bcast(looking(3, 5, z, 1, 1))}, take(e).Messages)
	e.Step(looking(1, 3, z, 1, 1)) // 1's old vote for 3 no longer counts
	ticks(t, e, 5)
	require.Equal(t, Looking, e.State())
}

// During finalizeWait a notification that is not better is dropped and
// the wait starts over; a better one resumes the election.
func TestFinalizeWait(t *testing.T) {
	q := majority(t, ids(1, 3), nil)
	start := func() *Election {
		e := node(t, 2, q, 3, 10, 10)
		e.Start(zxid(1, 20), 1)
		take(e)
		e.Step(looking(1, 2, zxid(1, 20), 1, 1)) // 1 votes 2: quorum {1,2}
		requireSilent(t, e)
		ticks(t, e, 2) // one tick of the wait left
		return e
	}

	e := start()
	e.Step(looking(3, 3, zxid(1, 10), 1, 1)) // worse: dropped, wait restarts
	requireSilent(t, e)
	ticks(t, e, 2)
	e.Tick()
	require.Equal(t, &Decision{Role: Leading, Vote: Vote{Leader: 2, Zxid: zxid(1, 20), ElectionEpoch: 1, PeerEpoch: 1}}, take(e).Decision)

	// Even a FOLLOWING vote or a later round is dropped if not better.
	e = start()
	e.Step(following(3, 1, zxid(1, 5), 9, 1))
	e.Step(looking(3, 3, zxid(1, 10), 9, 1))
	requireSilent(t, e)
	require.Equal(t, int64(1), e.LogicalClock())
	ticks(t, e, 2)
	e.Tick()
	require.Equal(t, Leading, take(e).Decision.Role)

	e = start()
	e.Step(looking(3, 3, zxid(1, 30), 1, 1)) // better: overturned
	require.Equal(t, []Message{bcast(looking(2, 3, zxid(1, 30), 1, 1))}, take(e).Messages)
	ticks(t, e, 2) // a new wait: {2,3} vote 3
	e.Tick()
	require.Equal(t, &Decision{Role: Following, Vote: Vote{Leader: 3, Zxid: zxid(1, 30), ElectionEpoch: 1, PeerEpoch: 1}}, take(e).Decision)

	// With no wait at all the quorum decides at once.
	e = node(t, 2, q, 0, 10, 10)
	e.Start(zxid(1, 20), 1)
	take(e)
	e.Step(looking(3, 2, zxid(1, 20), 1, 1))
	require.Equal(t, Leading, take(e).Decision.Role)
}

// A decided server answers LOOKING voters with the vote it decided and
// its state; it does not answer servers that are not looking.
func TestDecidedServerAnswersLookingVoters(t *testing.T) {
	e := node(t, 2, majority(t, ids(1, 3), []int64{4}), 1, 10, 10)
	z := zxid(1, 7)
	e.Start(z, 1)
	take(e)
	e.Step(looking(3, 3, z, 1, 1))
	e.Tick()
	decided := Vote{Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1}
	require.Equal(t, decided, take(e).Decision.Vote)

	e.Step(looking(1, 1, zxid(1, 9), 4, 1))
	require.Equal(t, []Message{to(1, following(2, 3, z, 1, 1))}, take(e).Messages)
	e.Step(following(1, 3, z, 1, 1))
	e.Step(leading(3, z, 1, 1))
	requireSilent(t, e)
	// A looking observer is answered, with our round.
	e.Step(looking(4, none, none, 1, none))
	require.Equal(t, []Message{to(4, following(2, 3, z, 1, 1))}, take(e).Messages)

	// The role established epoch 2: late joiners hear of it.
	e.UpdatePeerEpoch(2)
	e.Step(looking(1, 1, zxid(1, 9), 5, 1))
	require.Equal(t, []Message{to(1, following(2, 3, z, 1, 2))}, take(e).Messages)
	require.Equal(t, Vote{Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 2}, e.CurrentVote())

	// A new election starts from our own data again, one round later.
	e.Start(zxid(2, 0), 2)
	require.Equal(t, []Message{bcast(looking(2, 2, zxid(2, 0), 2, 2))}, take(e).Messages)
	require.Equal(t, Looking, e.State())
}

// An observer (not a voter) is answered at once; while LOOKING with our
// proposal, not with the last decided vote (Apache's getCurrentVote, a
// leader that may be dead); its notifications are not counted.
func TestLookingVoterAnswersObserverWithItsProposal(t *testing.T) {
	e := node(t, 1, majority(t, ids(1, 5), []int64{6}), 1, 10, 10)
	e.Start(zxid(1, 10), 1)
	take(e)
	e.Step(looking(3, 3, zxid(1, 10), 1, 1)) // adopt 3: proposal 3, current still 1
	take(e)
	e.Step(looking(6, none, none, 1, none))
	require.Equal(t, []Message{to(6, looking(1, 3, zxid(1, 10), 1, 1))}, take(e).Messages)
	// An unknown server is answered the same way; an invalid state is not.
	e.Step(looking(42, 42, zxid(9, 9), 9, 9))
	require.Equal(t, []Message{to(42, looking(1, 3, zxid(1, 10), 1, 1))}, take(e).Messages)
	e.Step(Notification{From: 2, State: 7, Leader: 3, Zxid: zxid(1, 10), ElectionEpoch: 1, PeerEpoch: 1})
	requireSilent(t, e)
	// A vote for an observer is ignored: not adopted, not counted.
	e.Step(looking(2, 6, zxid(9, 9), 1, 9))
	requireSilent(t, e)
	require.Equal(t, int64(3), e.Proposal().Leader)
	ticks(t, e, 5)
	require.Equal(t, Looking, e.State())
}

// The observer votes for nobody, sends to the voters only, and learns the
// leader from the answers of a quorum that includes the leader itself.
func TestObserverLearnsLeader(t *testing.T) {
	e := node(t, 4, majority(t, ids(1, 3), []int64{4}), 1, 10, 10)
	e.Start(zxid(1, 99), 1)
	require.Equal(t, []Message{bcast(looking(4, none, none, 1, none))}, take(e).Messages)
	e.Tick() // no loopback: the observer's vote is not counted, not even by itself
	requireSilent(t, e)
	z := zxid(1, 7)
	e.Step(following(1, 3, z, 1, 1))
	e.Step(following(2, 3, z, 1, 1))
	requireSilent(t, e) // a quorum, but 3 has not said it leads
	e.Step(leading(3, z, 1, 1))
	rd := take(e)
	require.Empty(t, rd.Messages)
	require.Equal(t, &Decision{Role: Observing, Vote: Vote{Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1}}, rd.Decision)
	require.Equal(t, Observing, e.State())
}

// Out-of-election votes: a restarted server joins a running ensemble when
// a quorum reports the same leader and the leader says it leads, whatever
// round they were decided in; it never joins the followers of a leader
// that does not answer.
func TestJoinRunningEnsemble(t *testing.T) {
	q := majority(t, ids(1, 5), nil)
	z := zxid(3, 40)
	e := node(t, 4, q, 2, 10, 10)
	e.Start(zxid(3, 90), 3) // more data than the leader: it joins anyway
	take(e)
	e.Step(following(1, 5, z, 6, 3))
	e.Step(following(2, 5, z, 6, 3))
	e.Step(following(3, 5, z, 6, 3))
	requireSilent(t, e)
	ticks(t, e, 9)
	require.Equal(t, Looking, e.State())
	e.Step(leading(5, z, 6, 3))
	rd := take(e)
	require.Equal(t, &Decision{Role: Following, Vote: Vote{Leader: 5, Zxid: z, ElectionEpoch: 6, PeerEpoch: 3}}, rd.Decision)
	require.Equal(t, int64(6), e.LogicalClock(), "the round of the running ensemble is adopted")

	// Out-of-election votes match on leader and peer epoch only: zxids and
	// rounds of a running ensemble differ (ZOOKEEPER-1805).
	e = node(t, 4, q, 2, 10, 10)
	e.Start(zxid(3, 90), 3)
	take(e)
	e.Step(following(1, 5, zxid(3, 1), 2, 4))
	e.Step(following(2, 5, zxid(3, 2), 6, 4))
	e.Step(leading(5, zxid(3, 3), 9, 4))
	require.Equal(t, Vote{Leader: 5, Zxid: zxid(3, 3), ElectionEpoch: 9, PeerEpoch: 4}, take(e).Decision.Vote)

	// A different peer epoch is a different vote.
	e = node(t, 4, q, 2, 10, 10)
	e.Start(zxid(3, 90), 3)
	take(e)
	e.Step(following(1, 5, z, 6, 3))
	e.Step(following(2, 5, z, 6, 4))
	e.Step(leading(5, z, 6, 4))
	requireSilent(t, e)
	e.Step(following(3, 5, z, 6, 4))
	require.Equal(t, int64(4), take(e).Decision.Vote.PeerEpoch)
}

// Votes of this round's FOLLOWING/LEADING servers count with the LOOKING
// ones (the recvset path): a server that restarts quickly finds the
// leader elected in its own round.
func TestFollowingVotesOfTheSameRound(t *testing.T) {
	q := majority(t, ids(1, 5), nil)
	z := zxid(1, 5)
	e := node(t, 1, q, 2, 10, 10)
	e.Start(z, 1)
	take(e)
	e.Step(looking(2, 3, z, 1, 1)) // 2 still looking, votes 3: {1,2} of 5
	take(e)
	e.Step(leading(3, z, 1, 1)) // {1,2,3}, and 3 says it leads
	rd := take(e)
	require.Equal(t, &Decision{Role: Following, Vote: Vote{Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1}}, rd.Decision)
}

// "If everyone else thinks I'm the leader, I must be the leader": a
// restarted leader leads again when a quorum follows it in its own round,
// but not when they follow it from another round.
func TestRestartedLeaderCheckLeader(t *testing.T) {
	q := majority(t, ids(1, 3), nil)
	z := zxid(1, 5)
	e := node(t, 3, q, 2, 10, 10)
	e.Start(z, 1)
	take(e)
	e.Step(following(1, 3, z, 1, 1))
	require.Equal(t, &Decision{Role: Leading, Vote: Vote{Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1}}, take(e).Decision)

	e = node(t, 3, q, 2, 10, 10)
	e.Start(z, 1)
	take(e)
	e.Step(following(1, 3, z, 4, 1))
	e.Step(following(2, 3, z, 4, 1))
	requireSilent(t, e)
	ticks(t, e, 9)
	require.Equal(t, Looking, e.State())
}

// A server whose last zxid is unknown (-1) ignores LOOKING votes, and
// everyone ignores votes carrying zxid -1.
func TestZxidMinusOneIsIgnored(t *testing.T) {
	q := majority(t, ids(1, 3), nil)
	e := node(t, 1, q, 1, 10, 10)
	e.Start(-1, 0)
	take(e)
	e.Step(looking(3, 3, 0, 1, 0))
	e.Step(looking(2, 3, 0, 1, 0))
	requireSilent(t, e)
	ticks(t, e, 3)
	require.Equal(t, Looking, e.State())

	e = node(t, 3, q, 1, 10, 10)
	e.Start(0, 0)
	take(e)
	e.Step(looking(1, 3, -1, 1, 0))
	ticks(t, e, 3)
	require.Equal(t, Looking, e.State(), "1's vote must not count")
	e.Step(looking(1, 3, 0, 1, 0))
	e.Tick()
	require.Equal(t, Leading, take(e).Decision.Role)
}

// Without a decision the vote is sent again after min ticks of silence,
// then twice as long each time, up to max; a notification restarts the
// silence count but not the interval.
func TestNotificationBackoff(t *testing.T) {
	e := node(t, 1, majority(t, ids(1, 3), nil), 2, 2, 10)
	e.Start(0, 0)
	take(e)
	var gaps []int
	gap := 0
	for len(gaps) < 6 {
		e.Tick()
		gap++
		if e.HasReady() {
			require.Equal(t, []Message{bcast(looking(1, 1, 0, 1, 0))}, take(e).Messages)
			gaps = append(gaps, gap)
			gap = 0
		}
	}
	require.Equal(t, []int{2, 4, 8, 10, 10, 10}, gaps)

	e = node(t, 1, majority(t, ids(1, 5), []int64{6}), 2, 4, 100)
	e.Start(0, 0)
	take(e)
	ticks(t, e, 3)
	e.Step(looking(2, 0, 0, 1, 0)) // a voter: the silence count restarts
	requireSilent(t, e)
	ticks(t, e, 3)
	e.Step(looking(6, 0, 0, 1, 0)) // an observer's notification does not count
	take(e)
	e.Tick()
	require.Equal(t, []Message{bcast(looking(1, 1, 0, 1, 0))}, take(e).Messages)
}

// Messages produced between Ready and Advance are kept for the next Ready.
func TestReadyAdvance(t *testing.T) {
	e := node(t, 1, majority(t, ids(1, 3), []int64{4}), 1, 10, 10)
	e.Start(0, 0)
	rd := e.Ready()
	require.Len(t, rd.Messages, 1)
	e.Step(looking(4, none, none, 1, none))
	e.Advance()
	require.Equal(t, []Message{to(4, looking(1, 1, 0, 1, 0))}, take(e).Messages)
	requireSilent(t, e)

	e.Step(looking(3, 3, 0, 1, 0))
	rd = e.Ready()
	require.Len(t, rd.Messages, 1)
	e.Tick() // the decision comes after Ready: kept
	e.Advance()
	rd = take(e)
	require.Empty(t, rd.Messages)
	require.Equal(t, Following, rd.Decision.Role)
	requireSilent(t, e)
}

func TestNewRejects(t *testing.T) {
	q := majority(t, ids(1, 3), []int64{4})
	cases := []struct {
		cfg Config
		msg string
	}{
		{Config{ID: 1, MinNotificationTicks: 1, MaxNotificationTicks: 1}, "no quorum verifier"},
		{Config{ID: 5, Quorum: q, MinNotificationTicks: 1, MaxNotificationTicks: 1}, "server 5 is neither a voter nor an observer"},
		{Config{ID: 1, Quorum: q, FinalizeWaitTicks: -1, MinNotificationTicks: 1, MaxNotificationTicks: 1}, "FinalizeWaitTicks -1 is negative"},
		{Config{ID: 1, Quorum: q, MinNotificationTicks: 0, MaxNotificationTicks: 1}, "MinNotificationTicks 0 is below 1"},
		{Config{ID: 1, Quorum: q, MinNotificationTicks: 3, MaxNotificationTicks: 2}, "MaxNotificationTicks 2 is below MinNotificationTicks 3"},
	}
	for _, c := range cases {
		_, err := New(c.cfg)
		require.ErrorContains(t, err, c.msg)
	}
	_, err := New(Config{ID: 4, Quorum: q, MinNotificationTicks: 1, MaxNotificationTicks: 1})
	require.NoError(t, err, "an observer takes part")
}

func TestProtoRoundTrip(t *testing.T) {
	n := Notification{From: 3, State: Leading, Leader: 3, Zxid: zxid(4, 2), ElectionEpoch: 9, PeerEpoch: 4, ConfigVersion: 0x100000000}
	b, err := proto.Marshal(n.Proto())
	require.NoError(t, err)
	var m messages.ElectionNotification
	require.NoError(t, proto.Unmarshal(b, &m))
	require.Equal(t, messages.ServerState_SERVER_STATE_LEADING, m.GetState())
	require.Equal(t, n, FromProto(&m))
	obs := looking(4, none, none, 1, none)
	require.Equal(t, obs, FromProto(obs.Proto()))
	require.Equal(t, "LOOKING FOLLOWING LEADING OBSERVING State(9)",
		Looking.String()+" "+Following.String()+" "+Leading.String()+" "+Observing.String()+" "+State(9).String())
}

// Apache lets a decided observer and a LOOKING voter answer each other
// for ever: the voter answers any non-voter, the observer any LOOKING
// voter. The voter does not answer an observer that no longer looks.
func TestNoEndlessExchangeWithDecidedObserver(t *testing.T) {
	q := majority(t, ids(1, 3), []int64{4})
	z := zxid(1, 7)
	obs := node(t, 4, q, 1, 10, 10)
	obs.Start(0, 0)
	take(obs)
	obs.Step(following(1, 3, z, 1, 1))
	obs.Step(following(2, 3, z, 1, 1))
	obs.Step(leading(3, z, 1, 1))
	require.Equal(t, Observing, take(obs).Decision.Role)

	voter := node(t, 1, q, 1, 10, 10)
	voter.Start(z, 1)
	take(voter)
	// A late answer of the LOOKING voter to the observer's old vote.
	obs.Step(looking(1, 1, z, 1, 1))
	answer := take(obs).Messages
	require.Equal(t, []Message{to(1, Notification{From: 4, State: Observing, Leader: 3, Zxid: z, ElectionEpoch: 1, PeerEpoch: 1})}, answer)
	voter.Step(answer[0].Notification)
	requireSilent(t, voter)
}

// Apache also lets a LOOKING observer ahead of a LOOKING voter answer it
// for ever: the observer answers a voter of an earlier round, the voter
// answers any non-voter. Only voters answer voters of an earlier round.
func TestNoEndlessExchangeWithObserverAhead(t *testing.T) {
	q := majority(t, ids(1, 3), []int64{4})
	obs := node(t, 4, q, 1, 10, 10)
	obs.Start(0, 0)
	obs.Start(0, 0)
	obs.Start(0, 0) // round 3
	take(obs)
	voter := node(t, 1, q, 1, 10, 10)
	voter.Start(0, 0) // round 1
	take(voter)

	voter.Step(looking(4, none, none, 3, none))
	answer := take(voter).Messages
	require.Equal(t, []Message{to(4, looking(1, 1, 0, 1, 0))}, answer)
	obs.Step(answer[0].Notification) // an earlier round: ignored, not answered
	requireSilent(t, obs)
	require.Equal(t, Vote{Leader: none, Zxid: none, ElectionEpoch: 3, PeerEpoch: none}, obs.Proposal())
}

// Joining a later round forgets every vote counted in the earlier one,
// FOLLOWING votes included: they would otherwise count for the same
// leader in the new round whatever their peer epoch (Apache stores them
// with version 0, which Vote.equals compares on the leader alone).
func TestLaterRoundForgetsFollowingVotes(t *testing.T) {
	e := node(t, 1, majority(t, ids(1, 5), nil), 2, 10, 10)
	z := zxid(1, 5)
	e.Start(z, 1)
	take(e)
	e.Step(following(2, 5, z, 1, 1))
	e.Step(following(3, 5, z, 1, 1))
	requireSilent(t, e) // 5 has not said it leads
	e.Step(looking(4, 4, z, 2, 1))
	require.Equal(t, int64(2), e.LogicalClock())
	take(e)
	e.Step(leading(5, z, 2, 2)) // 5 leads, in epoch 2: 2 and 3 reported epoch 1
	requireSilent(t, e)
	require.Equal(t, Looking, e.State())
	e.Step(following(2, 5, z, 2, 2))
	requireSilent(t, e)
	e.Step(following(3, 5, z, 2, 2))
	require.Equal(t, Vote{Leader: 5, Zxid: z, ElectionEpoch: 2, PeerEpoch: 2}, take(e).Decision.Vote)
}

// Followers of a leader that is LOOKING again (it crashed and restarted)
// are not joined: the leader must itself say it leads (checkLeader).
func TestFollowersOfALookingLeaderAreNotJoined(t *testing.T) {
	e := node(t, 4, majority(t, ids(1, 5), nil), 2, 10, 10)
	z := zxid(1, 5)
	e.Start(z, 1)
	take(e)
	e.Step(looking(5, 5, z, 1, 1)) // 5 is back, looking
	take(e)
	e.Step(following(1, 5, z, 1, 1))
	e.Step(following(2, 5, z, 1, 1))
	requireSilent(t, e)
	ticks(t, e, 1)
	require.Equal(t, Looking, e.State())
	e.Step(leading(5, z, 1, 1))
	require.Equal(t, Following, take(e).Decision.Role)
}
