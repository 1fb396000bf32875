package prep

import (
	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/wire"
)

// NodeInfo is what the prep stage needs to know about an applied node: its
// Stat (including NumChildren, for NOTEMPTY and the parent's child count)
// and its ACL (for permission checks).
type NodeInfo struct {
	Stat wire.Stat
	ACL  []wire.ACL
}

// View is the read-only window on the applied data tree (implemented by
// core/datatree.Tree). LastApplied tells which change records the tree
// already reflects.
type View interface {
	Lookup(path string) (NodeInfo, bool)
	EphemeralsOf(session int64) []string
	LastApplied() int64
}

// Config holds the server settings that change what prep decides.
type Config struct {
	// ExtendedTypesEnabled is zookeeper.extendedTypesEnabled: without it TTL
	// creates fail with UNIMPLEMENTED.
	ExtendedTypesEnabled bool
	// SkipACL is zookeeper.skipACL=yes: every permission check passes (ACL
	// lists are still validated: INVALIDACL stays).
	SkipACL bool
	// Auth is the authentication configuration: with the digest provider
	// disabled, a digest ACL entry is INVALIDACL as in Apache.
	Auth acl.Config
	// MaxDataLen is jute.maxbuffer (0 means wire.DefaultMaxBuffer). Node
	// data longer than jute's read limit (maxbuffer + 1024) cannot have been
	// decoded by Apache and is answered with MARSHALLINGERROR.
	MaxDataLen int
	// ReconfigEnabled is reconfigEnabled: reconfig requests fail with
	// RECONFIGDISABLED without it, and with UNIMPLEMENTED with it (this core
	// prepares no reconfig, like Apache in standalone mode).
	ReconfigEnabled bool
}

// Request is one write as the prep stage receives it.
type Request struct {
	SessionID int64
	Cxid      int32
	Type      wire.OpCode
	// Record is the decoded request body: *wire.CreateRequest (create,
	// create2, createContainer), *wire.CreateTTLRequest, *wire.DeleteRequest,
	// *wire.PathRequest (deleteContainer), *wire.SetDataRequest,
	// *wire.SetACLRequest, *wire.CheckVersionRequest, *wire.MultiRequest;
	// nil for createSession and closeSession. A record of the wrong type is
	// answered with MARSHALLINGERROR, as Apache answers an undecodable body.
	Record any
	// Auth is the connection's identities when the request arrived, in the
	// connection's order (acl.Identities): ip:<client address> plus what
	// auth packets added (digest ids, and "super" for the super user). The
	// order matters: an "auth" ACL entry expands to these ids in order.
	Auth []wire.Id
	// TimeMillis is the wall clock chosen for the txn (Stat ctime/mtime).
	TimeMillis int64
	// SessionTimeout is the negotiated timeout, for createSession.
	SessionTimeout int32
	// Owner is the id of the server whose client sent the request, for
	// the SESSIONMOVED check of an ensemble's leader; 0 (standalone) is
	// not checked.
	Owner int64
}
