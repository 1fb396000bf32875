package election

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/quorum"
)

// TestRandomizedElections runs many seeded ensembles. The seed decides
// everything: the membership (3 to 7 voters, up to 2 observers, majority
// or hierarchical with zero-weight servers), each server's data, the
// timing, and the network (delays, losses, duplicates, partitions) and
// crashes. Two kinds of runs:
//
//   - clean starts: every server starts at once, nothing is lost and no
//     message takes as long as finalizeWait (duplicates and reordering
//     allowed). Then every server decides exactly once, in round 1, for
//     the best weighted voter, as Apache promises in that case.
//   - faulty runs: staggered starts, crashes and restarts, partitions,
//     loss, duplicates, delays beyond finalizeWait; then the network heals
//     and every server comes back. Every decision must elect a weighted
//     voter with its true data and the highest (peerEpoch, zxid) among a
//     quorum, and the ensemble must settle on one leader that a quorum
//     follows.
//
// CORRAL_SOAK=1 runs 50 times more seeds (150,000, about a minute); CORRAL_ELECTION_SEED=n runs
// that seed alone, with a transcript of its decisions.
func TestRandomizedElections(t *testing.T) {
	runs := 3000
	if os.Getenv("CORRAL_SOAK") != "" {
		runs *= 50
	}
	first := uint64(1)
	if s := os.Getenv("CORRAL_ELECTION_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		first, runs = n, 1
	}
	var clean, faulty, worst, sent, decisions, splits int
	var maxRound int64
	for seed := first; seed < first+uint64(runs); seed++ {
		r := simulate(t, seed, runs == 1)
		if r.clean {
			clean++
		} else {
			faulty++
			worst = max(worst, r.settleTicks)
		}
		sent += r.sent
		decisions += r.decisions
		splits += r.splits
		maxRound = max(maxRound, r.maxRound)
	}
	t.Logf("%d clean and %d faulty runs: %d notifications, %d decisions, up to round %d; "+
		"%d rounds in which voters decided different leaders (repaired by Zab); slowest settling after healing: %d ticks",
		clean, faulty, sent, decisions, maxRound, splits, worst)
}

type simResult struct {
	clean       bool
	settleTicks int // faulty runs: ticks from healing to settled
	sent        int
	decisions   int
	maxRound    int64
	splits      int // rounds in which voters decided different leaders
}

// tally counts the decisions of a run and the rounds in which voters
// decided different leaders.
func tally(c *cluster, r simResult) simResult {
	leaders := map[int64]map[int64]bool{}
	for _, id := range c.ids {
		for _, dec := range c.members[id].decisions {
			r.decisions++
			if !c.q.IsVoter(id) {
				continue
			}
			round := dec.Vote.ElectionEpoch
			r.maxRound = max(r.maxRound, round)
			if leaders[round] == nil {
				leaders[round] = map[int64]bool{}
			}
			leaders[round][dec.Vote.Leader] = true
		}
	}
	for _, ls := range leaders {
		if len(ls) > 1 {
			r.splits++
		}
	}
	return r
}

func simulate(t *testing.T, seed uint64, verbose bool) simResult {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	fail := func(c *cluster, format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d: %s\n%s", seed, fmt.Sprintf(format, args...), c)
	}
	defer func() {
		if t.Failed() {
			t.Logf("failed with seed %d", seed)
		}
	}()

	q := randomQuorum(rng)
	members := append(q.Voters(), q.Observers()...)
	d := map[int64]data{}
	for _, id := range members {
		epoch := 1 + rng.Int64N(2)
		d[id] = data{zxid(epoch, rng.Int64N(3)), epoch}
	}
	// As in Apache, re-sends start no sooner than finalizeWait (its
	// default minNotificationInterval): quicker ones would restart every
	// finalizeWait and could keep an election from ever ending.
	f := 2 + rng.IntN(3)
	lo := f + rng.IntN(3)
	cfg := Config{
		FinalizeWaitTicks:    f,
		MinNotificationTicks: lo,
		MaxNotificationTicks: lo * (2 + rng.IntN(6)),
	}
	c := newCluster(t, q, cfg, d)
	if verbose {
		t.Logf("quorum %#v\ndata %v\nconfig %+v", q, d, cfg)
	}
	c.zabTimeout = 2*cfg.MaxNotificationTicks + 2*cfg.FinalizeWaitTicks + 10
	c.onDecision = func(m *member, dec Decision) {
		if verbose {
			t.Logf("tick %d: %d decides %v", c.now, m.id, dec)
		}
		checkDecision(t, c, d, m, dec, fail)
	}

	if rng.IntN(4) == 0 {
		// A clean start.
		maxDelay := cfg.FinalizeWaitTicks - 1
		c.net = func(from, to int64) (int, int) {
			copies := 1
			if rng.IntN(5) == 0 {
				copies = 2
			}
			return 1 + rng.IntN(maxDelay), copies
		}
		c.start(members...)
		if !c.runUntil(500, c.isSettled) {
			fail(c, "clean start did not settle")
		}
		best := bestWeighted(q, d)
		for _, id := range members {
			m := c.members[id]
			role := Following
			switch {
			case id == best:
				role = Leading
			case !q.IsVoter(id):
				role = Observing
			}
			want := Decision{Role: role, Vote: Vote{Leader: best, Zxid: d[best].zxid, ElectionEpoch: 1, PeerEpoch: d[best].epoch}}
			if len(m.decisions) != 1 || m.decisions[0] != want {
				fail(c, "server %d decided %v, want only %v", id, m.decisions, want)
			}
		}
		return tally(c, simResult{clean: true, sent: c.sent})
	}

	// A faulty run.
	loss := []float64{0, 0.05, 0.2, 0.5}[rng.IntN(4)]
	dup := []float64{0, 0.1, 0.3}[rng.IntN(3)]
	maxDelay := 1 + rng.IntN(2*cfg.FinalizeWaitTicks+2)
	c.net = func(from, to int64) (int, int) {
		if rng.Float64() < loss {
			return 0, 0
		}
		copies := 1
		if rng.Float64() < dup {
			copies = 2
		}
		return 1 + rng.IntN(maxDelay), copies
	}
	startAt := map[int64]int{}
	for _, id := range members {
		startAt[id] = rng.IntN(40)
	}
	started := map[int64]bool{}
	faults := 100 + rng.IntN(300)
	for c.now < faults {
		for _, id := range members {
			if !started[id] && startAt[id] <= c.now {
				started[id] = true
				c.start(id)
			}
		}
		switch p := rng.Float64(); {
		case p < 0.02:
			for _, id := range members {
				c.side[id] = rng.IntN(2)
			}
		case p < 0.05:
			c.side = map[int64]int{}
		case p < 0.06:
			if id := members[rng.IntN(len(members))]; c.members[id].up {
				c.crash(id)
			}
		case p < 0.11:
			if id := members[rng.IntN(len(members))]; started[id] && !c.members[id].up {
				c.start(id)
			}
		}
		c.step()
	}

	// Heal: everyone up, no partition, no loss, short delays.
	c.side = map[int64]int{}
	healDelay := max(1, cfg.FinalizeWaitTicks-1)
	c.net = func(from, to int64) (int, int) {
		copies := 1
		if rng.IntN(10) == 0 {
			copies = 2
		}
		return 1 + rng.IntN(healDelay), copies
	}
	for _, id := range members {
		if !c.members[id].up {
			c.start(id)
		}
	}
	healed := c.now
	limit := 40 * c.zabTimeout
	if !c.runUntil(limit, c.isSettled) {
		fail(c, "not settled %d ticks after healing (loss %v, dup %v, delay <= %d)", limit, loss, dup, maxDelay)
	}
	return tally(c, simResult{settleTicks: c.now - healed, sent: c.sent})
}

