package quorumlog

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/snapshotter"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/zab"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// fixture is a learner's log actor over a real data directory, and a probe
// actor standing for the role that talks to it.
type fixture struct {
	t       *testing.T
	dataDir string
	logDir  string
	snapDir string
	db      *zkdb.DB
	log     *Log
	system  *actor.ActorSystem
	pid     *actor.PID
	probe   *actor.PID
	got     chan any
	closed  sync.Once
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func logOptions() txnlog.Options {
	o := txnlog.DefaultOptions()
	o.ForceSync = false
	return o
}

// newFixture recovers dataDir (as a server does at start) and spawns the
// log actor over it.
func newFixture(t *testing.T, dataDir string) *fixture {
	t.Helper()
	f := &fixture{t: t, dataDir: dataDir, got: make(chan any, 100)}
	f.logDir, f.snapDir = layout.Dirs(dataDir, "")
	f.db = zkdb.New(registry.New(), datatree.Options{})
	var st *recovery.State
	require.NoError(t, f.db.Restore(func(tr *datatree.Tree) error {
		var err error
		st, err = recovery.Recover(tr, recovery.Options{LogDir: f.logDir, SnapDir: f.snapDir, Log: logOptions()})
		return err
	}))
	l, err := New(Config{Log: st.Log, LogDir: f.logDir, SnapDir: f.snapDir, LogOptions: logOptions(), DB: f.db,
		Sessions: st.Sessions, Logger: quiet(), Fatal: func(err error) { t.Errorf("fatal: %v", err) }})
	require.NoError(t, err)
	f.log = l
	f.system = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return quiet() }))
	f.pid = f.system.Root.Spawn(l.Props())
	f.probe = f.system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *messages.ZabPersisted, *messages.ZabSnapshotSaved, *messages.LogState, *messages.RoleEnded:
			f.got <- m
		}
	}))
	t.Cleanup(f.close)
	return f
}

func (f *fixture) close() {
	f.closed.Do(func() {
		_ = f.system.Root.StopFuture(f.pid).Wait()
		f.system.Shutdown()
		_ = f.log.Close()
	})
}

// send sends msg to the log actor as the probe.
func (f *fixture) send(msg any) { f.system.Root.RequestWithCustomSender(f.pid, msg, f.probe) }

// await returns the next message of type T the probe received.
func await[T any](f *fixture) T {
	f.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-f.got:
			if v, ok := m.(T); ok {
				return v
			}
		case <-timeout:
			var zero T
			f.t.Fatalf("no %T within 10s", zero)
			return zero
		}
	}
}

// persist hands txns to the log and waits until they are durable.
func (f *fixture) persist(txns ...*messages.Txn) {
	f.t.Helper()
	for _, t := range txns {
		f.send(&messages.Proposal{Txn: t})
	}
	last := txns[len(txns)-1].Zxid
	for {
		if p := await[*messages.ZabPersisted](f); p.UpTo >= last {
			require.Equal(f.t, last, p.UpTo)
			return
		}
	}
}

func (f *fixture) state(barrier int64) *messages.LogState {
	f.t.Helper()
	f.send(&messages.LogStateRequest{AppliedBarrier: barrier})
	st := await[*messages.LogState](f)
	require.Empty(f.t, st.Error)
	return st
}

func (f *fixture) has(path string) bool {
	ok := false
	f.db.View(func(t *datatree.Tree) { _, ok = t.Lookup(path) })
	return ok
}

func create(zxid int64, path string) *messages.Txn {
	return &messages.Txn{Zxid: zxid, Type: int32(wire.OpCreate), Body: &messages.Txn_Create{
		Create: &messages.CreateTxn{Path: path, Data: []byte(path), ParentCversion: -1}}}
}

func zxids(txns []*messages.Txn) []int64 {
	out := make([]int64, len(txns))
	for i, t := range txns {
		out[i] = t.Zxid
	}
	return out
}

// Txns handed to the log are reported durable; a new role learns what the
// log holds beyond the tree (the proposals logged but not yet committed
// here), which it must not lose.
func TestPersistedAndState(t *testing.T) {
	f := newFixture(t, t.TempDir())
	z := func(c int64) int64 { return zab.MakeZxid(1, c) }
	txns := []*messages.Txn{create(z(1), "/a"), create(z(2), "/b"), create(z(3), "/c")}
	f.persist(txns...)
	require.Equal(t, z(3), f.log.LastLogged())

	f.db.Apply(txns[:1], nil) // the final stage applied the first only
	st := f.state(z(1))
	require.Equal(t, z(3), st.LastLogged)
	require.Equal(t, z(1), st.Applied)
	require.Equal(t, []int64{z(1), z(2), z(3)}, zxids(st.Recent))
	require.Equal(t, []int64{z(2), z(3)}, zxids(st.Unapplied))
}

