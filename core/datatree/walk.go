package datatree

import (
	"slices"

	"github.com/corral-zk/corral/wire"
)

// Walk visits every node reachable from the root, each parent before its
// children, until fn returns false; this is the order a snapshot writes
// and PutNode needs to rebuild it. The root is visited as "/" (Apache's
// snapshots name it ""). The NodeInfo carries the persisted stat, and the
// path, data and ACL are immutable: fn may keep them. fn must not Apply.
func (t *Tree) Walk(fn func(path string, n NodeInfo, data []byte) bool) {
	stack := []uint32{t.root}
	for len(stack) > 0 {
		n := t.node(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		if !fn(t.path(n), NodeInfo{Stat: t.persistedStat(n), ACL: t.acls.get(n.acl)}, t.data(n)) {
			return
		}
		kids := t.kids(n)
		slices.Reverse(kids)
		stack = append(stack, kids...)
	}
}

// PutNode stores a node exactly as given, for loading a snapshot into a
// tree made by New: stat is the persisted form (NumChildren and DataLength
// are derived and ignored), an existing node (the root, the system nodes)
// is overwritten in place, and a new node's parent must already be there
// (nodes come in Walk order), else NONODE. No watch fires, no parent stat
// changes and quotas are not maintained: call RebuildQuotas once the whole
// tree is in. data and acl are copied.
func (t *Tree) PutNode(path string, data []byte, acl []wire.ACL, stat wire.Stat) wire.ErrCode {
	if n, id, ok := t.lookup(path); ok {
		slot := t.acls.internWire(acl)
		t.acls.release(n.acl)
		t.untrack(id, n.owner)
		t.dataSize += int64(len(data) - t.dataLen(n))
		t.replaceBlob(id, data)
		n.acl = slot
		n.czxid, n.mzxid, n.pzxid = stat.Czxid, stat.Mzxid, stat.Pzxid
		n.ctime, n.mtime = stat.Ctime, stat.Mtime
		n.owner = stat.EphemeralOwner
		n.version, n.cversion, n.aversion = stat.Version, stat.Cversion, stat.Aversion
		t.track(id, n.owner)
		return wire.ErrOK
	}
	_, pid, ok := t.lookup(parentOf(path))
	if !ok {
		return wire.ErrNoNode
	}
	// Linked here with the parent id already found: a restart puts a
	// million nodes, and each path lookup is a walk of the index.
	t.addKid(pid, t.insertNode(path, data, t.acls.internWire(acl), stat, false))
	return wire.ErrOK
}
