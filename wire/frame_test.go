package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func frame(body []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

func TestFrameReaderReadsFramesAndEOF(t *testing.T) {
	var stream []byte
	stream = append(stream, frame([]byte("first"))...)
	stream = append(stream, frame(nil)...)
	stream = append(stream, frame(bytes.Repeat([]byte{7}, 100))...)
	fr := NewFrameReader(bytes.NewReader(stream), DefaultMaxBuffer)

	f, err := fr.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, "first", string(f))
	f, err = fr.ReadFrame()
	require.NoError(t, err)
	require.Empty(t, f)
	f, err = fr.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, bytes.Repeat([]byte{7}, 100), f)
	_, err = fr.ReadFrame()
	require.ErrorIs(t, err, io.EOF, "a stream ending between frames is a clean close")
}

func TestFrameReaderReusesSmallBuffers(t *testing.T) {
	stream := append(frame([]byte("aaaa")), frame([]byte("bb"))...)
	fr := NewFrameReader(bytes.NewReader(stream), DefaultMaxBuffer)
	first, err := fr.ReadFrame()
	require.NoError(t, err)
	_, err = fr.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, "bbaa", string(first[:4]), "the second frame overwrote the first one's buffer, as documented")
}

func TestFrameReaderTruncated(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
	}{
		{"inside length", []byte{0, 0}},
		{"inside body", append(binary.BigEndian.AppendUint32(nil, 10), 1, 2, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFrameReader(bytes.NewReader(tt.stream), DefaultMaxBuffer).ReadFrame()
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		})
	}
}

func TestFrameReaderRejectsOutOfRangeLengthsBeforeAllocating(t *testing.T) {
	tests := []struct {
		name string
		len  uint32
	}{
		{"one over max", DefaultMaxBuffer + 1},
		{"max int32", 0x7fffffff},
		{"negative", 0xffffffff},
		{"4lw ruok", uint32(fourCC("ruok"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := binary.BigEndian.AppendUint32(nil, tt.len)
			_, err := NewFrameReader(bytes.NewReader(stream), DefaultMaxBuffer).ReadFrame()
			var tl *FrameTooLargeError
			require.True(t, errors.As(err, &tl), "want *FrameTooLargeError, got %v", err)
			require.Equal(t, int32(tt.len), tl.Len)
			require.Equal(t, DefaultMaxBuffer, tl.Max)
			require.Contains(t, tl.Error(), "out of range")

			// Only the small error value may be allocated, never the body.
			r := bytes.NewReader(stream)
			fr := NewFrameReader(r, DefaultMaxBuffer)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 100 {
				r.Reset(stream)
				fr.br.Reset(r)
				_, err = fr.ReadFrame()
			}
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(100*256))
		})
	}
}

func TestFrameReaderMaxIsInclusive(t *testing.T) {
	body := bytes.Repeat([]byte{1}, 32)
	f, err := NewFrameReader(bytes.NewReader(frame(body)), 32).ReadFrame()
	require.NoError(t, err)
	require.Equal(t, body, f)
}

func TestFourLetterWord(t *testing.T) {
	for _, w := range []string{"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk", "srvr",
		"srst", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash"} {
		got, ok := FourLetterWord(int32(binary.BigEndian.Uint32([]byte(w))))
		require.True(t, ok, w)
		require.Equal(t, w, got)
	}
	got, ok := FourLetterWord(int32(binary.BigEndian.Uint32([]byte{0xff, 0xf4, 0xff, 0xfd})))
	require.True(t, ok)
	require.Equal(t, "telnet close", got)

	for _, v := range []int32{0, 44, 45, DefaultMaxBuffer, fourCC("ruom"), fourCC("RUOK"), -1} {
		_, ok := FourLetterWord(v)
		require.False(t, ok, v)
	}
}

func TestPeekLengthDoesNotConsume(t *testing.T) {
	stream := []byte("ruok")
	fr := NewFrameReader(bytes.NewReader(stream), DefaultMaxBuffer)
	n, err := fr.PeekLength()
	require.NoError(t, err)
	w, ok := FourLetterWord(n)
	require.True(t, ok)
	require.Equal(t, "ruok", w)
	var cmd [4]byte
	_, err = io.ReadFull(fr.Raw(), cmd[:])
	require.NoError(t, err)
	require.Equal(t, "ruok", string(cmd[:]))

	_, err = NewFrameReader(bytes.NewReader(nil), DefaultMaxBuffer).PeekLength()
	require.ErrorIs(t, err, io.EOF)
	_, err = NewFrameReader(bytes.NewReader([]byte{1}), DefaultMaxBuffer).PeekLength()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestAppendFrame(t *testing.T) {
	hdr := ReplyHeader{Xid: 7, Zxid: 0x500000001, Err: ErrNoNode}
	got := AppendFrame([]byte{0xaa}, hdr, nil)
	require.Equal(t, "aa"+"00000010"+"000000070000000500000001ffffff9b", hex.EncodeToString(got))

	// Every body kind, through both the concrete fast path and the generic one.
	bodies := []Record{
		&GetDataResponse{Data: []byte("v"), Stat: testStat(1)},
		&StatResponse{Stat: testStat(2)},
		&CreateResponse{Path: "/c"},
		&Create2Response{Path: "/c", Stat: testStat(3)},
		&GetChildrenResponse{Children: []string{"a"}},
		&GetChildren2Response{Children: []string{"a"}, Stat: testStat(4)},
		&testMultiResp,
		&ErrorResponse{Err: ErrOK},
		&PathRequest{Path: "/sync"},
		&GetACLResponse{ACL: openACL, Stat: testStat(5)},
		&WhoAmIResponse{ClientInfo: []ClientInfo{{AuthScheme: "ip", User: "::1"}}},
		&GetAllChildrenNumberResponse{TotalNumber: 3},
	}
	for _, body := range bodies {
		hdr := ReplyHeader{Xid: 1, Zxid: 2}
		got := AppendFrame([]byte("prefix"), hdr, body)
		want := frame(append(Marshal(&hdr), Marshal(body)...))
		require.Equal(t, append([]byte("prefix"), want...), got)
	}
}

func TestAppendRecordFrame(t *testing.T) {
	resp := ConnectResponse{TimeOut: 30000, SessionID: 1, Passwd: testPasswd}
	got := AppendRecordFrame(nil, &resp)
	require.Equal(t, frame(Marshal(&resp)), got)
	require.Len(t, got, 4+36)
}

func TestAppendNotification(t *testing.T) {
	got := AppendNotification(nil, 0x100000005, WatcherEvent{Type: EventNodeDeleted, State: StateSyncConnected, Path: "/n"})
	require.Equal(t, "0000001e"+"ffffffff"+"0000000100000005"+"00000000"+"00000002"+"00000003"+"000000022f6e", hex.EncodeToString(got))
}

func TestAppendFrameDoesNotAllocate(t *testing.T) {
	dst := make([]byte, 0, 1024)
	body := &GetDataResponse{Data: []byte("value"), Stat: testStat(1)}
	allocs := testing.AllocsPerRun(100, func() {
		dst = AppendFrame(dst[:0], ReplyHeader{Xid: 1, Zxid: 2}, body)
		dst = AppendNotification(dst, 3, WatcherEvent{Type: EventNodeDataChanged, State: StateSyncConnected, Path: "/p"})
	})
	require.Zero(t, allocs)
}
