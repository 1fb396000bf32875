package wire

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// testStat mirrors the Stat the golden-byte generator used: every field is
// distinct so a swapped field shows up in the bytes.
func testStat(base int64) Stat {
	return Stat{Czxid: base + 1, Mzxid: base + 2, Ctime: base + 3, Mtime: base + 4, Version: 5, Cversion: 6,
		Aversion: 7, EphemeralOwner: base + 8, DataLength: 9, NumChildren: 10, Pzxid: base + 11}
}

var (
	testPasswd   = []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	openACL      = []ACL{{Perms: PermAll, ID: Id{Scheme: "world", ID: "anyone"}}}
	openPlusBob  = []ACL{openACL[0], {Perms: PermRead, ID: Id{Scheme: "digest", ID: "bob:xyz"}}}
	testMultiReq = MultiRequest{Ops: []MultiOp{
		{Type: OpCreate, Op: &CreateRequest{Path: "/m1", Data: []byte("x"), ACL: openACL, Flags: ModePersistent}},
		{Type: OpCreateTTL, Op: &CreateTTLRequest{Path: "/m2", ACL: openACL, Flags: ModePersistentWithTTL, TTL: 5000}},
		{Type: OpCreateContainer, Op: &CreateRequest{Path: "/m3", Data: []byte{}, ACL: openACL, Flags: ModeContainer}},
		{Type: OpDelete, Op: &DeleteRequest{Path: "/m4", Version: 3}},
		{Type: OpSetData, Op: &SetDataRequest{Path: "/m5", Data: []byte("y"), Version: -1}},
		{Type: OpCheck, Op: &CheckVersionRequest{Path: "/m6", Version: 2}},
	}}
	testMultiResp = MultiResponse{Results: []MultiResult{
		{Type: OpCreate, Path: "/m1"},
		{Type: OpCreate2, Path: "/m2", Stat: testStat(0x300)},
		{Type: OpDelete},
		{Type: OpSetData, Stat: testStat(0x400)},
		{Type: OpCheck},
		{Type: OpError, Err: ErrNoNode},
	}}
)

