package apachefmt

import (
	"encoding/binary"

	"github.com/corral-zk/corral/wire"
)

// jw writes jute the way Apache's BinaryOutputArchive does, so the tests
// can build files byte by byte from the layouts the readers document.
type jw struct{ b []byte }

func (w *jw) i32(v int32) *jw { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)); return w }
func (w *jw) i64(v int64) *jw { w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)); return w }

func (w *jw) boolean(v bool) *jw {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
	return w
}

func (w *jw) buf(v []byte) *jw {
	if v == nil {
		return w.i32(-1)
	}
	w.i32(int32(len(v)))
	w.b = append(w.b, v...)
	return w
}

func (w *jw) str(s string) *jw { return w.buf([]byte(s)) }

func (w *jw) acls(list []wire.ACL) *jw {
	w.i32(int32(len(list)))
	for _, a := range list {
		w.i32(a.Perms).str(a.ID.Scheme).str(a.ID.ID)
	}
	return w
}

func (w *jw) raw(b []byte) *jw { w.b = append(w.b, b...); return w }

// seal appends SnapStream.sealStream: the Adler-32 of everything so far
// and the string "/".
func (w *jw) seal() *jw { return w.i64(int64(adler32(w.b))).str("/") }

func txnHeader(w *jw, client int64, cxid int32, zxid, time int64, typ wire.OpCode) *jw {
	return w.i64(client).i32(cxid).i64(zxid).i64(time).i32(int32(typ))
}

// logEntry frames a TxnHeader+txn payload as FileTxnLog.append does.
func logEntry(payload []byte) []byte {
	w := &jw{}
	w.i64(int64(adler32(payload))).buf(payload)
	return append(w.b, endOfRecord)
}

var worldAll = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
