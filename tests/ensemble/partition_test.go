package ensemble

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness"
)

// minorityPartition: a follower cut off from the rest of the ensemble
// cannot commit: a client connected only to it gets errors and none of its
// writes lands, while a client with every server in its list moves away
// with its session and writes on; healed, the follower comes back holding
// exactly what the majority committed.
func minorityPartition(t *testing.T, ens *harness.Ensemble) {
	ens = ens.For(t)
	leader, m := aFollower(t, ens)
	majority := slices.DeleteFunc(ens.IDs(), func(id int) bool { return id == m })
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 100, settle)

	mover := ens.MovableClient(t)
	if err := mover.MoveTo(m, settle); err != nil {
		t.Fatal(err)
	}
	session := mover.SessionID()
	pinned := ens.ClientTo(t, m)

	cut := time.Now()
	ens.Partition([]int{m}, majority)

	// The client of the minority alone: every write fails, until well after
	// the server noticed it lost the leader and stopped serving.
	var attempted []string
	var errs []error
	deadline := time.Now().Add(settle)
	stoppedServing := time.Time{}
	for i := 0; ; i++ {
		if !ens.Serving(m) && stoppedServing.IsZero() {
			stoppedServing = time.Now()
		}
		if !stoppedServing.IsZero() && time.Since(stoppedServing) > 2*time.Second && len(errs) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cut-off server %d still serves %v after the cut: %s", m, settle, ens.Modes())
		}
		p := fmt.Sprintf("/minority-%d-%d", cut.UnixNano(), i)
		attempted = append(attempted, p)
		if _, err := pinned.Create(p, []byte("minority"), 0, zk.WorldACL(zk.PermAll)); err == nil {
			t.Fatalf("create %s through the cut-off server %d succeeded", p, m)
		} else {
			errs = append(errs, err)
		}
	}
	t.Logf("server %d stopped serving %v after the cut; its client's %d writes failed (first: %v, last: %v)",
		m, stoppedServing.Sub(cut).Round(time.Millisecond), len(errs), errs[0], errs[len(errs)-1])

	// The client with every server in its list moves to the majority.
	moved := false
	for deadline := time.Now().Add(settle); time.Now().Before(deadline); {
		p := fmt.Sprintf("/mover-%d", time.Now().UnixNano())
		if _, err := mover.Create(p, []byte("moved"), 0, zk.WorldACL(zk.PermAll)); err == nil {
			moved = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	switch {
	case !moved:
		t.Fatalf("the client of server %d did not get a write through within %v", m, settle)
	case mover.ServerID() == m || mover.ServerID() == 0:
		t.Errorf("the client wrote while connected to server %d (the cut-off one is %d)", mover.ServerID(), m)
	case mover.SessionID() != session:
		t.Errorf("the client moved with a new session 0x%x (was 0x%x)", mover.SessionID(), session)
	}
	// The majority commits on.
	chk.WaitAcked(cut, 200, settle)
	if l := ens.WaitForLeaderAmong(settle, majority...); l != leader {
		t.Logf("leadership moved from %d to %d during the partition", leader, l)
	}

	ens.Heal()
	ens.WaitServing(m, settle)
	chk.Verify()
	c := ens.ClientTo(t, m)
	if _, err := c.Sync("/"); err != nil {
		t.Fatalf("sync on server %d: %v", m, err)
	}
	for _, p := range attempted {
		if ok, _, err := c.Exists(p); err != nil || ok {
			t.Errorf("%s, sent only to the cut-off server, exists=%v (%v)", p, ok, err)
		}
	}
}
