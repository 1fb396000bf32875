package ensemble

import (
	"os"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
)

// corralEnsembleReady adds Corral to every scenario's targets. Flip it when
// Corral's ensemble is wired (issue 4); until then CORRAL_ENSEMBLE=1 runs
// the scenarios on Corral on demand.
const corralEnsembleReady = true

// targets are the implementations every scenario runs on.
func targets() []harness.Target {
	ts := []harness.Target{harness.Apache}
	if corralEnsembleReady || os.Getenv("CORRAL_ENSEMBLE") == "1" {
		ts = append(ts, harness.Corral)
	}
	return ts
}

// forEachTarget runs f as one subtest per target.
func forEachTarget(t *testing.T, f func(t *testing.T, target harness.Target)) {
	for _, target := range targets() {
		t.Run(target.String(), func(t *testing.T) { f(t, target) })
	}
}

// Timing of the scenarios' ensembles: a short tick so that a lost leader
// or a partition is noticed within syncLimit×tickTime = 2 s, while client
// sessions (capped at 20 ticks = 10 s) outlive a failover.
const (
	tickTime  = 500
	initLimit = 20
	syncLimit = 4
	// settle bounds a wait for the ensemble to reach a state (a leader, a
	// server serving, writes resuming). Generous: JVMs share two cores with
	// the other test packages.
	settle = 90 * time.Second
)

// step is one stage of a scenario that shares its ensemble with the stages
// after it.
type step struct {
	name string
	run  func(t *testing.T)
}

// runSteps runs the steps in order as subtests and stops at the first that
// fails: the later ones would start from a state nobody meant.
func runSteps(t *testing.T, steps ...step) {
	t.Helper()
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Errorf("stopping after the failed step %q", s.name)
			return
		}
	}
}

// checkRoles checks that exactly one voter leads and every other running
// server has its configured role: voters follow, observers observe.
func checkRoles(t *testing.T, ens *harness.Ensemble) int {
	t.Helper()
	ens = ens.For(t)
	leader := ens.WaitForLeader(settle)
	if ens.IsObserver(leader) {
		t.Fatalf("observer %d leads: %s", leader, ens.Modes())
	}
	for _, id := range ens.IDs() {
		if id == leader || !ens.Running(id) {
			continue
		}
		ens.WaitServing(id, settle)
		want := "follower"
		if ens.IsObserver(id) {
			want = "observer"
		}
		if mode, err := ens.Mode(id); err != nil || mode != want {
			t.Errorf("server %d: mode %q (%v), want %s; %s", id, mode, err, want, ens.Modes())
		}
	}
	return leader
}
