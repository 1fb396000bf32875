package zab

import (
	"slices"
	"strings"
	"testing"
)

// The data-loss bugs Apache ZooKeeper fixed in Learner.syncWithLeader, each
// replayed against the cores with a crash at every step of the sync.
//
// The scenario of ZOOKEEPER-3911 (and its sequels ZOOKEEPER-4643 and
// ZOOKEEPER-4785, the race in which currentEpoch reached the disk before
// the txns did): three voters; in epoch 1, txn 1:3 was committed by servers
// 1 and 3 and answered to its client while server 2 was down. Server 3
// goes down; server 1 leads epoch 2 with server 2, which gets 1:3 by DIFF.
// If server 2 acknowledged NEWLEADER (or wrote currentEpoch=2) before 1:3
// was on its disk, a power failure of 1 and 2 at that moment would leave
// server 2 with currentEpoch 2 and no 1:3; back up with server 3
// (currentEpoch 1, holding 1:3), server 2 wins the election on its newer
// epoch and 1:3, acknowledged to a client, is gone.
//
// The test cuts the run after every step, fails servers 1 and 2 (losing
// what they had not fsynced), brings 2 and 3 back, elects as Fast Leader
// Election would and runs to quiescence: 1:3 must survive every time, and
// at every cut server 2's disk must not hold currentEpoch 2 without 1:3.
func TestDiffSyncSurvivesCrashAtEveryStep(t *testing.T) {
	setup := func() *cluster {
		c := newCluster(t, 1, 3, 0)
		c.setDisk(1, 1, 1, 0, nil, "1:1-1:3")
		c.setDisk(2, 1, 1, 0, nil, "1:1-1:2")
		c.setDisk(3, 1, 1, 0, nil, "1:1-1:3")
		c.acked = parseZxids(t, "1:1-1:3")
		c.canonical = slices.Clone(c.acked)
		c.down(3)
		c.lead(1)
		return c
	}
	steps := countSteps(setup())
	if steps < 8 {
		t.Fatalf("the sync took only %d steps", steps)
	}
	shown := false
	for cut := 0; cut <= steps; cut++ {
		c := setup()
		for range cut {
			c.step()
		}
		if !shown && c.srv[2].currentEpoch == 2 {
			// The first cut after server 2 wrote currentEpoch: its fsync
			// of 1:3 comes before, its NEWLEADER ACK after.
			shown = true
			t.Logf("cut %d, server 2 has just written currentEpoch 2:\n  %s", cut, strings.Join(c.trace, "\n  "))
		}
		c.powerFail(1, 2)
		s2 := c.srv[2]
		if s2.currentEpoch == 2 && !slices.Contains(s2.diskState(), MakeZxid(1, 3)) {
			c.fatalf("cut %d: server 2 has currentEpoch 2 on disk without 1:3", cut)
		}
		c.restart(2)
		c.restart(3)
		c.lead(c.electFrom([]int64{2, 3}))
		if !c.settleAll(200) {
			c.fatalf("cut %d: did not settle", cut)
		}
		c.checkConverged()
	}
}

// ZOOKEEPER-3642: a learner synced by SNAP must hold the snapshot on disk
// before it acknowledges NEWLEADER, and must not report (in its next
// ACKEPOCH) a history it only holds in memory. In Apache, a leader that
// crashed between SNAP and NEWLEADER left the learner with the snapshot in
// memory only, but with lastProcessedZxid advanced to the snapshot's; the
// next leader then sent it a DIFF from there, and a restart lost every txn
// of the snapshot.
//
// Here server 1 leads epoch 2 holding 1:1-1:5, but its log starts at 1:4
// (older txns are only in its snapshot), so server 2 (at 1:1) gets a SNAP.
// The leader crashes after every step of that sync; server 2 stays up, the
// cluster re-elects with server 3 and settles; then server 2 loses its
// memory and page cache and restarts. The cluster checks at every ACKEPOCH
// that what a learner reports is on its disk, and at the end that all of
// 1:1-1:5 is on every server.
func TestSnapSyncSurvivesLeaderCrashAtEveryStep(t *testing.T) {
	setup := func() *cluster {
		c := newCluster(t, 1, 3, 0)
		c.setDisk(1, 1, 1, MakeZxid(1, 3), parseZxids(t, "1:1-1:3"), "1:4-1:5")
		c.setDisk(2, 1, 1, 0, nil, "1:1")
		c.setDisk(3, 1, 1, 0, nil, "1:1-1:5")
		c.acked = parseZxids(t, "1:1-1:5")
		c.canonical = slices.Clone(c.acked)
		c.down(3)
		c.lead(1)
		return c
	}
	steps := countSteps(setup())
	sawSnap := false
	for cut := 0; cut <= steps; cut++ {
		for _, failBoth := range []bool{false, true} {
			c := setup()
			for range cut {
				c.step()
			}
			sawSnap = sawSnap || c.stats["snap"] > 0
			if failBoth {
				c.powerFail(1, 2)
				c.restart(2)
			} else {
				c.powerFail(1)
			}
			c.restart(3)
			c.lead(c.electFrom(c.upVoters()))
			if !c.settleAll(200) {
				c.fatalf("cut %d: did not settle", cut)
			}
			c.powerFail(2)
			if !c.settleAll(200) {
				c.fatalf("cut %d: did not settle after server 2 restarted", cut)
			}
			c.checkConverged()
		}
	}
	if !sawSnap {
		t.Fatal("server 2 was never synced by SNAP")
	}
}

