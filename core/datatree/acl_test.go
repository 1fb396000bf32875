package datatree

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

var (
	bobProto   = []*messages.ACL{pACL(wire.PermAll, "digest", "bob:PlCgdJq8ea0f3HCv4VaqFLb6sNo=")}
	aliceProto = []*messages.ACL{pACL(wire.PermRead, "digest", "alice:x"), pACL(wire.PermAll, "ip", "10.0.0.0/8")}
)

func TestACLCacheInterning(t *testing.T) {
	c := newACLCache()
	require.Equal(t, 0, c.size())
	require.EqualValues(t, 0, c.internProto(nil), "a null ACL is the built-in open list")
	require.Equal(t, openACL, c.get(0))
	require.Equal(t, 0, c.size(), "the open list is not counted")

	bob := c.internProto(bobProto)
	require.NotZero(t, bob)
	require.Equal(t, bob, c.internProto(bobProto), "same list, same slot")
	require.Equal(t, bob, c.internWire([]wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: "bob:PlCgdJq8ea0f3HCv4VaqFLb6sNo="}}}),
		"a list in wire form finds the same slot")
	alice := c.internProto(aliceProto)
	require.NotEqual(t, bob, alice)
	require.Equal(t, 2, c.size())
	require.Equal(t, 3, c.refs[bob])

	// Order and perms are part of the key.
	swapped := c.internProto([]*messages.ACL{aliceProto[1], aliceProto[0]})
	require.NotEqual(t, alice, swapped)
	readOnly := c.internProto([]*messages.ACL{pACL(wire.PermRead, "digest", "bob:PlCgdJq8ea0f3HCv4VaqFLb6sNo=")})
	require.NotEqual(t, bob, readOnly)
	require.Equal(t, 4, c.size())

	// A reader cannot write into the shared list.
	l := c.get(alice)
	require.Equal(t, len(l), cap(l))
	_ = append(l, wire.ACL{})
	require.Len(t, c.get(alice), 2)

	// The last release frees the entry and its slot is reused.
	c.release(swapped)
	c.release(readOnly)
	for range 3 {
		require.Equal(t, 2, c.size())
		c.release(bob)
	}
	require.Equal(t, 1, c.size())
	again := c.internProto(bobProto)
	require.Contains(t, []uint32{bob, swapped, readOnly}, again, "a freed slot is reused")
	require.Equal(t, 2, c.size())
	c.release(0) // the open slot is never released
	require.Equal(t, openACL, c.get(0))
}

// TestACLCacheFollowsTheTree: creates, setACL, deletes and a replayed create
// keep the reference counts exact, so the cache ends empty.
func TestACLCacheFollowsTheTree(t *testing.T) {
	tree := New()
	base := tree.ACLCount() // the system nodes' lists
	apply := func(txn *messages.Txn) {
		t.Helper()
		tree.Apply(txn)
	}
	apply(createACLTxn(1, "/a", bobProto))
	apply(createACLTxn(2, "/b", bobProto))
	apply(createACLTxn(3, "/c", aliceProto))
	require.Equal(t, base+2, tree.ACLCount())
	apply(setACLTxn(4, "/c", bobProto, 1))
	require.Equal(t, base+1, tree.ACLCount(), "alice's list had one user")
	apply(createACLTxn(5, "/a", aliceProto)) // replay of an existing node: its ACL is replaced
	require.Equal(t, base+2, tree.ACLCount())
	acl, ok := tree.NodeACL("/a")
	require.True(t, ok)
	require.Len(t, acl, 2)
	for i, p := range []string{"/a", "/b", "/c"} {
		apply(deleteTxn(int64(6+i), p))
	}
	require.Equal(t, base, tree.ACLCount())
}

// TestMillionZnodesOneACL: a million znodes with the same (non-open) ACL cost
// one cache entry, every node reads the same shared list, and the live heap
// per znode is what TestMemoryPerZnode measures for the open ACL (nothing per
// node but its slot number).
func TestMillionZnodesOneACL(t *testing.T) {
	const n = 1_000_000
	short := testing.Short() || raceEnabled
	count := n
	if short {
		count = 20_000
	}
	tree := New()
	mustCreate(t, tree, 1, "/bench", nil, 0)
	base := tree.ACLCount()
	before := liveHeap()
	data := make([]byte, 100)
	txn := &messages.Txn{Type: int32(wire.OpCreate)}
	create := &messages.CreateTxn{Data: data, Acl: bobProto}
	txn.Body = &messages.Txn_Create{Create: create}
	for i := range count {
		txn.Zxid, txn.Time = int64(i+2), int64(i+2)
		// A fresh copy of the list per txn, as txns decoded from the wire
		// or the log carry: sharing must come from the cache.
		create.Acl = []*messages.ACL{pACL(wire.PermAll, "digest", "bob:PlCgdJq8ea0f3HCv4VaqFLb6sNo=")}
		create.Path = fmt.Sprintf("/bench/n%07d", i)
		create.ParentCversion = int32(i + 1)
		if r := tree.Apply(txn); r.Err != wire.ErrOK {
			t.Fatal(r.Err)
		}
	}
	after := liveHeap()
	require.Equal(t, base+1, tree.ACLCount(), "one entry for %d znodes", count)
	first, ok := tree.NodeACL("/bench/n0000000")
	require.True(t, ok)
	for _, i := range []int{1, count / 2, count - 1} {
		acl, ok := tree.NodeACL(fmt.Sprintf("/bench/n%07d", i))
		require.True(t, ok)
		require.Same(t, &first[0], &acl[0], "node %d reads the shared list", i)
	}
	if !short {
		per := float64(after-before) / n
		t.Logf("%d znodes of 100 bytes with one digest ACL: %.1f bytes/znode live heap", n, per)
		require.Less(t, per, 260.0, "the same bound as TestMemoryPerZnode")
	}
	runtime.KeepAlive(tree)
}
