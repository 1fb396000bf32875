package prep

import (
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// deleteParent is getParentPathAndValidate: the parent of a node to delete,
// or BADARGUMENTS for a path without '/', with a NUL, or naming a node that
// may never be deleted ("/", "/zookeeper", its quota and config nodes).
// Delete does not otherwise validate the path: "/a/" is simply NONODE.
func deleteParent(path string) (string, error) {
	parent, ok := parentOf(path)
	if !ok || specialPath(path) {
		return "", wire.ErrBadArguments
	}
	return parent, nil
}

// delete checks, in Apache's order: path, parent existence, DELETE
// permission on the parent, node existence, version, children.
func (b *batch) delete(o operation) (*messages.Txn, error) {
	parentPath, err := deleteParent(o.path)
	if err != nil {
		return nil, err
	}
	parent, err := b.node(parentPath)
	if err != nil {
		return nil, err
	}
	if err := b.allow(parent.acl, wire.PermDelete); err != nil {
		return nil, err
	}
	node, err := b.node(o.path)
	if err != nil {
		return nil, err
	}
	if _, err := checkVersion(node.stat.Version, o.version); err != nil {
		return nil, err
	}
	if node.stat.NumChildren > 0 {
		return nil, wire.ErrNotEmpty
	}
	b.removeChild(parentPath, parent, o.path)
	return deleteTxn(wire.OpDelete, o.path), nil
}

// deleteContainer is the server's own delete of an empty container or
// expired TTL node: no ACL check, NOTEMPTY if a child appeared meanwhile,
// and BADVERSION if the node is a session ephemeral (a plain node passes,
// as in Apache).
func (b *batch) deleteContainer(o operation) (*messages.Txn, error) {
	parentPath, err := deleteParent(o.path)
	if err != nil {
		return nil, err
	}
	node, err := b.node(o.path)
	if err != nil {
		return nil, err
	}
	if node.stat.NumChildren > 0 {
		return nil, wire.ErrNotEmpty
	}
	if kindOf(node.stat.EphemeralOwner, b.core.cfg.ExtendedTypesEnabled) == kindNormal {
		return nil, wire.ErrBadVersion
	}
	parent, err := b.node(parentPath)
	if err != nil {
		return nil, err
	}
	b.removeChild(parentPath, parent, o.path)
	return deleteTxn(wire.OpDeleteContainer, o.path), nil
}

// removeChild records a deleted node and its parent's new child count and
// pzxid (a delete does not bump the parent's cversion, as in the tree).
func (b *batch) removeChild(parentPath string, parent record, path string) {
	parent.stat.NumChildren--
	parent.stat.Pzxid = b.zxid
	b.put(parentPath, parent)
	b.put(path, record{exists: false})
}

func deleteTxn(op wire.OpCode, path string) *messages.Txn {
	return &messages.Txn{
		Type: int32(op),
		Body: &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: path}},
	}
}