// checkDecision checks what must hold of every decision, whatever the
// network did.
func checkDecision(t *testing.T, c *cluster, d map[int64]data, m *member, dec Decision, fail func(*cluster, string, ...any)) {
	t.Helper()
	l := dec.Vote.Leader
	if c.q.Weight(l) == 0 {
		fail(c, "server %d elected %d, which has no weight", m.id, l)
	}
	role := Following
	switch {
	case l == m.id:
		role = Leading
	case !c.q.IsVoter(m.id):
		role = Observing
	}
	if dec.Role != role {
		fail(c, "server %d decided %v, want role %v", m.id, dec, role)
	}
	if dec.Vote.Zxid != d[l].zxid || dec.Vote.PeerEpoch != d[l].epoch {
		fail(c, "server %d decided %v, but %d has zxid %#x and epoch %d", m.id, dec, l, d[l].zxid, d[l].epoch)
	}
	var behind []int64
	for _, v := range c.q.Voters() {
		if d[v].epoch < d[l].epoch || d[v].epoch == d[l].epoch && d[v].zxid <= d[l].zxid {
			behind = append(behind, v)
		}
	}
	if !c.q.ContainsQuorum(behind) {
		fail(c, "server %d elected %d, but only %v have no more data than it: no quorum", m.id, l, behind)
	}
}

// bestWeighted is the voter that must win a clean start: the highest
// (peerEpoch, zxid, sid) among voters of non-zero weight.
func bestWeighted(q quorum.Verifier, d map[int64]data) int64 {
	best := int64(-1)
	for _, v := range q.Voters() {
		if q.Weight(v) == 0 {
			continue
		}
		if best == -1 || better(q, v, d[v].zxid, d[v].epoch, best, d[best].zxid, d[best].epoch) {
			best = v
		}
	}
	return best
}

// randomQuorum draws a membership: voters 1..n, observers after them;
// majority, or hierarchical over 2 or 3 groups with weights from 0 to 2.
// A single voter never makes a quorum alone: a one-server quorum lets an
// observer count a LOOKING voter's stale current vote as a quorum
// (Apache's behaviour), which no real hierarchical setup invites.
func randomQuorum(rng *rand.Rand) quorum.Verifier {
	n := int64(3 + rng.IntN(5))
	voters := ids(1, n)
	observers := ids(n+1, n+int64(rng.IntN(3)))
	if rng.IntN(3) > 0 {
		q, err := quorum.NewMajority(voters, observers, 0)
		if err != nil {
			panic(err)
		}
		return q
	}
	for {
		ngroups := 2 + rng.IntN(2)
		groups := map[int64][]int64{}
		weights := map[int64]int64{}
		for _, v := range voters {
			g := int64(rng.IntN(ngroups))
			groups[g] = append(groups[g], v)
			weights[v] = []int64{0, 1, 1, 1, 2}[rng.IntN(5)]
		}
		q, err := quorum.NewHierarchical(voters, observers, groups, weights, 0)
		if err != nil || !q.ContainsQuorum(voters) {
			continue
		}
		if slices.ContainsFunc(voters, func(v int64) bool { return q.ContainsQuorum([]int64{v}) }) {
			continue
		}
		return q
	}
}
