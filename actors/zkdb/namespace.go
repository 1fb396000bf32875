package zkdb

import (
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// NamespaceStats receives Apache's per-namespace byte counts
// (DataTree.updateReadStat and updateWriteStat, mntr's read_per_namespace
// and write_per_namespace). Both are called on the request path: they must
// be cheap and safe for concurrent use.
type NamespaceStats interface {
	// Read is a successful exists (bytes 0), getData (the data's length)
	// or getChildren (the children names' total length) of path.
	Read(path string, bytes int64)
	// Write is a node created or changed with bytes of data, or deleted
	// (bytes 0).
	Write(path string, bytes int64)
}

// SetNamespaceStats installs the per-namespace hook; call it before the
// database is shared (nil: none).
func (db *DB) SetNamespaceStats(ns NamespaceStats) { db.ns = ns }

// countRead reports a successful read.
func (db *DB) countRead(path string, bytes int64) {
	if db.ns != nil {
		db.ns.Read(path, bytes)
	}
}

// countWrite reports what an applied txn changed, as Apache's createNode,
// setData and deleteNode do: only changes that took place (a create of an
// existing node, replayed, changes nothing).
func (db *DB) countWrite(txn *messages.Txn, res *datatree.Result) {
	if db.ns == nil || res.Err != wire.ErrOK && len(res.Multi) == 0 {
		return
	}
	switch b := txn.GetBody().(type) {
	case *messages.Txn_Create:
		db.ns.Write(b.Create.GetPath(), int64(len(b.Create.GetData())))
	case *messages.Txn_SetData:
		db.ns.Write(b.SetData.GetPath(), int64(len(b.SetData.GetData())))
	case *messages.Txn_Delete:
		db.ns.Write(b.Delete.GetPath(), 0)
	case *messages.Txn_CloseSession:
		for _, p := range b.CloseSession.GetPathsToDelete() {
			db.ns.Write(p, 0)
		}
	case *messages.Txn_Multi:
		for i, sub := range b.Multi.GetTxns() {
			if i < len(res.Multi) {
				db.countWrite(sub, &res.Multi[i])
			}
		}
	}
}
