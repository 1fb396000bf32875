package zab

import (
	"errors"
	"slices"
	"testing"
)

// TestEpochRolloverForcesNewEpoch: a leader never proposes counter
// 0xffffffff (Apache's ZOOKEEPER-1277 rule). It stops instead; the next
// election starts a new epoch whose counter restarts at 1, and nothing
// that was committed is lost. (Four billion proposals are out of reach for
// a test, so the leader's counter is moved close to the end right after it
// is established, as Apache's zookeeper.testingonly.initialZxid does.)
func TestEpochRolloverForcesNewEpoch(t *testing.T) {
	c := newCluster(t, 1, 3, 0)
	c.lead(1)
	if !c.settleAll(50) {
		c.fatalf("not established")
	}
	l := c.srv[1].leader
	e := l.Epoch()
	l.lastProposed = MakeZxid(e, MaxCounter-2)

	// 0xfffffffe is the last counter of the epoch: committed normally.
	if !c.propose() {
		t.Fatal("propose failed")
	}
	for c.step() {
	}
	last := MakeZxid(e, MaxCounter-1)
	if !slices.Contains(c.acked, last) {
		t.Fatalf("%s not committed: %v", FormatZxid(last), zs(c.acked))
	}

	// The next would be 0xffffffff: refused, and the leader steps down.
	if _, err := l.Propose(testTxn(0)); !errors.Is(err, ErrZxidRollover) {
		t.Fatalf("Propose at the end of the epoch: %v, want ErrZxidRollover", err)
	}
	c.settle()
	if c.leader != 0 || l.Phase() != Stopped {
		t.Fatalf("leader still leading after the rollover (phase %s)", l.Phase())
	}

	// Re-election: a new epoch, counting from 1, with everything committed.
	if !c.settleAll(50) {
		c.fatalf("no new leader")
	}
	nl := c.srv[c.leader].leader
	if nl.Epoch() != e+1 {
		t.Fatalf("new epoch %d, want %d", nl.Epoch(), e+1)
	}
	if !c.propose() {
		t.Fatal("propose in the new epoch failed")
	}
	if !c.settleAll(50) {
		c.fatalf("did not settle")
	}
	c.checkConverged()
	if got := c.hist[len(c.hist)-1]; got != MakeZxid(e+1, 1) {
		t.Fatalf("first txn of the new epoch is %s, want %s", FormatZxid(got), FormatZxid(MakeZxid(e+1, 1)))
	}
	if !slices.Contains(c.hist, last) {
		t.Fatalf("%s lost across the rollover", FormatZxid(last))
	}
}

// TestInitialCounterReachesTheRollover: with the test-only InitialCounter
// (Apache's zookeeper.testingonly.initialZxid) every epoch's zxids continue
// from it, so the forced new epoch comes after a few proposals, as the
// multi-process rollover test needs; the learners take the jump from
// epoch<<32 to the initial counter (a new epoch's first proposal may have
// any counter), and nothing committed is lost across two rollovers.
func TestInitialCounterReachesTheRollover(t *testing.T) {
	c := newCluster(t, 7, 3, 0)
	c.initial = MaxCounter - 3
	c.lead(1)
	if !c.settleAll(50) {
		c.fatalf("not established")
	}
	e := c.srv[c.leader].leader.Epoch()
	var committed []int64
	for epoch := e; epoch < e+2; epoch++ {
		l := c.srv[c.leader].leader
		if l.Epoch() != epoch {
			t.Fatalf("leading epoch %d, want %d", l.Epoch(), epoch)
		}
		if got := l.NextZxid(); got != MakeZxid(epoch, MaxCounter-2) {
			t.Fatalf("epoch %d starts at %s, want %s", epoch, FormatZxid(got), FormatZxid(MakeZxid(epoch, MaxCounter-2)))
		}
		for range 2 {
			if !c.propose() {
				t.Fatal("propose failed")
			}
		}
		if !c.settleAll(50) {
			c.fatalf("did not settle")
		}
		committed = append(committed, MakeZxid(epoch, MaxCounter-2), MakeZxid(epoch, MaxCounter-1))
		if _, err := l.Propose(testTxn(0)); !errors.Is(err, ErrZxidRollover) {
			t.Fatalf("Propose at the end of epoch %d: %v, want ErrZxidRollover", epoch, err)
		}
		c.settle()
		if !c.settleAll(50) {
			c.fatalf("no new leader after the rollover of epoch %d", epoch)
		}
	}
	c.checkConverged()
	for _, z := range committed {
		if !slices.Contains(c.hist, z) {
			t.Fatalf("%s lost across the rollovers; history %v", FormatZxid(z), zs(c.hist))
		}
	}
}
