package apachefmt

import (
	"errors"
	"fmt"
	"io"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// TxnHeader is Apache's jute TxnHeader, the first record of every log
// entry.
type TxnHeader struct {
	ClientID int64 // session id
	Cxid     int32
	Zxid     int64
	Time     int64 // wall clock millis
	Type     wire.OpCode
}

// decodeTxn converts one log entry (TxnHeader + txn record [+ TxnDigest])
// to a messages.Txn, following SerializeUtils.deserializeTxn: the header
// type picks the record; an old-format CreateTxn (no parentCVersion) gets
// parentCVersion -1 and a closeSession written before 3.6 (no body) gets
// an empty path list. A trailing TxnDigest is ignored.
func decodeTxn(b []byte) (TxnHeader, *messages.Txn, error) {
	r := &juteReader{b: b}
	hdr := TxnHeader{ClientID: r.int64(), Cxid: r.int32(), Zxid: r.int64(), Time: r.int64(), Type: wire.OpCode(r.int32())}
	if r.err != nil {
		return hdr, nil, fmt.Errorf("txn header: %w", r.err)
	}
	txn := &messages.Txn{SessionId: hdr.ClientID, Cxid: hdr.Cxid, Zxid: hdr.Zxid, Time: hdr.Time, Type: int32(hdr.Type)}
	if err := decodeBody(txn, r, true); err != nil {
		return hdr, nil, fmt.Errorf("%v txn zxid %#x: %w", hdr.Type, hdr.Zxid, err)
	}
	return hdr, txn, nil
}

// decodeBody reads the record for txn.Type from r into txn.Body. top is
// false inside a multi, where Apache's DataTree accepts a narrower set of
// types (and "check" only there).
func decodeBody(txn *messages.Txn, r *juteReader, top bool) error {
	start := r.off
	switch op := wire.OpCode(txn.Type); op {
	case wire.OpCreate, wire.OpCreate2:
		c := &messages.CreateTxn{Path: r.ustring(), Data: r.buffer(), Acl: toACLs(r.acls())}
		ephemeral := r.bool()
		c.ParentCversion = r.int32()
		if top && op == wire.OpCreate && errors.Is(r.err, io.ErrUnexpectedEOF) {
			// CreateTxnV0 (before ZOOKEEPER-1046): no parentCVersion; -1
			// tells the applier to bump the parent's cversion itself.
			r.off, r.err = start, nil
			c = &messages.CreateTxn{Path: r.ustring(), Data: r.buffer(), Acl: toACLs(r.acls())}
			ephemeral = r.bool()
			c.ParentCversion = -1
		}
		if ephemeral {
			c.EphemeralOwner = txn.SessionId
		}
		txn.Body = &messages.Txn_Create{Create: c}
	case wire.OpCreateTTL:
		c := &messages.CreateTxn{Path: r.ustring(), Data: r.buffer(), Acl: toACLs(r.acls()), ParentCversion: r.int32()}
		ttl := r.int64()
		// EphemeralType.TTL.toEphemeralOwner: 0xFF in the top byte, the
		// ttl in the low 40 bits.
		c.EphemeralOwner = wire.TTLOwnerMask | (ttl & wire.MaxTTL)
		txn.Body = &messages.Txn_Create{Create: c}
	case wire.OpCreateContainer:
		c := &messages.CreateTxn{Path: r.ustring(), Data: r.buffer(), Acl: toACLs(r.acls()), ParentCversion: r.int32(),
			EphemeralOwner: wire.ContainerEphemeralOwner}
		txn.Body = &messages.Txn_Create{Create: c}
	case wire.OpDelete, wire.OpDeleteContainer:
		txn.Body = &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: r.ustring()}}
	case wire.OpSetData, wire.OpReconfig:
		if op == wire.OpReconfig && !top {
			return fmt.Errorf("reconfig inside a multi")
		}
		txn.Body = &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: r.ustring(), Data: r.buffer(), Version: r.int32()}}
	case wire.OpCheck:
		if top {
			return fmt.Errorf("check outside a multi")
		}
		txn.Body = &messages.Txn_Check{Check: &messages.CheckVersionTxn{Path: r.ustring(), Version: r.int32()}}
	case wire.OpError:
		txn.Body = &messages.Txn_Error{Error: &messages.ErrorTxn{Err: r.int32()}}
	case wire.OpSetACL, wire.OpCreateSession, wire.OpCloseSession, wire.OpMulti:
		if !top {
			return fmt.Errorf("%v inside a multi", op)
		}
		return decodeTopOnly(txn, r)
	default:
		return fmt.Errorf("unsupported txn type %d", int32(op))
	}
	return r.err
}

