package election

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/quorum"
)

// cfg is the timing of the scenarios: finalizeWait 3 ticks, re-sends
// from 2 to 16 ticks.
var cfg = Config{FinalizeWaitTicks: 3, MinNotificationTicks: 2, MaxNotificationTicks: 16}

func same(ids []int64, d data) map[int64]data {
	out := map[int64]data{}
	for _, id := range ids {
		out[id] = d
	}
	return out
}

// requireOneDecision checks that each listed server decided exactly once,
// in round 1, for leader with the leader's own data.
func requireOneDecision(t *testing.T, c *cluster, leader int64, servers ...int64) {
	t.Helper()
	l := c.members[leader]
	for _, id := range servers {
		m := c.members[id]
		role := Following
		switch {
		case id == leader:
			role = Leading
		case !c.q.IsVoter(id):
			role = Observing
		}
		want := Decision{Role: role, Vote: Vote{Leader: leader, Zxid: l.zxid, ElectionEpoch: 1, PeerEpoch: l.epoch}}
		require.Equal(t, []Decision{want}, m.decisions, "server %d\n%s", id, c)
	}
}

func TestAllStartTogether(t *testing.T) {
	cases := []struct {
		name      string
		voters    []int64
		observers []int64
		data      map[int64]data
		leader    int64
	}{
		{"3 voters, same data: highest sid", ids(1, 3), nil, same(ids(1, 3), data{zxid(1, 5), 1}), 3},
		{"5 voters, same data: highest sid", ids(1, 5), nil, same(ids(1, 5), data{zxid(1, 5), 1}), 5},
		{"empty databases", ids(1, 5), nil, same(ids(1, 5), data{0, 0}), 5},
		{"highest zxid, ties by sid", ids(1, 5), nil, map[int64]data{
			1: {zxid(1, 9), 1}, 2: {zxid(1, 3), 1}, 3: {zxid(1, 9), 1}, 4: {zxid(1, 1), 1}, 5: {zxid(1, 2), 1}}, 3},
		{"peer epoch before zxid", ids(1, 5), nil, map[int64]data{
			1: {zxid(1, 99), 1}, 2: {zxid(2, 0), 2}, 3: {zxid(1, 99), 1}, 4: {zxid(1, 50), 1}, 5: {zxid(1, 99), 1}}, 2},
		{"sparse ids", []int64{7, 19, 250}, nil, same([]int64{7, 19, 250}, data{zxid(3, 1), 3}), 250},
		{"observers with more data never win", ids(1, 3), []int64{4, 5}, map[int64]data{
			1: {zxid(1, 1), 1}, 2: {zxid(1, 2), 1}, 3: {zxid(1, 1), 1}, 4: {zxid(9, 9), 9}, 5: {zxid(9, 9), 9}}, 2},
		{"7 voters and 2 observers", ids(1, 7), []int64{8, 9}, same(ids(1, 9), data{zxid(1, 1), 1}), 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := quorum.NewMajority(tc.voters, tc.observers, 0)
			require.NoError(t, err)
			c := newCluster(t, q, cfg, tc.data)
			c.zabTimeout = 50
			c.start(c.ids...)
			c.requireSettled(200, tc.leader)
			requireOneDecision(t, c, tc.leader, c.ids...)
			t.Logf("settled at tick %d with %d notifications", c.now, c.sent)
		})
	}
}

