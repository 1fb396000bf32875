package zab

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// cluster runs real Leader and Learner cores against simulated hosts: a
// disk per server (epoch files, a snapshot, a log, and a page cache that a
// crash may lose), FIFO links per connection (TCP: delays but no
// reordering), and an election oracle that picks leaders the way Fast
// Leader Election can. It checks, while it runs, the properties the cores
// exist for:
//
//   - a leader applies its commits in zxid order, exactly once;
//   - a learner applies only txns of its leader's history, in order, and
//     only once they are durable on its own disk;
//   - a new leader, once established, holds everything committed before;
//   - a learner reports (ACKEPOCH) only a history its disk holds;
//   - a truncation leaves a log that is a prefix of the leader's history;
//   - a sync() is answered only once the txns proposed before it are
//     applied.
//
// At the end, every txn a leader applied (answered to a client) must be on
// every server, in the same order.
type cluster struct {
	t    testing.TB
	seed uint64
	rng  *rand.Rand
	q    Quorum
	ids  []int64
	srv  map[int64]*simServer
	// links holds the packets in flight per directed connection.
	links map[[2]int64][]*messages.ZabPacket

	leader               int64 // the server with a Leader core (0: none)
	initLimit, syncLimit int
	window               int
	initial              int64 // LeaderConfig.InitialCounter of every leader
	// asyncLog makes leaders ask for log reads (LeaderConfig.LogReads);
	// reads waits for their answer, given once the asking Ready is done.
	asyncLog bool
	reads    []LogReadRequest

	canonical []int64 // the committed history: the last established leader's, with its commits
	hist      []int64 // the current leader's history: its log, then its commits
	acked     []int64 // txns applied by leaders (answered to clients), in order

	trace     []string
	fullTrace bool // keep every event (one seed replayed), not the last few hundred
	stats     map[string]int
}

type simServer struct {
	id       int64
	observer bool
	up       bool
	// replay: the host replays its whole log into the tree at start-up and
	// at the end of a role (Apache's way). Otherwise its tree holds only
	// committed txns and the log's tail goes to the cores as Unapplied
	// (docs/ENSEMBLE.md).
	replay bool

	// Disk.
	acceptedEpoch, currentEpoch int64
	snapZxid                    int64
	snapState                   []int64
	log                         []*messages.Txn // durable, all after snapZxid
	// Page cache: appended, not yet fsynced; a crash keeps a prefix.
	unflushed []*messages.Txn
	// saving is a SNAP installed in memory whose snapshot is not durable.
	saving *SnapshotInstall

	// Memory.
	tree    []int64 // the zxids applied, in order: the data tree's content
	leader  *Leader
	learner *Learner
	serving bool
	syncs   []int64 // per sync() in flight: the zxid the tree must reach
}

func (s *simServer) diskState() []int64 {
	out := slices.Clone(s.snapState)
	for _, t := range s.log {
		out = append(out, t.GetZxid())
	}
	return out
}

func (s *simServer) lastLogged() int64 {
	if n := len(s.log); n > 0 {
		return s.log[n-1].GetZxid()
	}
	return s.snapZxid
}

func (s *simServer) lastAppended() int64 {
	if n := len(s.unflushed); n > 0 {
		return s.unflushed[n-1].GetZxid()
	}
	return s.lastLogged()
}

func (s *simServer) hasCore() bool { return s.leader != nil || s.learner != nil }

// reload rebuilds the tree from disk, as at start-up.
func (s *simServer) reload() {
	s.tree = slices.Clone(s.snapState)
	if s.replay {
		s.tree = s.diskState()
	}
}

// unapplied is the log's tail the tree does not hold.
func (c *cluster) unapplied(s *simServer) []*messages.Txn {
	if !isPrefix(s.tree, s.diskState()) || len(s.tree) < len(s.snapState) {
		c.fatalf("server %d: tree %v is not a prefix of its disk %v", s.id, zs(s.tree), zs(s.diskState()))
	}
	return slices.Clone(s.log[len(s.tree)-len(s.snapState):])
}

