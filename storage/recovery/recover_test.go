package recovery

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

var open = []*messages.ACL{{Perms: wire.PermAll, Id: &messages.Id{Scheme: "world", Id: "anyone"}}}

func createSession(zxid, id int64, timeout int32) *messages.Txn {
	return &messages.Txn{Zxid: zxid, SessionId: id, Type: int32(wire.OpCreateSession),
		Body: &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: timeout}}}
}

func closeSession(zxid, id int64, paths ...string) *messages.Txn {
	return &messages.Txn{Zxid: zxid, SessionId: id, Type: int32(wire.OpCloseSession),
		Body: &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{PathsToDelete: paths}}}
}

func create(zxid int64, path string, data []byte, owner int64) *messages.Txn {
	return &messages.Txn{Zxid: zxid, Type: int32(wire.OpCreate), Time: 1000 + zxid,
		Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: path, Data: data, Acl: open, EphemeralOwner: owner, ParentCversion: -1}}}
}

type fixture struct {
	t               *testing.T
	dir             string
	logDir, snapDir string
	opts            txnlog.Options
	applied         *datatree.Tree
	sessions        Sessions
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	logDir, snapDir := layout.Dirs(dir, "")
	opts := txnlog.DefaultOptions()
	opts.ForceSync = false
	opts.PreAllocSize = 64 << 10 // each write() reopens the log, which scans the padding
	return &fixture{t: t, dir: dir, logDir: logDir, snapDir: snapDir, opts: opts,
		applied: datatree.New(), sessions: Sessions{}}
}

// write logs txns in a segment of their own and applies them to the
// reference tree.
func (f *fixture) write(txns ...*messages.Txn) {
	l, err := txnlog.Open(f.logDir, f.opts)
	require.NoError(f.t, err)
	require.NoError(f.t, l.Roll()) // a new segment, named by txns[0]
	for _, txn := range txns {
		require.NoError(f.t, l.Append(txn))
		f.applied.Apply(txn)
		f.sessions.Apply(txn)
	}
	require.NoError(f.t, l.Close())
}

// snapshot writes the reference tree as a (non-fuzzy) snapshot.
func (f *fixture) snapshot() string {
	require.NoError(f.t, os.MkdirAll(f.snapDir, 0o755))
	w, err := snapshot.NewWriter(f.snapDir, f.applied.LastApplied())
	require.NoError(f.t, err)
	defer w.Abort()
	for id, timeout := range f.sessions {
		w.Session(id, timeout)
	}
	f.applied.Walk(func(path string, n datatree.NodeInfo, data []byte) bool {
		w.Node(path, data, n.Stat, n.ACL)
		return true
	})
	require.NoError(f.t, w.Commit())
	return filepath.Join(f.snapDir, snapshot.SnapshotName(f.applied.LastApplied()))
}

func (f *fixture) recover() (*datatree.Tree, *State, error) {
	tree := datatree.New()
	st, err := Recover(tree, Options{LogDir: f.logDir, SnapDir: f.snapDir, Log: f.opts})
	if st != nil {
		f.t.Cleanup(func() { _ = st.Log.Close() })
	}
	return tree, st, err
}

func TestRecoverFreshDirectory(t *testing.T) {
	f := newFixture(t)
	tree, st, err := f.recover()
	require.NoError(t, err)
	require.Equal(t, datatree.New().Digest(), tree.Digest())
	require.Zero(t, st.LastZxid)
	require.Empty(t, st.Snapshot)
	require.Empty(t, st.Sessions)
}

func TestRecoverSnapshotAndLogAfterIt(t *testing.T) {
	f := newFixture(t)
	f.write(createSession(1, 0xa, 5000), create(2, "/app", []byte("x"), 0), create(3, "/app/null", nil, 0))
	f.write(create(4, "/app/empty", []byte{}, 0), createSession(5, 0xb, 7000), create(6, "/app/e", nil, 0xb))
	snap := f.snapshot()
	f.write(create(7, "/app/after", []byte("y"), 0xa), closeSession(8, 0xb, "/app/e"))

	tree, st, err := f.recover()
	require.NoError(t, err)
	require.Equal(t, snap, st.Snapshot)
	require.Equal(t, int64(6), st.SnapshotZxid)
	require.Equal(t, int64(2), st.Replayed)
	require.Equal(t, int64(8), st.LastZxid)
	require.Equal(t, int64(8), tree.LastApplied())
	require.Equal(t, f.applied.Digest(), tree.Digest())
	require.Equal(t, Sessions{0xa: 5000}, st.Sessions)
	require.Empty(t, st.Orphans)
	data, _, _ := tree.GetData("/app/null")
	require.Nil(t, data, "null data stays null through snapshot and log")
	data, _, _ = tree.GetData("/app/empty")
	require.NotNil(t, data, "empty data stays empty")
}

func TestRecoverSnapshotWithNothingAfterIt(t *testing.T) {
	f := newFixture(t)
	f.write(create(1, "/a", []byte("1"), 0), create(2, "/b", nil, 0))
	f.snapshot()
	tree, st, err := f.recover()
	require.NoError(t, err)
	require.Zero(t, st.Replayed)
	require.Equal(t, int64(2), st.LastZxid)
	require.Equal(t, int64(2), tree.LastApplied(), "the tree knows the snapshot's zxid")
	require.Equal(t, f.applied.Digest(), tree.Digest())
}

