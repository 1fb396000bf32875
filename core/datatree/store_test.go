package datatree

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

func TestIDSet(t *testing.T) {
	var s idSet
	for i := range uint32(100) {
		require.True(t, s.add(i))
	}
	require.False(t, s.add(5))
	require.NotNil(t, s.m, "past smallSetMax the set is a map")
	require.Equal(t, 100, s.len())
	for i := range uint32(90) {
		require.True(t, s.remove(i))
	}
	require.False(t, s.remove(3))
	require.Nil(t, s.m, "shrinks back to a slice")
	var got []uint32
	s.each(func(id uint32) bool { got = append(got, id); return true })
	slices.Sort(got)
	require.Equal(t, []uint32{90, 91, 92, 93, 94, 95, 96, 97, 98, 99}, got)
	require.True(t, s.has(95))
	require.False(t, s.has(5))

	var small idSet
	small.add(3)
	small.add(1)
	small.add(2)
	small.remove(1)
	require.Equal(t, []uint32{3, 2}, small.list, "the slice form keeps order")
}

func TestACLCacheSharesAndDrops(t *testing.T) {
	c := newACLCache()
	a := []*messages.ACL{pACL(wire.PermAll, "digest", "u:1")}
	b := []*messages.ACL{pACL(wire.PermAll, "digest", "u:1"), pACL(wire.PermRead, "world", "anyone")}
	s1 := c.internProto(a)
	s2 := c.internProto(a)
	s3 := c.internProto(b)
	s4 := c.internWire([]wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: "u:1"}}})
	require.Equal(t, s1, s2)
	require.Equal(t, s1, s4, "wire and proto forms of one list share the entry")
	require.NotEqual(t, s1, s3)
	require.Equal(t, 2, c.size())
	require.Equal(t, uint32(0), c.internProto(nil), "null ACL is the built-in open list")
	require.Equal(t, openACL, c.get(0))

	c.release(s1)
	c.release(s2)
	require.Equal(t, 2, c.size())
	c.release(s4)
	require.Equal(t, 1, c.size())
	s5 := c.internProto([]*messages.ACL{pACL(wire.PermRead, "ip", "1.2.3.4")})
	require.Equal(t, s1, s5, "freed slots are reused")
	// Order matters, as List.equals does.
	rev := c.internProto([]*messages.ACL{b[1], b[0]})
	require.NotEqual(t, s3, rev)
}

// One ACL list for a million nodes costs one cache entry.
func TestACLSharedAcrossNodes(t *testing.T) {
	tree := New()
	for i := range 1000 {
		mustCreate(t, tree, int64(i+1), fmt.Sprintf("/n%d", i), nil, 0)
	}
	require.Equal(t, 2, tree.ACLCount())
	a1, _ := tree.NodeACL("/n1")
	a2, _ := tree.NodeACL("/n999")
	require.Same(t, &a1[0], &a2[0])
}