// A learner whose history starts at a snapshot cannot truncate below it.
// Found by the randomized test: server 3 installed a SNAP of 1:1-1:5 from a
// leader of epoch 2 that never got established (1:4 and 1:5 were never
// committed), and then a leader with a shorter history (1:1-1:3) was
// elected without it. Apache would send a TRUNC to 1:3 and the learner
// would keep its snapshot with 1:4 and 1:5 in it; here ACKEPOCH carries the
// learner's log start, the leader sends a SNAP instead, and server 3 ends
// with the committed history only.
func TestTruncBelowSnapshotBecomesSnap(t *testing.T) {
	c := newCluster(t, 1, 3, 0)
	c.setDisk(1, 1, 1, 0, nil, "1:1-1:3")
	c.setDisk(2, 1, 1, 0, nil, "1:1-1:3")
	// Server 3 accepted epoch 2 from a leader holding 1:4 and 1:5 (never
	// committed) by SNAP; that leader is gone for good.
	c.setDisk(3, 2, 2, MakeZxid(1, 5), parseZxids(t, "1:1-1:5"), "")
	c.acked = parseZxids(t, "1:1-1:3")
	c.canonical = slices.Clone(c.acked)
	// Servers 1 and 2 elect 1 (a quorum without 3); 3 is refused while
	// the epoch is being acknowledged (it is more recent), then comes
	// back once the epoch is settled, replying -1.
	c.down(3)
	c.lead(1)
	c.deliverAll()
	if c.srv[1].leader.Phase() != Broadcast {
		t.Fatalf("leader not established: %s", c.srv[1].leader.Phase())
	}
	c.srv[3].acceptedEpoch = c.srv[1].leader.Epoch()
	c.restart(3)
	c.deliverAll()
	if got := c.srv[1].leader.LearnerSyncMode(3); got != "SNAP" {
		t.Fatalf("server 3 synced by %q, want SNAP", got)
	}
	if !c.settleAll(100) {
		c.fatalf("did not settle")
	}
	c.checkConverged()
	if slices.Contains(c.srv[3].tree, MakeZxid(1, 4)) {
		t.Fatalf("server 3 kept 1:4, never committed: %v", zs(c.srv[3].tree))
	}
}

// setDisk gives server id a disk: epochs, a snapshot (zxid and content)
// and a log of the listed zxids.
func (c *cluster) setDisk(id, accepted, current, snapZxid int64, snapState []int64, log string) {
	s := c.srv[id]
	s.acceptedEpoch, s.currentEpoch = accepted, current
	s.snapZxid, s.snapState = snapZxid, snapState
	s.log = txnsOf(parseZxids(c.t.(*testing.T), log))
	s.reload()
}

// down takes a server out without touching its disk.
func (c *cluster) down(id int64) {
	s := c.srv[id]
	s.up = false
	s.tree = nil
}

// powerFail crashes servers at once, each losing its whole page cache.
func (c *cluster) powerFail(ids ...int64) {
	for _, id := range ids {
		s := c.srv[id]
		if !s.up {
			continue
		}
		c.logf("power failure of %d (loses %d unflushed)", id, len(s.unflushed))
		s.unflushed = nil
		s.saving = nil
		s.up = false
		if s.hasCore() {
			c.endRole(s, true)
		}
		s.tree = nil
	}
	c.settle()
}

// step does one thing, deterministically: deliver the oldest packet of the
// first busy link, else fsync the first server with unflushed txns, else
// save the first pending snapshot. Packets go first, so that whatever a
// core sends before its disk caught up is seen by its peers before a cut.
func (c *cluster) step() bool {
	if len(c.links) > 0 {
		c.deliver(c.someLink(false))
		return true
	}
	for _, id := range c.ids {
		s := c.srv[id]
		if len(s.unflushed) > 0 {
			c.flush(id, true)
			return true
		}
		if s.saving != nil {
			c.saveSnapshot(id)
			return true
		}
	}
	return false
}

// countSteps runs c until nothing is left to do and counts the steps.
func countSteps(c *cluster) int {
	n := 0
	for c.step() {
		n++
	}
	return n
}
