package apachefmt

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/wire"
)

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

func logHeader() []byte { return (&jw{}).i32(LogMagic).i32(FormatVersion).i64(0).b }

func deleteEntry(zxid int64, path string) []byte {
	return logEntry(txnHeader(&jw{}, sess, 1, zxid, when, wire.OpDelete).str(path).b)
}

func TestReadLog(t *testing.T) {
	e1, e2 := deleteEntry(1, "/a"), deleteEntry(2, "/b")
	badCRC := bytes.Clone(e2)
	badCRC[7] ^= 1
	noEOR := bytes.Clone(e2)
	noEOR[len(noEOR)-1] = 0
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name    string
		file    []byte
		want    []string
		corrupt string // CorruptError reason substring; "" = no error
	}{
		{"two entries then zero padding", cat(logHeader(), e1, e2, make([]byte, 4096)), []string{"/a", "/b"}, ""},
		{"ends exactly at end of file", cat(logHeader(), e1, e2), []string{"/a", "/b"}, ""},
		{"partial last entry ends the log", cat(logHeader(), e1, e2[:len(e2)-5]), []string{"/a"}, ""},
		{"partial length ends the log", cat(logHeader(), e1, e2[:10]), []string{"/a"}, ""},
		{"missing end-of-record byte ends the log", cat(logHeader(), e1, noEOR), []string{"/a"}, ""},
		{"checksum mismatch is corruption", cat(logHeader(), e1, badCRC), []string{"/a"}, "adler32 mismatch"},
		{"snapshot magic is not a log", cat((&jw{}).i32(SnapMagic).i32(2).i64(0).b, e1), nil, "magic"},
		{"wrong version", cat((&jw{}).i32(LogMagic).i32(1).i64(0).b, e1), nil, "version 1"},
		{"truncated header", logHeader()[:9], nil, "truncated file header"},
		{"negative length", cat(logHeader(), (&jw{}).i64(0).i32(-5).b), nil, "unreasonable entry length -5"},
		{"undecodable txn", cat(logHeader(), logEntry(txnHeader(&jw{}, 1, 1, 1, 1, wire.OpPing).b)), nil, "unsupported txn type 11"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, "log.1", tc.file)
			var got []string
			err := ReadLog(file, func(hdr TxnHeader, txn *messages.Txn) error {
				require.Equal(t, hdr.Zxid, txn.Zxid)
				got = append(got, txn.GetDelete().GetPath())
				return nil
			})
			require.Equal(t, tc.want, got)
			if tc.corrupt == "" {
				require.NoError(t, err)
				return
			}
			var ce *storage.CorruptError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, file, ce.File)
			require.Contains(t, ce.Reason, tc.corrupt)
		})
	}
}

func TestReadLogStopsOnCallbackError(t *testing.T) {
	file := writeFile(t, "log.1", bytes.Join([][]byte{logHeader(), deleteEntry(1, "/a"), deleteEntry(2, "/b")}, nil))
	stop := errors.New("stop")
	calls := 0
	err := ReadLog(file, func(TxnHeader, *messages.Txn) error { calls++; return stop })
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, calls)
}

// snapBody builds FileHeader + sessions + ACL cache + nodes + "/" (no seal).
func snapBody() *jw {
	w := (&jw{}).i32(SnapMagic).i32(FormatVersion).i64(-1)
	w.i32(2).i64(0x100).i32(30000).i64(0x200).i32(4000)
	digestACL := []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "digest", ID: "u:x"}}}
	w.i32(2).i64(1).acls(worldAll).i64(2).acls(digestACL)
	node := func(path string, data []byte, ref int64, czxid int64, owner int64) {
		w.str(path).buf(data).i64(ref)
		w.i64(czxid).i64(czxid + 1).i64(when).i64(when + 5).i32(1).i32(2).i32(3).i64(owner).i64(czxid + 2)
	}
	node("", nil, -1, 0, 0)
	node("/a", []byte("data a"), 1, 10, 0)
	node("/a/b", []byte{}, 2, 20, 0x100)
	return w.str("/")
}

type snapLog struct {
	sessions []int64
	paths    []string
	nodes    map[string]nodeState
}

func (s *snapLog) Session(id int64, timeout int32) error {
	s.sessions = append(s.sessions, id, int64(timeout))
	return nil
}

func (s *snapLog) Node(path string, data []byte, stat wire.Stat, acl []wire.ACL) error {
	if s.nodes == nil {
		s.nodes = map[string]nodeState{}
	}
	s.paths = append(s.paths, path)
	s.nodes[path] = nodeState{Data: string(data), Stat: stat, ACL: acl[0].ID.Scheme}
	return nil
}