// answerReads answers the leader's pending log reads with its whole log
// from the request's zxid, as the server's learner handlers do.
func (c *cluster) answerReads() {
	reads := c.reads
	c.reads = nil
	if c.leader == 0 {
		return
	}
	s := c.srv[c.leader]
	for _, r := range reads {
		txns, ok, _ := simLog{s}.TxnRange(r.From, 1<<62)
		c.stats["log read"]++
		_ = s.leader.Step(LogRead{Learner: r.Learner, Gen: r.Gen, Txns: txns, OK: ok})
	}
}

// simLog is the leader's LogReader over its log, page cache included (a
// reader sees written, not yet fsynced, data).
type simLog struct{ s *simServer }

func (l simLog) TxnRange(from, to int64) ([]*messages.Txn, bool, error) {
	all := append(slices.Clone(l.s.log), l.s.unflushed...)
	return sliceLog(all).TxnRange(from, to)
}

// newCluster builds servers 1..voters as participants and the next ones as
// observers, with empty disks.
func newCluster(t *testing.T, seed uint64, voters, observers int) *cluster {
	var vs, obs []int64
	for i := 1; i <= voters; i++ {
		vs = append(vs, int64(i))
	}
	for i := voters + 1; i <= voters+observers; i++ {
		obs = append(obs, int64(i))
	}
	c := &cluster{
		t:         t,
		seed:      seed,
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		q:         mustMajority(t, vs, obs),
		srv:       map[int64]*simServer{},
		links:     map[[2]int64][]*messages.ZabPacket{},
		initLimit: 10,
		syncLimit: 5,
		window:    8,
		stats:     map[string]int{},
		fullTrace: os.Getenv("CORRAL_ZAB_SEED") != "",
	}
	for _, id := range append(vs, obs...) {
		c.ids = append(c.ids, id)
		c.srv[id] = &simServer{id: id, observer: id > int64(voters), up: true, replay: c.rng.IntN(2) == 0}
	}
	return c
}

func (c *cluster) logf(format string, args ...any) {
	c.trace = append(c.trace, fmt.Sprintf(format, args...))
	if len(c.trace) > 400 && !c.fullTrace {
		c.trace = c.trace[len(c.trace)-300:]
	}
}

func (c *cluster) fatalf(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("seed %d: %s\nlast events:\n  %s", c.seed, fmt.Sprintf(format, args...), strings.Join(c.trace, "\n  "))
}

// lead makes id the leader and every other server that is up its learner.
func (c *cluster) lead(id int64) {
	s := c.srv[id]
	recent := s.log
	if len(recent) > c.window {
		recent = recent[len(recent)-c.window:]
	}
	l, err := NewLeader(LeaderConfig{
		ID: id, Quorum: c.q, AcceptedEpoch: s.acceptedEpoch, CurrentEpoch: s.currentEpoch,
		LastLoggedZxid: s.lastLogged(), Unapplied: c.unapplied(s), AppliedZxid: lastOf(s.tree), Recent: recent, Log: simLog{s},
		CommittedLogSize: c.window, InitLimit: c.initLimit, SyncLimit: c.syncLimit, InitialCounter: c.initial,
		LogReads: c.asyncLog,
	})
	if err != nil {
		c.fatalf("leader %d: %v", id, err)
	}
	s.leader = l
	c.leader = id
	c.hist = s.diskState()
	c.logf("elect %d (epoch %d/%d, last %s)", id, s.acceptedEpoch, s.currentEpoch, FormatZxid(s.lastLogged()))
	for _, other := range c.ids {
		if o := c.srv[other]; o.up && !o.hasCore() {
			c.follow(other)
		}
	}
	c.settle()
}

