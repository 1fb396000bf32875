package snapshotter

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// writer plays the pipeline: prep (the real core), the syncer (a real txn
// log with group commit) and final (db.Apply), in batches.
type writer struct {
	t        *testing.T
	g        *gen
	db       *zkdb.DB
	log      *txnlog.Log
	sessions recovery.Sessions
}

func (w *writer) batch(n int) {
	txns := make([]*messages.Txn, 0, n)
	for range n {
		var txn *messages.Txn
		w.db.View(func(t *datatree.Tree) { txn = w.g.txn(t) })
		require.NoError(w.t, w.log.Append(txn))
		txns = append(txns, txn)
	}
	require.NoError(w.t, w.log.Sync())
	for _, txn := range txns {
		w.sessions.Apply(txn)
	}
	w.db.Apply(txns, nil)
}

// TestFuzzySnapshotPlusReplayIsTheLiveTree is the property fuzzy snapshots
// rest on: a snapshot taken while writes keep being applied between its
// chunks, loaded and followed by the log after its zxid, gives exactly the
// tree (paths, data with null kept apart from empty, every persisted stat
// field, ACLs) and the sessions the server had, for any interleaving.
func TestFuzzySnapshotPlusReplayIsTheLiveTree(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			dir := t.TempDir()
			logDir, snapDir := layout.Dirs(dir, "")
			opts := txnlog.DefaultOptions()
			opts.ForceSync = false // the property is about content, not power loss
			log, err := txnlog.Open(logDir, opts)
			require.NoError(t, err)
			db := zkdb.New(registry.New(), datatree.Options{ExtendedTypesEnabled: true})
			w := &writer{t: t, g: newGen(seed), db: db, log: log, sessions: recovery.Sessions{}}
			for range 400 {
				w.batch(8)
			}
			require.NoError(t, log.Roll())
			req := &messages.SnapshotRequest{DurableZxid: log.SyncedZxid(), Sessions: w.sessions.List()}

			// Snapshot in chunks of 3 nodes while the writer goes on: 0 to
			// 3 batches of writes between chunks, drawn from the seed, so
			// every interleaving is reproducible.
			rng := rand.New(rand.NewPCG(seed, 11))
			r, err := begin(db, snapDir, req, 3)
			require.NoError(t, err)
			during := 0
			for r.step() {
				for range rng.IntN(4) {
					w.batch(2)
					during += 2
				}
			}
			res, err := r.commit()
			require.NoError(t, err)
			for range 50 {
				w.batch(4)
			}
			require.NoError(t, log.Close())
			require.Greater(t, during, 100, "writes must overlap the snapshot for the test to mean anything")
			require.LessOrEqual(t, res.Zxid, req.DurableZxid)

			var live uint64
			var liveLast int64
			db.View(func(t *datatree.Tree) { live, liveLast = t.Digest(), t.LastApplied() })

			restored := datatree.NewWithOptions(datatree.Options{ExtendedTypesEnabled: true})
			st, err := recovery.Recover(restored, recovery.Options{LogDir: logDir, SnapDir: snapDir, Log: opts})
			require.NoError(t, err)
			defer st.Log.Close()
			t.Logf("snapshot %#x of %d nodes (%d without their parent), %d txns applied during it, %d replayed after it, %d sessions",
				res.Zxid, res.Nodes, st.Dropped, during, st.Replayed, len(st.Sessions))
			require.Equal(t, res.Path, st.Snapshot)
			require.Equal(t, res.Zxid, st.SnapshotZxid)
			require.Equal(t, live, restored.Digest(), "tree after snapshot+replay differs from the live tree")
			require.Equal(t, liveLast, st.LastZxid)
			require.Equal(t, liveLast, restored.LastApplied())
			require.Equal(t, w.sessions, st.Sessions)
			require.Empty(t, st.Orphans)
		})
	}
}