// TestApacheGoldenBytes pins the encoding against bytes produced by Apache
// ZooKeeper 3.8.0's own jute classes (BinaryOutputArchive, with the client's
// separately written readOnly byte for the 45/37-byte handshake forms).
// Each record must encode to exactly these bytes and decode back to itself.
func TestApacheGoldenBytes(t *testing.T) {
	tests := []struct {
		name  string
		rec   Record
		fresh func() Record
		hex   string
	}{
		{"ConnectRequest 44", &ConnectRequest{LastZxidSeen: 0x1122334455, TimeOut: 30000, SessionID: 0x0102030405060708, Passwd: testPasswd},
			func() Record { return &ConnectRequest{} },
			"000000000000001122334455000075300102030405060708000000100102030405060708090a0b0c0d0e0f10"},
		{"ConnectRequest 45", &ConnectRequest{LastZxidSeen: 0x1122334455, TimeOut: 30000, SessionID: 0x0102030405060708, Passwd: testPasswd, ReadOnly: true, HasReadOnly: true},
			func() Record { return &ConnectRequest{} },
			"000000000000001122334455000075300102030405060708000000100102030405060708090a0b0c0d0e0f1001"},
		{"ConnectResponse 36", &ConnectResponse{TimeOut: 30000, SessionID: 0x0102030405060708, Passwd: testPasswd},
			func() Record { return &ConnectResponse{} },
			"00000000000075300102030405060708000000100102030405060708090a0b0c0d0e0f10"},
		{"ConnectResponse 37", &ConnectResponse{TimeOut: 30000, SessionID: 0x0102030405060708, Passwd: testPasswd, HasReadOnly: true},
			func() Record { return &ConnectResponse{} },
			"00000000000075300102030405060708000000100102030405060708090a0b0c0d0e0f1000"},
		{"CreateRequest", &CreateRequest{Path: "/a/b", Data: []byte("hello"), ACL: openPlusBob, Flags: ModeEphemeralSequential},
			func() Record { return &CreateRequest{} },
			"000000042f612f620000000568656c6c6f000000020000001f00000005776f726c6400000006616e796f6e65000000010000000664696765737400000007626f623a78797a00000003"},
		{"CreateRequest null data", &CreateRequest{Path: "/n", ACL: openACL},
			func() Record { return &CreateRequest{} },
			"000000022f6effffffff000000010000001f00000005776f726c6400000006616e796f6e6500000000"},
		{"CreateTTLRequest", &CreateTTLRequest{Path: "/t", Data: []byte{}, ACL: openACL, Flags: ModePersistentWithTTL, TTL: 60000},
			func() Record { return &CreateTTLRequest{} },
			"000000022f7400000000000000010000001f00000005776f726c6400000006616e796f6e6500000005000000000000ea60"},
		{"SetWatches2", &SetWatches2{RelativeZxid: 0x77, DataWatches: []string{"/d1", "/d2"}, ExistWatches: []string{},
			ChildWatches: []string{"/c"}, PersistentWatches: []string{"/p"}, PersistentRecursiveWatches: []string{"/r1", "/r2"}},
			func() Record { return &SetWatches2{} },
			"000000000000007700000002000000032f6431000000032f64320000000000000001000000022f6300000001000000022f7000000002000000032f7231000000032f7232"},
		{"WhoAmIResponse", &WhoAmIResponse{ClientInfo: []ClientInfo{{AuthScheme: "ip", User: "127.0.0.1"}, {AuthScheme: "digest", User: "bob"}}},
			func() Record { return &WhoAmIResponse{} },
			"00000002000000026970000000093132372e302e302e310000000664696765737400000003626f62"},
		{"GetDataResponse", &GetDataResponse{Data: []byte("v"), Stat: testStat(0x200)},
			func() Record { return &GetDataResponse{} },
			"000000017600000000000002010000000000000202000000000000020300000000000002040000000500000006000000070000000000000208000000090000000a000000000000020b"},
		{"WatcherEvent", &WatcherEvent{Type: EventNodeDataChanged, State: StateSyncConnected, Path: "/w"},
			func() Record { return &WatcherEvent{} },
			"0000000300000003000000022f77"},
		{"AuthPacket", &AuthPacket{Scheme: "digest", Auth: []byte("bob:pw")},
			func() Record { return &AuthPacket{} },
			"000000000000000664696765737400000006626f623a7077"},
		{"ReconfigRequest incremental", &ReconfigRequest{JoiningServers: "server.4=h:2888:3888;2181", CurConfigID: -1},
			func() Record { return &ReconfigRequest{} },
			"000000197365727665722e343d683a323838383a333838383b32313831ffffffffffffffffffffffffffffffff"},
		{"ReconfigRequest non-incremental empty", &ReconfigRequest{HasNewMembers: true, CurConfigID: -1},
			func() Record { return &ReconfigRequest{} },
			"ffffffffffffffff00000000ffffffffffffffff"},
		{"ReplyHeader", &ReplyHeader{Xid: 7, Zxid: 0x500000001, Err: ErrNoNode},
			func() Record { return &ReplyHeader{} },
			"000000070000000500000001ffffff9b"},
		{"MultiRequest", &testMultiReq,
			func() Record { return &MultiRequest{} },
			"0000000100ffffffff000000032f6d310000000178000000010000001f00000005776f726c6400000006616e796f6e65000000000000001500ffffffff000000032f6d32ffffffff000000010000001f00000005776f726c6400000006616e796f6e650000000500000000000013880000001300ffffffff000000032f6d3300000000000000010000001f00000005776f726c6400000006616e796f6e65000000040000000200ffffffff000000032f6d34000000030000000500ffffffff000000032f6d350000000179ffffffff0000000d00ffffffff000000032f6d3600000002ffffffff01ffffffff"},
		{"MultiRead request", &MultiRequest{Ops: []MultiOp{{Type: OpGetData, Op: &PathWatchRequest{Path: "/r1"}}, {Type: OpGetChildren, Op: &PathWatchRequest{Path: "/r2"}}}},
			func() Record { return &MultiRequest{} },
			"0000000400ffffffff000000032f7231000000000800ffffffff000000032f723200ffffffff01ffffffff"},
		{"MultiResponse", &testMultiResp,
			func() Record { return &MultiResponse{} },
			"000000010000000000000000032f6d310000000f0000000000000000032f6d3200000000000003010000000000000302000000000000030300000000000003040000000500000006000000070000000000000308000000090000000a000000000000030b00000002000000000000000005000000000000000000000004010000000000000402000000000000040300000000000004040000000500000006000000070000000000000408000000090000000a000000000000040b0000000d0000000000ffffffff00ffffff9bffffff9bffffffff01ffffffff"},
		{"MultiRead response", &MultiResponse{Results: []MultiResult{
			{Type: OpGetData, Data: []byte("d"), Stat: testStat(0x500)},
			{Type: OpGetChildren, Children: []string{"x", "y"}},
			{Type: OpError, Err: ErrNoNode},
		}},
			func() Record { return &MultiResponse{} },
			"000000040000000000000000016400000000000005010000000000000502000000000000050300000000000005040000000500000006000000070000000000000508000000090000000a000000000000050b0000000800000000000000000200000001780000000179ffffffff00ffffff9bffffff9bffffffff01ffffffff"},
		{"empty MultiResponse", &MultiResponse{},
			func() Record { return &MultiResponse{} },
			"ffffffff01ffffffff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.hex, hex.EncodeToString(Marshal(tt.rec)))
			got := tt.fresh()
			require.NoError(t, Unmarshal(mustHex(t, tt.hex), got))
			require.Equal(t, tt.rec, got)
		})
	}
}

