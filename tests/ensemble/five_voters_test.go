package ensemble

import (
	"slices"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
)

// TestFiveVoters: five servers elect one leader and serve one's own writes
// everywhere; losing two of them at once, the leader among them, leaves a
// quorum of three that elects a new leader and writes on; the two rejoin
// and every acknowledged write is everywhere in one order.
func TestFiveVoters(t *testing.T) {
	forEachTarget(t, func(t *testing.T, target harness.Target) {
		ens := harness.StartEnsemble(t, harness.EnsembleOptions{
			Target: target, Voters: 5, Network: harness.Loopback,
			TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit,
		})
		runSteps(t,
			step{"elected", func(t *testing.T) { checkRoles(t, ens) }},
			step{"read your writes", func(t *testing.T) { readYourWrites(t, ens) }},
			step{"kill -9 leader and a follower under load", func(t *testing.T) { killTwoOfFive(t, ens) }},
		)
	})
}

func killTwoOfFive(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	leader, follower := aFollower(t, ens)
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 300, settle)
	killed := time.Now()
	ens.Kill9(leader, follower)
	survivors := slices.DeleteFunc(ens.IDs(), func(id int) bool { return id == leader || id == follower })
	next := ens.WaitForLeaderAmong(settle, survivors...)
	chk.WaitAcked(killed, 200, settle)
	first, _ := chk.FirstAckAfter(killed)
	t.Logf("servers %d (leader) and %d killed; %d leads; first write acknowledged %v after the kill",
		leader, follower, next, first.Sub(killed).Round(time.Millisecond))
	ens.Start(leader)
	ens.Start(follower)
	ens.WaitServing(leader, settle)
	ens.WaitServing(follower, settle)
	checkRoles(t, ens)
	n := chk.Verify()
	t.Logf("verified %d acknowledged writes (%s)", n, chk.Summary())
}
