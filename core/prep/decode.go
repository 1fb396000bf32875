package prep

import "github.com/corral-zk/corral/wire"

// juteExtraMaxBuffer is the slack BinaryInputArchive allows over
// jute.maxbuffer for one buffer field before it refuses to read it.
const juteExtraMaxBuffer = 1024

// operation is the request of one write op, whatever record carried it.
type operation struct {
	kind    wire.OpCode
	path    string
	data    []byte
	acl     []wire.ACL
	flags   int32
	ttl     int64
	version int32
}

// decode checks that rec is the record kind expects and that its data could
// have been read by jute; otherwise it is MARSHALLINGERROR, which is what
// Apache answers for a request body it cannot deserialize.
func decode(kind wire.OpCode, rec any, maxData int) (operation, error) {
	o := operation{kind: kind, ttl: -1}
	ok := false
	switch kind {
	case wire.OpCreate, wire.OpCreate2, wire.OpCreateContainer:
		if r, is := rec.(*wire.CreateRequest); is && r != nil {
			o.path, o.data, o.acl, o.flags, ok = r.Path, r.Data, r.ACL, r.Flags, true
		}
	case wire.OpCreateTTL:
		if r, is := rec.(*wire.CreateTTLRequest); is && r != nil {
			o.path, o.data, o.acl, o.flags, o.ttl, ok = r.Path, r.Data, r.ACL, r.Flags, r.TTL, true
		}
	case wire.OpDelete:
		if r, is := rec.(*wire.DeleteRequest); is && r != nil {
			o.path, o.version, ok = r.Path, r.Version, true
		}
	case wire.OpDeleteContainer:
		if r, is := rec.(*wire.PathRequest); is && r != nil {
			o.path, ok = r.Path, true
		}
	case wire.OpSetData:
		if r, is := rec.(*wire.SetDataRequest); is && r != nil {
			o.path, o.data, o.version, ok = r.Path, r.Data, r.Version, true
		}
	case wire.OpSetACL:
		if r, is := rec.(*wire.SetACLRequest); is && r != nil {
			o.path, o.acl, o.version, ok = r.Path, r.ACL, r.Version, true
		}
	case wire.OpCheck:
		if r, is := rec.(*wire.CheckVersionRequest); is && r != nil {
			o.path, o.version, ok = r.Path, r.Version, true
		}
	}
	if !ok || len(o.data) > maxData+juteExtraMaxBuffer {
		return operation{}, wire.ErrMarshallingError
	}
	return o, nil
}
