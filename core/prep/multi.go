package prep

import (
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// multiOps are the op types MultiOperationRecord carries in a write multi.
var multiOps = map[wire.OpCode]bool{
	wire.OpCreate: true, wire.OpCreate2: true, wire.OpCreateTTL: true, wire.OpCreateContainer: true,
	wire.OpDelete: true, wire.OpSetData: true, wire.OpCheck: true,
}

// multi prepares the ops in order, each seeing the changes of the ones
// before it. If one fails, all the multi's changes are dropped and every
// sub-txn becomes an ErrorTxn: OK before the failed op, its code for it,
// RUNTIMEINCONSISTENCY after it (Apache writes the earlier ops' real txns
// and converts them when applying; the result is the same). The txn stays
// of type multi either way.
//
// A body that is not a multi of write ops (a read op, setACL, a record of
// the wrong type, oversized data) is MARSHALLINGERROR for the whole
// request, as when Apache fails to deserialize it.
func (b *batch) multi() (*messages.Txn, error) {
	req, ok := b.req.Record.(*wire.MultiRequest)
	if !ok || req == nil {
		return nil, wire.ErrMarshallingError
	}
	ops := make([]operation, len(req.Ops))
	for i, op := range req.Ops {
		if !multiOps[op.Type] {
			return nil, wire.ErrMarshallingError
		}
		o, err := decode(op.Type, op.Op, b.core.cfg.maxData())
		if err != nil {
			return nil, err
		}
		ops[i] = o
	}

	txns := make([]*messages.Txn, len(ops))
	failed, code := -1, wire.ErrOK
	for i, o := range ops {
		t, err := b.apply(o)
		if err != nil {
			failed, code = i, codeOf(err)
			break
		}
		txns[i] = t
	}
	if failed >= 0 {
		b.rollback()
		for i := range txns {
			switch {
			case i < failed:
				txns[i] = errorTxn(wire.ErrOK)
			case i == failed:
				txns[i] = errorTxn(code)
			default:
				txns[i] = errorTxn(wire.ErrRuntimeInconsistency)
			}
		}
	}
	return &messages.Txn{
		Type: int32(wire.OpMulti),
		Body: &messages.Txn_Multi{Multi: &messages.MultiTxn{Txns: txns}},
	}, nil
}