// A TRUNC below what the tree holds (a former leader's proposals that the
// new leader never had, replayed into its tree at start-up) cuts the log,
// drops the newer snapshots and rebuilds the tree from what remains; the
// cut txns are gone for good, also after a restart.
func TestTruncateRebuildsTheTree(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, dir)
	z := func(c int64) int64 { return zab.MakeZxid(1, c) }
	txns := []*messages.Txn{create(z(1), "/a"), create(z(2), "/b"), create(z(3), "/c")}
	f.persist(txns...)
	f.db.Apply(txns, nil)
	// A snapshot taken after the txns that are about to be cut.
	_, err := snapshotter.TakeAt(f.db, f.snapDir, z(3), nil)
	require.NoError(t, err)

	f.send(&messages.LogTruncate{Zxid: z(1), AppliedBarrier: z(3)})
	st := f.state(0)
	require.Equal(t, z(1), st.LastLogged)
	require.Equal(t, z(1), st.Applied, "the tree was rebuilt without the cut txns")
	require.Equal(t, []int64{z(1)}, zxids(st.Recent))
	require.True(t, f.has("/a"))
	require.False(t, f.has("/b"))
	require.False(t, f.has("/c"))
	_, err = os.Stat(filepath.Join(f.snapDir, "snapshot."+"0000000100000003"))
	require.ErrorIs(t, err, os.ErrNotExist, "the snapshot of the cut history was removed")

	// The new history continues after the cut.
	f.persist(create(z(2), "/x"))
	f.close()

	again := newFixture(t, dir)
	require.True(t, again.has("/a"))
	require.True(t, again.has("/x"))
	require.False(t, again.has("/b"))
	require.False(t, again.has("/c"))
}

// A SNAP makes the leader's snapshot this server's history: the log is cut
// at its zxid (proposals of a history the leader does not have go), the
// snapshot is put in place and loaded, the role hears ZabSnapshotSaved,
// and a TRUNC can no longer reach below it. A restart finds the same.
func TestInstallSnapshotFromTheLeader(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, dir)
	own := []*messages.Txn{create(zab.MakeZxid(1, 1), "/mine"), create(zab.MakeZxid(1, 2), "/uncommitted")}
	f.persist(own...)
	f.db.Apply(own, nil)

	// The leader's tree, at 2:5.
	leaderDB := zkdb.New(registry.New(), datatree.Options{})
	leaderDB.Apply([]*messages.Txn{create(zab.MakeZxid(1, 1), "/mine"), create(zab.MakeZxid(2, 5), "/theirs")}, nil)
	snapZxid := zab.MakeZxid(2, 5)
	res, err := snapshotter.TakeAt(leaderDB, t.TempDir(), snapZxid, []*messages.SessionTimeout{{SessionId: 9, TimeoutMs: 4000}})
	require.NoError(t, err)
	staged := filepath.Join(f.snapDir, "sync-test.tmp")
	require.NoError(t, os.Rename(res.Path, staged))

	f.send(&messages.LogInstallSnapshot{Zxid: snapZxid, Path: staged, AppliedBarrier: zab.MakeZxid(1, 2)})
	saved := await[*messages.ZabSnapshotSaved](f)
	require.Equal(t, snapZxid, saved.Zxid)
	require.True(t, f.has("/theirs"))
	require.True(t, f.has("/mine"))
	require.False(t, f.has("/uncommitted"))
	st := f.state(0)
	require.Equal(t, snapZxid, st.LastLogged)
	require.Equal(t, snapZxid, st.LogStart, "a TRUNC cannot go below the installed snapshot")
	require.Equal(t, snapZxid, st.Applied)
	require.Len(t, st.Sessions, 1, "the snapshot's sessions are the server's")

	f.persist(create(zab.MakeZxid(2, 6), "/after"))
	f.close()
	again := newFixture(t, dir)
	require.True(t, again.has("/theirs"))
	require.True(t, again.has("/after"))
	require.False(t, again.has("/uncommitted"))
}
