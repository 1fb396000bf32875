package ensemble

import (
	"slices"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness"
)

// aFollower returns a voter that follows the current leader.
func aFollower(t *testing.T, ens *harness.Ensemble) (leader, follower int) {
	t.Helper()
	ens = ens.For(t)
	leader = ens.WaitForLeader(settle)
	for _, id := range ens.Voters() {
		if id != leader {
			return leader, id
		}
	}
	t.Fatalf("no follower among voters %v", ens.Voters())
	return 0, 0
}

// catchUp stops a follower, lets the others commit `writes` writes, starts
// it again and checks how it synced (from its log) and that it holds what
// the others hold.
func catchUp(t *testing.T, ens *harness.Ensemble, writes int, want harness.SyncKind) {
	ens = ens.For(t)
	_, f := aFollower(t, ens)
	ens.Stop(f)
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{MaxWrites: writes, Pause: time.Millisecond})
	chk.Start()
	chk.Wait(settle)
	mark := ens.MarkLog(f)
	ens.Start(f)
	ens.WaitServing(f, settle)
	kinds, err := ens.SyncsSince(mark)
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 1 || kinds[0] != want {
		t.Errorf("server %d, %d writes behind, synced by %v; want exactly one %s", f, writes, kinds, want)
	}
	n := chk.Verify()
	t.Logf("server %d synced by %v after %d writes (%d acknowledged)", f, kinds, writes, n)
}

// followerDiff: a follower restarted a few writes behind gets them as a
// DIFF (Apache: fewer than the 500 proposals it keeps in memory).
func followerDiff(t *testing.T, ens *harness.Ensemble) {
	catchUp(t, ens, 60, harness.SyncDiff)
}

// followerSnap: a follower restarted far behind, past snapCount and past
// the proposals the leader keeps (Apache: 500 in memory; its on-disk log is
// only used while smaller than a third of the snapshot, which preallocated
// 64 MiB log files never are), gets a snapshot.
func followerSnap(t *testing.T, ens *harness.Ensemble) {
	catchUp(t, ens, 800, harness.SyncSnap)
}

// formerLeaderTrunc: the leader, cut off from both followers, logs a
// proposal nobody acks (a client's create); the followers elect a new
// leader; healed, the former leader must cut that proposal from its log
// (TRUNC) and the create is nowhere.
//
// On Apache the new leader must not have committed anything in its new
// epoch when the old one comes back: LearnerHandler cannot TRUNC across an
// epoch boundary and sends a SNAP instead. So no client writes before the
// heal, and the heal comes well before the session of the cut-off client
// (known to everyone, 10 s) expires on the new leader.
func formerLeaderTrunc(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	old := ens.WaitForLeader(settle)
	others := slices.DeleteFunc(ens.IDs(), func(id int) bool { return id == old })
	pinned := ens.ClientTo(t, old)
	probe := "/trunc-probe"
	mark := ens.MarkLog(old)
	ens.Partition([]int{old}, others)
	result := make(chan error, 1)
	go func() {
		_, err := pinned.Create(probe, []byte("never committed"), 0, zk.WorldACL(zk.PermAll))
		result <- err
	}()
	leader := ens.WaitForLeaderAmong(settle, others...)
	deadline := time.Now().Add(settle)
	for ens.Serving(old) {
		if time.Now().After(deadline) {
			t.Fatalf("the cut-off leader %d still serves after %v: %s", old, settle, ens.Modes())
		}
		time.Sleep(50 * time.Millisecond)
	}
	ens.Heal()
	select {
	case err := <-result:
		if err == nil {
			t.Fatalf("the create sent to the cut-off leader %d succeeded", old)
		}
		t.Logf("the create sent to the cut-off leader failed: %v", err)
	case <-time.After(settle):
		t.Fatalf("the create sent to the cut-off leader %d is still unanswered", old)
	}
	pinned.Close()
	ens.WaitServing(old, settle)
	kinds, err := ens.SyncsSince(mark)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(kinds, harness.SyncTrunc) {
		t.Errorf("former leader %d synced with the new leader %d by %v; want a TRUNC", old, leader, kinds)
	}
	for _, id := range ens.IDs() {
		c := ens.ClientTo(t, id)
		if _, err := c.Sync("/"); err != nil {
			t.Fatalf("sync on server %d: %v", id, err)
		}
		if ok, _, err := c.Exists(probe); err != nil || ok {
			t.Errorf("server %d: %s exists=%v (%v); it was never committed", id, probe, ok, err)
		}
		c.Close()
	}
	// The ensemble goes on as one: a short load, checked everywhere.
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{MaxWrites: 300})
	chk.Start()
	chk.Wait(settle)
	chk.Verify()
	t.Logf("former leader %d synced by %v with the new leader %d", old, kinds, leader)
}
