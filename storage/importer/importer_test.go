package importer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

func TestCheckNext(t *testing.T) {
	ok := [][2]int64{
		{0, 1}, {0, 0x100000001}, {0, 0x500000007}, // after the empty tree
		{41, 42}, {0x100000009, 0x10000000a},
		{0x100000009, 0x200000001}, {0x100000009, 0x300000005}, // a later epoch
	}
	for _, c := range ok {
		require.NoError(t, checkNext(c[0], c[1]), "%#x then %#x", c[0], c[1])
	}
	require.ErrorContains(t, checkNext(0, 5), "missing")
	require.ErrorContains(t, checkNext(41, 43), "missing")
	require.ErrorContains(t, checkNext(0x100000009, 0x10000000b), "missing")
	require.ErrorContains(t, checkNext(42, 42), "backwards")
	require.ErrorContains(t, checkNext(0x200000001, 0x100000009), "backwards")
}

func TestListApacheOrdersByZxid(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"snapshot.1a", "snapshot.0", "snapshot.9.gz", "snapshot.b.snappy", "snapshot.c.tmp",
		"snapshot.xyz", "log.3", "snapshot", "acceptedEpoch"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "snapshot.ff"), 0o755))
	got, err := listApache(dir, "snapshot", "", "gz", "snappy")
	require.NoError(t, err)
	var names []string
	var zxids []int64
	for _, f := range got {
		names = append(names, filepath.Base(f.path))
		zxids = append(zxids, f.zxid)
	}
	require.Equal(t, []string{"snapshot.0", "snapshot.9.gz", "snapshot.b.snappy", "snapshot.1a"}, names)
	require.Equal(t, []int64{0, 9, 11, 26}, zxids)

	none, err := listApache(filepath.Join(dir, "missing"), "log", "")
	require.NoError(t, err)
	require.Empty(t, none)
}

var world = []*messages.ACL{{Perms: wire.PermAll, Id: &messages.Id{Scheme: "world", Id: "anyone"}}}

func create(zxid, session int64, path string, owner int64, parentCversion int32) *messages.Txn {
	return &messages.Txn{Zxid: zxid, SessionId: session, Time: 1000 + zxid, Type: int32(wire.OpCreate),
		Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: path, Acl: world, EphemeralOwner: owner, ParentCversion: parentCversion}}}
}

// TestKillDeadSessions: the ephemerals of a session that is not in the
// session table go, at the last zxid (their parent's pzxid moves to it);
// those of live sessions, and containers, stay.
func TestKillDeadSessions(t *testing.T) {
	st := &State{Tree: datatree.New(), Sessions: map[int64]int32{0x11: 30000}}
	st.apply(create(1, 0x11, "/app", 0, 1))
	st.apply(create(2, 0x11, "/app/live", 0x11, 1))
	st.apply(create(3, 0x22, "/app/dead-a", 0x22, 2))
	st.apply(create(4, 0x22, "/app/dead-b", 0x22, 3))
	st.apply(create(5, 0x11, "/box", wire.ContainerEphemeralOwner, 2))
	st.apply(&messages.Txn{Zxid: 6, SessionId: 0x33, Type: int32(wire.OpCreateSession),
		Body: &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: 4000}}})
	require.Equal(t, int64(6), st.LastZxid)
	require.Equal(t, map[int64]int32{0x11: 30000, 0x33: 4000}, st.Sessions)

	st.killDeadSessions()
	require.Equal(t, []string{"/app/dead-a", "/app/dead-b"}, st.DeadEphemerals)
	for _, p := range []string{"/app", "/app/live", "/box"} {
		_, ok := st.Tree.Lookup(p)
		require.True(t, ok, p)
	}
	app, _ := st.Tree.Lookup("/app")
	require.Equal(t, int32(1), app.Stat.NumChildren)
	require.Equal(t, int64(6), app.Stat.Pzxid, "deleted at the last zxid, as DataTree.killSession")
	require.Equal(t, int64(6), st.LastZxid, "killing dead sessions takes no zxid")
}

func TestCloseSessionEndsTheSession(t *testing.T) {
	st := &State{Tree: datatree.New(), Sessions: map[int64]int32{0x11: 30000, 0x22: 5000}}
	st.apply(create(1, 0x22, "/e", 0x22, 1))
	st.apply(&messages.Txn{Zxid: 2, SessionId: 0x22, Type: int32(wire.OpCloseSession),
		Body: &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{PathsToDelete: []string{"/e"}}}})
	require.Equal(t, map[int64]int32{0x11: 30000}, st.Sessions)
	_, ok := st.Tree.Lookup("/e")
	require.False(t, ok)
}

func TestImportRefusesNonEmptyOutput(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(out, "corral-v1"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "corral-v1", "snapshot.0000000000000005"), []byte("x"), 0o644))
	_, err := Import(Options{ZKDataDir: t.TempDir(), DataDir: out})
	require.ErrorContains(t, err, "refusing to overwrite")
	b, err := os.ReadFile(filepath.Join(out, "corral-v1", "snapshot.0000000000000005"))
	require.NoError(t, err)
	require.Equal(t, "x", string(b))

	// A separate dataLogDir is checked as well.
	logOut := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(logOut, "corral-v1"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(logOut, "corral-v1", "log.0000000000000001"), nil, 0o644))
	_, err = Import(Options{ZKDataDir: t.TempDir(), DataDir: t.TempDir(), DataLogDir: logOut})
	require.ErrorContains(t, err, "refusing to overwrite")
}

func TestImportNeedsApacheData(t *testing.T) {
	zk := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(zk, "version-2"), 0o755))
	_, err := Import(Options{ZKDataDir: zk, DataDir: t.TempDir()})
	require.ErrorContains(t, err, "no Apache ZooKeeper snapshot or log in "+filepath.Join(zk, "version-2"))
}

func TestVersionDir(t *testing.T) {
	d := t.TempDir()
	require.Equal(t, d, versionDir(d))
	require.NoError(t, os.Mkdir(filepath.Join(d, "version-2"), 0o755))
	require.Equal(t, filepath.Join(d, "version-2"), versionDir(d))
	require.Equal(t, filepath.Join(d, "version-2"), versionDir(filepath.Join(d, "version-2")))
}