// A server restarting into a running ensemble joins its leader, with the
// round the ensemble was elected in, even with more data than the leader
// (Zab truncates it afterwards); a leader restarting quickly leads again.
func TestRestartIntoRunningEnsemble(t *testing.T) {
	q := majority(t, ids(1, 5), nil)
	c := newCluster(t, q, cfg, same(ids(1, 5), data{zxid(1, 5), 1}))
	c.zabTimeout = 40
	c.start(c.ids...)
	c.requireSettled(200, 5)

	c.crash(2)
	c.run(10)
	c.members[2].zxid = zxid(1, 50)
	c.start(2)
	c.requireSettled(100, 5)
	require.Equal(t, []Decision{{Role: Following, Vote: Vote{Leader: 5, Zxid: zxid(1, 5), ElectionEpoch: 1, PeerEpoch: 1}}},
		c.members[2].decisions[1:], "%s", c)
	require.Equal(t, int64(1), c.members[2].e.LogicalClock())

	// The leader is back before its followers gave up: they still follow
	// it in its round, so it leads again.
	starts := map[int64]int{}
	for _, id := range ids(1, 4) {
		starts[id] = c.members[id].starts
	}
	c.crash(5)
	c.run(5)
	c.start(5)
	c.requireSettled(100, 5)
	require.Equal(t, Decision{Role: Leading, Vote: Vote{Leader: 5, Zxid: zxid(1, 5), ElectionEpoch: 1, PeerEpoch: 1}},
		c.members[5].decisions[1], "%s", c)
	for _, id := range ids(1, 4) {
		require.Equal(t, starts[id], c.members[id].starts, "server %d started a new election", id)
	}

	// The leader stays away: the others give up on it and elect, in
	// round 2, the one with the most data, 2; back, 5 joins it.
	c.crash(5)
	c.run(200)
	require.Equal(t, Leading, c.members[2].e.State(), "%s", c)
	require.Equal(t, Vote{Leader: 2, Zxid: zxid(1, 50), ElectionEpoch: 2, PeerEpoch: 1}, c.members[2].e.CurrentVote())
	c.start(5)
	c.requireSettled(100, 2)
}

// Observers never vote and are never elected; they learn the leader when
// they start with the voters and when they start late; losing them
// changes nothing.
func TestObservers(t *testing.T) {
	q := majority(t, ids(1, 3), []int64{4, 5})
	d := same(ids(1, 3), data{zxid(2, 1), 2})
	d[4], d[5] = data{zxid(7, 7), 7}, data{zxid(7, 7), 7}
	c := newCluster(t, q, cfg, d)
	c.zabTimeout = 40
	c.start(ids(1, 3)...)
	c.requireSettled(200, 3)
	c.start(4, 5)
	c.requireSettled(200, 3)
	requireOneDecision(t, c, 3, ids(1, 5)...)

	c.crash(4, 5)
	c.run(200)
	_, ok := c.settled()
	require.True(t, ok)
	for _, id := range ids(1, 3) {
		require.Len(t, c.members[id].decisions, 1, "%s", c)
	}

	// Two voters lost: no leader, whatever the observers do.
	c.start(4, 5)
	c.crash(2, 3)
	c.run(400)
	require.Equal(t, Looking, c.members[1].e.State(), "%s", c)
	for _, id := range []int64{4, 5} {
		require.NotEqual(t, Leading, c.members[id].e.State())
	}
}

// When the leader dies, an observer that starts looking while the voters
// look too never decides for the dead leader: the voters answer it with
// their proposals, not with the vote they last decided (the leader just
// lost). It decides once, for the new leader.
func TestObserverNeverFollowsTheLeaderJustLost(t *testing.T) {
	q := majority(t, ids(1, 3), []int64{4})
	d := same(ids(1, 3), data{zxid(1, 5), 1})
	d[4] = data{zxid(1, 5), 1}
	c := newCluster(t, q, cfg, d)
	c.zabTimeout = 40
	c.start(1, 2, 3, 4)
	c.requireSettled(200, 3)
	first := len(c.members[4].decisions)

	c.crash(3)
	c.start(1, 2, 4) // the role of each ends at once: a new election everywhere
	c.requireSettled(400, 2)
	for _, dec := range c.members[4].decisions[first:] {
		require.NotEqual(t, int64(3), dec.Vote.Leader, "the observer decided for the dead leader: %s", c)
	}
	require.Equal(t, Observing, c.members[4].e.State())
	require.Equal(t, int64(2), c.members[4].e.current.Leader)
}

