package zab

import (
	"os"
	"strconv"
	"testing"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// TestRandomizedEnsemble runs seeded random schedules of one leader at a
// time and its learners: packets delayed arbitrarily (but in order per
// connection, as TCP), fsyncs and snapshot saves completing late or partly,
// ticks, client writes (direct and forwarded), sync()s, session traffic,
// and crashes and restarts of learners and of leaders (a new leader is then
// elected as Fast Leader Election can: the best vote of some quorum). The
// cluster checks its invariants at every step; at the end, with faults
// stopped, every server must hold the same history, containing every
// acknowledged write in order. CORRAL_SOAK=1 runs many more seeds.
func TestRandomizedEnsemble(t *testing.T) {
	seeds, steps := 300, 4000
	if os.Getenv("CORRAL_SOAK") != "" {
		seeds, steps = 5000, 8000
	}
	if s := os.Getenv("CORRAL_ZAB_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		c := runRandomEnsemble(t, n, steps)
		t.Logf("seed %d: %v, %d acked", n, c.stats, len(c.acked))
		return
	}
	total := map[string]int{}
	for seed := range uint64(seeds) {
		c := runRandomEnsemble(t, seed, steps)
		for k, v := range c.stats {
			total[k] += v
		}
		total["acked"] += len(c.acked)
	}
	t.Logf("over %d seeds: %v", seeds, total)
	// The schedules must have exercised what they are meant to.
	for _, k := range []string{"acked", "epoch", "snap", "trunc", "sync", "touch", "revalidated", "forwarded write", "stop", "log read"} {
		if total[k] == 0 {
			t.Errorf("no %q happened over %d seeds", k, seeds)
		}
	}
}

// runRandomEnsemble runs one seed: 3 or 5 voters, with or without
// observers, a random schedule, then a fault-free run to quiescence.
func runRandomEnsemble(t *testing.T, seed uint64, steps int) *cluster {
	voters, observers := 3, 0
	switch seed % 4 {
	case 1:
		observers = 1
	case 2:
		voters = 5
	case 3:
		voters, observers = 5, 2
	}
	c := newCluster(t, seed, voters, observers)
	// Vary the committed window (small ones force DIFFs from the log and
	// SNAPs) and the limits (short ones force timeouts and step-downs).
	c.window = []int{2, 8, 50}[seed/4%3]
	c.syncLimit = []int{5, 2}[seed/12%2]
	// Half the seeds read the log for DIFFs as the server does: asked in
	// Ready.LogReads, answered later.
	c.asyncLog = seed/24%2 == 1
	runRandomSchedule(c, steps)
	if !c.settleAll(400) {
		c.fatalf("the cluster did not settle")
	}
	c.checkConverged()
	return c
}

// runRandomSchedule drives c through random events.
func runRandomSchedule(c *cluster, steps int) {
	crashes := 0
	for range steps {
		r := c.rng.IntN(1000)
		switch {
		case r < 450:
			if len(c.links) > 0 {
				c.deliver(c.someLink(true))
			}
		case r < 580:
			if id := c.pick(func(s *simServer) bool { return len(s.unflushed) > 0 }); id != 0 {
				c.flush(id, c.rng.IntN(2) == 0)
			}
		case r < 620:
			if id := c.pick(func(s *simServer) bool { return s.saving != nil }); id != 0 {
				c.saveSnapshot(id)
			}
		case r < 660:
			c.tick()
		case r < 760:
			if c.leader != 0 && c.srv[c.leader].leader.Outstanding() < 30 {
				c.propose()
			}
		case r < 800:
			if id := c.pick(func(s *simServer) bool { return s.serving }); id != 0 {
				op := wire.OpSetData
				if c.rng.IntN(2) == 0 {
					op = wire.OpSync
				}
				_ = c.srv[id].learner.Forward(&messages.ClientRequest{SessionId: id, Type: int32(op)})
				c.settle()
			}
		case r < 810:
			if c.leader != 0 && c.srv[c.leader].leader.Phase() == Broadcast {
				c.leaderSync(c.leader)
				c.settle()
			}
		case r < 830:
			if id := c.pick(func(s *simServer) bool { return s.serving }); id != 0 {
				l := c.srv[id].learner
				l.Touch(id<<8|int64(c.rng.IntN(4)), 4000)
				if c.rng.IntN(4) == 0 {
					_ = l.Revalidate(id<<8, 4000)
				}
				c.settle()
			}
		case r < 845:
			// Learners crash more often than leaders; the budget keeps
			// the schedule making progress.
			if crashes < 30 {
				if id := c.pick(func(s *simServer) bool { return s.up && (s.learner != nil || c.rng.IntN(3) == 0) }); id != 0 {
					c.crash(id)
					crashes++
				}
			}
		case r < 848:
			// A power failure: several servers at once, each losing what
			// it had not fsynced. This is what loses data when a server
			// acknowledges before its disk holds what it acknowledges.
			if crashes < 30 {
				for _, id := range c.ids {
					if c.srv[id].up && c.rng.IntN(2) == 0 {
						c.crash(id)
						crashes++
					}
				}
			}
		case r < 885:
			if id := c.pick(func(s *simServer) bool { return !s.up }); id != 0 {
				c.restart(id)
			}
		case r < 960:
			if c.leader == 0 && c.q.ContainsQuorum(c.upVoters()) {
				if c.rng.IntN(5) == 0 {
					// An election gone wrong (stale notifications): any
					// voter. A leader less recent than a quorum member
					// must refuse it, and then cannot establish.
					up := c.upVoters()
					c.lead(up[c.rng.IntN(len(up))])
				} else {
					c.lead(c.electFrom(c.randomQuorum()))
				}
			}
		default:
			if c.leader != 0 {
				if id := c.pick(func(s *simServer) bool { return s.up && !s.hasCore() }); id != 0 {
					c.follow(id)
					c.settle()
				}
			}
		}
	}
}

// pick returns a random server satisfying ok, or 0.
func (c *cluster) pick(ok func(*simServer) bool) int64 {
	var ids []int64
	for _, id := range c.ids {
		if ok(c.srv[id]) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0
	}
	return ids[c.rng.IntN(len(ids))]
}

// randomQuorum is some quorum of the up voters: Fast Leader Election's
// winner is the best vote of the quorum that settled on it, not
// necessarily of everyone.
func (c *cluster) randomQuorum() []int64 {
	up := c.upVoters()
	c.rng.Shuffle(len(up), func(i, j int) { up[i], up[j] = up[j], up[i] })
	for n := 1; n <= len(up); n++ {
		if c.q.ContainsQuorum(up[:n]) {
			return up[:n]
		}
	}
	return up
}