// follow makes id (up, without a role) a learner of the current leader.
func (c *cluster) follow(id int64) {
	s := c.srv[id]
	l, err := NewLearner(LearnerConfig{
		ID: id, LeaderID: c.leader, Observer: s.observer, AcceptedEpoch: s.acceptedEpoch,
		CurrentEpoch: s.currentEpoch, LastLoggedZxid: s.lastLogged(), LogStart: s.snapZxid,
		Unapplied: c.unapplied(s), InitLimit: c.initLimit, SyncLimit: c.syncLimit,
	})
	if err != nil {
		c.fatalf("learner %d: %v", id, err)
	}
	s.learner = l
	c.logf("%d follows %d", id, c.leader)
}

// connected reports whether a and b have an open connection: one leads,
// the other follows it.
func (c *cluster) connected(a, b int64) bool {
	if c.leader == 0 {
		return false
	}
	if b == c.leader {
		a, b = b, a
	}
	if a != c.leader {
		return false
	}
	la, lb := c.srv[a], c.srv[b]
	return la.up && lb.up && la.leader != nil && lb.learner != nil
}

// closeConn drops the connection between the leader and learner id, both
// ways; the learner sees its connection close.
func (c *cluster) closeConn(id int64) {
	delete(c.links, [2]int64{id, c.leader})
	delete(c.links, [2]int64{c.leader, id})
	if s := c.srv[id]; s.learner != nil {
		_ = s.learner.Step(LeaderLost{})
	}
}

// endRole is what the host does when a core stops (or loses its peer): the
// process lives on, so its page cache reaches the disk; the tree is brought
// level with the log (reloaded when the core says memory is not durable,
// fast-forwarded otherwise: then it must be a prefix of the log).
func (c *cluster) endRole(s *simServer, discard bool) {
	switch {
	case s.leader != nil:
		s.leader = nil
		leader := c.leader
		c.leader = 0
		for _, id := range c.ids {
			delete(c.links, [2]int64{id, leader})
			delete(c.links, [2]int64{leader, id})
			if o := c.srv[id]; o.learner != nil {
				_ = o.learner.Step(LeaderLost{})
			}
		}
	case s.learner != nil:
		s.learner = nil
		if c.leader != 0 {
			delete(c.links, [2]int64{s.id, c.leader})
			delete(c.links, [2]int64{c.leader, s.id})
			_ = c.srv[c.leader].leader.Step(LearnerLost{ID: s.id})
		}
	}
	s.serving = false
	s.syncs = nil
	s.saving = nil
	s.log = append(s.log, s.unflushed...)
	s.unflushed = nil
	disk := s.diskState()
	switch {
	case discard:
		s.reload()
	case !isPrefix(s.tree, disk):
		c.fatalf("server %d: tree %v runs ahead of its log %v and the core did not say so", s.id, zs(s.tree), zs(disk))
	case s.replay:
		s.tree = disk
	}
}

// crash kills server id: its page cache keeps a random prefix, its memory
// is gone, its connections close.
func (c *cluster) crash(id int64) {
	s := c.srv[id]
	keep := c.rng.IntN(len(s.unflushed) + 1)
	c.logf("crash %d (keeps %d of %d unflushed)", id, keep, len(s.unflushed))
	s.log = append(s.log, s.unflushed[:keep]...)
	s.unflushed = nil
	s.up = false
	if s.hasCore() {
		c.endRole(s, true)
	}
	s.tree = nil
	c.settle()
}

// restart brings id back: its tree is rebuilt from its disk, and it joins
// the leader if there is one.
func (c *cluster) restart(id int64) {
	s := c.srv[id]
	s.up = true
	s.reload()
	c.logf("restart %d (epoch %d/%d, last %s)", id, s.acceptedEpoch, s.currentEpoch, FormatZxid(s.lastLogged()))
	if c.leader != 0 {
		c.follow(id)
	}
	c.settle()
}

// settle handles every pending Ready until none is left, and answers the
// leader's log reads once the Ready that asked is carried out.
func (c *cluster) settle() {
	for more := true; more; {
		more = false
		if len(c.reads) > 0 {
			c.answerReads()
			more = true
		}
		for _, id := range c.ids {
			s := c.srv[id]
			switch {
			case s.leader != nil && s.leader.HasReady():
				c.handle(s, s.leader.Ready())
				more = true
			case s.learner != nil && s.learner.HasReady():
				c.handle(s, s.learner.Ready())
				more = true
			}
		}
	}
}

