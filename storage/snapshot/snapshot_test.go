package snapshot

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/storage"
	"github.com/corral-zk/corral/wire"
)

var (
	world  = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	digest = []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "digest", ID: "u:hash"}},
		{Perms: wire.PermAll, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}}
)

type node struct {
	path string
	data []byte
	stat wire.Stat
	acl  []wire.ACL
}

type session struct {
	id      int64
	timeout int32
}

// collect is a Visitor that records everything.
type collect struct {
	sessions []session
	nodes    []node
	failAt   int // return errStop on this node (1-based); 0 never
}

var errStop = errors.New("stop")

func (c *collect) Session(id int64, timeout int32) error {
	c.sessions = append(c.sessions, session{id, timeout})
	return nil
}

func (c *collect) Node(path string, data []byte, stat wire.Stat, acl []wire.ACL) error {
	c.nodes = append(c.nodes, node{path, data, stat, acl})
	if len(c.nodes) == c.failAt {
		return errStop
	}
	return nil
}

func stat(czxid int64, dataLen int, owner int64) wire.Stat {
	return wire.Stat{Czxid: czxid, Mzxid: czxid + 1, Ctime: 1_700_000_000_000 + czxid, Mtime: 1_700_000_000_500,
		Version: 2, Cversion: 3, Aversion: 1, EphemeralOwner: owner, Pzxid: czxid + 2, DataLength: int32(dataLen)}
}

func sampleNodes() []node {
	big := bytes.Repeat([]byte("0123456789abcdef"), (readBuf+1000)/16) // larger than the read buffer
	return []node{
		{"/", nil, stat(0, 0, 0), world},
		{"/app", []byte("hello"), stat(0x100000001, 5, 0), world},
		{"/app/lock-0000000001", []byte{}, stat(0x100000002, 0, 0x5a00000000000001), digest},
		{"/app/big", big, stat(0x100000003, len(big), 0), world},
		{"/box", nil, stat(0x100000004, 0, wire.ContainerEphemeralOwner), nil},
		{"/ttl", []byte{0, 1, 2}, stat(0x100000005, 3, wire.TTLOwnerMask|5000), digest},
	}
}

func writeSnapshot(t testing.TB, dir string, zxid int64, sessions []session, nodes []node) string {
	t.Helper()
	w, err := NewWriter(dir, zxid)
	require.NoError(t, err)
	defer w.Abort()
	for _, s := range sessions {
		w.Session(s.id, s.timeout)
	}
	for _, n := range nodes {
		w.Node(n.path, n.data, n.stat, n.acl)
	}
	require.NoError(t, w.Commit())
	return filepath.Join(dir, SnapshotName(zxid))
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	sessions := []session{{0x5a00000000000001, 30000}, {-1, 4000}}
	nodes := sampleNodes()
	file := writeSnapshot(t, dir, 0x100000005, sessions, nodes)

	var c collect
	zxid, err := Read(file, &c)
	require.NoError(t, err)
	require.Equal(t, int64(0x100000005), zxid)
	require.Equal(t, sessions, c.sessions)
	require.Len(t, c.nodes, len(nodes))
	for i, want := range nodes {
		got := c.nodes[i]
		require.Equal(t, want.path, got.path)
		require.Equal(t, len(want.data), len(got.data), want.path)
		require.True(t, bytes.Equal(want.data, got.data), want.path)
		require.Equal(t, want.data == nil, got.data == nil, "null data must stay null, empty stay empty: %s", want.path)
		require.Equal(t, want.stat, got.stat, want.path)
		require.Equal(t, len(want.acl), len(got.acl), want.path)
		if len(want.acl) > 0 {
			require.Equal(t, want.acl, got.acl, want.path)
		}
	}
	// Identical lists are stored once and handed out shared.
	require.Same(t, &c.nodes[0].acl[0], &c.nodes[1].acl[0])
	require.Same(t, &c.nodes[2].acl[0], &c.nodes[5].acl[0])
}

func TestACLsAreDeduplicated(t *testing.T) {
	dir := t.TempDir()
	var nodes []node
	for i := range 100 {
		acl := world
		if i%2 == 1 {
			acl = digest
		}
		nodes = append(nodes, node{fmt.Sprintf("/n%d", i), []byte("d"), stat(int64(i), 1, 0), acl})
	}
	file := writeSnapshot(t, dir, 7, nil, nodes)
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	r := &reader{br: bufio.NewReaderSize(f, readBuf), file: file}
	_, err = r.read(&collect{})
	require.NoError(t, err)
	require.Equal(t, counts{sessions: 0, nodes: 100, acls: 2}, r.n)
}

func TestReadStopsOnVisitorError(t *testing.T) {
	file := writeSnapshot(t, t.TempDir(), 1, nil, sampleNodes())
	c := collect{failAt: 2}
	_, err := Read(file, &c)
	require.ErrorIs(t, err, errStop)
	require.Len(t, c.nodes, 2)
}

