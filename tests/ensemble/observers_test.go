package ensemble

import (
	"slices"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
)

// TestObservers runs an ensemble of three voters and two observers:
// observers serve reads and forward writes; losing both changes nothing;
// losing two voters stops every write whatever the observers do; observers
// never lead.
func TestObservers(t *testing.T) {
	forEachTarget(t, func(t *testing.T, target harness.Target) {
		ens := harness.StartEnsemble(t, harness.EnsembleOptions{
			Target: target, Voters: 3, Observers: 2, Network: harness.Loopback,
			TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit,
		})
		runSteps(t,
			step{"elected", func(t *testing.T) { checkRoles(t, ens) }},
			step{"read your writes", func(t *testing.T) { readYourWrites(t, ens) }},
			step{"losing both observers", func(t *testing.T) { loseObservers(t, ens) }},
			step{"losing two voters", func(t *testing.T) { loseTwoVoters(t, ens) }},
		)
	})
}

// loseObservers: with both observers killed, the same leader goes on and
// writes are acknowledged as before; restarted, the observers catch up.
func loseObservers(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	leader := checkRoles(t, ens)
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 200, settle)
	killed := time.Now()
	ens.Kill9(ens.Observers()...)
	chk.WaitAcked(killed, 300, settle)
	if l, ok := ens.Leader(); !ok || l != leader {
		t.Errorf("after losing the observers the leader is %d (%v), was %d; %s", l, ok, leader, ens.Modes())
	}
	for _, id := range ens.Observers() {
		ens.Start(id)
	}
	checkRoles(t, ens)
	n := chk.Verify()
	t.Logf("verified %d acknowledged writes (%s)", n, chk.Summary())
}

// loseTwoVoters: with two of three voters killed (the leader left alone
// with both observers), no write issued afterwards is acknowledged, the
// leader steps down, and no observer ever leads; restarted, the voters
// elect a leader among themselves and every write acknowledged before is
// still everywhere.
//
// One run on Apache (3.8.0, Debian) failed once in Verify: server 3, a
// restarted voter, held epoch-1 versions of the sequential znodes
// n-169..175 that the other servers did not. That is not the checker
// reading mid-sync: Verify reads each server after a sync() on a session
// of that server alone, and an Apache learner accepts sessions only once
// it is UPTODATE (before that it closes client connections, which the
// checker would report as a failed read, not as data), so what it read
// was server 3's synced state. The znodes are the proposals the lone
// leader had in flight when both followers were killed: logged by the
// leader and perhaps by server 3, never acknowledged by a quorum, so
// never committed. A server that applies such proposals while the new
// epoch reuses their sequence numbers is Apache's divergence, of the
// family of its bugs around uncommitted proposals in a learner's sync
// across a leader change, reported against 3.8 and fixed after 3.8.0
// (ZOOKEEPER-4394: a learner applies proposals of a DIFF that the new
// leader never committed; ZOOKEEPER-4646, ZOOKEEPER-4785).
// The scenario is kept as it is: Corral must never show it, and should
// Apache show it again the servers' logs (printed on failure) say how
// server 3 synced.
func loseTwoVoters(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	leader := checkRoles(t, ens)
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 200, settle)
	var lost []int
	for _, id := range ens.Voters() {
		if id != leader {
			lost = append(lost, id)
		}
	}
	ens.Kill9(lost...)
	killed := time.Now() // both are dead: nothing issued from now on can reach a quorum
	// Watch for three step-down periods and then some: no write issued after
	// the kill may be acknowledged, no observer may lead, and the leader
	// must give up.
	window := 3*syncLimit*tickTime*time.Millisecond + 3*time.Second
	steppedDown := false
	for time.Since(killed) < window {
		leaders := ens.Leaders()
		for _, l := range leaders {
			if ens.IsObserver(l) {
				t.Errorf("observer %d leads: %s", l, ens.Modes())
			}
		}
		if len(leaders) == 0 {
			steppedDown = true
		} else if steppedDown {
			t.Errorf("server %v leads again without a quorum of voters: %s", leaders, ens.Modes())
		}
		if n := chk.AckedAfter(killed); n > 0 {
			t.Fatalf("%d writes issued after losing two of three voters were acknowledged (%s)", n, chk.Summary())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !steppedDown {
		t.Errorf("leader %d still leads %v after losing its quorum: %s", leader, window, ens.Modes())
	}
	t.Logf("no write acknowledged in %v without a quorum (%s)", window, chk.Summary())
	restarted := time.Now()
	for _, id := range lost {
		ens.Start(id)
	}
	voters := ens.Voters()
	if l := ens.WaitForLeaderAmong(settle, ens.IDs()...); !slices.Contains(voters, l) {
		t.Errorf("server %d, not a voter, leads", l)
	}
	checkRoles(t, ens)
	chk.WaitAcked(restarted, 100, settle)
	n := chk.Verify()
	t.Logf("verified %d acknowledged writes (%s)", n, chk.Summary())
}
