package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// Fuzz targets for every decoder a client can reach. Each checks that
// decoding never panics and that a successful decode is a fixed point:
// decode -> encode -> decode yields the same record and the same bytes.

// recordPtr is a pointer to a record struct, so targets can allocate fresh
// records generically.
type recordPtr[T any] interface {
	*T
	Record
}

func checkStable[T any, P recordPtr[T]](t *testing.T, data []byte) {
	first := P(new(T))
	if Unmarshal(data, first) != nil {
		return
	}
	enc := Marshal(first)
	second := P(new(T))
	require.NoError(t, Unmarshal(enc, second), "re-encoded record must decode")
	require.Equal(t, first, second)
	require.Equal(t, enc, Marshal(second))
}

func FuzzConnectRequest(f *testing.F) {
	f.Add(Marshal(&ConnectRequest{TimeOut: 30000, Passwd: testPasswd}))
	f.Add(Marshal(&ConnectRequest{TimeOut: 30000, SessionID: 5, Passwd: testPasswd, ReadOnly: true, HasReadOnly: true}))
	f.Add(Marshal(&ConnectRequest{Passwd: nil, HasReadOnly: true}))
	f.Add([]byte("ruok"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStable[ConnectRequest](t, data) })
}

func FuzzRequestHeader(f *testing.F) {
	f.Add(Marshal(&RequestHeader{Xid: 1, Type: OpGetData}))
	f.Add(Marshal(&RequestHeader{Xid: XidPing, Type: OpPing}))
	f.Add([]byte{0xff})
	f.Fuzz(func(t *testing.T, data []byte) { checkStable[RequestHeader](t, data) })
}

func FuzzMultiRequest(f *testing.F) {
	f.Add(Marshal(&testMultiReq))
	f.Add(Marshal(&MultiRequest{Ops: []MultiOp{{Type: OpGetData, Op: &PathWatchRequest{Path: "/r"}}, {Type: OpGetChildren, Op: &PathWatchRequest{Path: "/"}}}}))
	f.Add(Marshal(&MultiRequest{}))
	f.Add(mustHex(f, "0000000400ffffffff000000022f61000000000100ffffffff"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStable[MultiRequest](t, data) })
}

func FuzzMultiResponse(f *testing.F) {
	f.Add(Marshal(&testMultiResp))
	f.Add(Marshal(&MultiResponse{Results: []MultiResult{{Type: OpGetData, Data: []byte("d")}, {Type: OpGetChildren, Children: []string{"a"}}}}))
	f.Fuzz(func(t *testing.T, data []byte) { checkStable[MultiResponse](t, data) })
}

func FuzzSetWatches2(f *testing.F) {
	f.Add(Marshal(&SetWatches2{RelativeZxid: 9, DataWatches: []string{"/a"}, ExistWatches: []string{}, PersistentRecursiveWatches: []string{"/r"}}))
	f.Add(Marshal(&SetWatches2{}))
	f.Add(mustHex(f, "00000000000000007fffffff"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStable[SetWatches2](t, data) })
}

func FuzzCreateRequest(f *testing.F) {
	f.Add(Marshal(&CreateRequest{Path: "/a/b", Data: []byte("hello"), ACL: openPlusBob, Flags: ModeEphemeralSequential}))
	f.Add(Marshal(&CreateRequest{Path: "/n", ACL: openACL}))
	f.Add(mustHex(f, "000000012f00000000fffffffe"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStable[CreateRequest](t, data) })
}

// FuzzFrameReader feeds arbitrary streams to a FrameReader with a small
// maximum: every frame must be within bounds, re-framing the frames must
// reproduce the consumed input, and the stream must end with a clean EOF, a
// truncation or a *FrameTooLargeError.
func FuzzFrameReader(f *testing.F) {
	f.Add(append(frame([]byte("abc")), frame(nil)...), uint8(16))
	f.Add([]byte("ruok"), uint8(64))
	f.Add(append(frame(bytes.Repeat([]byte{1}, 40)), 0, 0), uint8(40))
	f.Add([]byte{0xff, 0xff, 0xff, 0xfe}, uint8(8))
	f.Add([]byte{}, uint8(16))
	f.Fuzz(func(t *testing.T, stream []byte, max uint8) {
		fr := NewFrameReader(bytes.NewReader(stream), int(max))
		var reframed []byte
		for {
			body, err := fr.ReadFrame()
			if err != nil {
				var tl *FrameTooLargeError
				switch {
				case errors.Is(err, io.EOF):
					require.True(t, bytes.Equal(stream, reframed), "frames must cover the whole stream")
				case errors.Is(err, io.ErrUnexpectedEOF):
					require.True(t, bytes.HasPrefix(stream, reframed))
				case errors.As(err, &tl):
					require.True(t, tl.Len < 0 || int(tl.Len) > int(max))
				default:
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			require.LessOrEqual(t, len(body), int(max))
			reframed = append(reframed, frame(body)...)
		}
	})
}

// anyRequestDecoders are the records a client can send, indexed by the
// leading byte of FuzzDecodeAny's input.
var anyRequestDecoders = []func(t *testing.T, data []byte){
	func(t *testing.T, d []byte) { checkStable[ConnectRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[RequestHeader](t, d) },
	func(t *testing.T, d []byte) { checkStable[CreateRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[CreateTTLRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[DeleteRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[PathWatchRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[SetDataRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[PathRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[SetACLRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[CheckVersionRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[MultiRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[ReconfigRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[WatchTypeRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[AddWatchRequest](t, d) },
	func(t *testing.T, d []byte) { checkStable[AuthPacket](t, d) },
	func(t *testing.T, d []byte) { checkStable[SetWatches](t, d) },
	func(t *testing.T, d []byte) { checkStable[SetWatches2](t, d) },
	func(t *testing.T, d []byte) { checkStable[GetSASLRequest](t, d) },
}

func FuzzDecodeAny(f *testing.F) {
	seeds := []Record{
		&ConnectRequest{Passwd: testPasswd, HasReadOnly: true}, &RequestHeader{Xid: 3, Type: OpCreate},
		&CreateRequest{Path: "/c", ACL: openACL}, &CreateTTLRequest{Path: "/t", ACL: openACL, TTL: 1},
		&DeleteRequest{Path: "/d"}, &PathWatchRequest{Path: "/g", Watch: true}, &SetDataRequest{Path: "/s", Data: []byte{1}},
		&PathRequest{Path: "/p"}, &SetACLRequest{Path: "/a", ACL: openACL}, &CheckVersionRequest{Path: "/v"},
		&testMultiReq, &ReconfigRequest{NewMembers: "server.1=a:1:2;3"}, &WatchTypeRequest{Path: "/w", Type: 3},
		&AddWatchRequest{Path: "/w"}, &AuthPacket{Scheme: "digest", Auth: []byte("a:b")},
		&SetWatches{DataWatches: []string{"/x"}}, &SetWatches2{ChildWatches: []string{"/y"}}, &GetSASLRequest{Token: []byte{1}},
	}
	for i, r := range seeds {
		f.Add(append([]byte{byte(i)}, Marshal(r)...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		anyRequestDecoders[int(data[0])%len(anyRequestDecoders)](t, data[1:])
	})
}
