package differential

import (
	"fmt"

	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/tests/harness/transcript"
	"github.com/corral-zk/corral/wire"
)

// Typed shorthands over raw.call, one per request record.

func (x *raw) create(path, data string, flags int32) {
	x.call(wire.OpCreate, fmt.Sprintf("%q %q flags=%d", path, data, flags),
		rawzk.CreateRequest(path, []byte(data), rawzk.OpenACL, flags), decPath)
}

func (x *raw) create2(path, data string, flags int32) {
	x.call(wire.OpCreate2, fmt.Sprintf("%q %q flags=%d", path, data, flags),
		rawzk.CreateRequest(path, []byte(data), rawzk.OpenACL, flags), x.r.decPathStat)
}

func (x *raw) createWithACL(path string, acl []wire.ACL) {
	x.call(wire.OpCreate, fmt.Sprintf("%q acl=%s", path, transcript.ACL(acl)), rawzk.CreateRequest(path, nil, acl, 0), decPath)
}

func (x *raw) createContainer(path string, flags int32) {
	x.call(wire.OpCreateContainer, fmt.Sprintf("%q flags=%d", path, flags),
		rawzk.CreateRequest(path, nil, rawzk.OpenACL, flags), x.r.decPathStat)
}

func (x *raw) createTTL(path string, flags int32, ttl int64) {
	x.call(wire.OpCreateTTL, fmt.Sprintf("%q flags=%d ttl=%d", path, flags, ttl),
		rawzk.CreateTTLRequest(path, nil, rawzk.OpenACL, flags, ttl), x.r.decPathStat)
}

func (x *raw) del(path string, version int32) {
	x.call(wire.OpDelete, fmt.Sprintf("%q version=%d", path, version), rawzk.PathVersionRequest(path, version), decNothing)
}

func (x *raw) exists(path string, watch bool) {
	x.call(wire.OpExists, fmt.Sprintf("%q watch=%v", path, watch), rawzk.PathWatchRequest(path, watch), x.r.decStat)
}

func (x *raw) getData(path string, watch bool) {
	x.call(wire.OpGetData, fmt.Sprintf("%q watch=%v", path, watch), rawzk.PathWatchRequest(path, watch), x.r.decData)
}

func (x *raw) setData(path, data string, version int32) {
	x.call(wire.OpSetData, fmt.Sprintf("%q %q version=%d", path, data, version),
		rawzk.SetDataRequest(path, []byte(data), version), x.r.decStat)
}

func (x *raw) children(path string, watch bool) {
	x.call(wire.OpGetChildren, fmt.Sprintf("%q watch=%v", path, watch), rawzk.PathWatchRequest(path, watch), decChildren)
}

func (x *raw) children2(path string, watch bool) {
	x.call(wire.OpGetChildren2, fmt.Sprintf("%q watch=%v", path, watch), rawzk.PathWatchRequest(path, watch), x.r.decChildren2)
}

func (x *raw) getACL(path string) {
	x.call(wire.OpGetACL, fmt.Sprintf("%q", path), rawzk.PathRequest(path), x.r.decACL)
}

func (x *raw) setACL(path string, acl []wire.ACL, version int32) {
	x.call(wire.OpSetACL, fmt.Sprintf("%q acl=%s version=%d", path, transcript.ACL(acl), version),
		rawzk.SetACLRequest(path, acl, version), x.r.decStat)
}

func (x *raw) sync(path string) {
	x.call(wire.OpSync, fmt.Sprintf("%q", path), rawzk.PathRequest(path), decPath)
}

func (x *raw) multi(desc string, ops ...rawzk.Op) {
	x.call(wire.OpMulti, desc, rawzk.MultiRequest(ops), x.r.decMulti)
}

func (x *raw) multiRead(desc string, ops ...rawzk.Op) {
	x.call(wire.OpMultiRead, desc, rawzk.MultiRequest(ops), x.r.decMulti)
}

func (x *raw) getEphemerals(prefix string) {
	x.call(wire.OpGetEphemerals, fmt.Sprintf("%q", prefix), rawzk.PathRequest(prefix), decChildren)
}

func (x *raw) getAllChildrenNumber(path string) {
	x.call(wire.OpGetAllChildrenNumber, fmt.Sprintf("%q", path), rawzk.PathRequest(path), decCount)
}

func (x *raw) whoAmI() {
	x.call(wire.OpWhoAmI, "", nil, decWhoAmI)
}

func (x *raw) addWatch(path string, mode int32) {
	x.call(wire.OpAddWatch, fmt.Sprintf("%q mode=%d", path, mode), rawzk.PathIntRequest(path, mode), decErrorResponse)
}

// barrier is a read whose only purpose is its position: every notification
// caused by an earlier write of any session reaches this connection before
// the reply, and the recorded events-before show them in wire order.
func (x *raw) barrier(label string) {
	x.call(wire.OpExists, fmt.Sprintf("%q (barrier: %s)", "/", label), rawzk.PathWatchRequest("/", false), func(d *rawzk.Decoder) string {
		d.Rest() // the root's Stat changes with every write; only the events matter
		return ""
	})
}

// multi op builders.
func opCreate(path, data string, flags int32) rawzk.Op {
	return rawzk.Op{Type: wire.OpCreate, Body: rawzk.CreateRequest(path, []byte(data), rawzk.OpenACL, flags)}
}
func opCreate2(path string) rawzk.Op {
	return rawzk.Op{Type: wire.OpCreate2, Body: rawzk.CreateRequest(path, nil, rawzk.OpenACL, 0)}
}
func opDelete(path string, version int32) rawzk.Op {
	return rawzk.Op{Type: wire.OpDelete, Body: rawzk.PathVersionRequest(path, version)}
}
func opSetData(path, data string, version int32) rawzk.Op {
	return rawzk.Op{Type: wire.OpSetData, Body: rawzk.SetDataRequest(path, []byte(data), version)}
}
func opCheck(path string, version int32) rawzk.Op {
	return rawzk.Op{Type: wire.OpCheck, Body: rawzk.PathVersionRequest(path, version)}
}
func opGetData(path string) rawzk.Op {
	return rawzk.Op{Type: wire.OpGetData, Body: rawzk.PathWatchRequest(path, false)}
}
func opGetChildren(path string) rawzk.Op {
	return rawzk.Op{Type: wire.OpGetChildren, Body: rawzk.PathWatchRequest(path, false)}
}
