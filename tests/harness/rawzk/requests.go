package rawzk

import (
	"fmt"

	"github.com/corral-zk/corral/wire"
)

// Request bodies (the record after the RequestHeader), named after the jute
// records in zookeeper.jute. They are plain functions so that tests can build
// malformed or unusual requests by hand as well.

// OpenACL is world:anyone with all permissions (ZooDefs.Ids.OPEN_ACL_UNSAFE).
var OpenACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

// CreateRequest encodes CreateRequest{path,data,acl,flags} (create, create2,
// createContainer).
func CreateRequest(path string, data []byte, acl []wire.ACL, flags int32) []byte {
	var e Encoder
	return e.String(path).Buffer(data).ACLs(acl).Int(flags).Bytes()
}

// CreateTTLRequest encodes CreateTTLRequest{path,data,acl,flags,ttl}.
func CreateTTLRequest(path string, data []byte, acl []wire.ACL, flags int32, ttl int64) []byte {
	var e Encoder
	return e.String(path).Buffer(data).ACLs(acl).Int(flags).Long(ttl).Bytes()
}

// PathVersionRequest encodes DeleteRequest / CheckVersionRequest{path,version}.
func PathVersionRequest(path string, version int32) []byte {
	var e Encoder
	return e.String(path).Int(version).Bytes()
}

// PathWatchRequest encodes Exists/GetData/GetChildren(2)Request{path,watch}.
func PathWatchRequest(path string, watch bool) []byte {
	var e Encoder
	return e.String(path).Bool(watch).Bytes()
}

// PathRequest encodes a record that is a single path (sync, getACL,
// getEphemerals, getAllChildrenNumber).
func PathRequest(path string) []byte {
	var e Encoder
	return e.String(path).Bytes()
}

// SetDataRequest encodes SetDataRequest{path,data,version}.
func SetDataRequest(path string, data []byte, version int32) []byte {
	var e Encoder
	return e.String(path).Buffer(data).Int(version).Bytes()
}

// SetACLRequest encodes SetACLRequest{path,acl,version}.
func SetACLRequest(path string, acl []wire.ACL, version int32) []byte {
	var e Encoder
	return e.String(path).ACLs(acl).Int(version).Bytes()
}

// PathIntRequest encodes {path,int}: AddWatchRequest{path,mode},
// CheckWatches/RemoveWatchesRequest{path,type}.
func PathIntRequest(path string, v int32) []byte {
	var e Encoder
	return e.String(path).Int(v).Bytes()
}

// Op is one operation inside a multi or multiRead request.
type Op struct {
	Type wire.OpCode
	Body []byte
}

// MultiRequest encodes a MultiOperationRecord: each op behind a MultiHeader
// {type,false,-1}, closed by {-1,true,-1}.
func MultiRequest(ops []Op) []byte {
	var e Encoder
	for _, op := range ops {
		e.Int(int32(op.Type)).Bool(false).Int(-1)
		e.b = append(e.b, op.Body...)
	}
	return e.Int(-1).Bool(true).Int(-1).Bytes()
}

// OpResult is one decoded entry of a MultiResponse. Type is the header type
// (OpError for a failed or not-run operation, then Err is set).
type OpResult struct {
	Type     wire.OpCode
	Err      wire.ErrCode
	Path     string
	Stat     *wire.Stat
	Data     []byte
	Children []string
}

// DecodeMultiResponse decodes a MultiResponse body (multi and multiRead).
func DecodeMultiResponse(body []byte) ([]OpResult, error) {
	d := NewDecoder(body)
	var out []OpResult
	for {
		typ, done, herr := wire.OpCode(d.Int()), d.Bool(), d.Int()
		if d.Err() != nil {
			return out, d.Err()
		}
		if done {
			return out, nil
		}
		r := OpResult{Type: typ, Err: wire.ErrCode(herr)}
		switch typ {
		case wire.OpCreate:
			r.Path = d.String()
		case wire.OpCreate2, wire.OpCreateTTL, wire.OpCreateContainer:
			r.Path = d.String()
			st := d.Stat()
			r.Stat = &st
		case wire.OpSetData:
			st := d.Stat()
			r.Stat = &st
		case wire.OpDelete, wire.OpCheck:
		case wire.OpGetData:
			r.Data = d.Buffer()
			st := d.Stat()
			r.Stat = &st
		case wire.OpGetChildren:
			r.Children = d.Strings()
		case wire.OpError:
			r.Err = wire.ErrCode(d.Int())
		default:
			return out, fmt.Errorf("rawzk: unexpected multi result type %d", typ)
		}
		if d.Err() != nil {
			return out, d.Err()
		}
		out = append(out, r)
	}
}

// EventName is Watcher.Event.EventType's name for t.
func EventName(t int32) string {
	switch t {
	case wire.EventNone:
		return "None"
	case wire.EventNodeCreated:
		return "NodeCreated"
	case wire.EventNodeDeleted:
		return "NodeDeleted"
	case wire.EventNodeDataChanged:
		return "NodeDataChanged"
	case wire.EventNodeChildrenChanged:
		return "NodeChildrenChanged"
	case wire.EventDataWatchRemoved:
		return "DataWatchRemoved"
	case wire.EventChildWatchRemoved:
		return "ChildWatchRemoved"
	}
	return fmt.Sprintf("EventType(%d)", t)
}
