package datatree

import (
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// Txn builders for tests. Each takes the zxid; time is zxid*1000 unless
// given, so stats are easy to predict.

func pACL(perms int32, scheme, id string) *messages.ACL {
	return &messages.ACL{Perms: perms, Id: &messages.Id{Scheme: scheme, Id: id}}
}

var openProto = []*messages.ACL{pACL(wire.PermAll, "world", "anyone")}

func createTxn(zxid int64, path string, data []byte, owner int64, parentCversion int32) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpCreate),
		Body: &messages.Txn_Create{Create: &messages.CreateTxn{
			Path: path, Data: data, Acl: openProto, EphemeralOwner: owner, ParentCversion: parentCversion,
		}},
	}
}

func createACLTxn(zxid int64, path string, acl []*messages.ACL) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpCreate),
		Body: &messages.Txn_Create{Create: &messages.CreateTxn{Path: path, Acl: acl, ParentCversion: -1}},
	}
}

func deleteTxn(zxid int64, path string) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpDelete),
		Body: &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: path}},
	}
}

func setDataTxn(zxid int64, path string, data []byte, version int32) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpSetData),
		Body: &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: path, Data: data, Version: version}},
	}
}

func setACLTxn(zxid int64, path string, acl []*messages.ACL, version int32) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpSetACL),
		Body: &messages.Txn_SetAcl{SetAcl: &messages.SetACLTxn{Path: path, Acl: acl, Version: version}},
	}
}

func checkTxn(zxid int64, path string, version int32) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpCheck),
		Body: &messages.Txn_Check{Check: &messages.CheckVersionTxn{Path: path, Version: version}},
	}
}

func errorTxn(zxid int64, code wire.ErrCode) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpError),
		Body: &messages.Txn_Error{Error: &messages.ErrorTxn{Err: int32(code)}},
	}
}

func closeTxn(zxid, session int64, paths ...string) *messages.Txn {
	return &messages.Txn{
		SessionId: session, Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpCloseSession),
		Body: &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{PathsToDelete: paths}},
	}
}

func createSessionTxn(zxid, session int64) *messages.Txn {
	return &messages.Txn{
		SessionId: session, Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpCreateSession),
		Body: &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: 30000}},
	}
}

func multiTxn(zxid int64, subs ...*messages.Txn) *messages.Txn {
	return &messages.Txn{
		Zxid: zxid, Time: zxid * 1000, Type: int32(wire.OpMulti),
		Body: &messages.Txn_Multi{Multi: &messages.MultiTxn{Txns: subs}},
	}
}

// nextCversion is what the prep stage puts in CreateTxn.parent_cversion.
func nextCversion(t *Tree, path string) int32 {
	info, ok := t.Lookup(parentOf(path))
	if !ok {
		return -1
	}
	return info.Stat.Cversion + 1
}

// mustCreate applies a create with prep's parent cversion and fails the
// test on error.
func mustCreate(tb interface {
	Helper()
	Fatalf(string, ...any)
}, t *Tree, zxid int64, path string, data []byte, owner int64) Result {
	tb.Helper()
	r := t.Apply(createTxn(zxid, path, data, owner, nextCversion(t, path)))
	if r.Err != wire.ErrOK {
		tb.Fatalf("create %s: %v", path, r.Err)
	}
	return r
}
