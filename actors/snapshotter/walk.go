package snapshotter

import "github.com/corral-zk/corral/core/datatree"

// fuzzyWalk visits a tree that keeps changing between its steps, for a
// fuzzy snapshot. Each step runs under the tree's read lock and visits a
// bounded number of node slots (datatree.VisitSlots); between steps the
// final stage applies txns, so the walk sees every node as it was at some
// moment during the snapshot. That is enough because the log after the
// snapshot's zxid is replayed over it and every txn applies idempotently
// (core/datatree.Apply):
//
//   - a node that exists from the start to the end of the walk is visited
//     exactly once, in some state between the two;
//   - a node created or deleted meanwhile may or may not be visited; its
//     create or delete is in the replayed log.
//
// Slots are visited in storage order, so a node can come before its parent
// (a slot freed by a delete and reused) or without it (the parent was
// created or deleted during the walk, in slots the walk had passed or not
// reached). Recovery places a node once its parent is in and drops a node
// whose parent never comes: such a parent was created or deleted after the
// snapshot's zxid, and so was the node, so the log replay rebuilds both
// (storage/recovery).
//
// Walking by slots rather than by path keeps every step's cost bounded by
// its size whatever the tree's shape: a path walk must list a node's
// children at once, which for a parent of a million children held the
// lock for a quarter of a second.
//
// It holds no lock, goroutine or clock itself: the caller takes the lock
// around each step.
type fuzzyWalk struct {
	next uint32
}

func newFuzzyWalk() *fuzzyWalk { return &fuzzyWalk{} }

// step visits up to max nodes of t, calling visit for each, and reports
// whether slots remain. visit may keep path, data and info.ACL: the tree
// never changes them in place. The caller must hold t's read lock.
func (w *fuzzyWalk) step(t *datatree.Tree, max int, visit func(path string, info datatree.NodeInfo, data []byte)) bool {
	var more bool
	w.next, more = t.VisitSlots(w.next, max, visit)
	return more
}
