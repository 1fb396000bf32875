package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func deleteTree() *fakeTree {
	return newTree(map[string]NodeInfo{
		"/a":               {Stat: wire.Stat{Version: 3}},
		"/a/b":             {},
		"/leaf":            {Stat: wire.Stat{Version: 3}},
		"/zookeeper/other": {},
		"/locked":          {ACL: []wire.ACL{{Perms: wire.PermAll &^ wire.PermDelete, ID: wire.Id{Scheme: "world", ID: "anyone"}}}},
		"/locked/x":        {},
		"/ctr":             {Stat: wire.Stat{EphemeralOwner: wire.ContainerEphemeralOwner}},
		"/ctrfull":         {Stat: wire.Stat{EphemeralOwner: wire.ContainerEphemeralOwner}},
		"/ctrfull/c":       {},
		"/ttl":             {Stat: wire.Stat{EphemeralOwner: wire.TTLOwnerMask | 100}},
		"/eph":             {Stat: wire.Stat{EphemeralOwner: sess}},
	})
}

func TestDelete(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		version int32
		want    wire.ErrCode
	}{
		{"any version", "/leaf", -1, wire.ErrOK},
		{"matching version", "/leaf", 3, wire.ErrOK},
		{"wrong version", "/leaf", 2, wire.ErrBadVersion},
		{"has children", "/a", -1, wire.ErrNotEmpty},
		{"version before children", "/a", 0, wire.ErrBadVersion},
		{"no node", "/nope", -1, wire.ErrNoNode},
		{"no parent", "/nope/x", -1, wire.ErrNoNode},
		{"no delete permission on parent", "/locked/x", -1, wire.ErrNoAuth},
		{"permission before existence", "/locked/nope", -1, wire.ErrNoAuth},
		{"the node's own acl does not matter", "/locked", -1, wire.ErrNotEmpty},
		{"root", "/", -1, wire.ErrBadArguments},
		{"zookeeper", "/zookeeper", -1, wire.ErrBadArguments},
		{"quota node", "/zookeeper/quota", -1, wire.ErrBadArguments},
		{"config node", "/zookeeper/config", -1, wire.ErrBadArguments},
		{"other zookeeper child", "/zookeeper/other", -1, wire.ErrOK},
		{"no slash", "leaf", -1, wire.ErrBadArguments},
		{"nul", "/leaf\x00", -1, wire.ErrBadArguments},
		{"trailing slash is just missing", "/leaf/", -1, wire.ErrNoNode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := deleteTree()
			c := New(Config{}, 0)
			tx := c.Prepare(tr, deleteReq(tc.path, tc.version))
			require.EqualValues(t, 1, tx.Zxid)
			require.Equal(t, tc.want, errOf(tx))
			if tc.want != wire.ErrOK {
				require.Equal(t, 0, c.Outstanding())
				return
			}
			require.EqualValues(t, wire.OpDelete, tx.Type)
			require.Equal(t, tc.path, tx.GetDelete().Path)
			require.Equal(t, 2, c.Outstanding())
		})
	}
}

func TestDeleteContainer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		path     string
		extended bool
		want     wire.ErrCode
	}{
		{"empty container", "/ctr", false, wire.ErrOK},
		{"ttl node", "/ttl", true, wire.ErrOK},
		{"ttl node without extended types counts as ephemeral", "/ttl", false, wire.ErrBadVersion},
		{"container with a child", "/ctrfull", false, wire.ErrNotEmpty},
		{"session ephemeral", "/eph", false, wire.ErrBadVersion},
		{"plain node passes as in Apache", "/leaf", false, wire.ErrOK},
		{"gone", "/nope", false, wire.ErrNoNode},
		{"special", "/zookeeper", false, wire.ErrBadArguments},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Config{ExtendedTypesEnabled: tc.extended}, 0)
			tx := c.Prepare(deleteTree(), Request{Type: wire.OpDeleteContainer, Record: &wire.PathRequest{Path: tc.path}})
			require.Equal(t, tc.want, errOf(tx))
			if tc.want == wire.ErrOK {
				require.EqualValues(t, wire.OpDeleteContainer, tx.Type)
				require.Equal(t, tc.path, tx.GetDelete().Path)
			}
		})
	}
}
