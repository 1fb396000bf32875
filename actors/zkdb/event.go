package zkdb

import (
	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

func newEvent(typ int32, path string, zxid int64) *messages.WatchEvent {
	return &messages.WatchEvent{Type: typ, State: wire.StateSyncConnected, Path: path, Zxid: zxid}
}

// mayNotify is the check Apache's ServerCnxn.process(event, znodeAcl) makes
// before it sends a watch event (the CVE-2024-23944 fix in 3.8.4, 3.9.2 and
// Debian's 3.8.0): zks.checkACL(READ) on the ACL of the node the event is
// about, with the identities the watcher's connection holds now. skipACL
// lets everything through, the super user sees everything, an empty ACL
// grants everything. A one-shot watch is used up either way: the watch
// table removed it before delivery, as Apache's does.
//
// Events fired by setWatches on reconnect are not checked: Apache delivers
// them through process(event), which checks a null ACL, i.e. grants.
func (p ACLPolicy) mayNotify(nodeACL []wire.ACL, ids []wire.Id) bool {
	return p.Skip || acl.Check(nodeACL, wire.PermRead, ids)
}
