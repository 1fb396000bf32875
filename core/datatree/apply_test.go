package datatree

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// The sequence and the parent figures are what Apache 3.8.0 printed for
// `stat /a` after each step of this zkCli session (zxids as Apache
// assigned them): the client cversion rises on deletes too, the sequential
// suffix comes from the persisted cversion (3 creations, while clients see
// cversion 4).
func TestParentStatFollowsApache(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 0x3, "/a", nil, 0)
	steps := []struct {
		txn         func() *messages.Txn
		cversion    int32
		pzxid       int64
		numChildren int32
	}{
		{func() *messages.Txn { return createTxn(0x4, "/a/b", nil, 0, nextCversion(tree, "/a/b")) }, 1, 0x4, 1},
		{func() *messages.Txn { return createTxn(0x5, "/a/c", nil, 0, nextCversion(tree, "/a/c")) }, 2, 0x5, 2},
		{func() *messages.Txn { return deleteTxn(0x6, "/a/b") }, 3, 0x6, 1},
		{func() *messages.Txn { return createTxn(0x7, "/a/d", nil, 0, nextCversion(tree, "/a/d")) }, 4, 0x7, 2},
		{func() *messages.Txn {
			info, _ := tree.Lookup("/a")
			require.Equal(t, int32(3), info.Stat.Cversion, "persisted cversion names the sequential node")
			return createTxn(0x8, "/a/s0000000003", nil, 0, info.Stat.Cversion+1)
		}, 5, 0x8, 3},
		{func() *messages.Txn { return deleteTxn(0x9, "/a/c") }, 6, 0x9, 2},
		{func() *messages.Txn { return deleteTxn(0xa, "/a/d") }, 7, 0xa, 1},
	}
	for i, s := range steps {
		r := tree.Apply(s.txn())
		require.Equal(t, wire.ErrOK, r.Err, "step %d", i)
		st, ok := tree.Exists("/a")
		require.True(t, ok)
		require.Equal(t, s.cversion, st.Cversion, "step %d cversion", i)
		require.Equal(t, s.pzxid, st.Pzxid, "step %d pzxid", i)
		require.Equal(t, s.numChildren, st.NumChildren, "step %d numChildren", i)
		require.Equal(t, int64(0x3), st.Mzxid, "children never change the parent's mzxid")
	}
	require.Equal(t, int64(0xa), tree.LastApplied())
}

func TestCreate(t *testing.T) {
	const session = int64(0x1000000abc)
	ttlOwner := wire.TTLOwnerMask | 5000
	cases := []struct {
		name        string
		opts        Options
		owner       int64
		data        []byte
		clientOwner int64
		ephemerals  []string
		containers  bool
		ttl         bool
	}{
		{"persistent", Options{}, 0, []byte("x"), 0, nil, false, false},
		{"persistent null data", Options{}, 0, nil, 0, nil, false, false},
		{"ephemeral", Options{}, session, []byte("eph"), session, []string{"/p/n"}, false, false},
		{"container", Options{}, wire.ContainerEphemeralOwner, nil, 0, nil, true, false},
		{"ttl", Options{ExtendedTypesEnabled: true}, ttlOwner, nil, 0, nil, false, true},
		{"ttl word without extended types is a session", Options{}, ttlOwner, nil, ttlOwner, []string{"/p/n"}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := NewWithOptions(c.opts)
			mustCreate(t, tree, 10, "/p", nil, 0)
			r := tree.Apply(createTxn(11, "/p/n", c.data, c.owner, 1))
			want := wire.Stat{
				Czxid: 11, Mzxid: 11, Pzxid: 11, Ctime: 11000, Mtime: 11000,
				EphemeralOwner: c.clientOwner, DataLength: int32(len(c.data)),
			}
			require.Equal(t, Result{
				Path: "/p/n", Stat: want,
				Triggers: []Trigger{{"/p/n", wire.EventNodeCreated, openACL}, {"/p", wire.EventNodeChildrenChanged, openACL}},
			}, r)
			data, st, err := tree.GetData("/p/n")
			require.Equal(t, wire.ErrOK, err)
			require.Equal(t, want, st)
			require.Equal(t, c.data, data)
			require.Equal(t, c.data == nil, data == nil, "null and empty data are kept apart")

			info, ok := tree.Lookup("/p/n")
			require.True(t, ok)
			require.Equal(t, c.owner, info.Stat.EphemeralOwner, "Lookup keeps the raw owner word")

			parent, _ := tree.Exists("/p")
			require.Equal(t, int32(1), parent.Cversion)
			require.Equal(t, int64(11), parent.Pzxid)
			require.Equal(t, int32(1), parent.NumChildren)

			require.Equal(t, c.ephemerals, tree.Ephemerals(c.owner))
			require.Equal(t, len(c.ephemerals), tree.EphemeralCount())
			require.Equal(t, c.containers, tree.containers.has(nodeID(tree, "/p/n")))
			require.Equal(t, c.ttl, tree.ttls.has(nodeID(tree, "/p/n")))
		})
	}
}

