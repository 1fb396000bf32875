package prep

import (
	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/wire"
)

// batch is the working state of one Prepare: the change records it has
// made so far (visible to its own later steps, e.g. the later ops of a
// multi) on top of the committed records and the tree. Nothing here touches
// the Core until commit.
type batch struct {
	core    *Core
	view    View
	req     *Request
	applied int64 // view.LastApplied() when the Prepare started
	zxid    int64

	changed map[string]record
	order   []string // paths of changed, first-touch order
	stale   []string // committed records found applied during lookups
	claim   bool     // the request claims its unowned session for req.Owner
}

// lookup returns the newest known state of path: this batch's own change,
// else a committed change the tree has not applied yet, else the tree.
func (b *batch) lookup(path string) (record, bool) {
	if r, ok := b.changed[path]; ok {
		return r, true
	}
	r, ok, stale := b.core.log.live(path, b.applied)
	if stale {
		b.stale = append(b.stale, path)
	}
	if ok {
		return r, true
	}
	if n, ok := b.view.Lookup(path); ok {
		return record{exists: true, stat: n.Stat, acl: n.ACL}, true
	}
	return record{}, false
}

// node is getRecordForPath: the existing node at path, or NONODE.
func (b *batch) node(path string) (record, error) {
	r, ok := b.lookup(path)
	if !ok || !r.exists {
		return record{}, wire.ErrNoNode
	}
	return r, nil
}

// put records the state a txn of this batch leaves path in.
func (b *batch) put(path string, r record) {
	r.zxid = b.zxid
	if _, seen := b.changed[path]; !seen {
		b.order = append(b.order, path)
	}
	b.changed[path] = r
}

// rollback forgets every change of the batch (a failed request or multi).
func (b *batch) rollback() {
	clear(b.changed)
	b.order = b.order[:0]
}

// allow is zks.checkACL: NOAUTH unless the session may use perm on a node
// with nodeACL (skipACL=yes lets everything through). The super user needs
// no setting here: its session holds the "super" identity.
func (b *batch) allow(nodeACL []wire.ACL, perm int32) error {
	if b.core.cfg.SkipACL || acl.Check(nodeACL, perm, b.req.Auth) {
		return nil
	}
	return wire.ErrNoAuth
}

// checkVersion is checkAndIncVersion: BADVERSION unless expected is -1 or
// the current version; the result is the version after the change (int32
// arithmetic wraps as in Java).
func checkVersion(current, expected int32) (int32, error) {
	if expected != -1 && expected != current {
		return 0, wire.ErrBadVersion
	}
	return current + 1, nil
}