// A minority cut off from the rest never decides, and keeps its
// re-sends to the backoff; healed, it joins the majority's leader.
func TestPartitionedMinorityNeverDecides(t *testing.T) {
	q := majority(t, ids(1, 5), nil)
	c := newCluster(t, q, cfg, same(ids(1, 5), data{zxid(1, 1), 1}))
	c.zabTimeout = 40
	c.side[1], c.side[2] = 1, 1
	c.start(c.ids...)
	c.run(300)
	for _, id := range []int64{1, 2} {
		m := c.members[id]
		require.Empty(t, m.decisions, "%s", c)
		require.Equal(t, Looking, m.e.State())
	}
	require.Equal(t, Leading, c.members[5].e.State(), "%s", c)
	before := c.members[1].broadcasts
	c.run(160)
	require.LessOrEqual(t, c.members[1].broadcasts-before, 160/cfg.MaxNotificationTicks+1, "backoff exceeded")

	delete(c.side, 1)
	delete(c.side, 2)
	c.requireSettled(2*cfg.MaxNotificationTicks+10, 5)

	// Now the leader's side is the minority: it steps down, the majority
	// elects again in a later round, the minority stays LOOKING.
	c.side[4], c.side[5] = 1, 1
	before5 := len(c.members[5].decisions)
	c.run(400)
	require.Equal(t, Leading, c.members[3].e.State(), "%s", c)
	require.Greater(t, c.members[3].e.CurrentVote().ElectionEpoch, int64(1))
	for _, id := range []int64{4, 5} {
		require.Equal(t, Looking, c.members[id].e.State(), "%s", c)
	}
	require.Len(t, c.members[5].decisions, before5, "the cut-off leader decided again")
	c.side = map[int64]int{}
	c.requireSettled(2*cfg.MaxNotificationTicks+10, 3)
}

// Apache's FLEZeroWeightTest configuration: nine voters in three groups,
// only group 1 (servers 0, 1, 2) weighs anything. Server 2 leads, though
// six servers have higher ids, and all nine end up with it.
func TestHierarchicalZeroWeight(t *testing.T) {
	q, err := quorum.NewHierarchical(ids(0, 8), nil,
		map[int64][]int64{1: {0, 1, 2}, 2: {3, 4, 5}, 3: {6, 7, 8}},
		map[int64]int64{0: 1, 1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0}, 0)
	require.NoError(t, err)
	c := newCluster(t, q, cfg, same(ids(0, 8), data{zxid(1, 1), 1}))
	c.zabTimeout = 40
	c.start(c.ids...)
	c.requireSettled(300, 2)
	requireOneDecision(t, c, 2, ids(0, 8)...)

	// Two of group 1 are a quorum alone; the six others are none.
	c.crash(2)
	c.run(300)
	l, ok := c.settled()
	require.True(t, ok, "%s", c)
	require.Equal(t, int64(1), l)
	c.crash(1)
	c.run(300)
	for _, id := range ids(3, 8) {
		require.NotEqual(t, Leading, c.members[id].e.State())
	}
	require.NotEqual(t, Leading, c.members[0].e.State())
}

// Three groups of three: five servers, a majority of nine, are no
// hierarchical quorum when only one group has a majority among them; the
// other four, holding a majority of groups 2 and 3, are one.
func TestHierarchicalGroupsDecide(t *testing.T) {
	q, err := quorum.NewHierarchical(ids(1, 9), nil,
		map[int64][]int64{1: {1, 2, 3}, 2: {4, 5, 6}, 3: {7, 8, 9}}, nil, 0)
	require.NoError(t, err)
	c := newCluster(t, q, cfg, same(ids(1, 9), data{zxid(1, 1), 1}))
	c.zabTimeout = 40
	// Side 0: all of group 1, one of group 2, one of group 3.
	for _, id := range []int64{5, 6, 8, 9} {
		c.side[id] = 1
	}
	c.start(c.ids...)
	c.run(400)
	for _, id := range []int64{1, 2, 3, 4, 7} {
		require.Empty(t, c.members[id].decisions, "server %d decided without a quorum\n%s", id, c)
	}
	require.Equal(t, Leading, c.members[9].e.State(), "%s", c)
	for _, id := range []int64{5, 6, 8} {
		require.Equal(t, Following, c.members[id].e.State(), "%s", c)
	}
	c.side = map[int64]int{}
	c.requireSettled(2*cfg.MaxNotificationTicks+10, 9)
}

