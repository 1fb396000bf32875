package datatree

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// The figures below are what a fresh Apache 3.8.0 answers to zkCli
// stat/getAcl/ls and to mntr (zk_znode_count 5, approximate data size 44
// for "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config").
func TestNewMatchesFreshApache(t *testing.T) {
	tree := New()
	open := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	read := []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	cases := []struct {
		path     string
		stat     wire.Stat
		acl      []wire.ACL
		children []string
	}{
		{"/", wire.Stat{Cversion: -1, NumChildren: 1}, open, []string{"zookeeper"}},
		{"/zookeeper", wire.Stat{Cversion: -2, NumChildren: 2}, open, []string{"config", "quota"}},
		{"/zookeeper/quota", wire.Stat{}, open, []string{}},
		{"/zookeeper/config", wire.Stat{Aversion: -1}, read, []string{}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			data, stat, err := tree.GetData(c.path)
			require.Equal(t, wire.ErrOK, err)
			require.NotNil(t, data, "Apache stores new byte[0], not null")
			require.Empty(t, data)
			require.Equal(t, c.stat, stat)
			acl, _, err := tree.GetACL(c.path)
			require.Equal(t, wire.ErrOK, err)
			require.Equal(t, c.acl, acl)
			kids, _, err := tree.GetChildren(c.path)
			require.Equal(t, wire.ErrOK, err)
			slices.Sort(kids)
			require.Equal(t, c.children, kids)
		})
	}
	require.Equal(t, 5, tree.NodeCount())
	require.Equal(t, int64(44), tree.ApproximateDataSize())
	require.Equal(t, 1, tree.ACLCount(), "only READ_ACL_UNSAFE is cached; the open list is built in")
	require.Equal(t, int64(0), tree.LastApplied())
	n, err := tree.AllChildrenNumber("/")
	require.Equal(t, wire.ErrOK, err)
	require.Equal(t, int32(3), n)
}
