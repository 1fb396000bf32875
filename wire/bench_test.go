package wire

import (
	"bytes"
	"testing"
)

// The read path of a getData: frame body -> RequestHeader + GetDataRequest.
// The only allocation should be the path string.
func BenchmarkDecodeGetDataRequest(b *testing.B) {
	e := NewEncoder(nil)
	hdr := RequestHeader{Xid: 42, Type: OpGetData}
	hdr.Encode(e)
	req := PathWatchRequest{Path: "/services/payments/leader", Watch: true}
	req.Encode(e)
	in := e.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	var d Decoder
	for b.Loop() {
		d.Reset(in)
		var h RequestHeader
		h.Decode(&d)
		var r PathWatchRequest
		r.Decode(&d)
		if d.Err() != nil || r.Path == "" {
			b.Fatal("decode failed")
		}
	}
}

// The reply of a getData into a reused connection buffer: must not allocate.
func BenchmarkAppendGetDataReply(b *testing.B) {
	body := &GetDataResponse{Data: bytes.Repeat([]byte("x"), 128), Stat: testStat(0x100000000)}
	hdr := ReplyHeader{Xid: 42, Zxid: 0x100000007}
	dst := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendFrame(dst[:0], hdr, body)
	}
	b.SetBytes(int64(len(dst)))
}

func BenchmarkAppendNotification(b *testing.B) {
	ev := WatcherEvent{Type: EventNodeDataChanged, State: StateSyncConnected, Path: "/services/payments/leader"}
	dst := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendNotification(dst[:0], 0x100000007, ev)
	}
}

func BenchmarkDecodeMultiRequest(b *testing.B) {
	in := Marshal(&testMultiReq)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var r MultiRequest
		if err := Unmarshal(in, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFrame(b *testing.B) {
	body := Marshal(&PathWatchRequest{Path: "/services/payments/leader"})
	one := frame(body)
	stream := bytes.Repeat(one, 1024)
	r := bytes.NewReader(stream)
	fr := NewFrameReader(r, DefaultMaxBuffer)
	b.ReportAllocs()
	b.SetBytes(int64(len(one)))
	for b.Loop() {
		if _, err := fr.ReadFrame(); err != nil {
			r.Reset(stream)
			fr.br.Reset(r)
		}
	}
}
