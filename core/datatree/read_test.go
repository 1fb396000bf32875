package datatree

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

func TestReadsOfMissingNodes(t *testing.T) {
	tree := New()
	_, _, err := tree.GetData("/nope")
	require.Equal(t, wire.ErrNoNode, err)
	_, ok := tree.Exists("/nope")
	require.False(t, ok)
	_, _, err = tree.GetChildren("/nope")
	require.Equal(t, wire.ErrNoNode, err)
	_, _, err = tree.GetACL("/nope")
	require.Equal(t, wire.ErrNoNode, err)
	_, ok = tree.NodeACL("/nope")
	require.False(t, ok)
	_, ok = tree.Lookup("/nope")
	require.False(t, ok)
	_, err = tree.AllChildrenNumber("/nope")
	require.Equal(t, wire.ErrNoNode, err)
	require.Nil(t, tree.Ephemerals(1))
}

func TestGetChildrenAndCounts(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/a", nil, 0)
	mustCreate(t, tree, 2, "/a/b", nil, 0)
	mustCreate(t, tree, 3, "/a/b/c", nil, 0)
	mustCreate(t, tree, 4, "/a/d", nil, 0)
	kids, st, err := tree.GetChildren("/a")
	require.Equal(t, wire.ErrOK, err)
	require.Equal(t, []string{"b", "d"}, kids, "small child sets keep insertion order")
	require.Equal(t, int32(2), st.NumChildren)

	cases := []struct {
		path string
		want int32
	}{{"/", 7}, {"/a", 3}, {"/a/b", 1}, {"/a/d", 0}, {"/zookeeper", 2}}
	for _, c := range cases {
		n, err := tree.AllChildrenNumber(c.path)
		require.Equal(t, wire.ErrOK, err)
		require.Equal(t, c.want, n, c.path)
	}
}

// A parent with more children than the small-set limit switches to a map;
// names, counts and removals must not notice.
func TestLargeChildSet(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/big", nil, 0)
	var want []string
	for i := range 300 {
		name := fmt.Sprintf("n%03d", i)
		mustCreate(t, tree, int64(2+i), "/big/"+name, nil, 0)
		want = append(want, name)
	}
	for i := 0; i < 300; i += 2 {
		r := tree.Apply(deleteTxn(int64(1000+i), fmt.Sprintf("/big/n%03d", i)))
		require.Equal(t, wire.ErrOK, r.Err)
	}
	var odd []string
	for i, n := range want {
		if i%2 == 1 {
			odd = append(odd, n)
		}
	}
	kids, st, _ := tree.GetChildren("/big")
	slices.Sort(kids)
	require.Equal(t, odd, kids)
	require.Equal(t, int32(150), st.NumChildren)
	require.Equal(t, int32(2*300-150), st.Cversion)
	for i := 1; i < 300; i += 2 {
		tree.Apply(deleteTxn(int64(2000+i), fmt.Sprintf("/big/n%03d", i)))
	}
	kids, st, _ = tree.GetChildren("/big")
	require.Empty(t, kids)
	require.Equal(t, int32(600), st.Cversion)
}

func TestReadsDoNotAliasLaterChanges(t *testing.T) {
	tree := New()
	mustCreate(t, tree, 1, "/p", []byte("v1"), 0)
	mustCreate(t, tree, 2, "/p/c", nil, 0)
	data, _, _ := tree.GetData("/p")
	kids, _, _ := tree.GetChildren("/p")
	acl, _, _ := tree.GetACL("/p")
	info, _ := tree.Lookup("/p")

	tree.Apply(setDataTxn(3, "/p", []byte("v2"), 1))
	tree.Apply(setACLTxn(4, "/p", []*messages.ACL{pACL(wire.PermRead, "world", "anyone")}, 1))
	tree.Apply(deleteTxn(5, "/p/c"))
	mustCreate(t, tree, 6, "/p/other", nil, 0)

	require.Equal(t, []byte("v1"), data)
	require.Equal(t, []string{"c"}, kids)
	require.Equal(t, openACL, acl)
	require.Equal(t, int32(1), info.Stat.NumChildren)
	require.Equal(t, len(data), cap(data), "data is capacity-limited so appends copy")
}
