package apachefmt

import (
	stdadler "hash/adler32"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

const (
	sess = int64(0x1000000abc)
	zx   = int64(0x100000007)
	when = int64(1_700_000_000_000)
)

func worldMsg() []*messages.ACL {
	return []*messages.ACL{{Perms: wire.PermAll, Id: &messages.Id{Scheme: "world", Id: "anyone"}}}
}

func base(typ wire.OpCode) *messages.Txn {
	return &messages.Txn{SessionId: sess, Cxid: 9, Zxid: zx, Time: when, Type: int32(typ)}
}

func with(t *messages.Txn, set func(*messages.Txn)) *messages.Txn { set(t); return t }

func TestDecodeTxn(t *testing.T) {
	hdr := func(typ wire.OpCode) *jw { return txnHeader(&jw{}, sess, 9, zx, when, typ) }
	sub := func(typ wire.OpCode, body *jw) *jw { return (&jw{}).i32(int32(typ)).buf(body.b) }
	multi := func(subs ...*jw) *jw {
		w := hdr(wire.OpMulti).i32(int32(len(subs)))
		for _, s := range subs {
			w.raw(s.b)
		}
		return w
	}
	subTxn := func(typ wire.OpCode, set func(*messages.Txn)) *messages.Txn { return with(base(typ), set) }

	tests := []struct {
		name string
		in   *jw
		want *messages.Txn
	}{
		{"create ephemeral takes the session as owner",
			hdr(wire.OpCreate).str("/a").buf([]byte("x")).acls(worldAll).boolean(true).i32(3),
			with(base(wire.OpCreate), func(t *messages.Txn) {
				t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/a", Data: []byte("x"), Acl: worldMsg(),
					EphemeralOwner: sess, ParentCversion: 3}}
			})},
		{"create2 persistent",
			hdr(wire.OpCreate2).str("/b").buf(nil).acls(worldAll).boolean(false).i32(1),
			with(base(wire.OpCreate2), func(t *messages.Txn) {
				t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/b", Acl: worldMsg(), ParentCversion: 1}}
			})},
		{"CreateTxnV0 without parentCVersion gets -1",
			hdr(wire.OpCreate).str("/old").buf([]byte("v0")).acls(worldAll).boolean(false),
			with(base(wire.OpCreate), func(t *messages.Txn) {
				t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/old", Data: []byte("v0"), Acl: worldMsg(), ParentCversion: -1}}
			})},
		{"createTTL encodes the ttl in the owner",
			hdr(wire.OpCreateTTL).str("/t").buf([]byte{}).acls(worldAll).i32(2).i64(5000),
			with(base(wire.OpCreateTTL), func(t *messages.Txn) {
				t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/t", Data: []byte{}, Acl: worldMsg(),
					ParentCversion: 2, EphemeralOwner: wire.TTLOwnerMask | 5000}}
			})},
		{"createContainer",
			hdr(wire.OpCreateContainer).str("/c").buf(nil).acls(worldAll).i32(4),
			with(base(wire.OpCreateContainer), func(t *messages.Txn) {
				t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/c", Acl: worldMsg(), ParentCversion: 4,
					EphemeralOwner: wire.ContainerEphemeralOwner}}
			})},
		{"delete", hdr(wire.OpDelete).str("/a"),
			with(base(wire.OpDelete), func(t *messages.Txn) { t.Body = &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: "/a"}} })},
		{"deleteContainer keeps its type", hdr(wire.OpDeleteContainer).str("/c"),
			with(base(wire.OpDeleteContainer), func(t *messages.Txn) {
				t.Body = &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: "/c"}}
			})},
		{"setData", hdr(wire.OpSetData).str("/a").buf([]byte("new")).i32(7),
			with(base(wire.OpSetData), func(t *messages.Txn) {
				t.Body = &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/a", Data: []byte("new"), Version: 7}}
			})},
		{"reconfig is a SetDataTxn", hdr(wire.OpReconfig).str("/zookeeper/config").buf([]byte("server.1=x")).i32(-1),
			with(base(wire.OpReconfig), func(t *messages.Txn) {
				t.Body = &messages.Txn_SetData{SetData: &messages.SetDataTxn{Path: "/zookeeper/config", Data: []byte("server.1=x"), Version: -1}}
			})},
		{"setACL", hdr(wire.OpSetACL).str("/a").acls([]wire.ACL{{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "u:h"}}}).i32(2),
			with(base(wire.OpSetACL), func(t *messages.Txn) {
				t.Body = &messages.Txn_SetAcl{SetAcl: &messages.SetACLTxn{Path: "/a", Version: 2,
					Acl: []*messages.ACL{{Perms: 1, Id: &messages.Id{Scheme: "digest", Id: "u:h"}}}}}
			})},
		{"createSession", hdr(wire.OpCreateSession).i32(30000),
			with(base(wire.OpCreateSession), func(t *messages.Txn) {
				t.Body = &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: 30000}}
			})},
		{"closeSession with paths2Delete", hdr(wire.OpCloseSession).i32(2).str("/e1").str("/e2"),
			with(base(wire.OpCloseSession), func(t *messages.Txn) {
				t.Body = &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{PathsToDelete: []string{"/e1", "/e2"}}}
			})},
		{"closeSession from before 3.6 has no body", hdr(wire.OpCloseSession),
			with(base(wire.OpCloseSession), func(t *messages.Txn) {
				t.Body = &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{}}
			})},
		{"error", hdr(wire.OpError).i32(int32(wire.ErrNodeExists)),
			with(base(wire.OpError), func(t *messages.Txn) {
				t.Body = &messages.Txn_Error{Error: &messages.ErrorTxn{Err: int32(wire.ErrNodeExists)}}
			})},
		{"trailing TxnDigest is ignored", hdr(wire.OpDelete).str("/a").i32(2).i64(0x1234),
			with(base(wire.OpDelete), func(t *messages.Txn) { t.Body = &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: "/a"}} })},
		{"multi: sub-txns inherit the header",
			multi(
				sub(wire.OpCreate, (&jw{}).str("/m").buf([]byte("d")).acls(worldAll).boolean(true).i32(1)),
				sub(wire.OpCheck, (&jw{}).str("/m").i32(0)),
				sub(wire.OpDelete, (&jw{}).str("/n")),
			),
			with(base(wire.OpMulti), func(t *messages.Txn) {
				t.Body = &messages.Txn_Multi{Multi: &messages.MultiTxn{Txns: []*messages.Txn{
					subTxn(wire.OpCreate, func(t *messages.Txn) {
						t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/m", Data: []byte("d"), Acl: worldMsg(),
							EphemeralOwner: sess, ParentCversion: 1}}
					}),
					subTxn(wire.OpCheck, func(t *messages.Txn) {
						t.Body = &messages.Txn_Check{Check: &messages.CheckVersionTxn{Path: "/m"}}
					}),
					subTxn(wire.OpDelete, func(t *messages.Txn) { t.Body = &messages.Txn_Delete{Delete: &messages.DeleteTxn{Path: "/n"}} }),
				}}}
			})},
		{"failed multi: logged real ops become ErrorTxn(OK) / RUNTIMEINCONSISTENCY",
			multi(
				sub(wire.OpSetData, (&jw{}).str("/m").buf([]byte("d")).i32(1)),
				sub(wire.OpError, (&jw{}).i32(int32(wire.ErrBadVersion))),
				sub(wire.OpError, (&jw{}).i32(int32(wire.ErrRuntimeInconsistency))),
			),
			with(base(wire.OpMulti), func(t *messages.Txn) {
				errTxn := func(code wire.ErrCode) *messages.Txn {
					return subTxn(wire.OpError, func(t *messages.Txn) {
						t.Body = &messages.Txn_Error{Error: &messages.ErrorTxn{Err: int32(code)}}
					})
				}
				t.Body = &messages.Txn_Multi{Multi: &messages.MultiTxn{Txns: []*messages.Txn{
					errTxn(wire.ErrOK), errTxn(wire.ErrBadVersion), errTxn(wire.ErrRuntimeInconsistency),
				}}}
			})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr, got, err := decodeTxn(tc.in.b)
			require.NoError(t, err)
			require.Equal(t, TxnHeader{ClientID: sess, Cxid: 9, Zxid: zx, Time: when, Type: wire.OpCode(tc.want.Type)}, hdr)
			require.True(t, proto.Equal(tc.want, got), "want %v\ngot  %v", tc.want, got)
		})
	}
}

