package election

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/quorum"
)

// cluster is a simulated ensemble: one Election per server, wired by an
// in-memory network whose delays, losses, duplicates and partitions the
// test decides, plus a model of what Zab does once an election is over
// (see zab), so that a run can be followed until the ensemble settles.
// Everything is driven by the test: time is the tick counter now.
type cluster struct {
	t   testing.TB
	q   quorum.Verifier
	cfg Config // template; ID is set per server, Quorum is q

	now      int
	ids      []int64 // every member, sorted
	members  map[int64]*member
	inflight map[int][]envelope // by delivery tick

	// net decides the fate of one message: its delay in ticks (at least
	// 1) and the number of copies delivered (0: lost). Nil delivers one
	// copy after one tick.
	net func(from, to int64) (delay, copies int)
	// side partitions the network: messages only flow between members on
	// the same side (0 by default).
	side map[int64]int
	// zabTimeout enables the Zab model when above 0: a role without a
	// working leader (or, for the leader, without a quorum of followers)
	// for that many ticks goes back to LOOKING.
	zabTimeout int
	// onDecision, when set, is called with every decision as it is made.
	onDecision func(m *member, d Decision)

	sent, delivered int
}

// maxNotifications bounds the notifications of one simulated run, so that
// a message storm fails the test instead of exhausting memory.
const maxNotifications = 200_000

type member struct {
	id          int64
	e           *Election
	up          bool
	zxid, epoch int64 // what Start is called with
	decisions   []Decision
	unhealthy   int // ticks the Zab model found the role broken
	broadcasts  int
	starts      int
}

type envelope struct {
	to int64
	n  Notification
}

// data is a server's (lastZxid, currentEpoch).
type data struct{ zxid, epoch int64 }

func newCluster(t testing.TB, q quorum.Verifier, cfg Config, d map[int64]data) *cluster {
	cfg.Quorum = q
	c := &cluster{t: t, q: q, cfg: cfg, members: map[int64]*member{}, inflight: map[int][]envelope{}, side: map[int64]int{}}
	for _, id := range append(q.Voters(), q.Observers()...) {
		c.ids = append(c.ids, id)
		c.members[id] = &member{id: id, zxid: d[id].zxid, epoch: d[id].epoch}
	}
	slices.Sort(c.ids)
	return c
}

// start starts (or restarts after a crash, with a fresh core) each
// server, or begins a new election on a running one.
func (c *cluster) start(ids ...int64) {
	for _, id := range ids {
		m := c.members[id]
		if !m.up {
			cfg := c.cfg
			cfg.ID = id
			e, err := New(cfg)
			require.NoError(c.t, err)
			m.e, m.up = e, true
		}
		m.unhealthy = 0
		m.starts++
		m.e.Start(m.zxid, m.epoch)
		c.flush(m)
	}
}

// crash stops a server: its core and the messages on their way to it are
// lost.
func (c *cluster) crash(ids ...int64) {
	for _, id := range ids {
		m := c.members[id]
		m.up, m.e = false, nil
	}
}

func (c *cluster) connected(a, b int64) bool { return c.side[a] == c.side[b] }

// flush carries out a member's Ready.
func (c *cluster) flush(m *member) {
	if !m.e.HasReady() {
		return
	}
	rd := m.e.Ready()
	for _, msg := range rd.Messages {
		if msg.From != m.id {
			c.t.Fatalf("server %d sends a notification from %d", m.id, msg.From)
		}
		if msg.Broadcast {
			m.broadcasts++
			for _, v := range c.q.Voters() {
				if v != m.id {
					c.post(v, msg.Notification)
				}
			}
		} else {
			if msg.To == m.id {
				c.t.Fatalf("server %d sends to itself: %v", m.id, msg)
			}
			c.post(msg.To, msg.Notification)
		}
	}
	if d := rd.Decision; d != nil {
		m.decisions = append(m.decisions, *d)
		if c.onDecision != nil {
			c.onDecision(m, *d)
		}
	}
	m.e.Advance()
}

func (c *cluster) post(to int64, n Notification) {
	c.sent++
	if c.sent > maxNotifications {
		c.t.Fatalf("more than %d notifications: a message storm\n%s", maxNotifications, c)
	}
	if _, ok := c.members[to]; !ok {
		return
	}
	delay, copies := 1, 1
	if c.net != nil {
		delay, copies = c.net(n.From, to)
	}
	delay = max(delay, 1)
	for range copies {
		c.inflight[c.now+delay] = append(c.inflight[c.now+delay], envelope{to: to, n: n})
	}
}