func nodeID(tree *Tree, path string) uint32 {
	_, id, _ := tree.lookup(path)
	return id
}

func TestCreateFailures(t *testing.T) {
	t.Run("missing parent", func(t *testing.T) {
		tree := New()
		before := tree.Digest()
		r := tree.Apply(createTxn(5, "/x/y", nil, 0, 1))
		require.Equal(t, Result{Err: wire.ErrNoNode, Path: "/x/y"}, r)
		require.Equal(t, before, tree.Digest())
		require.Equal(t, int64(5), tree.LastApplied(), "a failed txn still counts as applied")
	})
	t.Run("existing node raises the parent's cversion and takes the txn's ACL", func(t *testing.T) {
		tree := New()
		mustCreate(t, tree, 1, "/p", nil, 0)
		mustCreate(t, tree, 2, "/p/a", []byte("keep"), 0)
		digestACL := []*messages.ACL{pACL(wire.PermRead, "digest", "u:h")}
		r := tree.Apply(&messages.Txn{Zxid: 9, Time: 9000, Type: int32(wire.OpCreate2),
			Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/p/a", Data: []byte("new"), Acl: digestACL, ParentCversion: 5}}})
		require.Equal(t, Result{Err: wire.ErrNodeExists, Path: "/p/a"}, r)
		data, st, _ := tree.GetData("/p/a")
		require.Equal(t, []byte("keep"), data)
		require.Equal(t, int64(2), st.Czxid)
		acl, _ := tree.NodeACL("/p/a")
		require.Equal(t, []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "digest", ID: "u:h"}}}, acl)
		info, _ := tree.Lookup("/p")
		require.Equal(t, int32(5), info.Stat.Cversion)
		require.Equal(t, int64(9), info.Stat.Pzxid)
		// A lower parent cversion (an older replayed create) changes nothing.
		tree.Apply(createTxn(3, "/p/a", nil, 0, 2))
		info, _ = tree.Lookup("/p")
		require.Equal(t, int32(5), info.Stat.Cversion)
		require.Equal(t, int64(9), info.Stat.Pzxid)
		acl, _ = tree.NodeACL("/p/a")
		require.Equal(t, openACL, acl, "every replayed create rewrites the ACL")
		require.Equal(t, 2, tree.ACLCount(), "READ (config) and open (/p, /p/a); the digest list was released")
	})
	t.Run("parent cversion -1 means one more", func(t *testing.T) {
		tree := New()
		mustCreate(t, tree, 1, "/p", nil, 0)
		tree.Apply(createTxn(2, "/p/a", nil, 0, -1))
		tree.Apply(createTxn(3, "/p/b", nil, 0, -1))
		info, _ := tree.Lookup("/p")
		require.Equal(t, int32(2), info.Stat.Cversion)
	})
}

