package ensemble

import (
	"slices"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
)

// killLeaderUnderLoad: kill -9 of the leader while the checker writes
// through every server; another server takes over, writes resume, the old
// leader rejoins as a follower, and every acknowledged write is on every
// server in one order.
func killLeaderUnderLoad(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 300, settle)
	old := ens.WaitForLeader(settle)
	killed := time.Now()
	ens.Kill9(old)
	survivors := slices.DeleteFunc(ens.Voters(), func(id int) bool { return id == old })
	leader := ens.WaitForLeaderAmong(settle, survivors...)
	chk.WaitAcked(killed, 200, settle)
	if first, ok := chk.FirstAckAfter(killed); ok {
		t.Logf("leader %d killed; server %d leads; first write acknowledged %v after the kill", old, leader, first.Sub(killed).Round(time.Millisecond))
	}
	ens.Start(old)
	ens.WaitServing(old, settle)
	if mode, err := ens.Mode(old); err != nil || mode != "follower" {
		t.Errorf("the restarted former leader %d is %q (%v), want follower; %s", old, mode, err, ens.Modes())
	}
	rejoined := time.Now()
	chk.WaitAcked(rejoined, 100, settle)
	n := chk.Verify()
	t.Logf("verified %d acknowledged writes (%s)", n, chk.Summary())
}