// handle is the host carrying out a Ready, in the documented order.
func (c *cluster) handle(s *simServer, r Ready) {
	if r.Truncate != nil {
		c.truncate(s, r.Truncate.Zxid)
	}
	if r.InstallSnapshot != nil {
		if len(s.unflushed) > 0 {
			c.fatalf("server %d: snapshot installed over unflushed txns", s.id)
		}
		s.tree = decodeState(r.InstallSnapshot.Data)
		s.saving = r.InstallSnapshot
		c.stats["snap"]++
	}
	if r.AcceptedEpoch != nil {
		s.acceptedEpoch = *r.AcceptedEpoch
		c.logf("%d writes acceptedEpoch %d", s.id, s.acceptedEpoch)
	}
	if r.CurrentEpoch != nil {
		s.currentEpoch = *r.CurrentEpoch
		c.logf("%d writes currentEpoch %d", s.id, s.currentEpoch)
	}
	for _, e := range r.Entries {
		if e.GetZxid() <= s.lastAppended() {
			c.fatalf("server %d: appends %s after %s", s.id, FormatZxid(e.GetZxid()), FormatZxid(s.lastAppended()))
		}
		s.unflushed = append(s.unflushed, e)
	}
	for _, a := range r.Apply {
		c.applyOne(s, a)
	}
	for _, m := range r.Messages {
		c.send(s, m)
	}
	c.stats["touch"] += len(r.Touches)
	for _, rq := range r.Requests {
		if rq.Request.GetType() == int32(wire.OpSync) {
			c.leaderSync(rq.From)
		} else if _, err := s.leader.Propose(testTxn(0)); err == nil {
			c.stats["forwarded write"]++
		}
	}
	for _, sc := range r.SessionChecks {
		_ = s.leader.Step(SessionChecked{Learner: sc.Learner, SessionID: sc.SessionID, Valid: true})
	}
	c.stats["revalidated"] += len(r.Revalidated)
	c.reads = append(c.reads, r.LogReads...)
	for _, d := range r.Disconnect {
		c.logf("leader %d drops %d: %s", s.id, d.ID, d.Reason)
		c.closeConn(d.ID)
	}
	if r.Established {
		c.established(s)
	}
	if r.Stop != nil {
		c.logf("server %d stops: %s (discard=%t)", s.id, r.Stop.Reason, r.Stop.DiscardMemory)
		c.stats["stop"]++
		c.endRole(s, r.Stop.DiscardMemory)
	}
}

func (c *cluster) established(s *simServer) {
	if s.leader != nil {
		if !isPrefix(c.canonical, c.hist) {
			c.fatalf("leader %d established without committed txns: committed %v, its history %v",
				s.id, zs(c.canonical), zs(c.hist))
		}
		c.canonical = slices.Clone(c.hist)
		c.logf("leader %d established in epoch %d", s.id, s.leader.Epoch())
		c.stats["epoch"]++
		return
	}
	if !isPrefix(s.tree, c.hist) {
		c.fatalf("learner %d serves %v, not a prefix of the leader's history %v", s.id, zs(s.tree), zs(c.hist))
	}
	s.serving = true
}