func TestReadSnapshotContent(t *testing.T) {
	file := writeFile(t, "snapshot.2a", snapBody().seal().b)
	var v snapLog
	zxid, err := ReadSnapshot(file, &v)
	require.NoError(t, err)
	require.Equal(t, int64(0x2a), zxid)
	require.Equal(t, []int64{0x100, 30000, 0x200, 4000}, v.sessions)
	require.Equal(t, []string{"/", "/a", "/a/b"}, v.paths)
	require.Equal(t, nodeState{Data: "data a", ACL: "world", Stat: wire.Stat{Czxid: 10, Mzxid: 11, Ctime: when, Mtime: when + 5,
		Version: 1, Cversion: 2, Aversion: 3, Pzxid: 12, DataLength: 6}}, v.nodes["/a"])
	require.Equal(t, "digest", v.nodes["/a/b"].ACL)
	require.Equal(t, int64(0x100), v.nodes["/a/b"].Stat.EphemeralOwner)
	require.Equal(t, "world", v.nodes["/"].ACL, "reference -1 is OPEN_ACL_UNSAFE")
}

func TestReadSnapshotTails(t *testing.T) {
	digest := func(w *jw) *jw { return w.i64(0x29).i32(2).i64(-77).seal() }
	tests := []struct {
		name string
		file *jw
		want SnapTail
	}{
		{"3.5: no tail", snapBody().seal(), SnapTail{DBID: -1}},
		{"3.6+: digest", digest(snapBody().seal()),
			SnapTail{DBID: -1, HasDigest: true, DigestZxid: 0x29, DigestVersion: 2, Digest: -77}},
		{"3.9: digest and lastProcessedZxid", digest(snapBody().seal()).i64(0x2a).seal(),
			SnapTail{DBID: -1, HasDigest: true, DigestZxid: 0x29, DigestVersion: 2, Digest: -77, HasLastProcessedZxid: true, LastProcessedZxid: 0x2a}},
		{"3.9 with digest disabled: lastProcessedZxid only", snapBody().seal().i64(0x2a).seal(),
			SnapTail{DBID: -1, HasLastProcessedZxid: true, LastProcessedZxid: 0x2a}},
		{"old hex-string digest", snapBody().seal().i64(0x29).i32(1).str("ff").seal(),
			SnapTail{DBID: -1, HasDigest: true, DigestZxid: 0x29, DigestVersion: 1, Digest: 0xff}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTestTree()
			_, err := ReadSnapshot(writeFile(t, "snapshot.2a", tc.file.b), tr)
			require.NoError(t, err)
			require.Equal(t, tc.want, tr.tail)
			require.Len(t, tr.nodes, 3)
		})
	}
}

func TestReadSnapshotGzip(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	_, err := gz.Write(snapBody().seal().b)
	require.NoError(t, err)
	require.NoError(t, gz.Close())
	tr := newTestTree()
	zxid, err := ReadSnapshot(writeFile(t, "snapshot.2a.gz", buf.Bytes()), tr)
	require.NoError(t, err)
	require.Equal(t, int64(0x2a), zxid)
	require.Len(t, tr.nodes, 3)

	_, err = ReadSnapshot(writeFile(t, "snapshot.2a.snappy", []byte("x")), tr)
	require.ErrorContains(t, err, "snappy")
}

func TestReadSnapshotDamage(t *testing.T) {
	good := snapBody().seal().b
	flip := func(at int) []byte { b := bytes.Clone(good); b[at] ^= 0x40; return b }
	unknownRef := (&jw{}).i32(SnapMagic).i32(2).i64(0).i32(0).i32(0).str("").buf(nil).i64(5).
		raw(make([]byte, 60)).str("/").seal().b
	tests := []struct {
		name   string
		file   []byte
		reason string
	}{
		{"flipped data byte breaks the seal", flip(len(good) - 30), "adler32 seal mismatch"},
		{"truncated in the nodes", good[:len(good)-40], "unexpected EOF"},
		{"truncated before the seal", good[:len(good)-13], "seal"},
		{"bad magic", flip(0), "magic"},
		{"ACL reference not in the cache", unknownRef, "refers to ACL 5"},
		{"garbage after the seal", append(bytes.Clone(good), 1, 2, 3), "3 bytes after the seal"},
		{"negative session count", (&jw{}).i32(SnapMagic).i32(2).i64(0).i32(-1).b, "negative session count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, "snapshot.2a", tc.file)
			_, err := ReadSnapshot(file, newTestTree())
			var ce *storage.CorruptError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, file, ce.File)
			require.Contains(t, ce.Reason, tc.reason)
		})
	}
}

func TestZxidFromName(t *testing.T) {
	for name, want := range map[string]int64{
		"snapshot.1a": 0x1a, "/x/version-2/snapshot.100000000.gz": 0x100000000, "log.ff": 0xff,
		"snapshot": -1, "snapshot.zz": -1, "other.10": -1,
	} {
		require.Equal(t, want, ZxidFromName(name), name)
	}
}
