package datatree

import (
	"encoding/binary"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// aclCache interns ACL lists as Apache's ReferenceCountedACLCache does: a
// million nodes with the same list share one entry, and an entry no node
// references any more is dropped. Slot 0 is Apache's OPEN_UNSAFE_ACL_ID
// (-1): the built-in world:anyone:cdrwa list, used by the system nodes and
// for a null ACL, never counted. Stored lists are never modified, so they
// are handed to readers without copying.
type aclCache struct {
	lists [][]wire.ACL
	refs  []int
	byKey map[string]uint32
	free  []uint32
	buf   []byte // scratch key, reused so that a hit allocates nothing
}

// openACL is ZooDefs.Ids.OPEN_ACL_UNSAFE.
var openACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

// readACL is ZooDefs.Ids.READ_ACL_UNSAFE, the ACL of /zookeeper/config.
var readACL = []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

func newACLCache() aclCache {
	return aclCache{lists: [][]wire.ACL{openACL}, refs: []int{0}, byKey: map[string]uint32{}}
}

func appendACLKey(b []byte, perms int32, scheme, id string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(perms))
	b = binary.AppendUvarint(b, uint64(len(scheme)))
	b = append(b, scheme...)
	b = binary.AppendUvarint(b, uint64(len(id)))
	return append(b, id...)
}

// internProto adds a reference to the list a txn carries. An empty list is
// Apache's null ACL: the open slot.
func (c *aclCache) internProto(acl []*messages.ACL) uint32 {
	if len(acl) == 0 {
		return 0
	}
	c.buf = c.buf[:0]
	for _, a := range acl {
		c.buf = appendACLKey(c.buf, a.GetPerms(), a.GetId().GetScheme(), a.GetId().GetId())
	}
	if slot, ok := c.byKey[string(c.buf)]; ok {
		c.refs[slot]++
		return slot
	}
	list := make([]wire.ACL, len(acl))
	for i, a := range acl {
		list[i] = wire.ACL{Perms: a.GetPerms(), ID: wire.Id{Scheme: a.GetId().GetScheme(), ID: a.GetId().GetId()}}
	}
	return c.store(list)
}

// internWire is internProto for a list in wire form (initial nodes,
// snapshot loading). The list is copied.
func (c *aclCache) internWire(acl []wire.ACL) uint32 {
	if len(acl) == 0 {
		return 0
	}
	c.buf = c.buf[:0]
	for _, a := range acl {
		c.buf = appendACLKey(c.buf, a.Perms, a.ID.Scheme, a.ID.ID)
	}
	if slot, ok := c.byKey[string(c.buf)]; ok {
		c.refs[slot]++
		return slot
	}
	return c.store(append([]wire.ACL(nil), acl...))
}

// store puts a new list (whose key is in c.buf) in a slot with one
// reference.
func (c *aclCache) store(list []wire.ACL) uint32 {
	var slot uint32
	if n := len(c.free); n > 0 {
		slot = c.free[n-1]
		c.free = c.free[:n-1]
		c.lists[slot], c.refs[slot] = list, 1
	} else {
		slot = uint32(len(c.lists))
		c.lists = append(c.lists, list)
		c.refs = append(c.refs, 1)
	}
	c.byKey[string(c.buf)] = slot
	return slot
}

// release drops one reference; the last one frees the slot.
func (c *aclCache) release(slot uint32) {
	if slot == 0 {
		return
	}
	c.refs[slot]--
	if c.refs[slot] > 0 {
		return
	}
	c.buf = c.buf[:0]
	for _, a := range c.lists[slot] {
		c.buf = appendACLKey(c.buf, a.Perms, a.ID.Scheme, a.ID.ID)
	}
	delete(c.byKey, string(c.buf))
	c.lists[slot] = nil
	c.free = append(c.free, slot)
}

// get returns the shared, read-only list of a slot, capacity-limited so an
// append by a reader copies instead of writing into it.
func (c *aclCache) get(slot uint32) []wire.ACL {
	l := c.lists[slot]
	return l[:len(l):len(l)]
}

// size is the number of distinct stored lists (Apache's aclCacheSize,
// which does not count the built-in open list).
func (c *aclCache) size() int { return len(c.byKey) }
