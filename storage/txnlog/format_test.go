package txnlog

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/wire"
)

// txn builds a small create txn with the given zxid.
func txn(zxid int64) *messages.Txn {
	return &messages.Txn{SessionId: 0x5a00000000000001, Cxid: int32(zxid & 0xff), Zxid: zxid, Time: 1_700_000_000_000 + zxid,
		Type: int32(wire.OpCreate), Body: &messages.Txn_Create{Create: &messages.CreateTxn{
			Path: "/node", Data: []byte("payload"), ParentCversion: 1,
			Acl: []*messages.ACL{{Perms: wire.PermAll, Id: &messages.Id{Scheme: "world", Id: "anyone"}}},
		}}}
}

func entry(t testing.TB, zxid int64) []byte {
	t.Helper()
	b, err := AppendEntry(nil, txn(zxid))
	require.NoError(t, err)
	return b
}

func TestHeader(t *testing.T) {
	good := EncodeHeader(-7)
	require.Len(t, good, HeaderSize)
	badVersion := bytes.Clone(good)
	binary.BigEndian.PutUint32(badVersion[4:], 9)
	tests := []struct {
		name string
		in   []byte
		want FileHeader
		err  string
	}{
		{"good", good, FileHeader{Version: Version, DBID: -7}, ""},
		{"apache magic", append([]byte("ZKLG"), good[4:]...), FileHeader{}, `magic "ZKLG"`},
		{"version", badVersion, FileHeader{}, "version 9"},
		{"short", good[:10], FileHeader{}, "10 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := DecodeHeader(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, h)
		})
	}
}

func TestAppendEntry(t *testing.T) {
	in := txn(0x100000002)
	b := entry(t, 0x100000002)
	n := binary.BigEndian.Uint32(b)
	require.Equal(t, len(b)-EntryPrefixSize, int(n))
	require.Equal(t, binary.BigEndian.Uint32(b[4:]), entryCRC(b[:4], b[EntryPrefixSize:]))
	var out messages.Txn
	require.NoError(t, proto.Unmarshal(b[EntryPrefixSize:], &out))
	require.True(t, proto.Equal(in, &out))
	again, err := AppendEntry(nil, txn(0x100000002))
	require.NoError(t, err)
	require.Equal(t, b, again, "deterministic bytes")

	zxid, err := payloadZxid(b[EntryPrefixSize:])
	require.NoError(t, err)
	require.Equal(t, int64(0x100000002), zxid)

	// A txn without any field marshals to nothing: refused, because a zero
	// length marks the preallocated padding.
	_, err = AppendEntry(nil, &messages.Txn{})
	require.ErrorContains(t, err, "marshals to 0 bytes")
	_, err = payloadZxid([]byte{0x18}) // tag without value
	require.Error(t, err)
}

func TestScanSegment(t *testing.T) {
	hdr := EncodeHeader(0)
	e1, e2, e3 := entry(t, 1), entry(t, 2), entry(t, 3)
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 0x20; return b }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	zeros := make([]byte, 300)
	huge := binary.BigEndian.AppendUint32(nil, 0x7fffffff)
	e1End := int64(HeaderSize + len(e1))

	type want struct {
		entries int
		last    int64
		end     int64
		tail    tailKind
		blank   bool
		corrupt string // reason substring of the CorruptError, for last=true
	}
	tests := []struct {
		name    string
		file    []byte
		prev    int64
		last    want
		notLast string // CorruptError reason when the segment is not the last; "" = same as last
	}{
		{"entries then zero padding", cat(hdr, e1, e2, zeros), 0, want{entries: 2, last: 2, end: e1End + int64(len(e2))}, ""},
		{"entries up to end of file", cat(hdr, e1, e2), 0, want{entries: 2, last: 2, end: e1End + int64(len(e2))}, ""},
		{"header only", cat(hdr, zeros), 0, want{end: HeaderSize}, ""},
		{"partial payload (crc fails)", cat(hdr, e1, e2[:len(e2)-3], zeros), 0,
			want{entries: 1, last: 1, end: e1End, tail: tailTorn}, "crc32c mismatch"},
		{"partial payload at end of file", cat(hdr, e1, e2[:len(e2)-3]), 0,
			want{entries: 1, last: 1, end: e1End, tail: tailTorn}, "does not fit"},
		{"partial prefix at end of file", cat(hdr, e1, e2[:5]), 0,
			want{entries: 1, last: 1, end: e1End, tail: tailTorn}, "too short for an entry"},
		{"zero tail shorter than a prefix", cat(hdr, e1, []byte{0, 0, 0}), 0, want{entries: 1, last: 1, end: e1End}, ""},
		{"impossible length at the end", cat(hdr, e1, huge, zeros), 0,
			want{entries: 1, last: 1, end: e1End, tail: tailTorn}, "does not fit"},
		{"garbage inside the padding", cat(hdr, e1, zeros, []byte{1, 2, 3}, zeros), 0,
			want{entries: 1, last: 1, end: e1End, tail: tailTorn}, "non-zero byte"},
		{"zero length with a checksum", cat(hdr, e1, []byte{0, 0, 0, 0, 1, 2, 3, 4}, zeros), 0,
			want{entries: 1, last: 1, end: e1End, tail: tailTorn}, "non-zero checksum"},
		{"bad crc followed by a valid entry", cat(hdr, e1, flip(e2, 12), e3, zeros), 0,
			want{corrupt: "a valid entry follows at offset"}, "crc32c mismatch"},
		{"zeroed entry followed by a valid entry", cat(hdr, e1, make([]byte, len(e2)), e3, zeros), 0,
			want{corrupt: "a valid entry follows"}, "non-zero byte"},
		{"damaged length followed by a valid entry", cat(hdr, e1, flip(e2, 0), e3), 0,
			want{corrupt: "a valid entry follows"}, "does not fit"},
		{"zxid goes backwards", cat(hdr, e2, e1), 0, want{corrupt: "zxid 0x1 does not increase"}, ""},
		{"zxid not above the previous segment", cat(hdr, e2, e3), 2, want{corrupt: "zxid 0x2 does not increase"}, ""},
		{"empty file", nil, 0, want{blank: true}, ""},
		{"all zeros", zeros, 0, want{blank: true}, ""},
		{"partial header", hdr[:7], 0, want{blank: true}, "shorter than the 16-byte header"},
		{"zero header before data", cat(make([]byte, HeaderSize), e1), 0, want{corrupt: "zero header"}, ""},
		{"foreign magic", cat([]byte("ZKLG"), hdr[4:], e1), 0, want{corrupt: "magic"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, last := range []bool{true, false} {
				var zxids []int64
				res, err := scanSegment(bytes.NewReader(tc.file), int64(len(tc.file)), "seg", tc.prev, last,
					func(_ int64, _ []byte, z int64) error { zxids = append(zxids, z); return nil })
				reason := tc.last.corrupt
				if !last && tc.notLast != "" {
					reason = tc.notLast
				}
				if reason != "" {
					var ce *storage.CorruptError
					require.ErrorAs(t, err, &ce, "last=%v", last)
					require.Equal(t, "seg", ce.File)
					require.Contains(t, ce.Reason, reason, "last=%v", last)
					continue
				}
				require.NoError(t, err, "last=%v", last)
				require.Equal(t, tc.last.blank, res.Blank)
				require.Equal(t, tc.last.entries, res.Entries)
				require.Len(t, zxids, res.Entries)
				require.Equal(t, tc.last.last, res.LastZxid)
				require.Equal(t, tc.last.end, res.End)
				require.Equal(t, tc.last.tail, res.Tail)
			}
		})
	}
}