// finalizeWait: two of three voters agree and wait; the third starts
// with a better vote during the wait and is elected. Starting after the
// wait, it joins the leader the two chose.
func TestFinalizeWaitOverturnedByLateBetterVote(t *testing.T) {
	q := majority(t, ids(1, 3), nil)
	cfg := cfg
	cfg.FinalizeWaitTicks = 4 // 1 waits for ticks 1 to 4, 2 for 2 to 5
	waiting := func(c *cluster) {
		require.True(t, c.runUntil(10, func() bool {
			return c.members[1].e.finalizing && c.members[2].e.finalizing
		}), "%s", c)
	}

	c := newCluster(t, q, cfg, same(ids(1, 3), data{zxid(1, 1), 1}))
	c.zabTimeout = 40
	c.start(1, 2)
	waiting(c)
	c.start(3)
	c.requireSettled(50, 3)
	requireOneDecision(t, c, 3, 1, 2, 3)

	c = newCluster(t, q, cfg, same(ids(1, 3), data{zxid(1, 1), 1}))
	c.zabTimeout = 40
	c.start(1, 2)
	waiting(c)
	c.run(cfg.FinalizeWaitTicks + 1)
	c.start(3)
	c.requireSettled(50, 2)
	requireOneDecision(t, c, 2, 1, 2, 3)
}

// Fast Leader Election alone lets two servers decide different leaders
// in the same round: here 1 and 2 finish their wait on a quorum for 3
// while 5, starting late, wins 3 and 4 over (its vote reaches 1 and 2 too
// late). Apache behaves the same; Zab repairs it: 3 never leads, so 1 and
// 2 give up on it and join 5.
func TestSameRoundSplitIsRepairedByZab(t *testing.T) {
	q := majority(t, ids(1, 5), nil)
	c := newCluster(t, q, cfg, same(ids(1, 5), data{zxid(1, 1), 1}))
	c.zabTimeout = 30
	slow := false // messages to 1 and 2 take 10 ticks while set
	c.net = func(from, to int64) (int, int) {
		if slow && (to == 1 || to == 2) {
			return 10, 1
		}
		return 1, 1
	}
	c.start(1, 2, 3)
	require.True(t, c.runUntil(10, func() bool {
		return c.members[1].e.finalizing && c.members[2].e.finalizing && c.members[3].e.finalizing
	}), "%s", c)
	slow = true
	c.start(4, 5)
	c.run(8)
	slow = false
	vote := func(leader int64) Vote { return Vote{Leader: leader, Zxid: zxid(1, 1), ElectionEpoch: 1, PeerEpoch: 1} }
	require.Equal(t, []Decision{{Role: Following, Vote: vote(3)}}, c.members[1].decisions, "%s", c)
	require.Equal(t, []Decision{{Role: Following, Vote: vote(3)}}, c.members[2].decisions, "%s", c)
	require.Equal(t, []Decision{{Role: Following, Vote: vote(5)}}, c.members[3].decisions, "%s", c)
	require.Equal(t, []Decision{{Role: Following, Vote: vote(5)}}, c.members[4].decisions, "%s", c)
	require.Equal(t, []Decision{{Role: Leading, Vote: vote(5)}}, c.members[5].decisions, "%s", c)

	c.requireSettled(200, 5)
	require.Equal(t, Decision{Role: Following, Vote: vote(5)}, c.members[1].decisions[1], "joined in the leader's round")
}
