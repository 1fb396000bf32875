package prep

import (
	"sort"
	"strings"
	"testing"

	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// fakeTree is a View over a map, with just enough of a data tree's apply
// to move LastApplied forward in tests of stale change records.
type fakeTree struct {
	nodes   map[string]NodeInfo
	applied int64
}

var (
	openACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	bobID   = wire.Id{Scheme: "digest", ID: acl.DigestID("bob", "pw")}
	bobACL  = []wire.ACL{{Perms: wire.PermAll, ID: bobID}}
	aliceID = wire.Id{Scheme: "digest", ID: acl.DigestID("alice", "pw")}
	localIP = wire.Id{Scheme: "ip", ID: "127.0.0.1"}
)

const sess int64 = 0x100

// newTree holds "/", "/zookeeper" (+quota, config) and the given nodes
// (persistent, open ACL unless set).
func newTree(nodes map[string]NodeInfo) *fakeTree {
	t := &fakeTree{nodes: map[string]NodeInfo{}}
	for _, p := range []string{"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"} {
		t.nodes[p] = NodeInfo{ACL: openACL}
	}
	for p, n := range nodes {
		if n.ACL == nil {
			n.ACL = openACL
		}
		t.nodes[p] = n
	}
	t.recount()
	return t
}

// recount derives NumChildren from the paths present.
func (t *fakeTree) recount() {
	for p, n := range t.nodes {
		n.Stat.NumChildren = 0
		t.nodes[p] = n
	}
	for p := range t.nodes {
		if p == "/" {
			continue
		}
		parent, _ := parentOf(p)
		if n, ok := t.nodes[parent]; ok {
			n.Stat.NumChildren++
			t.nodes[parent] = n
		}
	}
}

func (t *fakeTree) Lookup(path string) (NodeInfo, bool) {
	n, ok := t.nodes[path]
	return n, ok
}

func (t *fakeTree) EphemeralsOf(session int64) []string {
	var out []string
	for p, n := range t.nodes {
		if n.Stat.EphemeralOwner == session {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func (t *fakeTree) LastApplied() int64 { return t.applied }

// apply applies creates, deletes, setData and closeSession (and multis of
// them) the way the data tree would.
func (t *fakeTree) apply(tx *messages.Txn) {
	switch b := tx.Body.(type) {
	case *messages.Txn_Create:
		c := b.Create
		parent, _ := parentOf(c.Path)
		pn := t.nodes[parent]
		pn.Stat.Cversion = c.ParentCversion
		pn.Stat.Pzxid = tx.Zxid
		t.nodes[parent] = pn
		t.nodes[c.Path] = NodeInfo{ACL: openACL, Stat: wire.Stat{Czxid: tx.Zxid, Mzxid: tx.Zxid, EphemeralOwner: c.EphemeralOwner}}
	case *messages.Txn_Delete:
		delete(t.nodes, b.Delete.Path)
	case *messages.Txn_SetData:
		n := t.nodes[b.SetData.Path]
		n.Stat.Version = b.SetData.Version
		t.nodes[b.SetData.Path] = n
	case *messages.Txn_CloseSession:
		for _, p := range b.CloseSession.PathsToDelete {
			delete(t.nodes, p)
		}
	case *messages.Txn_Multi:
		for _, sub := range b.Multi.Txns {
			t.apply(sub)
		}
	}
	t.recount()
	t.applied = tx.Zxid
}

func createReq(path string, flags int32) Request {
	return Request{SessionID: sess, Cxid: 1, Type: wire.OpCreate, Auth: []wire.Id{localIP}, TimeMillis: 1000,
		Record: &wire.CreateRequest{Path: path, Data: []byte("d"), ACL: openACL, Flags: flags}}
}

func deleteReq(path string, version int32) Request {
	return Request{SessionID: sess, Type: wire.OpDelete, Auth: []wire.Id{localIP},
		Record: &wire.DeleteRequest{Path: path, Version: version}}
}

func setDataReq(path string, version int32) Request {
	return Request{SessionID: sess, Type: wire.OpSetData, Auth: []wire.Id{localIP}, TimeMillis: 2000,
		Record: &wire.SetDataRequest{Path: path, Data: []byte("new"), Version: version}}
}

// errOf is the error code of a txn: 0 for a real txn.
func errOf(tx *messages.Txn) wire.ErrCode {
	if tx.Type == int32(wire.OpError) {
		return wire.ErrCode(tx.GetError().GetErr())
	}
	return wire.ErrOK
}

// mustOK fails unless tx is a real (non-error) txn.
func mustOK(t *testing.T, tx *messages.Txn) *messages.Txn {
	t.Helper()
	require.Equal(t, wire.ErrOK, errOf(tx), "txn %v", tx)
	return tx
}

// multiCodes lists the per-op error codes of a multi txn (0 for real
// sub-txns), or the op types joined when none failed.
func multiCodes(tx *messages.Txn) []wire.ErrCode {
	var out []wire.ErrCode
	for _, sub := range tx.GetMulti().GetTxns() {
		out = append(out, errOf(sub))
	}
	return out
}

func multiTypes(tx *messages.Txn) string {
	var out []string
	for _, sub := range tx.GetMulti().GetTxns() {
		out = append(out, wire.OpCode(sub.Type).String())
	}
	return strings.Join(out, ",")
}
