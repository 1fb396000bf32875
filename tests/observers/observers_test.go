package observers

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness"
)

// TestObserversJoinByThemselves: three voters whose zoo.cfg files never
// mention an observer elect a leader; two observers, each configured with
// the voters and itself only, find the leader, catch up with what was
// written before they started, serve reads, forward writes in session
// order, and keep sessions that move between them and the voters. Under a
// write load, kill -9 of an observer changes nothing, kill -9 of the
// leader makes the observers follow the new one and keep serving, and a
// third observer started meanwhile joins too. The checker then finds every
// acknowledged write on every server, observers included.
//
// It runs on Apache ZooKeeper 3.8 first, which proves the scenario (Apache
// observers join voters that do not list them too), then on Corral.
func TestObserversJoinByThemselves(t *testing.T) {
	for _, target := range []harness.Target{harness.Apache, harness.Corral} {
		t.Run(target.String(), func(t *testing.T) { observersJoin(t, target) })
	}
}

func observersJoin(t *testing.T, target harness.Target) {
	ens := harness.NewEnsemble(t, harness.EnsembleOptions{Target: target, Voters: 3, Observers: 3,
		TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit, AdminServer: true})
	unlistObservers(t, ens)
	o1, o2, late := ens.Observers()[0], ens.Observers()[1], ens.Observers()[2]
	for _, id := range ens.Voters() {
		ens.Start(id)
	}
	leader := ens.WaitForLeaderAmong(settle, ens.Voters()...)
	ens.WaitAllServing(settle)

	// Written before any observer exists: they must sync to see it.
	before := ens.ClientTo(t, leader)
	const preWrites = 50
	for i := range preWrites {
		if _, err := before.Create(fmt.Sprintf("/pre-%03d", i), []byte("before"), 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatalf("create on the leader: %v", err)
		}
	}

	marks := map[int]harness.LogMark{}
	for _, id := range []int{o1, o2} {
		marks[id] = ens.MarkLog(id)
		ens.Start(id)
	}
	runSteps(t,
		step{"observers join", func(t *testing.T) {
			for _, id := range []int{o1, o2} {
				waitMode(t, ens, id, "observer")
				kinds, err := ens.SyncsSince(marks[id])
				if err != nil || len(kinds) == 0 || (kinds[0] != harness.SyncDiff && kinds[0] != harness.SyncSnap) {
					t.Errorf("observer %d synced by %v (%v), want DIFF or SNAP", id, kinds, err)
				}
				t.Logf("observer %d synced by %v", id, kinds)
			}
			if l, ok := ens.Leader(); !ok || l != leader {
				t.Errorf("observers joining changed the leader: %s", ens.Modes())
			}
		}},
		step{"observers serve what was written before they joined", func(t *testing.T) {
			for _, id := range []int{o1, o2} {
				c := ens.ClientTo(t, id)
				kids, _, err := c.Children("/")
				if err != nil {
					t.Fatalf("observer %d: %v", id, err)
				}
				n := 0
				for _, k := range kids {
					if len(k) == 7 && k[:4] == "pre-" {
						n++
					}
				}
				if n != preWrites {
					t.Errorf("observer %d serves %d of the %d znodes written before it joined", id, n, preWrites)
				}
			}
		}},
		step{"writes through an observer, in session order", func(t *testing.T) { writesThroughObserver(t, ens, o1) }},
		step{"sessions move between observers and voters", func(t *testing.T) { sessionsMove(t, ens, o1, o2) }},
		step{"an observer's idle session stays alive", func(t *testing.T) { idleSessionLives(t, ens, o2) }},
		step{"faults under load", func(t *testing.T) { faultsUnderLoad(t, ens, o1, o2, late) }},
		step{"operators see the observers", func(t *testing.T) { operatorView(t, ens) }},
	)
}

// writesThroughObserver: a client of the observer alone writes (the
// observer forwards to the leader) and reads each write back at once,
// without sync: a session's read waits behind its own writes. The voters
// have the writes, in the order they were issued.
func writesThroughObserver(t *testing.T, ens *harness.Ensemble, obs int) {
	ens = ens.For(t)
	c := ens.ClientTo(t, obs)
	const n = 30
	var paths []string
	for i := range n {
		p, err := c.Create("/via-observer-", []byte(fmt.Sprint(i)), zk.FlagSequence, zk.WorldACL(zk.PermAll))
		if err != nil {
			t.Fatalf("create through observer %d: %v", obs, err)
		}
		data, _, err := c.Get(p)
		if err != nil || string(data) != fmt.Sprint(i) {
			t.Fatalf("observer %d: read of its session's own write %s: %q, %v", obs, p, data, err)
		}
		paths = append(paths, p)
	}
	if !slices.IsSorted(paths) {
		t.Errorf("sequence numbers out of issue order: %v", paths)
	}
	for _, v := range ens.Voters() {
		vc := ens.ClientTo(t, v)
		if _, err := vc.Sync("/"); err != nil {
			t.Fatalf("sync on voter %d: %v", v, err)
		}
		for i, p := range paths {
			data, _, err := vc.Get(p)
			if err != nil || string(data) != fmt.Sprint(i) {
				t.Fatalf("voter %d: %s is %q, %v", v, p, data, err)
			}
		}
	}
}

