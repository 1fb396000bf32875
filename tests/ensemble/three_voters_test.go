package ensemble

import (
	"testing"

	"github.com/corral-zk/corral/tests/harness"
)

// TestThreeVoters runs the scenarios of a three-server ensemble on one
// ensemble, each stage starting from where the previous one left it: the
// first election, reads of one's own writes everywhere, kill -9 of the
// leader under load, catching up by DIFF, SNAP and TRUNC, and a partitioned
// minority. The servers live in network namespaces so that they can be
// partitioned.
func TestThreeVoters(t *testing.T) {
	forEachTarget(t, func(t *testing.T, target harness.Target) {
		harness.RequireNetns(t)
		ens := harness.StartEnsemble(t, harness.EnsembleOptions{
			Target: target, Voters: 3, Network: harness.Namespaces,
			TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit,
			SnapCount: 100,
		})
		runSteps(t,
			step{"elected", func(t *testing.T) { checkRoles(t, ens) }},
			step{"read your writes", func(t *testing.T) { readYourWrites(t, ens) }},
			step{"kill -9 leader under load", func(t *testing.T) { killLeaderUnderLoad(t, ens) }},
			step{"follower DIFF", func(t *testing.T) { followerDiff(t, ens) }},
			step{"follower SNAP", func(t *testing.T) { followerSnap(t, ens) }},
			step{"former leader TRUNC", func(t *testing.T) { formerLeaderTrunc(t, ens) }},
			step{"minority partition", func(t *testing.T) { minorityPartition(t, ens) }},
		)
	})
}
