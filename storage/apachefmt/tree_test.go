package apachefmt

import (
	"fmt"
	"path"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// testTree is a minimal data tree for the tests: it loads a snapshot
// through SnapVisitor and replays converted txns with the semantics of
// Apache's DataTree.processTxn, so the result can be compared with what a
// live Apache server reports.
type testTree struct {
	nodes    map[string]*testNode
	sessions map[int64]int32
	tail     SnapTail
}

type testNode struct {
	data     []byte
	stat     wire.Stat
	acl      []wire.ACL
	children map[string]bool
}

func newTestTree() *testTree {
	return &testTree{nodes: map[string]*testNode{}, sessions: map[int64]int32{}}
}

func (t *testTree) Session(id int64, timeout int32) error {
	t.sessions[id] = timeout
	return nil
}

func (t *testTree) Node(p string, data []byte, stat wire.Stat, acl []wire.ACL) error {
	if p != "/" {
		parent, ok := t.nodes[path.Dir(p)]
		if !ok {
			return fmt.Errorf("node %s before its parent", p)
		}
		parent.children[path.Base(p)] = true
	}
	t.nodes[p] = &testNode{data: data, stat: stat, acl: acl, children: map[string]bool{}}
	return nil
}

func (t *testTree) Tail(tail SnapTail) error {
	t.tail = tail
	return nil
}

func fromACLs(in []*messages.ACL) []wire.ACL {
	out := make([]wire.ACL, len(in))
	for i, a := range in {
		out[i] = wire.ACL{Perms: a.Perms, ID: wire.Id{Scheme: a.Id.Scheme, ID: a.Id.Id}}
	}
	return out
}

// apply replays one txn. Like Apache it tolerates what a fuzzy snapshot
// already contains (creating an existing node, deleting a missing one).
func (t *testTree) apply(txn *messages.Txn) {
	switch b := txn.Body.(type) {
	case *messages.Txn_Create:
		t.create(b.Create, txn.Zxid, txn.Time)
	case *messages.Txn_Delete:
		t.delete(b.Delete.Path, txn.Zxid)
	case *messages.Txn_SetData:
		if n, ok := t.nodes[b.SetData.Path]; ok {
			n.data = b.SetData.Data
			n.stat.Version = b.SetData.Version
			n.stat.Mzxid, n.stat.Mtime = txn.Zxid, txn.Time
			n.stat.DataLength = int32(len(n.data))
		}
	case *messages.Txn_SetAcl:
		if n, ok := t.nodes[b.SetAcl.Path]; ok {
			n.acl = fromACLs(b.SetAcl.Acl)
			n.stat.Aversion = b.SetAcl.Version
		}
	case *messages.Txn_CreateSession:
		t.sessions[txn.SessionId] = b.CreateSession.Timeout
	case *messages.Txn_CloseSession:
		for _, p := range b.CloseSession.PathsToDelete {
			t.delete(p, txn.Zxid)
		}
		delete(t.sessions, txn.SessionId)
	case *messages.Txn_Multi:
		for _, sub := range b.Multi.Txns {
			if _, failed := sub.Body.(*messages.Txn_Error); failed {
				return // a failed multi changes nothing
			}
		}
		for _, sub := range b.Multi.Txns {
			t.apply(sub)
		}
	}
}

func (t *testTree) create(c *messages.CreateTxn, zxid, time int64) {
	parent, ok := t.nodes[path.Dir(c.Path)]
	if !ok {
		return
	}
	cv := c.ParentCversion
	if cv == -1 {
		cv = parent.stat.Cversion + 1
	}
	if cv > parent.stat.Cversion {
		parent.stat.Cversion = cv
		parent.stat.Pzxid = zxid
	}
	if _, exists := t.nodes[c.Path]; exists {
		return
	}
	parent.children[path.Base(c.Path)] = true
	t.nodes[c.Path] = &testNode{
		data: c.Data, acl: fromACLs(c.Acl), children: map[string]bool{},
		stat: wire.Stat{Czxid: zxid, Mzxid: zxid, Pzxid: zxid, Ctime: time, Mtime: time,
			EphemeralOwner: c.EphemeralOwner, DataLength: int32(len(c.Data))},
	}
}

func (t *testTree) delete(p string, zxid int64) {
	if parent, ok := t.nodes[path.Dir(p)]; ok {
		delete(parent.children, path.Base(p))
		if zxid > parent.stat.Pzxid {
			parent.stat.Pzxid = zxid
		}
	}
	delete(t.nodes, p)
}

// state is the tree as a client sees it (DataNode.copyStat): NumChildren
// filled in, ephemeralOwner 0 for containers and TTL nodes, and cversion
// translated from the stored count of creates to "creates plus deletes"
// (2*cversion - numChildren), since DataTree never bumps it on delete.
func (t *testTree) state() map[string]nodeState {
	out := make(map[string]nodeState, len(t.nodes))
	for p, n := range t.nodes {
		st := n.stat
		st.NumChildren = int32(len(n.children))
		st.DataLength = int32(len(n.data))
		st.Cversion = 2*st.Cversion - st.NumChildren
		if st.EphemeralOwner == wire.ContainerEphemeralOwner || st.EphemeralOwner&wire.TTLOwnerMask == wire.TTLOwnerMask {
			st.EphemeralOwner = 0
		}
		out[p] = nodeState{Data: string(n.data), Stat: st, ACL: fmt.Sprint(n.acl)}
	}
	return out
}

type nodeState struct {
	Data string
	Stat wire.Stat
	ACL  string
}
