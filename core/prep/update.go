package prep

import (
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// setData checks path, existence, WRITE permission and version, and
// records the new version, mtime, mzxid and data length.
func (b *batch) setData(o operation) (*messages.Txn, error) {
	if err := ValidatePath(o.path); err != nil {
		return nil, err
	}
	node, err := b.node(o.path)
	if err != nil {
		return nil, err
	}
	if err := b.allow(node.acl, wire.PermWrite); err != nil {
		return nil, err
	}
	version, err := checkVersion(node.stat.Version, o.version)
	if err != nil {
		return nil, err
	}
	node.stat.Version = version
	node.stat.Mtime = b.req.TimeMillis
	node.stat.Mzxid = b.zxid
	node.stat.DataLength = int32(len(o.data))
	b.put(o.path, node)
	return &messages.Txn{
		Type: int32(wire.OpSetData),
		Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: o.path, Data: o.data, Version: version}},
	}, nil
}

// setACL checks path, then the new ACL list (INVALIDACL comes before
// NONODE, as in Apache), existence, ADMIN permission and the aversion.
// The record keeps the new ACL so later requests in flight are checked
// against it (Apache's record keeps the old one until the txn is applied,
// a timing-dependent window this core closes).
func (b *batch) setACL(o operation) (*messages.Txn, error) {
	if err := ValidatePath(o.path); err != nil {
		return nil, err
	}
	acls, err := b.core.cfg.Auth.ValidateACL(o.acl, b.req.Auth)
	if err != nil {
		return nil, err
	}
	node, err := b.node(o.path)
	if err != nil {
		return nil, err
	}
	if err := b.allow(node.acl, wire.PermAdmin); err != nil {
		return nil, err
	}
	aversion, err := checkVersion(node.stat.Aversion, o.version)
	if err != nil {
		return nil, err
	}
	node.stat.Aversion = aversion
	node.acl = acls
	b.put(o.path, node)
	return &messages.Txn{
		Type: int32(wire.OpSetACL),
		Body: &messages.Txn_SetAcl{SetAcl: &messages.SetACLTxn{Path: o.path, Acl: toMessageACL(acls), Version: aversion}},
	}, nil
}

// check (a version assertion, mostly inside a multi) needs READ permission
// and changes nothing. Like Apache, the txn carries the node's version + 1
// (checkAndIncVersion's result), not the version asserted.
func (b *batch) check(o operation) (*messages.Txn, error) {
	if err := ValidatePath(o.path); err != nil {
		return nil, err
	}
	node, err := b.node(o.path)
	if err != nil {
		return nil, err
	}
	if err := b.allow(node.acl, wire.PermRead); err != nil {
		return nil, err
	}
	version, err := checkVersion(node.stat.Version, o.version)
	if err != nil {
		return nil, err
	}
	return &messages.Txn{
		Type: int32(wire.OpCheck),
		Body: &messages.Txn_Check{Check: &messages.CheckVersionTxn{Path: o.path, Version: version}},
	}, nil
}
