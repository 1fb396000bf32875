package datatree

import (
	"slices"

	"github.com/corral-zk/corral/wire"
)

// NodeInfo is a node as the prep stage and snapshots see it. Stat is the
// persisted form (see the package doc: Cversion counts creations only and
// EphemeralOwner is the raw owner word) with NumChildren and DataLength
// filled in; ClientStat converts it. ACL is the shared, read-only list.
// The fields match prep.NodeInfo so one converts to the other.
type NodeInfo struct {
	Stat wire.Stat
	ACL  []wire.ACL
}

// Lookup returns the node at path for the prep stage.
func (t *Tree) Lookup(path string) (NodeInfo, bool) {
	n, _, ok := t.lookup(path)
	if !ok {
		return NodeInfo{}, false
	}
	return NodeInfo{Stat: t.persistedStat(n), ACL: t.acls.get(n.acl)}, true
}

// GetData returns the node's data (nil for a null buffer) and client stat.
func (t *Tree) GetData(path string) ([]byte, wire.Stat, wire.ErrCode) {
	n, _, ok := t.lookup(path)
	if !ok {
		return nil, wire.Stat{}, wire.ErrNoNode
	}
	return t.data(n), t.clientStat(n), wire.ErrOK
}

// Exists returns the node's client stat.
func (t *Tree) Exists(path string) (wire.Stat, bool) {
	n, _, ok := t.lookup(path)
	if !ok {
		return wire.Stat{}, false
	}
	return t.clientStat(n), true
}

// GetChildren returns the child names and the node's client stat. Like
// Apache's HashSet the order is unspecified: insertion order for small
// child sets, arbitrary for large ones. The names share memory with the
// tree's immutable path bytes.
func (t *Tree) GetChildren(path string) ([]string, wire.Stat, wire.ErrCode) {
	n, _, ok := t.lookup(path)
	if !ok {
		return nil, wire.Stat{}, wire.ErrNoNode
	}
	names := make([]string, 0, t.numChildren(n))
	if n.kids != 0 {
		t.kidSets[n.kids].each(func(id uint32) bool {
			names = append(names, baseName(t.path(t.node(id))))
			return true
		})
	}
	return names, t.clientStat(n), wire.ErrOK
}

// GetACL returns the node's ACL (shared, read-only) and client stat.
func (t *Tree) GetACL(path string) ([]wire.ACL, wire.Stat, wire.ErrCode) {
	n, _, ok := t.lookup(path)
	if !ok {
		return nil, wire.Stat{}, wire.ErrNoNode
	}
	return t.acls.get(n.acl), t.clientStat(n), wire.ErrOK
}

// NodeACL returns the node's ACL (shared, read-only), for permission checks
// of reads.
func (t *Tree) NodeACL(path string) ([]wire.ACL, bool) {
	n, _, ok := t.lookup(path)
	if !ok {
		return nil, false
	}
	return t.acls.get(n.acl), true
}

// AllChildrenNumber counts every descendant of path (getAllChildrenNumber;
// for / that is every node but the root, /zookeeper and its children
// included).
func (t *Tree) AllChildrenNumber(path string) (int32, wire.ErrCode) {
	n, _, ok := t.lookup(path)
	if !ok {
		return 0, wire.ErrNoNode
	}
	if path == "/" {
		return int32(t.live - 1), wire.ErrOK
	}
	var count int32
	stack := t.kids(n)
	for len(stack) > 0 {
		c := t.node(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		count++
		stack = append(stack, t.kids(c)...)
	}
	return count, wire.ErrOK
}

// Ephemerals lists the session's ephemeral nodes, sorted (getEphemerals;
// the prefix filter is the caller's).
func (t *Tree) Ephemerals(session int64) []string {
	s := t.ephemerals[session]
	if s == nil {
		return nil
	}
	return t.sortedPaths(s)
}

// EphemeralsOf is Ephemerals under the name the prep stage's View uses to
// build a CloseSessionTxn; sorted, so every replica lists the same paths
// in the same order.
func (t *Tree) EphemeralsOf(session int64) []string { return t.Ephemerals(session) }

func (t *Tree) sortedPaths(s *idSet) []string {
	out := make([]string, 0, s.len())
	s.each(func(id uint32) bool { out = append(out, t.path(t.node(id))); return true })
	slices.Sort(out)
	return out
}
