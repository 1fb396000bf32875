package datatree

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

func statsOf(t *testing.T, tree *Tree, path string) string {
	t.Helper()
	data, _, err := tree.GetData("/zookeeper/quota" + path + "/zookeeper_stats")
	require.Equal(t, wire.ErrOK, err)
	return string(data)
}

// setQuota creates the nodes zkCli's setquota creates.
func setQuota(t *testing.T, tree *Tree, zxid int64, path string) int64 {
	t.Helper()
	mustCreate(t, tree, zxid, "/zookeeper/quota"+path, nil, 0)
	mustCreate(t, tree, zxid+1, "/zookeeper/quota"+path+"/zookeeper_limits",
		[]byte("count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1"), 0)
	mustCreate(t, tree, zxid+2, "/zookeeper/quota"+path+"/zookeeper_stats", []byte("count=0,bytes=0"), 0)
	return zxid + 3
}

// The figures are what Apache 3.8.0 printed for the same zkCli session
// (setquota -n 10 /qa; create/set/delete below /qa).
func TestQuotaStatsFollowApache(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/qa", []byte("hello"), 0)
	mustCreate(t, tree, 2, "/qa/x", []byte("12345"), 0)
	z := setQuota(t, tree, 3, "/qa")
	require.Equal(t, "count=2,bytes=10", statsOf(t, tree, "/qa"))
	_, statBefore, _ := tree.GetData("/zookeeper/quota/qa/zookeeper_stats")

	mustCreate(t, tree, z, "/qa/y", []byte("abc"), 0)
	require.Equal(t, "count=3,bytes=13", statsOf(t, tree, "/qa"))
	tree.Apply(setDataTxn(z+1, "/qa/x", []byte("1"), 1))
	require.Equal(t, "count=3,bytes=9", statsOf(t, tree, "/qa"))
	_, statAfter, _ := tree.GetData("/zookeeper/quota/qa/zookeeper_stats")
	require.Equal(t, int32(15), statAfter.DataLength)
	statAfter.DataLength = statBefore.DataLength
	require.Equal(t, statBefore, statAfter, "quota upkeep changes the data, not the stat")
	tree.Apply(deleteTxn(z+2, "/qa/y"))
	require.Equal(t, "count=2,bytes=6", statsOf(t, tree, "/qa"))
	mustCreate(t, tree, z+3, "/qa/x/z", []byte("zz"), 0)
	require.Equal(t, "count=3,bytes=8", statsOf(t, tree, "/qa"))

	// Outside the quota nothing changes; neither does a sibling with a
	// common name prefix.
	mustCreate(t, tree, z+4, "/qab", []byte("zzzz"), 0)
	require.Equal(t, "count=3,bytes=8", statsOf(t, tree, "/qa"))

	// Deleting the limits node ends tracking even though stats remains.
	tree.Apply(deleteTxn(z+5, "/zookeeper/quota/qa/zookeeper_limits"))
	mustCreate(t, tree, z+6, "/qa/w", []byte("w"), 0)
	require.Equal(t, "count=3,bytes=8", statsOf(t, tree, "/qa"))
}

func TestNestedQuotas(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/a", nil, 0)
	mustCreate(t, tree, 2, "/a/b", []byte("bb"), 0)
	z := setQuota(t, tree, 3, "/a")
	mustCreate(t, tree, z, "/zookeeper/quota/a/b", nil, 0)
	mustCreate(t, tree, z+1, "/zookeeper/quota/a/b/zookeeper_limits", []byte("count=5,bytes=-1"), 0)
	mustCreate(t, tree, z+2, "/zookeeper/quota/a/b/zookeeper_stats", nil, 0)
	require.Equal(t, "count=2,bytes=2", statsOf(t, tree, "/a"))
	require.Equal(t, "count=1,bytes=2", statsOf(t, tree, "/a/b"))

	mustCreate(t, tree, z+3, "/a/b/c", []byte("c"), 0)
	require.Equal(t, "count=2,bytes=2", statsOf(t, tree, "/a"), "only the deepest quota counts")
	require.Equal(t, "count=2,bytes=3", statsOf(t, tree, "/a/b"))

	// Apache's PathTrie.deletePath drops the whole subtree of the trie.
	tree.Apply(deleteTxn(z+4, "/zookeeper/quota/a/zookeeper_limits"))
	mustCreate(t, tree, z+5, "/a/b/d", []byte("d"), 0)
	require.Equal(t, "count=2,bytes=3", statsOf(t, tree, "/a/b"))

	// RebuildQuotas (after a snapshot load) finds both limits nodes that
	// still exist and recounts.
	tree.RebuildQuotas()
	require.Equal(t, "count=3,bytes=4", statsOf(t, tree, "/a/b"))
	require.Equal(t, map[string]struct{}{"/a/b": {}}, tree.quotas)
}

func TestStatsTrack(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"count=2,bytes=10", "count=2,bytes=10"},
		{"", "count=-1,bytes=-1"},
		{"count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1", "count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1"},
		{"bytes=3;count=1;zz=7;aa=1", "count=1,bytes=3=;aa=1;zz=7"},
		{"count=,bytes=x", "count=-1,bytes=-1"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, string(parseStatsTrack(c.in).bytes()), c.in)
	}
}