// step runs one tick: deliver what is due, tick every running server,
// then let the Zab model act.
func (c *cluster) step() {
	due := c.inflight[c.now]
	delete(c.inflight, c.now)
	for _, env := range due {
		m := c.members[env.to]
		if !m.up || !c.connected(env.n.From, env.to) {
			continue
		}
		c.delivered++
		m.e.Step(env.n)
		c.flush(m)
	}
	for _, id := range c.ids {
		if m := c.members[id]; m.up {
			m.e.Tick()
			c.flush(m)
		}
	}
	if c.zabTimeout > 0 {
		c.zab()
	}
	c.now++
}

func (c *cluster) run(ticks int) {
	for range ticks {
		c.step()
	}
}

// runUntil steps until cond holds, at most limit ticks; it reports
// whether cond held.
func (c *cluster) runUntil(limit int, cond func() bool) bool {
	for range limit {
		if cond() {
			return true
		}
		c.step()
	}
	return cond()
}

// zab models what the roles do after an election, with the global view
// a test may have: a follower or observer keeps its role while its leader
// is up, reachable and LEADING; a leader keeps it while a quorum of
// voters (itself included) is reachable and follows it. A role broken
// for more than zabTimeout ticks goes back to LOOKING (Start), as
// Apache's Follower/Leader do after initLimit/syncLimit.
func (c *cluster) zab() {
	for _, id := range c.ids {
		m := c.members[id]
		if !m.up {
			continue
		}
		healthy := true
		switch m.e.State() {
		case Looking:
			m.unhealthy = 0
			continue
		case Leading:
			healthy = c.established(id)
		default:
			l := c.members[m.e.CurrentVote().Leader]
			healthy = l != nil && l.up && c.connected(id, l.id) && l.e.State() == Leading
		}
		if healthy {
			m.unhealthy = 0
			continue
		}
		m.unhealthy++
		if m.unhealthy > c.zabTimeout {
			c.start(id)
		}
	}
}

// established reports whether leader leads and a quorum of voters it can
// reach follows it.
func (c *cluster) established(leader int64) bool {
	l := c.members[leader]
	if !l.up || l.e.State() != Leading {
		return false
	}
	with := []int64{leader}
	for _, v := range c.q.Voters() {
		f := c.members[v]
		if v != leader && f.up && c.connected(v, leader) && f.e.State() == Following && f.e.CurrentVote().Leader == leader {
			with = append(with, v)
		}
	}
	return c.q.ContainsQuorum(with)
}

// settled returns the leader when every running server has decided for
// it: the leader LEADING with a quorum, the voters FOLLOWING it, the
// observers OBSERVING it.
func (c *cluster) settled() (int64, bool) {
	leader := int64(-1)
	for _, id := range c.ids {
		m := c.members[id]
		if !m.up {
			continue
		}
		if m.e.State() == Looking {
			return 0, false
		}
		l := m.e.CurrentVote().Leader
		if leader == -1 {
			leader = l
		}
		if l != leader {
			return 0, false
		}
		want := Following
		switch {
		case id == leader:
			want = Leading
		case !c.q.IsVoter(id):
			want = Observing
		}
		if m.e.State() != want {
			return 0, false
		}
	}
	if leader == -1 || !c.established(leader) {
		return 0, false
	}
	return leader, true
}

func (c *cluster) isSettled() bool {
	_, ok := c.settled()
	return ok
}

// requireSettled runs until the ensemble settles and checks the leader.
func (c *cluster) requireSettled(limit int, leader int64) {
	c.t.Helper()
	require.True(c.t, c.runUntil(limit, c.isSettled), "not settled after %d ticks:\n%s", limit, c)
	l, _ := c.settled()
	require.Equal(c.t, leader, l, "%s", c)
}

func (c *cluster) String() string {
	out := fmt.Sprintf("tick %d, %d sent, %d delivered\n", c.now, c.sent, c.delivered)
	for _, id := range c.ids {
		m := c.members[id]
		if !m.up {
			out += fmt.Sprintf("  %d down, decided %v\n", id, m.decisions)
			continue
		}
		out += fmt.Sprintf("  %d %s round %d proposal %v current %v decided %v\n", id, m.e.State(), m.e.LogicalClock(),
			m.e.Proposal(), m.e.CurrentVote(), m.decisions)
	}
	return out
}