// TestWalkVisitsEveryStableNodeOnce walks a tree that does not change:
// every node once, as Tree.Walk would.
func TestWalkVisitsEveryStableNodeOnce(t *testing.T) {
	db := zkdb.New(registry.New(), datatree.Options{ExtendedTypesEnabled: true})
	w := &writer{t: t, g: newGen(42), db: db, sessions: recovery.Sessions{}}
	opts := txnlog.DefaultOptions()
	opts.ForceSync = false
	var err error
	w.log, err = txnlog.Open(t.TempDir(), opts)
	require.NoError(t, err)
	defer w.log.Close()
	for range 200 {
		w.batch(8)
	}
	want := map[string]bool{}
	db.View(func(t *datatree.Tree) {
		t.Walk(func(p string, _ datatree.NodeInfo, _ []byte) bool { want[p] = true; return true })
	})
	seen := map[string]bool{}
	walk := newFuzzyWalk()
	for more := true; more; {
		db.View(func(tr *datatree.Tree) {
			more = walk.step(tr, 1, func(p string, _ datatree.NodeInfo, _ []byte) {
				require.False(t, seen[p], "visited twice: %s", p)
				seen[p] = true
			})
		})
	}
	require.Equal(t, want, seen)
}

// TestFuzzySnapshotWithNodesOutOfOrderAndOrphaned builds the two cases the
// slot-order walk produces on purpose: a child stored in a lower slot than
// its parent (it is written first and must wait for the parent) and a
// parent created during the walk in a slot the walk had passed, with its
// child in a slot it had not (the child is written without its parent and
// dropped, and the log rebuilds both).
func TestFuzzySnapshotWithNodesOutOfOrderAndOrphaned(t *testing.T) {
	dir := t.TempDir()
	logDir, snapDir := layout.Dirs(dir, "")
	opts := txnlog.DefaultOptions()
	opts.ForceSync = false
	log, err := txnlog.Open(logDir, opts)
	require.NoError(t, err)
	db := zkdb.New(registry.New(), datatree.Options{})
	zxid := int64(0)
	apply := func(txns ...*messages.Txn) {
		for _, txn := range txns {
			require.NoError(t, log.Append(txn))
		}
		require.NoError(t, log.Sync())
		db.Apply(txns, nil)
	}
	create := func(path string) *messages.Txn {
		// As prep does: the parent's cversion after the create is in the
		// txn, which is what makes a replayed create idempotent.
		var cv int32
		db.View(func(tr *datatree.Tree) {
			parent, _ := tr.Lookup(path[:max(1, strings.LastIndexByte(path, '/'))])
			cv = parent.Stat.Cversion + 1
		})
		zxid++
		return &messages.Txn{Zxid: zxid, Type: int32(wire.OpCreate), Time: zxid, Body: &messages.Txn_Create{
			Create: &messages.CreateTxn{Path: path, Data: []byte(path), Acl: stallACL, ParentCversion: cv}}}
	}
	del := func(path string) *messages.Txn {
		zxid++
		return &messages.Txn{Zxid: zxid, Type: int32(wire.OpDelete), Body: &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: path}}}
	}
	// Slots 0-3 are the system nodes: /tmpL gets 4, /tmpO 5, fillers 6..
	apply(create("/tmpL"), create("/tmpO"))
	for i := range 100 {
		apply(create(fmt.Sprintf("/f%03d", i)))
	}
	apply(create("/late"))            // a new slot, after the fillers
	apply(del("/tmpO"), del("/tmpL")) // free slots are reused last freed first: 4, then 5
	apply(create("/late/kid"))        // slot 4: before its parent

	req := &messages.SnapshotRequest{DurableZxid: log.SyncedZxid()}
	name := db.LastApplied()
	w, err := snapshot.NewWriter(snapDir, name)
	require.NoError(t, err)
	walk := newFuzzyWalk()
	emit := func(more *bool) {
		db.View(func(tr *datatree.Tree) {
			*more = walk.step(tr, 10, func(p string, n datatree.NodeInfo, data []byte) { w.Node(p, data, n.Stat, n.ACL) })
		})
	}
	more := true
	emit(&more) // slots 0..~10: the walk is past slot 5
	apply(create("/new"), create("/new/kid"), create("/f050/x"))
	for more {
		emit(&more)
	}
	require.NoError(t, w.Commit())
	require.NoError(t, log.Close())
	require.LessOrEqual(t, name, req.DurableZxid)

	var live uint64
	db.View(func(t *datatree.Tree) { live = t.Digest() })
	restored := datatree.New()
	st, err := recovery.Recover(restored, recovery.Options{LogDir: logDir, SnapDir: snapDir, Log: opts})
	require.NoError(t, err)
	defer st.Log.Close()
	require.Equal(t, int64(1), st.Dropped, "/new/kid came without /new")
	require.Equal(t, int64(3), st.Replayed)
	require.Equal(t, live, restored.Digest())
}
