package prep

import (
	"slices"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// closeSession lists the ephemerals the session leaves behind so every
// replica deletes the same set at the same zxid. The tree's list is
// corrected by the records in flight: the newest record of a path says
// whether it will exist and who will own it (Apache replays its whole
// change list in order; the last change of each path decides the same
// way). The deletions are recorded so later requests see them, and each
// parent loses its child (Apache forgets the child count, which could make
// a delete of the parent fail with NOTEMPTY until the close is applied).
func (b *batch) closeSession() *messages.Txn {
	session := b.req.SessionID
	set := map[string]bool{}
	for _, p := range b.view.EphemeralsOf(session) {
		set[p] = true
	}
	for p, r := range b.core.log.byPath {
		if r.zxid <= b.applied {
			continue
		}
		if r.exists && r.stat.EphemeralOwner == session {
			set[p] = true
		} else {
			delete(set, p)
		}
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	slices.Sort(paths)

	for _, p := range paths {
		parentPath, ok := parentOf(p)
		if !ok {
			continue
		}
		if parent, err := b.node(parentPath); err == nil {
			parent.stat.NumChildren--
			parent.stat.Pzxid = b.zxid
			b.put(parentPath, parent)
		}
		b.put(p, record{exists: false})
	}
	return &messages.Txn{
		Type: int32(wire.OpCloseSession),
		Body: &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{PathsToDelete: paths}},
	}
}