// TestApacheNullReconfigFields decodes Apache's ZooKeeperAdmin encoding of
// reconfig(joining, null, "") : a null leaving list and a non-null but empty
// newMembers, which Apache treats as a non-incremental reconfig.
func TestApacheNullReconfigFields(t *testing.T) {
	var r ReconfigRequest
	require.NoError(t, Unmarshal(mustHex(t, "000000197365727665722e343d683a323838383a333838383b32313831ffffffff00000000ffffffffffffffff"), &r))
	require.Equal(t, ReconfigRequest{JoiningServers: "server.4=h:2888:3888;2181", HasNewMembers: true, CurConfigID: -1}, r)

	// NewMembers set without the flag is still sent (non-null).
	b := Marshal(&ReconfigRequest{NewMembers: "server.1=a:1:2;3"})
	require.NoError(t, Unmarshal(b, &r))
	require.True(t, r.HasNewMembers)
	require.Equal(t, "server.1=a:1:2;3", r.NewMembers)
}

func TestHandshakeSizes(t *testing.T) {
	req := ConnectRequest{TimeOut: 30000, Passwd: make([]byte, 16)}
	require.Len(t, Marshal(&req), 44)
	req.HasReadOnly = true
	require.Len(t, Marshal(&req), 45)

	resp := ConnectResponse{TimeOut: 30000, Passwd: make([]byte, 16)}
	require.Len(t, Marshal(&resp), 36)
	resp.HasReadOnly = true
	require.Len(t, Marshal(&resp), 37)

	// A 44-byte request decodes without the flag, a 45-byte one with it.
	var got ConnectRequest
	require.NoError(t, Unmarshal(Marshal(&ConnectRequest{Passwd: make([]byte, 16)}), &got))
	require.False(t, got.HasReadOnly)
	require.NoError(t, Unmarshal(Marshal(&ConnectRequest{Passwd: make([]byte, 16), ReadOnly: true, HasReadOnly: true}), &got))
	require.True(t, got.HasReadOnly)
	require.True(t, got.ReadOnly)
}

