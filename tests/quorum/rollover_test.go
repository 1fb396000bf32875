package quorum

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/epoch"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/wire"
)

// A zxid's counter never reaches 0xffffffff: the leader about to propose
// it steps down and the next election starts a new epoch (Apache's
// ZOOKEEPER-1277 rule). End to end: three servers whose history is one txn
// at counter 0xfffffff0 of epoch 5 (written into their data directories
// with the storage packages before they start), led with the test-only
// corral.testingonly.initialZxid=0xfffffff0 so that every epoch's numbering
// starts 15 txns from its end. 50 creates go through, retried across the
// forced elections; every one is on every server with the same zxid, none
// has counter 0xffffffff, and they span several epochs after epoch 5.
func TestZxidRolloverEndToEnd(t *testing.T) {
	const (
		startEpoch = 5
		initial    = 0xfffffff0
		writes     = 50
	)
	ens := harness.NewEnsemble(t, harness.EnsembleOptions{Target: harness.Corral, Voters: 3,
		TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit, StartTimeout: settle,
		Extra: []string{fmt.Sprintf("corral.testingonly.initialZxid=%#x", initial)}})
	base := int64(startEpoch)<<32 | initial
	for _, id := range ens.IDs() {
		prepareHistory(t, ens.DataDir(id), startEpoch, base)
	}
	ens.StartAll()
	ens.WaitForLeader(settle)
	ens.WaitAllServing(settle)

	c := ens.Client(t)
	acl := zk.WorldACL(zk.PermAll)
	create := func(p string) {
		deadline := time.Now().Add(settle)
		for {
			_, err := c.Create(p, []byte(p), 0, acl)
			if err == nil || errors.Is(err, zk.ErrNodeExists) {
				return // NodeExists: an earlier try went through before its answer was lost
			}
			if time.Now().After(deadline) {
				t.Fatalf("create %s: still failing after %v: %v (%s)", p, settle, err, ens.Modes())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	create("/r")
	for i := range writes {
		create(fmt.Sprintf("/r/n%02d", i))
	}

	var want map[string]int64 // path -> czxid, from the first server
	for _, id := range ens.IDs() {
		sc := ens.ClientTo(t, id)
		if _, err := sc.Sync("/r"); err != nil {
			t.Fatalf("sync on server %d: %v", id, err)
		}
		got := map[string]int64{}
		_, st, err := sc.Get("/pre")
		if err != nil || st.Czxid != base {
			t.Fatalf("server %d: /pre (the prepared history) %v, czxid %#x; want czxid %#x", id, err, st.Czxid, base)
		}
		for i := range writes {
			p := fmt.Sprintf("/r/n%02d", i)
			data, st, err := sc.Get(p)
			if err != nil || string(data) != p {
				t.Fatalf("server %d: %s: %q, %v", id, p, data, err)
			}
			got[p] = st.Czxid
		}
		sc.Close()
		if want == nil {
			want = got
			continue
		}
		for p, z := range want {
			if got[p] != z {
				t.Errorf("server %d: %s has czxid %#x, server %d says %#x", id, p, got[p], ens.IDs()[0], z)
			}
		}
	}
	epochs := map[int64]int{}
	prev := base
	for i := range writes {
		z := want[fmt.Sprintf("/r/n%02d", i)]
		if z&0xffffffff == 0xffffffff {
			t.Errorf("n%02d has zxid %#x: counter 0xffffffff was proposed", i, z)
		}
		if z <= prev {
			t.Errorf("n%02d has zxid %#x, not after %#x", i, z, prev)
		}
		prev = z
		epochs[z>>32]++
	}
	for e := range epochs {
		if e <= startEpoch {
			t.Errorf("a write in epoch %d, not after the prepared epoch %d", e, startEpoch)
		}
	}
	if len(epochs) < 2 {
		t.Errorf("50 writes from counter %#x stayed in one epoch %v: no rollover", initial, epochs)
	}
	t.Logf("creates per epoch: %v; last zxid %#x", epochs, prev)
}

// prepareHistory writes a server's state as if it had run epoch e up to
// zxid last: the epoch files and a txn log whose only txn, at last,
// creates /pre.
func prepareHistory(t *testing.T, dataDir string, e, last int64) {
	t.Helper()
	for _, name := range []string{epoch.Accepted, epoch.Current} {
		if err := epoch.Write(dataDir, name, e); err != nil {
			t.Fatal(err)
		}
	}
	logDir, _ := layout.Dirs(dataDir, "")
	l, err := txnlog.Open(logDir, txnlog.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	txn := &messages.Txn{Zxid: last, Time: time.Now().UnixMilli(), Type: int32(wire.OpCreate),
		Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/pre", Data: []byte("prepared"),
			Acl: []*messages.ACL{{Perms: zk.PermAll, Id: &messages.Id{Scheme: "world", Id: "anyone"}}}, ParentCversion: 1}}}
	if err := l.Append(txn); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}
