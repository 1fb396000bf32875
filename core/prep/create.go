package prep

import (
	"fmt"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// create is pRequest2TxnCreate. The checks run in Apache's order, because
// the order decides which error a request with several problems gets:
// flags, TTL support, TTL range, parent path shape, ACL list, parent
// existence, CREATE permission on the parent, final path, node existence,
// ephemeral parent.
func (b *batch) create(o operation) (*messages.Txn, error) {
	mode, err := parseMode(o.flags)
	if err != nil {
		return nil, err
	}
	if mode.ttl && !b.core.cfg.ExtendedTypesEnabled {
		return nil, wire.ErrUnimplemented
	}
	if err := validateTTL(mode, o.ttl); err != nil {
		return nil, err
	}
	if o.kind == wire.OpCreateTTL && !mode.ttl {
		// Apache accepts this (ttl -1 with a plain mode) and then fails
		// to apply the txn; refusing it up front is the only sane answer.
		return nil, wire.ErrBadArguments
	}
	parentPath, ok := parentOf(o.path)
	if !ok {
		return nil, wire.ErrBadArguments
	}
	acls, err := b.core.cfg.Auth.ValidateACL(o.acl, b.req.Auth)
	if err != nil {
		return nil, err
	}
	parent, err := b.node(parentPath)
	if err != nil {
		return nil, err
	}
	if err := b.allow(parent.acl, wire.PermCreate); err != nil {
		return nil, err
	}
	path := o.path
	if mode.sequential {
		path += fmt.Sprintf("%010d", parent.stat.Cversion)
	}
	if err := ValidatePath(path); err != nil {
		return nil, err
	}
	if _, err := b.node(path); err == nil {
		return nil, wire.ErrNodeExists
	}
	if kindOf(parent.stat.EphemeralOwner, b.core.cfg.ExtendedTypesEnabled) == kindNormal {
		return nil, wire.ErrNoChildrenForEphemerals
	}

	newCversion := parent.stat.Cversion + 1
	owner := ephemeralOwner(o.kind, mode, o.ttl, b.req.SessionID)
	parent.stat.NumChildren++
	parent.stat.Cversion = newCversion
	parent.stat.Pzxid = b.zxid
	b.put(parentPath, parent)
	b.put(path, record{exists: true, acl: acls, stat: wire.Stat{
		Czxid: b.zxid, Mzxid: b.zxid, Pzxid: b.zxid,
		Ctime: b.req.TimeMillis, Mtime: b.req.TimeMillis,
		EphemeralOwner: owner, DataLength: int32(len(o.data)),
	}})
	return &messages.Txn{
		Type: int32(o.kind),
		Body: &messages.Txn_Create{Create: &messages.CreateTxn{
			Path: path, Data: o.data, Acl: toMessageACL(acls),
			EphemeralOwner: owner, ParentCversion: newCversion,
		}},
	}, nil
}

func toMessageACL(acls []wire.ACL) []*messages.ACL {
	out := make([]*messages.ACL, len(acls))
	for i, a := range acls {
		out[i] = &messages.ACL{Perms: a.Perms, Id: &messages.Id{Scheme: a.ID.Scheme, Id: a.ID.ID}}
	}
	return out
}