func (c *cluster) applyOne(s *simServer, a Apply) {
	if a.SyncDone {
		if len(s.syncs) == 0 {
			c.fatalf("server %d: sync answered that nobody asked", s.id)
		}
		want := s.syncs[0]
		s.syncs = s.syncs[1:]
		n := 0
		for _, z := range c.hist {
			if z <= want {
				n++
			}
		}
		if len(s.tree) < n || !isPrefix(s.tree[:n], c.hist) {
			c.fatalf("server %d: sync answered before %s was applied", s.id, FormatZxid(want))
		}
		c.stats["sync"]++
		return
	}
	z := a.Txn.GetZxid()
	if n := len(s.tree); n > 0 && z <= s.tree[n-1] {
		c.fatalf("server %d applies %s after %s", s.id, FormatZxid(z), FormatZxid(s.tree[n-1]))
	}
	s.tree = append(s.tree, z)
	if s.leader != nil {
		if len(s.tree) <= len(c.hist) {
			// Catching up on its own history (its Unapplied tail).
			if !isPrefix(s.tree, c.hist) {
				c.fatalf("leader %d applies %s, not its history %v", s.id, FormatZxid(z), zs(c.hist))
			}
			return
		}
		c.hist = append(c.hist, z)
		c.canonical = append(c.canonical, z)
		c.acked = append(c.acked, z)
		if !slices.Equal(s.tree, c.hist) {
			c.fatalf("leader %d: tree and history differ", s.id)
		}
		return
	}
	if z > s.lastLogged() {
		c.fatalf("learner %d applies %s before it is durable (log ends at %s)", s.id, FormatZxid(z), FormatZxid(s.lastLogged()))
	}
	if !isPrefix(s.tree, c.hist) {
		c.fatalf("learner %d applied %v, not a prefix of the leader's history %v", s.id, zs(s.tree), zs(c.hist))
	}
}

func (c *cluster) send(s *simServer, m Message) {
	p := m.Packet
	switch p.Type {
	case messages.ZabType_ZAB_SNAP:
		n := 0
		for _, z := range c.hist {
			if z <= p.Zxid {
				n++
			}
		}
		if len(s.tree) < n {
			c.fatalf("leader %d: SNAP %s but its tree holds only %d txns", s.id, FormatZxid(p.Zxid), len(s.tree))
		}
		p.GetSnapshot().Data = encodeState(s.tree)
	case messages.ZabType_ZAB_ACKEPOCH:
		// ZOOKEEPER-3642: what a learner reports must be on its disk.
		if p.Zxid != s.lastLogged() || !isPrefix(s.tree, s.diskState()) {
			c.fatalf("learner %d reports %s, its disk holds %s", s.id, FormatZxid(p.Zxid), FormatZxid(s.lastLogged()))
		}
	}
	if !c.connected(s.id, m.To) {
		return
	}
	key := [2]int64{s.id, m.To}
	c.links[key] = append(c.links[key], p)
}

// truncate cuts a learner's log after z; what is left must be a prefix of
// the leader's history (the part both share).
func (c *cluster) truncate(s *simServer, z int64) {
	if len(s.unflushed) > 0 {
		c.fatalf("server %d: truncation with unflushed txns", s.id)
	}
	if z < s.snapZxid {
		c.fatalf("server %d: TRUNC to %s below its snapshot %s", s.id, FormatZxid(z), FormatZxid(s.snapZxid))
	}
	// Keep the txns up to z. z is a txn of the log, or the start of an
	// epoch (a leader whose window is empty truncates to its epoch<<32).
	i := slices.IndexFunc(s.log, func(t *messages.Txn) bool { return t.GetZxid() > z })
	if i < 0 {
		i = len(s.log)
	}
	if z != s.snapZxid && CounterOf(z) != 0 && (i == 0 || s.log[i-1].GetZxid() != z) {
		c.fatalf("server %d: TRUNC to %s, which its log does not hold", s.id, FormatZxid(z))
	}
	s.log = s.log[:i]
	if s.replay {
		s.tree = s.diskState()
	} else if !isPrefix(s.tree, s.diskState()) {
		// A tree of committed txns only never holds what a TRUNC cuts.
		c.fatalf("server %d: TRUNC to %s cuts applied txns of %v", s.id, FormatZxid(z), zs(s.tree))
	}
	if !isPrefix(s.diskState(), c.hist) {
		c.fatalf("server %d: after TRUNC to %s its log %v is not a prefix of the leader's history %v",
			s.id, FormatZxid(z), zs(s.diskState()), zs(c.hist))
	}
	c.stats["trunc"]++
}