func TestDecodeTxnErrors(t *testing.T) {
	hdr := func(typ wire.OpCode) *jw { return txnHeader(&jw{}, sess, 9, zx, when, typ) }
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"short header", hdr(wire.OpDelete).b[:20], "txn header"},
		{"unknown type", hdr(wire.OpGetData).str("/a").b, "unsupported txn type 4"},
		{"check outside a multi", hdr(wire.OpCheck).str("/a").i32(1).b, "check outside a multi"},
		{"truncated setData", hdr(wire.OpSetData).str("/a").b, "unexpected EOF"},
		{"unreasonable length", hdr(wire.OpDelete).i32(-7).b, "unreasonable length -7"},
		{"setACL inside a multi", hdr(wire.OpMulti).i32(1).i32(int32(wire.OpSetACL)).buf((&jw{}).str("/a").acls(nil).i32(1).b).b,
			"setACL inside a multi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeTxn(tc.in)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

func TestAdlerMatchesStdlib(t *testing.T) {
	long := make([]byte, 3*adlerNmax+17)
	for i := range long {
		long[i] = byte(i*7 + 255)
	}
	for _, in := range [][]byte{nil, []byte("a"), []byte("Wikipedia"), long} {
		require.Equal(t, stdadler.Checksum(in), adler32(in))
		d := newAdler() // split updates must give the same value
		d.update(in[:len(in)/2])
		d.update(in[len(in)/2:])
		require.Equal(t, stdadler.Checksum(in), d.sum())
	}
}

func FuzzDecodeTxn(f *testing.F) {
	f.Add(txnHeader(&jw{}, 1, 2, 3, 4, wire.OpCreate).str("/a").buf([]byte("x")).acls(worldAll).boolean(true).i32(1).b)
	f.Add(txnHeader(&jw{}, 1, 2, 3, 4, wire.OpMulti).i32(1).i32(int32(wire.OpDelete)).buf((&jw{}).str("/a").b).b)
	f.Fuzz(func(t *testing.T, b []byte) {
		hdr, txn, err := decodeTxn(b)
		if err == nil {
			require.Equal(t, hdr.Zxid, txn.Zxid)
		}
	})
}
