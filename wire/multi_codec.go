package wire

// Codecs of MultiOperationRecord (MultiRequest) and MultiResponse. Neither is
// a plain jute record: both are a sequence of MultiHeader-prefixed entries
// ending with MultiHeader{type=-1, done=true, err=-1}, and the header's type
// selects the record that follows. The rules below follow Apache's
// MultiOperationRecord and MultiResponse serialize/deserialize.

// multiDone is the terminator of both sequences.
var multiDone = MultiHeader{Type: OpError, Done: true, Err: ErrSystemError}

// isMultiReadOp reports whether op is one of the read ops allowed in
// multiRead (Op.OpKind.READ); every other allowed op is a write.
func isMultiReadOp(op OpCode) bool { return op == OpGetChildren || op == OpGetData }

// Encode writes each op as MultiHeader{type, done=false, err=-1} followed by
// its request record. Op must hold the pointer type that Decode produces for
// Type (see MultiOp); anything else is a programming error and panics.
func (r *MultiRequest) Encode(e *Encoder) {
	for i := range r.Ops {
		op := &r.Ops[i]
		h := MultiHeader{Type: op.Type, Done: false, Err: ErrSystemError}
		h.Encode(e)
		switch op.Type {
		case OpCreate, OpCreate2, OpCreateContainer:
			op.Op.(*CreateRequest).Encode(e)
		case OpCreateTTL:
			op.Op.(*CreateTTLRequest).Encode(e)
		case OpDelete:
			op.Op.(*DeleteRequest).Encode(e)
		case OpSetData:
			op.Op.(*SetDataRequest).Encode(e)
		case OpCheck:
			op.Op.(*CheckVersionRequest).Encode(e)
		case OpGetChildren, OpGetData:
			op.Op.(*PathWatchRequest).Encode(e)
		default:
			panic("wire: MultiRequest op type " + op.Type.String() + " cannot be encoded")
		}
	}
	multiDone.Encode(e)
}

// Decode reads ops until a header with done=true. As in Apache, an op type
// outside the multi/multiRead set, or mixing read ops (getData, getChildren)
// with write ops, is a decode error; Apache's server answers those with
// MARSHALLINGERROR. Each op costs at least a 9-byte header, so the op list
// is bounded by the input size.
func (r *MultiRequest) Decode(d *Decoder) {
	r.Ops = nil
	var sawRead, sawWrite bool
	for {
		start := d.off
		var h MultiHeader
		h.Decode(d)
		if d.failed || h.Done {
			return
		}
		var op interface{ Decode(*Decoder) }
		switch h.Type {
		case OpCreate, OpCreate2, OpCreateContainer:
			op = &CreateRequest{}
		case OpCreateTTL:
			op = &CreateTTLRequest{}
		case OpDelete:
			op = &DeleteRequest{}
		case OpSetData:
			op = &SetDataRequest{}
		case OpCheck:
			op = &CheckVersionRequest{}
		case OpGetChildren, OpGetData:
			op = &PathWatchRequest{}
		default:
			d.failAt("multi op type", start)
			return
		}
		if isMultiReadOp(h.Type) {
			sawRead = true
		} else {
			sawWrite = true
		}
		if sawRead && sawWrite {
			d.failAt("multi op kind (read and write ops mixed)", start)
			return
		}
		op.Decode(d)
		if d.failed {
			return
		}
		r.Ops = append(r.Ops, MultiOp{Type: h.Type, Op: op})
	}
}

// wireResultType maps a result type to the type Apache puts on the wire:
// OpResult.CreateResult is either create (path only) or create2 (path and
// stat), so createContainer and createTTL results travel as create2. Apache
// clients reject any other type, which is why the encoder normalises here
// rather than trusting every caller to.
func wireResultType(t OpCode) OpCode {
	if t == OpCreateContainer || t == OpCreateTTL {
		return OpCreate2
	}
	return t
}

// Encode writes each result as MultiHeader{type, done=false, err} plus its
// body. Like Apache, err is 0 for a successful op and the error code for an
// error result (type -1, body ErrorResponse); this is also how a multiRead
// reports a failed read. A result type with no body encoding (anything but
// create, create2, createContainer, createTTL, delete, check, setData,
// getData, getChildren and error) is a programming error and panics.
func (r *MultiResponse) Encode(e *Encoder) {
	for i := range r.Results {
		res := &r.Results[i]
		t := wireResultType(res.Type)
		h := MultiHeader{Type: t, Done: false, Err: ErrOK}
		if t == OpError {
			h.Err = res.Err
		}
		h.Encode(e)
		switch t {
		case OpCreate:
			e.String(res.Path)
		case OpCreate2:
			e.String(res.Path)
			e.Stat(&res.Stat)
		case OpDelete, OpCheck:
		case OpSetData:
			e.Stat(&res.Stat)
		case OpGetChildren:
			e.Strings(res.Children)
		case OpGetData:
			e.Buffer(res.Data)
			e.Stat(&res.Stat)
		case OpError:
			e.Int(int32(res.Err))
		default:
			panic("wire: MultiResponse result type " + res.Type.String() + " cannot be encoded")
		}
	}
	multiDone.Encode(e)
}

// Decode reads results until a header with done=true, accepting exactly the
// types Apache's client accepts. For error results Err comes from the
// ErrorResponse body (as in Apache); the header's err is not kept.
func (r *MultiResponse) Decode(d *Decoder) {
	r.Results = nil
	for {
		start := d.off
		var h MultiHeader
		h.Decode(d)
		if d.failed || h.Done {
			return
		}
		res := MultiResult{Type: h.Type}
		switch h.Type {
		case OpCreate:
			res.Path = d.String()
		case OpCreate2:
			res.Path = d.String()
			res.Stat = d.Stat()
		case OpDelete, OpCheck:
		case OpSetData:
			res.Stat = d.Stat()
		case OpGetChildren:
			res.Children = d.Strings()
		case OpGetData:
			res.Data = d.BufferCopy()
			res.Stat = d.Stat()
		case OpError:
			res.Err = ErrCode(d.Int())
		default:
			d.failAt("multi result type", start)
			return
		}
		if d.failed {
			return
		}
		r.Results = append(r.Results, res)
	}
}