// sessionsMove: a session made on an observer, holding an ephemeral,
// moves to a voter and back to the other observer; it stays the same
// session (its password checks on every server: the key is derived from
// the voters, which every zoo.cfg lists alike) and writes from wherever it
// is. A session made on a voter moves to an observer the same way.
func sessionsMove(t *testing.T, ens *harness.Ensemble, o1, o2 int) {
	ens = ens.For(t)
	c := ens.MovableClient(t)
	if err := c.MoveTo(o1, settle); err != nil {
		t.Fatal(err)
	}
	eph := fmt.Sprintf("/moving-%d", time.Now().UnixNano())
	if _, err := c.Create(eph, nil, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("ephemeral through observer %d: %v", o1, err)
	}
	owner := c.SessionID()
	for i, to := range []int{1, o2, 2, o1} {
		if err := c.MoveTo(to, settle); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Set(eph, []byte(fmt.Sprint(i)), -1); err != nil {
			t.Fatalf("write on server %d after the move: %v", to, err)
		}
		_, st, err := c.Get(eph)
		if err != nil || st.EphemeralOwner != owner {
			t.Fatalf("server %d: the ephemeral's owner is %#x (%v), want the moving session %#x", to, st.EphemeralOwner, err, owner)
		}
	}
}

// idleSessionLives: a session whose client talks to an observer only
// through pings keeps its ephemeral on the leader for twice its timeout:
// the observer reports the session's activity to the leader (PING
// replies), which alone expires sessions.
func idleSessionLives(t *testing.T, ens *harness.Ensemble, obs int) {
	ens = ens.For(t)
	c := ens.ClientTo(t, obs)
	eph := fmt.Sprintf("/idle-%d", time.Now().UnixNano())
	if _, err := c.Create(eph, nil, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("ephemeral through observer %d: %v", obs, err)
	}
	leader := ens.WaitForLeaderAmong(settle, ens.Voters()...)
	lc := ens.ClientTo(t, leader)
	until := time.Now().Add(2 * harness.ClientSessionTimeout)
	for time.Now().Before(until) {
		if _, err := lc.Sync(eph); err != nil {
			t.Fatalf("sync on the leader: %v", err)
		}
		if ok, _, err := lc.Exists(eph); err != nil || !ok {
			t.Fatalf("the idle session's ephemeral is gone from the leader (%v) after %v", err,
				2*harness.ClientSessionTimeout-time.Until(until))
		}
		time.Sleep(500 * time.Millisecond) // the pace of the check, not a synchronisation
	}
}

// faultsUnderLoad runs the checker's write load (its clients name every
// server, so writes go through observers too) across three faults: kill -9
// of an observer (the leader stays, writes go on), kill -9 of the leader
// (a voter leads, the observers follow it and keep serving), and the start
// of a third observer while writes go on. Every server, the killed ones
// restarted, then holds every acknowledged write.
func faultsUnderLoad(t *testing.T, ens *harness.Ensemble, o1, o2, late int) {
	ens = ens.For(t)
	leader := ens.WaitForLeaderAmong(settle, ens.Voters()...)
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 200, settle)

	killed := time.Now()
	ens.Kill9(o1)
	chk.WaitAcked(killed, 200, settle)
	if l, ok := ens.Leader(); !ok || l != leader {
		t.Errorf("after kill -9 of observer %d the leader is %d (%v), was %d; %s", o1, l, ok, leader, ens.Modes())
	}
	if m, err := ens.Mode(o2); err != nil || m != "observer" {
		t.Errorf("observer %d after the other's kill: %q, %v", o2, m, err)
	}
	ens.Start(o1)
	waitMode(t, ens, o1, "observer")

	killed = time.Now()
	ens.Kill9(leader)
	survivors := slices.DeleteFunc(ens.Voters(), func(id int) bool { return id == leader })
	newLeader := ens.WaitForLeaderAmong(settle, survivors...)
	chk.WaitAcked(killed, 200, settle)
	for _, id := range []int{o1, o2} {
		waitMode(t, ens, id, "observer")
	}
	if first, ok := chk.FirstAckAfter(killed); ok {
		t.Logf("leader %d killed; %d leads; first write acknowledged %v after the kill", leader, newLeader, first.Sub(killed).Round(time.Millisecond))
	}
	// The observers serve the new leader's writes: a fresh write on the
	// new leader is read on each observer after a sync.
	w := ens.ClientTo(t, newLeader)
	marker := fmt.Sprintf("/after-failover-%d", time.Now().UnixNano())
	if _, err := w.Create(marker, nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("write on the new leader %d: %v", newLeader, err)
	}
	for _, id := range []int{o1, o2} {
		c := ens.ClientTo(t, id)
		if _, err := c.Sync(marker); err != nil {
			t.Fatalf("sync on observer %d: %v", id, err)
		}
		if ok, _, err := c.Exists(marker); err != nil || !ok {
			t.Errorf("observer %d does not serve the new leader's write %s (%v)", id, marker, err)
		}
	}

	started := time.Now()
	ens.Start(late)
	waitMode(t, ens, late, "observer")
	chk.WaitAcked(started, 200, settle)
	ens.Start(leader)
	waitMode(t, ens, leader, "follower")
	n := chk.Verify()
	t.Logf("verified %d acknowledged writes on %d servers (%s)", n, len(ens.IDs()), chk.Summary())
}

// waitMode waits until server id serves in mode.
func waitMode(t *testing.T, ens *harness.Ensemble, id int, mode string) {
	t.Helper()
	ens = ens.For(t)
	ens.WaitServing(id, settle)
	deadline := time.Now().Add(settle)
	for {
		m, err := ens.Mode(id)
		if err == nil && m == mode {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %d is %q (%v), want %s; %s", id, m, err, mode, ens.Modes())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// step is one stage of a scenario that shares its ensemble with the stages
// after it.
type step struct {
	name string
	run  func(t *testing.T)
}

// runSteps runs the steps in order and stops at the first that fails.
func runSteps(t *testing.T, steps ...step) {
	t.Helper()
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Errorf("stopping after the failed step %q", s.name)
			return
		}
	}
}
