package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func multiReq(ops ...wire.MultiOp) Request {
	return Request{SessionID: sess, Cxid: 7, Type: wire.OpMulti, Auth: []wire.Id{localIP}, TimeMillis: 3000,
		Record: &wire.MultiRequest{Ops: ops}}
}

func opCreate(path string, flags int32) wire.MultiOp {
	return wire.MultiOp{Type: wire.OpCreate, Op: &wire.CreateRequest{Path: path, ACL: openACL, Flags: flags}}
}

func opDelete(path string, version int32) wire.MultiOp {
	return wire.MultiOp{Type: wire.OpDelete, Op: &wire.DeleteRequest{Path: path, Version: version}}
}

func opSetData(path string, version int32) wire.MultiOp {
	return wire.MultiOp{Type: wire.OpSetData, Op: &wire.SetDataRequest{Path: path, Data: []byte("x"), Version: version}}
}

func opCheck(path string, version int32) wire.MultiOp {
	return wire.MultiOp{Type: wire.OpCheck, Op: &wire.CheckVersionRequest{Path: path, Version: version}}
}

func TestMulti(t *testing.T) {
	const ok, rti = wire.ErrOK, wire.ErrRuntimeInconsistency
	for _, tc := range []struct {
		name  string
		ops   []wire.MultiOp
		types string         // sub-txn types when all succeed
		codes []wire.ErrCode // per-op codes when one fails
		paths map[int]string // created paths when all succeed
	}{
		{name: "ops see earlier ops", ops: []wire.MultiOp{
			opCreate("/m", 0), opCreate("/m/c", 0), opSetData("/m", 0), opCheck("/m", 1), opDelete("/m/c", 0),
		}, types: "create,create,setData,check,delete"},
		{name: "sequential names advance within a multi", ops: []wire.MultiOp{
			opCreate("/s-", wire.ModePersistentSequential), opCreate("/s-", wire.ModePersistentSequential),
		}, types: "create,create", paths: map[int]string{0: "/s-0000000000", 1: "/s-0000000001"}},
		{name: "other create kinds", ops: []wire.MultiOp{
			{Type: wire.OpCreate2, Op: &wire.CreateRequest{Path: "/c2", ACL: openACL}},
			{Type: wire.OpCreateContainer, Op: &wire.CreateRequest{Path: "/cc", ACL: openACL, Flags: wire.ModeContainer}},
		}, types: "create2,createContainer"},
		{name: "empty multi", ops: nil, types: ""},
		{name: "failure in the middle", ops: []wire.MultiOp{
			opCreate("/m", 0), opDelete("/nope", -1), opSetData("/x", -1),
		}, codes: []wire.ErrCode{ok, wire.ErrNoNode, rti}},
		{name: "failure first", ops: []wire.MultiOp{
			opCheck("/x", 9), opCreate("/m", 0),
		}, codes: []wire.ErrCode{wire.ErrBadVersion, rti}},
		{name: "failure last", ops: []wire.MultiOp{
			opCreate("/m", 0), opCreate("/m", 0),
		}, codes: []wire.ErrCode{ok, wire.ErrNodeExists}},
		{name: "failure caused by an earlier op", ops: []wire.MultiOp{
			opDelete("/x", -1), opSetData("/x", -1), opCreate("/y", 0),
		}, codes: []wire.ErrCode{ok, wire.ErrNoNode, rti}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTree(map[string]NodeInfo{"/x": {}})
			c := New(Config{}, 10)
			tx := c.Prepare(tr, multiReq(tc.ops...))
			require.EqualValues(t, wire.OpMulti, tx.Type)
			require.EqualValues(t, 11, tx.Zxid)
			require.EqualValues(t, 11, c.LastZxid())
			require.Len(t, tx.GetMulti().GetTxns(), len(tc.ops))
			for _, sub := range tx.GetMulti().GetTxns() {
				require.EqualValues(t, 11, sub.Zxid, "sub-txns share the multi's zxid")
				require.Equal(t, sess, sub.SessionId)
				require.EqualValues(t, 7, sub.Cxid)
				require.EqualValues(t, 3000, sub.Time)
			}
			if tc.codes != nil {
				require.Equal(t, tc.codes, multiCodes(tx))
				for _, sub := range tx.GetMulti().GetTxns() {
					require.EqualValues(t, wire.OpError, sub.Type)
				}
				require.Equal(t, 0, c.Outstanding(), "a failed multi is rolled back")
				return
			}
			require.Equal(t, tc.types, multiTypes(tx))
			for i, p := range tc.paths {
				require.Equal(t, p, tx.GetMulti().GetTxns()[i].GetCreate().GetPath())
			}
		})
	}
}

// A failed multi restores the records of requests prepared before it.
func TestMultiRollbackKeepsEarlierRecords(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, createReq("/p", 0)))
	before := c.Outstanding()
	tx := c.Prepare(tr, multiReq(opSetData("/p", 0), opCreate("/p/c-", wire.ModePersistentSequential), opDelete("/nope", -1)))
	require.Equal(t, []wire.ErrCode{wire.ErrOK, wire.ErrOK, wire.ErrNoNode}, multiCodes(tx))
	require.Equal(t, before, c.Outstanding())
	// /p still has version 0 and cversion 0, as the create left it.
	mustOK(t, c.Prepare(tr, setDataReq("/p", 0)))
	created := mustOK(t, c.Prepare(tr, createReq("/p/c-", wire.ModePersistentSequential)))
	require.Equal(t, "/p/c-0000000000", created.GetCreate().Path)
}

func TestMultiMalformedIsMarshallingError(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  any
	}{
		{"not a multi record", &wire.CreateRequest{Path: "/a"}},
		{"nil record", nil},
		{"read op in a write multi", &wire.MultiRequest{Ops: []wire.MultiOp{
			opCreate("/a", 0), {Type: wire.OpGetData, Op: &wire.PathWatchRequest{Path: "/a"}}}}},
		{"setACL is not a multi op", &wire.MultiRequest{Ops: []wire.MultiOp{
			{Type: wire.OpSetACL, Op: &wire.SetACLRequest{Path: "/", ACL: openACL, Version: -1}}}}},
		{"deleteContainer is not a multi op", &wire.MultiRequest{Ops: []wire.MultiOp{
			{Type: wire.OpDeleteContainer, Op: &wire.PathRequest{Path: "/a"}}}}},
		{"record of the wrong type", &wire.MultiRequest{Ops: []wire.MultiOp{
			opCreate("/a", 0), {Type: wire.OpDelete, Op: &wire.SetDataRequest{Path: "/a"}}}}},
		{"data too large", &wire.MultiRequest{Ops: []wire.MultiOp{
			opCreate("/a", 0), {Type: wire.OpSetData, Op: &wire.SetDataRequest{Path: "/a", Data: make([]byte, 2048)}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Config{MaxDataLen: 1000}, 0)
			req := multiReq()
			req.Record = tc.rec
			tx := c.Prepare(newTree(nil), req)
			require.EqualValues(t, wire.OpError, tx.Type)
			require.Equal(t, wire.ErrMarshallingError, errOf(tx))
			require.EqualValues(t, 1, tx.Zxid)
			require.Equal(t, 0, c.Outstanding())
		})
	}
}