// The CorruptError for damage in the middle points at the damaged entry.
func TestScanCorruptOffset(t *testing.T) {
	e1, e2 := entry(t, 1), entry(t, 2)
	bad := bytes.Clone(e2)
	bad[len(bad)-1] ^= 1
	file := bytes.Join([][]byte{EncodeHeader(0), e1, bad, entry(t, 3)}, nil)
	_, err := scanSegment(bytes.NewReader(file), int64(len(file)), "seg", 0, true, nil)
	var ce *storage.CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, int64(HeaderSize+len(e1)), ce.Offset)
	require.Contains(t, ce.Reason, "crc32c mismatch")
	require.Contains(t, ce.Reason, "a valid entry follows at offset")
}

// A crash can cut the last segment anywhere, or lose the last pages of a
// write (they read back as zeros): neither may ever be taken for
// corruption, and every complete entry before the cut must survive.
func TestScanAnyCrashPointIsATornTail(t *testing.T) {
	e1, e2, e3 := entry(t, 1), entry(t, 2), entry(t, 3)
	full := bytes.Join([][]byte{EncodeHeader(0), e1, e2, e3, make([]byte, 64)}, nil)
	ends := []int{HeaderSize, HeaderSize + len(e1), HeaderSize + len(e1) + len(e2), HeaderSize + len(e1) + len(e2) + len(e3)}
	complete := func(cut int) int {
		n := 0
		for _, e := range ends[1:] {
			if e <= cut {
				n++
			}
		}
		return n
	}
	for cut := HeaderSize; cut <= len(full); cut++ {
		truncated := full[:cut]
		zeroed := append(bytes.Clone(full[:cut]), make([]byte, len(full)-cut)...)
		for name, b := range map[string][]byte{"truncated": truncated, "zeroed": zeroed} {
			res, err := scanSegment(bytes.NewReader(b), int64(len(b)), "seg", 0, true, nil)
			require.NoError(t, err, "%s at %d", name, cut)
			require.Equal(t, complete(cut), res.Entries, "%s at %d", name, cut)
			require.Equal(t, int64(ends[res.Entries]), res.End, "%s at %d", name, cut)
		}
	}
}

func FuzzScanSegment(f *testing.F) {
	f.Add(bytes.Join([][]byte{EncodeHeader(0), entry(f, 1), entry(f, 2), make([]byte, 16)}, nil), true)
	f.Add(append(EncodeHeader(0), 0, 0, 0, 9, 1, 2, 3, 4, 0x18, 1), false)
	f.Fuzz(func(t *testing.T, b []byte, last bool) {
		res, err := scanSegment(bytes.NewReader(b), int64(len(b)), "seg", 0, last, nil)
		if err != nil {
			var ce *storage.CorruptError
			require.ErrorAs(t, err, &ce)
			require.True(t, ce.Offset >= 0 && ce.Offset <= int64(len(b)))
			return
		}
		require.LessOrEqual(t, res.End, int64(len(b)))
		if res.Tail == tailTorn {
			require.True(t, last, "only the last segment may have a torn tail")
		}
	})
}
