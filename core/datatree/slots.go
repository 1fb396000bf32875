package datatree

// VisitSlots visits up to max nodes in storage order, starting at slot
// from, and returns the slot to continue from and whether any slot is left.
// It is the chunked iterator of fuzzy snapshots: the caller holds the read
// lock for one call at a time and lets writes in between, and every call
// costs O(max) whatever the tree's shape (a node with a million children
// costs nothing special, unlike listing its children).
//
// Slots never move, so a node that exists throughout a sequence of calls is
// visited exactly once. A node created or deleted meanwhile may or may not
// be visited, and a slot freed and reused may show a newer node than the
// one it held when an earlier call passed it. The order is not parent
// before child. fn gets what Walk gives (persisted stat, shared ACL,
// immutable path and data it may keep) and must not Apply.
func (t *Tree) VisitSlots(from uint32, max int, fn func(path string, n NodeInfo, data []byte)) (next uint32, more bool) {
	id := from
	for visited := 0; id < t.next && visited < max; id++ {
		n := t.node(id)
		if n.blob.slab == 0 {
			continue // a freed slot (every node's blob holds at least its path)
		}
		// The same NodeInfo as Walk's, without a path lookup.
		fn(t.path(n), NodeInfo{Stat: t.persistedStat(n), ACL: t.acls.get(n.acl)}, t.data(n))
		visited++
	}
	return id, id < t.next
}