func TestDelete(t *testing.T) {
	cases := []struct {
		name       string
		path       string
		zxid       int64
		want       Result
		kids       int32
		pzxid      int64
		parentGone bool
	}{
		{"leaf", "/p/a", 20, Result{Path: "/p/a", Triggers: []Trigger{{"/p/a", wire.EventNodeDeleted, openACL}, {"/p", wire.EventNodeChildrenChanged, openACL}}}, 1, 20, false},
		{"missing node still raises pzxid", "/p/zz", 21, Result{Err: wire.ErrNoNode, Path: "/p/zz"}, 2, 21, false},
		{"missing node with an older zxid", "/p/zz", 5, Result{Err: wire.ErrNoNode, Path: "/p/zz"}, 2, 12, false},
		{"missing parent", "/q/a", 22, Result{Err: wire.ErrNoNode, Path: "/q/a"}, 2, 12, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := New()
			mustCreate(t, tree, 10, "/p", nil, 0)
			mustCreate(t, tree, 11, "/p/a", []byte("12345"), 0)
			mustCreate(t, tree, 12, "/p/b", nil, 0)
			size := tree.ApproximateDataSize()
			r := tree.Apply(deleteTxn(c.zxid, c.path))
			require.Equal(t, c.want, r)
			info, _ := tree.Lookup("/p")
			require.Equal(t, c.kids, info.Stat.NumChildren)
			require.Equal(t, c.pzxid, info.Stat.Pzxid)
			require.Equal(t, int32(2), info.Stat.Cversion, "deletes leave the persisted cversion alone")
			if c.want.Err == wire.ErrOK {
				_, ok := tree.Exists(c.path)
				require.False(t, ok)
				require.Equal(t, size-int64(len("/p/a")+5), tree.ApproximateDataSize())
				require.Equal(t, 7, tree.NodeCount(), "6 nodes, the root counted twice as Apache does")
			}
		})
	}
}

// On replay over a fuzzy snapshot, a delete can meet a node that already
// has children created later in the log; the subtree goes with it and the
// later creates rebuild it.
func TestReplayedDeleteOfNodeWithChildren(t *testing.T) {
	log := []*messages.Txn{
		createTxn(1, "/x", []byte("old"), 0, 1),
		deleteTxn(2, "/x"),
		createTxn(3, "/x", []byte("new"), 0, 2),
		createTxn(4, "/x/c", []byte("c"), 0, 1),
		createTxn(5, "/x/c/d", nil, 7, 1),
	}
	full := New()
	applyAll(full, log)
	tree := New()
	applyAll(tree, log)
	r := tree.Apply(log[1])
	require.Equal(t, wire.ErrOK, r.Err)
	_, ok := tree.Exists("/x/c/d")
	require.False(t, ok, "the subtree went with its root")
	require.Equal(t, 0, tree.EphemeralCount())
	applyAll(tree, log[2:])
	require.Equal(t, full.Digest(), tree.Digest())
	require.Equal(t, full.NodeCount(), tree.NodeCount())
	require.Equal(t, []string{"/x/c/d"}, tree.Ephemerals(7))
}

func TestDeleteEphemeralLeavesSessionSet(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/e1", nil, 77)
	mustCreate(t, tree, 2, "/e2", nil, 77)
	tree.Apply(deleteTxn(3, "/e1"))
	require.Equal(t, []string{"/e2"}, tree.Ephemerals(77))
	tree.Apply(deleteTxn(4, "/e2"))
	require.Nil(t, tree.Ephemerals(77))
	require.Empty(t, tree.EphemeralsBySession())
	require.Equal(t, 0, tree.EphemeralCount())
}

func TestSetData(t *testing.T) {
	cases := []struct {
		name string
		path string
		data []byte
		want Result
	}{
		{"new data", "/n", []byte("hello"), Result{Path: "/n",
			Stat:     wire.Stat{Czxid: 1, Mzxid: 7, Ctime: 1000, Mtime: 7000, Version: 3, DataLength: 5, Pzxid: 1},
			Triggers: []Trigger{{"/n", wire.EventNodeDataChanged, openACL}}}},
		{"null data", "/n", nil, Result{Path: "/n",
			Stat:     wire.Stat{Czxid: 1, Mzxid: 7, Ctime: 1000, Mtime: 7000, Version: 3, Pzxid: 1},
			Triggers: []Trigger{{"/n", wire.EventNodeDataChanged, openACL}}}},
		{"missing node", "/m", []byte("x"), Result{Err: wire.ErrNoNode, Path: "/m"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := New()
			mustCreate(t, tree, 1, "/n", []byte("old"), 0)
			before, _, _ := tree.GetData("/n")
			r := tree.Apply(setDataTxn(7, c.path, c.data, 3))
			require.Equal(t, c.want, r)
			require.Equal(t, []byte("old"), before, "data handed out earlier is never changed in place")
			if c.want.Err != wire.ErrOK {
				return
			}
			data, st, _ := tree.GetData("/n")
			require.Equal(t, c.data, data)
			require.Equal(t, c.want.Stat, st)
			require.Equal(t, int64(44+len("/n")+len(c.data)), tree.ApproximateDataSize())
		})
	}
}