// TestRecordRoundTrip covers every record of records.go (those not already
// pinned by golden bytes too) with non-zero values in every field.
func TestRecordRoundTrip(t *testing.T) {
	st := testStat(0x1000)
	tests := []struct {
		name  string
		rec   Record
		fresh func() Record
	}{
		{"ConnectRequest empty passwd", &ConnectRequest{ProtocolVersion: 0, LastZxidSeen: 9, TimeOut: 4000, SessionID: 5, Passwd: []byte{}}, func() Record { return &ConnectRequest{} }},
		{"ConnectResponse readonly", &ConnectResponse{TimeOut: 4000, SessionID: -5, Passwd: testPasswd, ReadOnly: true, HasReadOnly: true}, func() Record { return &ConnectResponse{} }},
		{"RequestHeader", &RequestHeader{Xid: XidSetWatches, Type: OpSetWatches2}, func() Record { return &RequestHeader{} }},
		{"ReplyHeader", &ReplyHeader{Xid: XidNotification, Zxid: -1, Err: ErrOK}, func() Record { return &ReplyHeader{} }},
		{"WatcherEvent", &WatcherEvent{Type: EventNone, State: StateExpired, Path: ""}, func() Record { return &WatcherEvent{} }},
		{"SetWatches", &SetWatches{RelativeZxid: 1, DataWatches: []string{"/a"}, ExistWatches: []string{"/b", "/c"}, ChildWatches: []string{}}, func() Record { return &SetWatches{} }},
		{"SetWatches null lists", &SetWatches{RelativeZxid: 1}, func() Record { return &SetWatches{} }},
		{"AuthPacket", &AuthPacket{Type: 0, Scheme: "digest", Auth: []byte("u:p")}, func() Record { return &AuthPacket{} }},
		{"MultiHeader", &MultiHeader{Type: OpError, Done: true, Err: ErrSystemError}, func() Record { return &MultiHeader{} }},
		{"CreateResponse", &CreateResponse{Path: "/seq0000000001"}, func() Record { return &CreateResponse{} }},
		{"Create2Response", &Create2Response{Path: "/c", Stat: st}, func() Record { return &Create2Response{} }},
		{"DeleteRequest", &DeleteRequest{Path: "/d", Version: -1}, func() Record { return &DeleteRequest{} }},
		{"CheckVersionRequest", &CheckVersionRequest{Path: "/d", Version: 7}, func() Record { return &CheckVersionRequest{} }},
		{"PathWatchRequest", &PathWatchRequest{Path: "/g", Watch: true}, func() Record { return &PathWatchRequest{} }},
		{"GetDataResponse null data", &GetDataResponse{Stat: st}, func() Record { return &GetDataResponse{} }},
		{"StatResponse", &StatResponse{Stat: st}, func() Record { return &StatResponse{} }},
		{"SetDataRequest", &SetDataRequest{Path: "/s", Data: []byte{0, 1, 2}, Version: 4}, func() Record { return &SetDataRequest{} }},
		{"PathRequest", &PathRequest{Path: "/sync"}, func() Record { return &PathRequest{} }},
		{"GetACLResponse", &GetACLResponse{ACL: openPlusBob, Stat: st}, func() Record { return &GetACLResponse{} }},
		{"SetACLRequest", &SetACLRequest{Path: "/acl", ACL: openACL, Version: 2}, func() Record { return &SetACLRequest{} }},
		{"GetChildrenResponse", &GetChildrenResponse{Children: []string{"a", "b", "c"}}, func() Record { return &GetChildrenResponse{} }},
		{"GetChildren2Response", &GetChildren2Response{Children: []string{}, Stat: st}, func() Record { return &GetChildren2Response{} }},
		{"ErrorResponse", &ErrorResponse{Err: ErrNotEmpty}, func() Record { return &ErrorResponse{} }},
		{"ReconfigRequest all set", &ReconfigRequest{JoiningServers: "j", LeavingServers: "1,2", NewMembers: "n", HasNewMembers: true, CurConfigID: 0x100000000}, func() Record { return &ReconfigRequest{} }},
		{"WatchTypeRequest", &WatchTypeRequest{Path: "/w", Type: WatcherAny}, func() Record { return &WatchTypeRequest{} }},
		{"AddWatchRequest", &AddWatchRequest{Path: "/w", Mode: AddWatchPersistentRecursive}, func() Record { return &AddWatchRequest{} }},
		{"StringsResponse", &StringsResponse{Strings: []string{"/e1", "/e2"}}, func() Record { return &StringsResponse{} }},
		{"GetAllChildrenNumberResponse", &GetAllChildrenNumberResponse{TotalNumber: 12345}, func() Record { return &GetAllChildrenNumberResponse{} }},
		{"ClientInfo", &ClientInfo{AuthScheme: "x509", User: "CN=a"}, func() Record { return &ClientInfo{} }},
		{"WhoAmIResponse null", &WhoAmIResponse{}, func() Record { return &WhoAmIResponse{} }},
		{"WhoAmIResponse empty", &WhoAmIResponse{ClientInfo: []ClientInfo{}}, func() Record { return &WhoAmIResponse{} }},
		{"GetSASLRequest", &GetSASLRequest{Token: []byte{9, 9}}, func() Record { return &GetSASLRequest{} }},
		{"SetSASLResponse", &SetSASLResponse{Token: nil}, func() Record { return &SetSASLResponse{} }},
		{"MultiRequest empty", &MultiRequest{}, func() Record { return &MultiRequest{} }},
		{"MultiRequest create2", &MultiRequest{Ops: []MultiOp{{Type: OpCreate2, Op: &CreateRequest{Path: "/x", ACL: openACL, Flags: ModeEphemeral}}}}, func() Record { return &MultiRequest{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Marshal(tt.rec)
			got := tt.fresh()
			require.NoError(t, Unmarshal(b, got))
			require.Equal(t, tt.rec, got)
			require.Equal(t, b, Marshal(got))
		})
	}
}

func TestDecodedRecordsOwnTheirBuffers(t *testing.T) {
	in := Marshal(&SetDataRequest{Path: "/p", Data: []byte("abc"), Version: 1})
	var r SetDataRequest
	require.NoError(t, Unmarshal(in, &r))
	for i := range in {
		in[i] = 0xee // the FrameReader reuses its buffer like this
	}
	require.Equal(t, SetDataRequest{Path: "/p", Data: []byte("abc"), Version: 1}, r)
}

func TestMultiResponseNormalisesCreateTypes(t *testing.T) {
	// Apache's OpResult.CreateResult is create or create2, so results of
	// createContainer and createTTL ops travel as create2.
	for _, op := range []OpCode{OpCreateContainer, OpCreateTTL} {
		in := MultiResponse{Results: []MultiResult{{Type: op, Path: "/c", Stat: testStat(1)}}}
		var out MultiResponse
		require.NoError(t, Unmarshal(Marshal(&in), &out))
		require.Equal(t, []MultiResult{{Type: OpCreate2, Path: "/c", Stat: testStat(1)}}, out.Results)
	}
}

func TestMultiResponseHeaderErr(t *testing.T) {
	// Successful results carry err=0 in their header whatever Err holds; an
	// error result carries its code in both header and body.
	b := Marshal(&MultiResponse{Results: []MultiResult{{Type: OpDelete, Err: ErrNoNode}, {Type: OpError, Err: ErrRuntimeInconsistency}}})
	require.Equal(t, "00000002"+"00"+"00000000"+"ffffffff"+"00"+"fffffffe"+"fffffffe"+"ffffffff01ffffffff", hex.EncodeToString(b))
}

func TestMultiDecodeErrors(t *testing.T) {
	createOp := hex.EncodeToString(Marshal(&CreateRequest{Path: "/a", ACL: openACL}))
	pathWatch := "000000022f6100"
	done := "ffffffff01ffffffff"
	tests := []struct {
		name   string
		rec    Record
		in     string
		what   string
		offset int
	}{
		{"request unknown op", &MultiRequest{}, "0000000300ffffffff" + pathWatch + done, "multi op type", 0},
		{"request ping op after a valid op", &MultiRequest{}, "0000000100ffffffff" + createOp + "0000000b00ffffffff" + done, "multi op type", 9 + len(createOp)/2},
		{"request not done but type -1", &MultiRequest{}, "ffffffff00ffffffff", "multi op type", 0},
		{"request mixes read and write", &MultiRequest{}, "0000000400ffffffff" + pathWatch + "0000000100ffffffff" + createOp + done, "multi op kind (read and write ops mixed)", 16},
		{"request missing terminator", &MultiRequest{}, "0000000400ffffffff" + pathWatch, "int", 16},
		{"request truncated op", &MultiRequest{}, "0000000200ffffffff000000022f61", "int", 15},
		{"response createContainer type", &MultiResponse{}, "0000001300000000000000012f" + done, "multi result type", 0},
		{"response unknown type", &MultiResponse{}, "0000006400000000000000012f" + done, "multi result type", 0},
		{"response truncated stat", &MultiResponse{}, "0000000500000000000000", "stat", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Unmarshal(mustHex(t, tt.in), tt.rec)
			var de *DecodeError
			require.True(t, errors.As(err, &de), "want *DecodeError, got %v", err)
			require.Equal(t, tt.what, de.What)
			require.Equal(t, tt.offset, de.Offset)
		})
	}
}

func TestMultiEncodePanicsOnProgrammingErrors(t *testing.T) {
	require.Panics(t, func() { Marshal(&MultiRequest{Ops: []MultiOp{{Type: OpGetACL, Op: &PathRequest{Path: "/"}}}}) })
	require.Panics(t, func() { Marshal(&MultiRequest{Ops: []MultiOp{{Type: OpDelete, Op: &CreateRequest{}}}}) })
	require.Panics(t, func() { Marshal(&MultiResponse{Results: []MultiResult{{Type: OpExists}}}) })
}
