package observers

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
)

// firstLeaderBound is what TestFirstLeader allows a fresh three-voter
// ensemble for its first leader: generous for a loaded machine, far below
// what protoactor's 2 s reconnect pause per late peer used to add on top
// of process start-up under load.
const firstLeaderBound = 20 * time.Second

// TestFirstLeader times a fresh three-voter ensemble from the launch of
// its processes to its first leader serving (what srvr reports, polled
// every 50 ms). The servers start one after another, so the first ones
// send their notifications to peers that are not listening yet: the
// transport must deliver them as soon as the peer listens, not after a
// fixed reconnect pause. Besides the (generous) time bound, no server may
// have logged a failed connection attempt, each of which costs protoactor's
// 2 s pause whatever the machine's load. CORRAL_MEASURE=N repeats it N times and logs the
// distribution (docs/ENSEMBLE.md, "Ports" has the numbers).
func TestFirstLeader(t *testing.T) {
	runs := 1
	if v, err := strconv.Atoi(os.Getenv("CORRAL_MEASURE")); err == nil && v > 1 {
		runs = v
	}
	var took []time.Duration
	for i := 0; i < runs; i++ {
		ens := harness.NewEnsemble(t, harness.EnsembleOptions{Target: harness.Corral, Voters: 3,
			TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit})
		start := time.Now()
		ens.StartAll()
		ens.WaitForLeader(settle)
		d := time.Since(start)
		took = append(took, d)
		if d > firstLeaderBound {
			t.Errorf("run %d: first leader after %v, more than %v", i, d, firstLeaderBound)
		}
		for _, id := range ens.IDs() {
			if n := strings.Count(ens.Output(id), "failed to connect"); n > 0 {
				t.Errorf("run %d: server %d's first connection to a peer failed %d times (a 2 s pause each)", i, id, n)
			}
			ens.Kill9(id)
		}
	}
	slices.Sort(took)
	t.Logf("time to first leader over %d runs: min %v median %v max %v (all: %v)", runs, took[0], took[len(took)/2], took[len(took)-1], took)
}