func TestSetACL(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/a", nil, 0)
	mustCreate(t, tree, 2, "/b", nil, 0)
	require.Equal(t, 2, tree.ACLCount(), "config's READ list and the shared open list of /a and /b")

	digestACL := []*messages.ACL{pACL(wire.PermAll, "digest", "u:h"), pACL(wire.PermRead, "world", "anyone")}
	r := tree.Apply(setACLTxn(3, "/a", digestACL, 1))
	require.Equal(t, Result{Path: "/a", Stat: wire.Stat{Czxid: 1, Mzxid: 1, Ctime: 1000, Mtime: 1000, Aversion: 1, Pzxid: 1}}, r,
		"setACL changes aversion only and fires no watch")
	acl, st, err := tree.GetACL("/a")
	require.Equal(t, wire.ErrOK, err)
	require.Equal(t, int32(1), st.Aversion)
	require.Equal(t, []wire.ACL{
		{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: "u:h"}},
		{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}},
	}, acl)
	require.Equal(t, 3, tree.ACLCount())

	tree.Apply(setACLTxn(4, "/b", digestACL, 1))
	require.Equal(t, 2, tree.ACLCount(), "the open list lost its last user; /a and /b share one entry")
	tree.Apply(deleteTxn(5, "/a"))
	tree.Apply(deleteTxn(6, "/b"))
	require.Equal(t, 1, tree.ACLCount())

	require.Equal(t, Result{Err: wire.ErrNoNode, Path: "/zz"}, tree.Apply(setACLTxn(7, "/zz", digestACL, 1)))
}

func TestNoChangeTxns(t *testing.T) {
	cases := []struct {
		name string
		txn  *messages.Txn
		want Result
	}{
		{"check", checkTxn(5, "/n", 0), Result{Path: "/n"}},
		{"check of a missing node", checkTxn(5, "/zz", 0), Result{Path: "/zz"}},
		{"createSession", createSessionTxn(5, 99), Result{}},
		{"error", errorTxn(5, wire.ErrBadVersion), Result{Err: wire.ErrBadVersion}},
		{"no body", &messages.Txn{Zxid: 5, Type: int32(wire.OpSync)}, Result{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := New()
			mustCreate(t, tree, 1, "/n", nil, 0)
			before := tree.Digest()
			require.Equal(t, c.want, tree.Apply(c.txn))
			require.Equal(t, before, tree.Digest())
			require.Equal(t, int64(5), tree.LastApplied())
		})
	}
}

func TestCloseSession(t *testing.T) {
	const s, other = int64(0x51), int64(0x52)
	tree := New()
	mustCreate(t, tree, 1, "/p", nil, 0)
	mustCreate(t, tree, 2, "/p/e1", nil, s)
	mustCreate(t, tree, 3, "/p/e2", nil, s)
	mustCreate(t, tree, 4, "/e3", nil, s)
	mustCreate(t, tree, 5, "/o", nil, other)
	require.Equal(t, 4, tree.EphemeralCount())
	require.Equal(t, map[int64][]string{s: {"/e3", "/p/e1", "/p/e2"}, other: {"/o"}}, tree.EphemeralsBySession())

	// The txn lists /p/e2, a path that is gone and another session's node
	// (deleted: the list is authoritative); /p/e1 and /e3 are not listed and
	// go anyway, in sorted order.
	r := tree.Apply(closeTxn(9, s, "/p/e2", "/gone", "/o"))
	require.Equal(t, wire.ErrOK, r.Err)
	require.Equal(t, []Trigger{
		{"/p/e2", wire.EventNodeDeleted, openACL}, {"/p", wire.EventNodeChildrenChanged, openACL},
		{"/o", wire.EventNodeDeleted, openACL}, {"/", wire.EventNodeChildrenChanged, openACL},
		{"/e3", wire.EventNodeDeleted, openACL}, {"/", wire.EventNodeChildrenChanged, openACL},
		{"/p/e1", wire.EventNodeDeleted, openACL}, {"/p", wire.EventNodeChildrenChanged, openACL},
	}, r.Triggers)
	require.Equal(t, 0, tree.EphemeralCount())
	require.Empty(t, tree.EphemeralsBySession())
	st, _ := tree.Exists("/p")
	require.Equal(t, int64(9), st.Pzxid)
	require.Equal(t, int32(0), st.NumChildren)
}