func decodeTopOnly(txn *messages.Txn, r *juteReader) error {
	switch wire.OpCode(txn.Type) {
	case wire.OpSetACL:
		txn.Body = &messages.Txn_SetAcl{SetAcl: &messages.SetACLTxn{Path: r.ustring(), Acl: toACLs(r.acls()), Version: r.int32()}}
	case wire.OpCreateSession:
		txn.Body = &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: r.int32()}}
	case wire.OpCloseSession:
		c := &messages.CloseSessionTxn{}
		if r.off < len(r.b) { // closeSession had no body before 3.6
			c.PathsToDelete = r.strings()
		}
		txn.Body = &messages.Txn_CloseSession{CloseSession: c}
	case wire.OpMulti:
		n := r.length()
		m := &messages.MultiTxn{}
		for range max(n, 0) {
			sub := &messages.Txn{SessionId: txn.SessionId, Cxid: txn.Cxid, Zxid: txn.Zxid, Time: txn.Time, Type: r.int32()}
			data := r.buffer()
			if r.err != nil {
				break
			}
			// Each sub-record is serialized into its own buffer
			// (ByteBufferInputStream.byteBuffer2Record).
			if err := decodeBody(sub, &juteReader{b: data}, false); err != nil {
				return fmt.Errorf("multi op %d (%v): %w", len(m.Txns), wire.OpCode(sub.Type), err)
			}
			m.Txns = append(m.Txns, sub)
		}
		normalizeFailedMulti(m)
		txn.Body = &messages.Txn_Multi{Multi: m}
	}
	return r.err
}

// normalizeFailedMulti brings a failed multi into the form Corral's
// messages.MultiTxn promises. Apache's PrepRequestProcessor logs the ops
// before the failing one as the real txns they would have been, the failing
// one as ErrorTxn(code) and the rest as ErrorTxn(RUNTIMEINCONSISTENCY);
// DataTree.processTxn rewrites the real ones into ErrorTxn(OK) (or
// RUNTIMEINCONSISTENCY after an error) when it applies the multi. Doing
// that here means no consumer can apply half of a failed multi.
func normalizeFailedMulti(m *messages.MultiTxn) {
	failed := false
	for _, sub := range m.Txns {
		if _, ok := sub.Body.(*messages.Txn_Error); ok {
			failed = true
			break
		}
	}
	if !failed {
		return
	}
	postFailed := false
	for _, sub := range m.Txns {
		if _, ok := sub.Body.(*messages.Txn_Error); ok {
			postFailed = true
			continue
		}
		code := wire.ErrOK
		if postFailed {
			code = wire.ErrRuntimeInconsistency
		}
		sub.Type = int32(wire.OpError)
		sub.Body = &messages.Txn_Error{Error: &messages.ErrorTxn{Err: int32(code)}}
	}
}

func toACLs(in []wire.ACL) []*messages.ACL {
	if in == nil {
		return nil
	}
	out := make([]*messages.ACL, len(in))
	for i, a := range in {
		out[i] = &messages.ACL{Perms: a.Perms, Id: &messages.Id{Scheme: a.ID.Scheme, Id: a.ID.ID}}
	}
	return out
}