// Every truncation and every single-bit flip of a snapshot must be
// reported as a CorruptError naming the file, never read as valid.
func TestDamageIsAlwaysDetected(t *testing.T) {
	dir := t.TempDir()
	nodes := sampleNodes()[:3]
	file := writeSnapshot(t, dir, 0x42, []session{{9, 3000}}, nodes)
	good, err := os.ReadFile(file)
	require.NoError(t, err)

	check := func(t *testing.T, b []byte, what string) {
		require.NoError(t, os.WriteFile(file, b, 0o644))
		_, err := Read(file, &collect{})
		var ce *storage.CorruptError
		require.ErrorAs(t, err, &ce, what)
		require.Equal(t, file, ce.File, what)
	}
	for n := range len(good) {
		check(t, good[:n], fmt.Sprintf("truncated to %d bytes", n))
	}
	for i := range good {
		b := bytes.Clone(good)
		b[i] ^= 0x10
		check(t, b, fmt.Sprintf("bit flipped at byte %d", i))
	}
	check(t, append(bytes.Clone(good), 0), "trailing byte")
}

func TestCorruptReasons(t *testing.T) {
	dir := t.TempDir()
	file := writeSnapshot(t, dir, 0x42, nil, sampleNodes()[:2])
	good, err := os.ReadFile(file)
	require.NoError(t, err)
	renamed := filepath.Join(dir, SnapshotName(0x43))
	require.NoError(t, os.WriteFile(renamed, good, 0o644))
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-1] ^= 1
	tests := []struct {
		name, file string
		body       []byte
		reason     string
	}{
		{"truncated", file, good[:len(good)-10], "truncated"},
		{"crc", file, badCRC, "crc32c mismatch"},
		{"magic", file, append([]byte("CRLG"), good[4:]...), "magic"},
		{"name does not match header", renamed, good, "does not match the file name"},
		{"unknown tag", file, append(bytes.Clone(good[:HeaderSize]), 0x77), "unknown record tag 0x77"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(tc.file, tc.body, 0o644))
			_, err := Read(tc.file, &collect{})
			var ce *storage.CorruptError
			require.ErrorAs(t, err, &ce)
			require.Contains(t, ce.Reason, tc.reason)
			require.Equal(t, tc.file, ce.File)
		})
	}
}

func TestAbortAndTemp(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, 5)
	require.NoError(t, err)
	w.Node("/", nil, wire.Stat{}, world)
	snaps, err := Latest(dir)
	require.NoError(t, err)
	require.Empty(t, snaps, "an uncommitted snapshot is not listed")
	w.Abort()
	require.Error(t, w.Commit())
	_, err = os.Stat(filepath.Join(dir, SnapshotName(5)+tmpSuffix))
	require.ErrorIs(t, err, os.ErrNotExist)

	// A crash leaves a .tmp behind; RemoveTemp clears it, nothing else.
	w2, err := NewWriter(dir, 6)
	require.NoError(t, err)
	w2.Node("/", nil, wire.Stat{}, world)
	require.NoError(t, w2.bw.Flush())
	writeSnapshot(t, dir, 4, nil, sampleNodes()[:1])
	require.NoError(t, RemoveTemp(dir))
	names := dirNames(t, dir)
	require.Equal(t, []string{SnapshotName(4)}, names)
	w2.Abort()
}

func TestCommitReportsWriteErrors(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, 8)
	require.NoError(t, err)
	require.NoError(t, w.f.Close()) // every later write to the file fails
	for i := range 20 {
		w.Node(fmt.Sprintf("/n%d", i), make([]byte, 100_000), wire.Stat{}, world)
	}
	require.Error(t, w.Commit())
	require.Empty(t, dirNames(t, dir), "neither the snapshot nor its .tmp remains")
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestLatestAndPurgeOld(t *testing.T) {
	dir := t.TempDir()
	for _, z := range []int64{0x100000010, 0x5, 0x100000002, 0x200000000} {
		writeSnapshot(t, dir, z, nil, sampleNodes()[:1])
	}
	for _, junk := range []string{"snapshot.5", "log.0000000000000001", SnapshotName(0x300000000) + ".tmp", "snapshot.zz"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, junk), nil, 0o644))
	}
	got, err := Latest(dir)
	require.NoError(t, err)
	want := []string{SnapshotName(0x200000000), SnapshotName(0x100000010), SnapshotName(0x100000002), SnapshotName(0x5)}
	for i := range want {
		want[i] = filepath.Join(dir, want[i])
	}
	require.Equal(t, want, got)

	tests := []struct {
		retain   int
		keepFrom int64
		left     int
	}{
		{10, 0x6, 4},
		{3, 0x100000003, 3},
		{1, 0x200000001, 1},
	}
	for _, tc := range tests {
		keepFrom, err := PurgeOld(dir, tc.retain)
		require.NoError(t, err)
		require.Equal(t, tc.keepFrom, keepFrom, "retain %d", tc.retain)
		left, err := Latest(dir)
		require.NoError(t, err)
		require.Equal(t, want[:tc.left], left)
	}
	_, err = PurgeOld(dir, 0)
	require.Error(t, err)
	keepFrom, err := PurgeOld(t.TempDir(), 3)
	require.NoError(t, err)
	require.Zero(t, keepFrom, "no snapshot: the whole log is needed")
	missing, err := Latest(filepath.Join(dir, "nope"))
	require.NoError(t, err)
	require.Empty(t, missing)
}

func FuzzRead(f *testing.F) {
	file := writeSnapshot(f, f.TempDir(), 3, []session{{1, 2}}, sampleNodes()[:3])
	good, err := os.ReadFile(file)
	require.NoError(f, err)
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &reader{br: bufio.NewReaderSize(bytes.NewReader(b), readBuf), file: "snap"}
		_, err := r.read(&collect{})
		if err != nil && !errors.Is(err, errStop) {
			var ce *storage.CorruptError
			require.ErrorAs(t, err, &ce)
		}
	})
}