// leaderSync calls Leader.Sync for origin and records what the answer must
// cover.
func (c *cluster) leaderSync(origin int64) {
	l := c.srv[c.leader].leader
	if err := l.Sync(origin); err != nil {
		return
	}
	c.srv[origin].syncs = append(c.srv[origin].syncs, l.LastProposed())
}

// deliver hands the oldest packet of a link to its receiver.
func (c *cluster) deliver(key [2]int64) {
	q := c.links[key]
	p := q[0]
	if len(q) == 1 {
		delete(c.links, key)
	} else {
		c.links[key] = q[1:]
	}
	if !c.connected(key[0], key[1]) {
		return
	}
	to := c.srv[key[1]]
	c.logf("%d -> %d %s", key[0], key[1], renderPacket(p))
	ev := Receive{From: key[0], Packet: p}
	if to.leader != nil {
		_ = to.leader.Step(ev)
	} else {
		_ = to.learner.Step(ev)
	}
	c.settle()
}

// flush fsyncs some (or all) of server id's page cache and tells its core.
func (c *cluster) flush(id int64, all bool) {
	s := c.srv[id]
	n := len(s.unflushed)
	if !all {
		n = 1 + c.rng.IntN(n)
	}
	s.log = append(s.log, s.unflushed[:n]...)
	s.unflushed = slices.Clone(s.unflushed[n:])
	upTo := s.log[len(s.log)-1].GetZxid()
	c.logf("fsync %d up to %s", id, FormatZxid(upTo))
	switch {
	case s.leader != nil:
		_ = s.leader.Step(Persisted{UpTo: upTo})
	case s.learner != nil:
		_ = s.learner.Step(Persisted{UpTo: upTo})
	}
	c.settle()
}

// saveSnapshot makes an installed SNAP durable: it becomes the start of the
// server's history.
func (c *cluster) saveSnapshot(id int64) {
	s := c.srv[id]
	in := s.saving
	s.saving = nil
	s.snapZxid = in.Zxid
	s.snapState = decodeState(in.Data)
	s.log = nil
	c.logf("snapshot %d saved at %s", id, FormatZxid(in.Zxid))
	_ = s.learner.Step(SnapshotSaved{Zxid: in.Zxid})
	c.settle()
}

func (c *cluster) tick() {
	for _, id := range c.ids {
		s := c.srv[id]
		switch {
		case !s.up:
		case s.leader != nil:
			s.leader.Tick()
		case s.learner != nil:
			s.learner.Tick()
		}
	}
	c.settle()
}

// propose makes the leader's prep stage propose a write.
func (c *cluster) propose() bool {
	if c.leader == 0 {
		return false
	}
	_, err := c.srv[c.leader].leader.Propose(testTxn(0))
	c.settle()
	return err == nil
}

// electFrom elects, as Fast Leader Election would, the best vote
// (currentEpoch, last logged zxid, sid) among the given voters.
func (c *cluster) electFrom(candidates []int64) int64 {
	best := int64(0)
	for _, id := range candidates {
		if best == 0 {
			best = id
			continue
		}
		s, b := c.srv[id], c.srv[best]
		if s.currentEpoch > b.currentEpoch ||
			(s.currentEpoch == b.currentEpoch && (s.lastLogged() > b.lastLogged() ||
				(s.lastLogged() == b.lastLogged() && id > best))) {
			best = id
		}
	}
	return best
}

func (c *cluster) upVoters() []int64 {
	var out []int64
	for _, id := range c.ids {
		if s := c.srv[id]; s.up && !s.observer {
			out = append(out, id)
		}
	}
	return out
}

// deliverAll empties every link until nothing is in flight.
func (c *cluster) deliverAll() {
	for len(c.links) > 0 {
		c.deliver(c.someLink(false))
	}
}

