package quorum

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness"
)

// writeAll runs fn(i) for i in [0, n) on 8 goroutines (writes pipelined on
// one session) and fails the test on the first error.
func writeAll(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	const workers = 8
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := fn(i); err != nil {
					errs <- fmt.Errorf("write %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// catchUpFromLeader stops follower f, runs writes through the leader,
// starts f again and returns how it synced (its log) and what the leader
// logged about reading its txn log meanwhile.
func catchUpFromLeader(t *testing.T, ens *harness.Ensemble, leader, f int, writes func()) ([]harness.SyncKind, string) {
	t.Helper()
	ens.Stop(f)
	writes()
	lmark, fmark := ens.MarkLog(leader), ens.MarkLog(f)
	ens.Start(f)
	ens.WaitServing(f, settle)
	kinds, err := ens.SyncsSince(fmark)
	if err != nil {
		t.Fatal(err)
	}
	return kinds, ens.LogSince(lmark)
}

// A follower that missed 5000 writes, ten times the proposals the leader
// keeps in memory, catches up by a DIFF read from the leader's txn log
// while those txns weigh less than snapshotSizeFactor (0.33) of the
// snapshot a SNAP would send; once they weigh more, it gets a SNAP. Every
// write is on the follower afterwards, read from it directly.
func TestFollowerDiffFromTxnLog(t *testing.T) {
	ens := startEnsemble(t)
	leader := ens.WaitForLeader(settle)
	f := followersOf(ens, leader)[0]
	c := ens.ClientTo(t, leader)
	acl := zk.WorldACL(zk.PermAll)

	// 6 MB of data makes the snapshot a SNAP would send large next to the
	// small writes below.
	big := bytes.Repeat([]byte{'b'}, 100<<10)
	for _, p := range []string{"/big", "/diff"} {
		if _, err := c.Create(p, nil, 0, acl); err != nil {
			t.Fatal(err)
		}
	}
	writeAll(t, 60, func(i int) error {
		_, err := c.Create(fmt.Sprintf("/big/n%02d", i), big, 0, acl)
		return err
	})

	const n = 5000
	kinds, leaderLog := catchUpFromLeader(t, ens, leader, f, func() {
		writeAll(t, n, func(i int) error {
			_, err := c.Create(fmt.Sprintf("/diff/k%05d", i), []byte(fmt.Sprint(i)), 0, acl)
			return err
		})
	})
	if !slices.Equal(kinds, []harness.SyncKind{harness.SyncDiff}) {
		t.Fatalf("follower %d, %d writes behind, synced by %v; want one DIFF", f, n, kinds)
	}
	if !strings.Contains(leaderLog, "DIFF from the txn log") {
		t.Fatalf("leader %d did not read its txn log for the DIFF; it logged:\n%s", leader, leaderLog)
	}
	t.Logf("leader: %s", lineWith(leaderLog, "DIFF from the txn log"))
	fc := ens.ClientTo(t, f)
	checkChildren(t, fc, f, n, func(i int) []byte { return []byte(fmt.Sprint(i)) })

	// 2000 setData of 4 KiB: 8 MB of txns, more than a third of the tree
	// (about 14 MB then), so a snapshot is cheaper.
	const m = 2000
	page := bytes.Repeat([]byte{'s'}, 4<<10)
	kinds, leaderLog = catchUpFromLeader(t, ens, leader, f, func() {
		writeAll(t, m, func(i int) error {
			_, err := c.Set(fmt.Sprintf("/diff/k%05d", i), page, -1)
			return err
		})
	})
	if !slices.Equal(kinds, []harness.SyncKind{harness.SyncSnap}) {
		t.Fatalf("follower %d, %d large writes behind, synced by %v; want one SNAP", f, m, kinds)
	}
	if !strings.Contains(leaderLog, "txn log too large for a DIFF") {
		t.Fatalf("leader %d did not weigh its txn log against the snapshot; it logged:\n%s", leader, leaderLog)
	}
	t.Logf("leader: %s", lineWith(leaderLog, "txn log too large for a DIFF"))
	fc = ens.ClientTo(t, f)
	checkChildren(t, fc, f, n, func(i int) []byte {
		if i < m {
			return page
		}
		return []byte(fmt.Sprint(i))
	})
}

// checkChildren checks, on server id's client, that /diff holds exactly
// k00000..k<n-1> with the data want(i).
func checkChildren(t *testing.T, c *zk.Conn, id, n int, want func(i int) []byte) {
	t.Helper()
	if _, err := c.Sync("/diff"); err != nil {
		t.Fatalf("sync on server %d: %v", id, err)
	}
	kids, _, err := c.Children("/diff")
	if err != nil {
		t.Fatalf("children of /diff on server %d: %v", id, err)
	}
	if len(kids) != n {
		t.Fatalf("server %d holds %d children of /diff; want %d", id, len(kids), n)
	}
	slices.Sort(kids)
	var mu sync.Mutex
	var bad []string
	writeAll(t, n, func(i int) error {
		name := fmt.Sprintf("k%05d", i)
		if kids[i] != name {
			return fmt.Errorf("server %d: child %d is %s, want %s", id, i, kids[i], name)
		}
		data, _, err := c.Get("/diff/" + name)
		if err != nil {
			return err
		}
		if !bytes.Equal(data, want(i)) {
			mu.Lock()
			bad = append(bad, name)
			mu.Unlock()
		}
		return nil
	})
	if len(bad) > 0 {
		t.Fatalf("server %d: %d znodes hold other data than written, e.g. %v", id, len(bad), bad[:min(5, len(bad))])
	}
}

// lineWith returns the first line of log containing s.
func lineWith(log, s string) string {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// A follower behind what the leader's txn log still holds (its older
// segments purged, here by `corral purge` while the leader runs) gets a
// SNAP, however cheap a DIFF would be (snapshotSizeFactor=1000 lifts the
// size bound); with the log intact the same follower gets a DIFF from it.
func TestFollowerBehindPurgedLogGetsSnap(t *testing.T) {
	ens := harness.StartEnsemble(t, harness.EnsembleOptions{Target: harness.Corral, Voters: 3,
		TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit, StartTimeout: settle,
		SnapCount: 100, Extra: []string{"snapshotSizeFactor=1000"}})
	leader := ens.WaitForLeader(settle)
	f := followersOf(ens, leader)[0]
	c := ens.ClientTo(t, leader)
	acl := zk.WorldACL(zk.PermAll)
	if _, err := c.Create("/diff", nil, 0, acl); err != nil {
		t.Fatal(err)
	}
	const n = 1500
	data := func(i int) []byte { return []byte(fmt.Sprint(i)) }
	creates := func(from, to int) func() {
		return func() {
			writeAll(t, to-from, func(i int) error {
				_, err := c.Create(fmt.Sprintf("/diff/k%05d", from+i), data(from+i), 0, acl)
				return err
			})
		}
	}

	kinds, leaderLog := catchUpFromLeader(t, ens, leader, f, func() {
		creates(0, n)()
		// Snapshots every 50 to 100 txns: keeping the newest 3 drops the
		// segments that hold where the follower stopped.
		out, err := exec.Command(harness.BuildCorral(t), "purge", "--data-dir", ens.DataDir(leader), "-n", "3").CombinedOutput()
		if err != nil {
			t.Fatalf("corral purge: %v\n%s", err, out)
		}
	})
	if !slices.Equal(kinds, []harness.SyncKind{harness.SyncSnap}) {
		t.Fatalf("follower %d, behind the purged log, synced by %v; want one SNAP", f, kinds)
	}
	if !strings.Contains(leaderLog, "txn log starts after the learner's zxid") {
		t.Fatalf("leader %d did not find the log purged; it logged:\n%s", leader, leaderLog)
	}
	t.Logf("leader: %s", lineWith(leaderLog, "txn log starts after"))
	checkChildren(t, ens.ClientTo(t, f), f, n, data)

	kinds, leaderLog = catchUpFromLeader(t, ens, leader, f, creates(n, 2*n))
	if !slices.Equal(kinds, []harness.SyncKind{harness.SyncDiff}) || !strings.Contains(leaderLog, "DIFF from the txn log") {
		t.Fatalf("follower %d, %d writes behind an intact log, synced by %v; leader logged:\n%s", f, n, kinds, leaderLog)
	}
	t.Logf("leader: %s", lineWith(leaderLog, "DIFF from the txn log"))
	checkChildren(t, ens.ClientTo(t, f), f, 2*n, data)
}