func TestCloseSessionWithoutBody(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/e", nil, 7)
	r := tree.Apply(&messages.Txn{SessionId: 7, Zxid: 2, Type: int32(wire.OpCloseSession)})
	require.Equal(t, []Trigger{{"/e", wire.EventNodeDeleted, openACL}, {"/", wire.EventNodeChildrenChanged, openACL}}, r.Triggers)
	require.Equal(t, 0, tree.EphemeralCount())
}

func TestMulti(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		tree := New()
		mustCreate(t, tree, 1, "/a", []byte("1"), 0)
		r := tree.Apply(multiTxn(5,
			createTxn(0, "/b", []byte("b"), 0, 2),
			setDataTxn(0, "/a", []byte("22"), 1),
			checkTxn(0, "/a", 1),
			deleteTxn(0, "/b"),
		))
		require.Equal(t, wire.ErrOK, r.Err)
		require.Equal(t, []Result{
			{Path: "/b", Stat: wire.Stat{Czxid: 5, Mzxid: 5, Ctime: 5000, Mtime: 5000, DataLength: 1, Pzxid: 5}},
			{Path: "/a", Stat: wire.Stat{Czxid: 1, Mzxid: 5, Ctime: 1000, Mtime: 5000, Version: 1, DataLength: 2, Pzxid: 1}},
			{Path: "/a"},
			{Path: "/b"},
		}, r.Multi, "sub-txns use the multi's zxid and time")
		require.Equal(t, []Trigger{
			{"/b", wire.EventNodeCreated, openACL}, {"/", wire.EventNodeChildrenChanged, openACL},
			{"/a", wire.EventNodeDataChanged, openACL},
			{"/b", wire.EventNodeDeleted, openACL}, {"/", wire.EventNodeChildrenChanged, openACL},
		}, r.Triggers)
		require.Equal(t, int64(5), tree.LastApplied())
	})
	t.Run("all-error multi as prep writes it", func(t *testing.T) {
		tree := New()
		mustCreate(t, tree, 1, "/a", nil, 0)
		before := tree.Digest()
		r := tree.Apply(multiTxn(5,
			errorTxn(0, wire.ErrOK),
			errorTxn(0, wire.ErrBadVersion),
			errorTxn(0, wire.ErrRuntimeInconsistency),
		))
		require.Equal(t, Result{Err: wire.ErrBadVersion, Multi: []Result{
			{Err: wire.ErrOK}, {Err: wire.ErrBadVersion}, {Err: wire.ErrRuntimeInconsistency},
		}}, r)
		require.Equal(t, before, tree.Digest())
	})
	t.Run("a failed multi applies none of its ops", func(t *testing.T) {
		tree := New()
		mustCreate(t, tree, 1, "/a", nil, 0)
		before := tree.Digest()
		r := tree.Apply(multiTxn(5,
			createTxn(0, "/b", nil, 0, 2),
			errorTxn(0, wire.ErrNoNode),
			setDataTxn(0, "/a", []byte("x"), 1),
		))
		require.Equal(t, Result{Err: wire.ErrNoNode, Multi: []Result{
			{Err: wire.ErrOK}, {Err: wire.ErrNoNode}, {Err: wire.ErrRuntimeInconsistency},
		}}, r)
		require.Equal(t, before, tree.Digest())
	})
	t.Run("a sub-op failing on apply reports its error", func(t *testing.T) {
		tree := New()
		r := tree.Apply(multiTxn(5, createTxn(0, "/a", nil, 0, 1), deleteTxn(0, "/zz")))
		require.Equal(t, wire.ErrNoNode, r.Err)
		require.Equal(t, wire.ErrOK, r.Multi[0].Err)
		_, ok := tree.Exists("/a")
		require.True(t, ok, "processTxn does not roll back; prep guarantees this cannot happen live")
	})
	t.Run("an op a multi cannot hold aborts it", func(t *testing.T) {
		tree := New()
		r := tree.Apply(multiTxn(5, createTxn(0, "/a", nil, 0, 1), setACLTxn(0, "/a", openProto, 1), createTxn(0, "/b", nil, 0, 2)))
		require.Equal(t, wire.ErrMarshallingError, r.Err)
		require.Len(t, r.Multi, 1)
		_, ok := tree.Exists("/b")
		require.False(t, ok)
	})
}