// someLink picks a non-empty link: the first in (from, to) order, or a
// random one.
func (c *cluster) someLink(random bool) [2]int64 {
	keys := make([][2]int64, 0, len(c.links))
	for k := range c.links {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int64) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	if random {
		return keys[c.rng.IntN(len(keys))]
	}
	return keys[0]
}

// settleAll runs the cluster without faults until it is quiet: every
// server up and serving (or leading), nothing in flight or unflushed, no
// outstanding proposal. It reports false if that takes too long.
func (c *cluster) settleAll(maxRounds int) bool {
	for _, id := range c.ids {
		if !c.srv[id].up {
			c.restart(id)
		}
	}
	for range maxRounds {
		c.deliverAll()
		for _, id := range c.ids {
			s := c.srv[id]
			if len(s.unflushed) > 0 {
				c.flush(id, true)
			}
			if s.saving != nil {
				c.saveSnapshot(id)
			}
		}
		if c.leader == 0 && c.q.ContainsQuorum(c.upVoters()) {
			c.lead(c.electFrom(c.upVoters()))
			continue
		}
		if c.leader != 0 {
			for _, id := range c.ids {
				if s := c.srv[id]; s.up && !s.hasCore() {
					c.follow(id)
				}
			}
			c.settle()
		}
		if c.quiet() {
			return true
		}
		if len(c.links) == 0 && !c.anyUnflushed() {
			c.tick()
		}
	}
	return false
}

func (c *cluster) anyUnflushed() bool {
	for _, id := range c.ids {
		if s := c.srv[id]; len(s.unflushed) > 0 || s.saving != nil {
			return true
		}
	}
	return false
}

func (c *cluster) quiet() bool {
	if c.leader == 0 || len(c.links) > 0 || c.anyUnflushed() {
		return false
	}
	l := c.srv[c.leader].leader
	if l.Phase() != Broadcast || l.Outstanding() > 0 {
		return false
	}
	for _, id := range c.ids {
		s := c.srv[id]
		if id != c.leader && (!s.serving || !slices.Equal(s.tree, c.hist)) {
			return false
		}
	}
	return true
}

// checkConverged verifies the end state: one history everywhere, holding
// every acknowledged txn in order, each once.
func (c *cluster) checkConverged() {
	c.t.Helper()
	for _, id := range c.ids {
		if s := c.srv[id]; !slices.Equal(s.tree, c.hist) {
			c.fatalf("server %d holds %v, the leader %v", id, zs(s.tree), zs(c.hist))
		}
	}
	if !isSubsequence(c.acked, c.hist) {
		c.fatalf("acknowledged txns %v are not all in the history %v, in order", zs(c.acked), zs(c.hist))
	}
	if !isPrefix(c.canonical, c.hist) {
		c.fatalf("committed history %v is not a prefix of the final one %v", zs(c.canonical), zs(c.hist))
	}
	for i := 1; i < len(c.hist); i++ {
		if c.hist[i] <= c.hist[i-1] {
			c.fatalf("history out of order at %d: %v", i, zs(c.hist))
		}
	}
}

func lastOf(zxids []int64) int64 {
	if len(zxids) == 0 {
		return 0
	}
	return zxids[len(zxids)-1]
}

func isPrefix(a, b []int64) bool {
	return len(a) <= len(b) && slices.Equal(a, b[:len(a)])
}

func isSubsequence(a, b []int64) bool {
	i := 0
	for _, z := range b {
		if i < len(a) && a[i] == z {
			i++
		}
	}
	return i == len(a)
}

func encodeState(tree []int64) []byte {
	parts := make([]string, len(tree))
	for i, z := range tree {
		parts[i] = strconv.FormatInt(z, 10)
	}
	return []byte(strings.Join(parts, ","))
}

func decodeState(b []byte) []int64 {
	if len(b) == 0 {
		return nil
	}
	var out []int64
	for _, p := range strings.Split(string(b), ",") {
		z, _ := strconv.ParseInt(p, 10, 64)
		out = append(out, z)
	}
	return out
}

func zs(zxids []int64) string { return strings.Join(zxidStrings(zxids), " ") }