// TestRecoverOrphanEphemerals: ephemerals of a session that no
// createSession opened (data from another tool) are reported, so the
// server can expire that session through the pipeline.
func TestRecoverOrphanEphemerals(t *testing.T) {
	f := newFixture(t)
	f.write(createSession(1, 0xa, 5000), create(2, "/a", nil, 0xa), create(3, "/c", nil, 0xc))
	_, st, err := f.recover()
	require.NoError(t, err)
	require.Equal(t, []int64{0xc}, st.Orphans)
	require.Equal(t, Sessions{0xa: 5000}, st.Sessions)
}

func TestRecoverRefusesACorruptSnapshot(t *testing.T) {
	f := newFixture(t)
	for i := range int64(50) {
		f.write(create(i+1, "/n"+string(rune('a'+i%26))+string(rune('a'+i/26)), []byte("some data"), 0))
	}
	snap := f.snapshot()
	b, err := os.ReadFile(snap)
	require.NoError(t, err)
	b[len(b)/2] ^= 0x40
	require.NoError(t, os.WriteFile(snap, b, 0o644))

	_, _, err = f.recover()
	require.Error(t, err)
	var ce *storage.CorruptError
	require.True(t, errors.As(err, &ce), "want a CorruptError, got %v", err)
	require.Equal(t, snap, ce.File)
	require.Contains(t, err.Error(), snap)
	require.Contains(t, err.Error(), "offset")
}

func TestRecoverRefusesMissingTxns(t *testing.T) {
	f := newFixture(t)
	f.write(create(1, "/a", nil, 0), create(2, "/b", nil, 0))
	f.write(create(3, "/c", nil, 0))
	f.write(create(4, "/d", nil, 0))
	require.NoError(t, os.Remove(filepath.Join(f.logDir, txnlog.SegmentName(3))))
	_, _, err := f.recover()
	require.ErrorContains(t, err, "missing")
	require.ErrorContains(t, err, txnlog.SegmentName(4))
}

func TestRecoverRefusesALogThatStartsAfterTheSnapshot(t *testing.T) {
	f := newFixture(t)
	f.write(create(1, "/a", nil, 0))
	f.snapshot()
	f.write(create(2, "/b", nil, 0))
	f.write(create(3, "/c", nil, 0))
	require.NoError(t, os.Remove(filepath.Join(f.logDir, txnlog.SegmentName(2))))
	_, _, err := f.recover()
	require.ErrorContains(t, err, "missing")
}

func TestSessionsApplyIsIdempotent(t *testing.T) {
	s := Sessions{}
	for range 2 {
		s.Apply(createSession(1, 0xa, 4000))
		s.Apply(createSession(2, 0xb, 6000))
		s.Apply(closeSession(3, 0xa))
		s.Apply(create(4, "/x", nil, 0))
	}
	require.Equal(t, Sessions{0xb: 6000}, s)
	require.Equal(t, []*messages.SessionTimeout{{SessionId: 0xb, TimeoutMs: 6000}}, s.List())
}

// TestRecoverReportsDamageTheLoaderSawFirst: damage can make a record
// parse into a node without a parent before the checksum at the end is
// reached; the error must still be the corruption, with its file and
// offset, not a complaint about the node.
func TestRecoverReportsDamageTheLoaderSawFirst(t *testing.T) {
	f := newFixture(t)
	f.write(create(1, "/a", []byte("x"), 0), create(2, "/a/b", []byte("y"), 0), create(3, "/c", []byte("z"), 0))
	snap := f.snapshot()
	b, err := os.ReadFile(snap)
	require.NoError(t, err)
	i := bytes.Index(b, []byte("/a/b"))
	require.Positive(t, i)
	b[i+1] = 'q' // "/q/b": a node whose parent is not there
	require.NoError(t, os.WriteFile(snap, b, 0o644))
	_, _, err = f.recover()
	var ce *storage.CorruptError
	require.True(t, errors.As(err, &ce), "want a CorruptError, got %v", err)
	require.Equal(t, snap, ce.File)
}

// TestRecoverPlacesNodesBeforeTheirParents: a fuzzy snapshot is written in
// storage order, so a node may precede its parent (it waits for it) or
// come without it (dropped: the log after the snapshot rebuilds it).
func TestRecoverPlacesNodesBeforeTheirParents(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, os.MkdirAll(f.snapDir, 0o755))
	w, err := snapshot.NewWriter(f.snapDir, 9)
	require.NoError(t, err)
	st := func(czxid int64) wire.Stat { return wire.Stat{Czxid: czxid, Mzxid: czxid, Pzxid: czxid} }
	w.Node("/a/b/c", []byte("c"), st(3), nil)
	w.Node("/a/b/d", nil, st(4), nil)
	w.Node("/x/y", []byte("orphan"), st(8), nil)
	w.Node("/", []byte{}, wire.Stat{}, nil)
	w.Node("/a/b", []byte("b"), st(2), nil)
	w.Node("/a", []byte("a"), st(1), nil)
	w.Node("/a/b/c", []byte("c2"), st(5), nil) // a later copy is the newer state
	require.NoError(t, w.Commit())

	tree, state, err := f.recover()
	require.NoError(t, err)
	require.Equal(t, int64(6), state.Nodes)
	require.Equal(t, int64(1), state.Dropped)
	for p, want := range map[string][]byte{"/a": []byte("a"), "/a/b": []byte("b"), "/a/b/c": []byte("c2"), "/a/b/d": nil} {
		data, _, code := tree.GetData(p)
		require.Equal(t, wire.ErrOK, code, p)
		require.Equal(t, want, data, p)
	}
	_, ok := tree.Lookup("/x/y")
	require.False(t, ok)
	info, _ := tree.Lookup("/a/b")
	require.Equal(t, int32(2), info.Stat.NumChildren)
}
