package txnlog

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage"
)

const testPrealloc = 4096

func testOptions(logs *bytes.Buffer) Options {
	o := DefaultOptions()
	o.PreAllocSize = testPrealloc
	if logs != nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	return o
}

func openLog(t *testing.T, dir string, fs fileSystem, logs *bytes.Buffer) *Log {
	t.Helper()
	if fs == nil {
		fs = osFS{}
	}
	l, err := openFS(dir, testOptions(logs), fs)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// appendRange appends and syncs txns with zxids from..to inclusive.
func appendRange(t *testing.T, l *Log, from, to int64) {
	t.Helper()
	for z := from; z <= to; z++ {
		require.NoError(t, l.Append(txn(z)))
	}
	require.NoError(t, l.Sync())
}

func zxidsFrom(t *testing.T, l *Log, from int64) []int64 {
	t.Helper()
	var out []int64
	require.NoError(t, l.Iterate(from, func(x *messages.Txn) error {
		require.True(t, proto.Equal(txn(x.Zxid), x), "txn %#x read back intact", x.Zxid)
		out = append(out, x.Zxid)
		return nil
	}))
	return out
}

func seq(from, to int64) []int64 {
	var out []int64
	for z := from; z <= to; z++ {
		out = append(out, z)
	}
	return out
}

func TestAppendSyncReopen(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, nil, nil)
	require.Zero(t, l.LastZxid())
	require.NoError(t, l.Sync(), "nothing to sync")
	require.Empty(t, l.Segments(), "segments start with their first entry")

	appendRange(t, l, 1, 10)
	require.NoError(t, l.Append(txn(11)))
	require.Equal(t, int64(11), l.LastZxid())
	require.Equal(t, int64(10), l.SyncedZxid())
	require.Equal(t, seq(1, 10), zxidsFrom(t, l, 0), "unsynced txns are not iterated")
	require.NoError(t, l.Sync())
	require.Equal(t, seq(6, 11), zxidsFrom(t, l, 5))
	require.Empty(t, zxidsFrom(t, l, 11))

	segs := l.Segments()
	require.Len(t, segs, 1)
	require.Equal(t, filepath.Join(dir, "log.0000000000000001"), segs[0].Path)
	require.Equal(t, SegmentInfo{Path: segs[0].Path, FirstZxid: 1, LastZxid: 11, Entries: 11, Size: segs[0].Size}, segs[0])
	st, err := os.Stat(segs[0].Path)
	require.NoError(t, err)
	require.Zero(t, st.Size()%testPrealloc, "the file grows in preallocation blocks")
	require.Greater(t, st.Size(), segs[0].Size)

	err = l.Append(txn(11))
	require.ErrorContains(t, err, "zxids must increase")
	require.NoError(t, l.Close())
	require.ErrorIs(t, l.Append(txn(12)), ErrClosed)

	l2 := openLog(t, dir, nil, nil)
	require.Equal(t, int64(11), l2.LastZxid())
	require.Equal(t, segs, l2.Segments())
	appendRange(t, l2, 12, 12)
	require.Equal(t, seq(1, 12), zxidsFrom(t, l2, 0))
}

func TestCloseSyncsPending(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, nil, nil)
	require.NoError(t, l.Append(txn(1)))
	require.NoError(t, l.Close())
	require.Equal(t, seq(1, 1), zxidsFrom(t, openLog(t, dir, nil, nil), 0))
}

func TestGroupCommitFsyncsOnce(t *testing.T) {
	fs := &faultFS{}
	l := openLog(t, t.TempDir(), fs, nil)
	appendRange(t, l, 1, 1) // creates the segment: header fsync + entry fsync
	before := fs.syncs
	appendRange(t, l, 2, 101)
	require.Equal(t, before+1, fs.syncs, "100 appends, one fsync")

	o := testOptions(nil)
	o.ForceSync = false
	fs2 := &faultFS{}
	l2, err := openFS(t.TempDir(), o, fs2)
	require.NoError(t, err)
	defer l2.Close()
	appendRange(t, l2, 1, 10)
	require.NoError(t, l2.Roll())
	appendRange(t, l2, 11, 20)
	require.Zero(t, fs2.syncs, "forceSync=no never fsyncs")
}

func TestSlowFsyncWarning(t *testing.T) {
	var logs bytes.Buffer
	o := testOptions(&logs)
	o.FsyncWarning = time.Second
	now := time.Unix(0, 0)
	step := 300 * time.Millisecond
	o.Now = func() time.Time { now = now.Add(step); return now }
	l, err := openFS(t.TempDir(), o, osFS{})
	require.NoError(t, err)
	defer l.Close()
	appendRange(t, l, 1, 1)
	require.Equal(t, step, l.LastFsync())
	require.NotContains(t, logs.String(), "fsync is slow")
	step = 2 * time.Second
	appendRange(t, l, 2, 2)
	require.Equal(t, 2*time.Second, l.LastFsync())
	require.Contains(t, logs.String(), "fsync is slow")
	require.Contains(t, logs.String(), "duration=2s")
}

func TestRollAndPurge(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, nil, nil)
	appendRange(t, l, 1, 5)
	require.NoError(t, l.Append(txn(6)))
	require.NoError(t, l.Roll()) // syncs 6 into the old segment
	require.NoError(t, l.Roll(), "rolling twice is harmless")
	appendRange(t, l, 7, 9)
	require.NoError(t, l.Roll())
	appendRange(t, l, 10, 12)

	segs := l.Segments()
	require.Len(t, segs, 3)
	for i, want := range [][2]int64{{1, 6}, {7, 9}, {10, 12}} {
		require.Equal(t, filepath.Join(dir, SegmentName(want[0])), segs[i].Path)
		require.Equal(t, want, [2]int64{segs[i].FirstZxid, segs[i].LastZxid})
	}
	st, err := os.Stat(segs[0].Path)
	require.NoError(t, err)
	require.Equal(t, segs[0].Size, st.Size(), "a rolled segment is trimmed to its data")
	require.Equal(t, seq(5, 12), zxidsFrom(t, l, 4), "iteration crosses segments")

	tests := []struct {
		keepFrom int64
		first    []int64 // first zxids of the remaining segments
	}{
		{0, []int64{1, 7, 10}},
		{6, []int64{1, 7, 10}}, // 6 is in the first segment
		{7, []int64{7, 10}},
		{9, []int64{7, 10}},
		{100, []int64{10}}, // never the last segment
	}
	for _, tc := range tests {
		require.NoError(t, l.Purge(tc.keepFrom))
		var first []int64
		for _, s := range l.Segments() {
			first = append(first, s.FirstZxid)
		}
		require.Equal(t, tc.first, first, "Purge(%d)", tc.keepFrom)
	}
	require.NoError(t, l.Close())
	l2 := openLog(t, dir, nil, nil)
	require.Equal(t, seq(10, 12), zxidsFrom(t, l2, 0))
}

func TestTruncateAfter(t *testing.T) {
	build := func(t *testing.T) (*Log, string) {
		dir := t.TempDir()
		l := openLog(t, dir, nil, nil)
		appendRange(t, l, 1, 5)
		require.NoError(t, l.Roll())
		appendRange(t, l, 6, 10)
		require.NoError(t, l.Roll())
		appendRange(t, l, 11, 15)
		return l, dir
	}
	tests := []struct {
		zxid     int64
		segments int
		last     int64
	}{
		{16, 3, 16}, // nothing to drop
		{99, 3, 16},
		{13, 3, 13}, // inside the last segment
		{10, 2, 10}, // at a segment boundary: the last segment goes
		{7, 2, 7},   // inside an earlier segment
		{5, 1, 5},
		{0, 0, 0}, // everything
	}
	for _, tc := range tests {
		l, dir := build(t)
		require.NoError(t, l.Append(txn(16))) // pending appends are synced, then dropped too
		require.NoError(t, l.TruncateAfter(tc.zxid))
		require.Len(t, l.Segments(), tc.segments, "TruncateAfter(%d)", tc.zxid)
		require.Equal(t, tc.last, l.LastZxid())
		require.Equal(t, seq(1, tc.last), zxidsFrom(t, l, 0))
		// New txns go after the cut (Zab continues from the leader's log)
		// and everything survives a reopen.
		appendRange(t, l, tc.last+1, tc.last+3)
		require.NoError(t, l.Close())
		l2 := openLog(t, dir, nil, nil)
		require.Equal(t, seq(1, tc.last+3), zxidsFrom(t, l2, 0), "TruncateAfter(%d) then reopen", tc.zxid)
		require.NoError(t, l2.Close())
	}
}

func TestIterateStopsOnCallbackError(t *testing.T) {
	l := openLog(t, t.TempDir(), nil, nil)
	appendRange(t, l, 1, 5)
	stop := errors.New("stop")
	n := 0
	err := l.Iterate(0, func(*messages.Txn) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 2, n)
}

// corruptAt writes b over the file at off.
func corruptAt(t *testing.T, path string, off int64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(b, off)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// twoSegments leaves a closed log with segments 1..5 and 6..10.
func twoSegments(t *testing.T) (dir string, segs []SegmentInfo) {
	dir = t.TempDir()
	l := openLog(t, dir, nil, nil)
	appendRange(t, l, 1, 5)
	require.NoError(t, l.Roll())
	appendRange(t, l, 6, 10)
	segs = l.Segments()
	require.NoError(t, l.Close())
	return dir, segs
}

func TestOpenCutsTornTail(t *testing.T) {
	entrySize := int64(len(entry(t, 10)))
	tests := []struct {
		name   string
		damage func(t *testing.T, last SegmentInfo)
		want   int64 // last zxid after Open
	}{
		{"half-written last entry", func(t *testing.T, s SegmentInfo) {
			// The last entry's second half never reached the disk.
			corruptAt(t, s.Path, s.Size-entrySize/2, make([]byte, entrySize/2))
		}, 9},
		{"garbage after the last entry", func(t *testing.T, s SegmentInfo) {
			corruptAt(t, s.Path, s.Size+10, []byte("garbage"))
		}, 10},
		{"length written, payload not", func(t *testing.T, s SegmentInfo) {
			corruptAt(t, s.Path, s.Size, []byte{0, 0, 0, 40})
		}, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, segs := twoSegments(t)
			tc.damage(t, segs[1])
			var logs bytes.Buffer
			l := openLog(t, dir, nil, &logs)
			require.Equal(t, tc.want, l.LastZxid())
			require.Contains(t, logs.String(), "cutting off a torn write")
			require.Contains(t, logs.String(), segs[1].Path)
			appendRange(t, l, tc.want+1, tc.want+2)
			require.NoError(t, l.Close())

			logs.Reset()
			l2 := openLog(t, dir, nil, &logs)
			require.Equal(t, seq(1, tc.want+2), zxidsFrom(t, l2, 0))
			require.Empty(t, logs.String(), "the cut was made durable: no warning the second time")
		})
	}
}

func TestOpenRefusesCorruption(t *testing.T) {
	entrySize := int64(len(entry(t, 1)))
	tests := []struct {
		name   string
		damage func(t *testing.T, segs []SegmentInfo) (file string, off int64)
		reason string
	}{
		{"bit flip in an earlier segment", func(t *testing.T, segs []SegmentInfo) (string, int64) {
			off := int64(HeaderSize) + 2*entrySize
			corruptAt(t, segs[0].Path, off+20, []byte{0xff})
			return segs[0].Path, off
		}, "crc32c mismatch"},
		{"torn tail in an earlier segment", func(t *testing.T, segs []SegmentInfo) (string, int64) {
			require.NoError(t, os.Truncate(segs[0].Path, segs[0].Size-3))
			return segs[0].Path, segs[0].Size - entrySize
		}, "does not fit"},
		{"bit flip before valid entries of the last segment", func(t *testing.T, segs []SegmentInfo) (string, int64) {
			off := int64(HeaderSize) + entrySize
			corruptAt(t, segs[1].Path, off+20, []byte{0xff})
			return segs[1].Path, off
		}, "a valid entry follows"},
		{"garbage header", func(t *testing.T, segs []SegmentInfo) (string, int64) {
			corruptAt(t, segs[1].Path, 0, []byte("XXXX"))
			return segs[1].Path, 0
		}, "magic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, segs := twoSegments(t)
			file, off := tc.damage(t, segs)
			_, err := Open(dir, testOptions(nil))
			var ce *CorruptError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, file, ce.File)
			require.Equal(t, off, ce.Offset)
			require.Contains(t, ce.Reason, tc.reason)
			require.ErrorAs(t, err, new(*storage.CorruptError), "the shared storage type")
		})
	}
}

func TestOpenRemovesSegmentWithoutEntries(t *testing.T) {
	for name, content := range map[string][]byte{
		"empty":        nil,
		"partial":      EncodeHeader(0)[:5],
		"header only":  append(EncodeHeader(0), make([]byte, 100)...),
		"torn entry":   append(EncodeHeader(0), entry(t, 11)[:20]...),
		"preallocated": make([]byte, testPrealloc),
	} {
		t.Run(name, func(t *testing.T) {
			dir, _ := twoSegments(t)
			leftover := filepath.Join(dir, SegmentName(11))
			require.NoError(t, os.WriteFile(leftover, content, 0o644))
			var logs bytes.Buffer
			l := openLog(t, dir, nil, &logs)
			require.Contains(t, logs.String(), "removing a segment without entries")
			_, err := os.Stat(leftover)
			require.ErrorIs(t, err, os.ErrNotExist)
			require.Equal(t, int64(10), l.LastZxid())
			appendRange(t, l, 11, 11)
			require.Equal(t, leftover, l.Segments()[2].Path, "the next sync starts a fresh segment")
		})
	}
}

func TestFailedSyncRollsBack(t *testing.T) {
	boom := errors.New("injected I/O error")
	tests := []struct {
		name   string
		inject func(fs *faultFS)
	}{
		{"write fails halfway", func(fs *faultFS) { fs.failWrite = boom }},
		{"fsync fails", func(fs *faultFS) { fs.failSync = boom }},
		{"preallocation fails", func(fs *faultFS) { fs.failAlloc = boom }},
	}
	for _, tc := range tests {
		for _, fresh := range []bool{false, true} { // into the active segment / into a new one
			t.Run(fmt.Sprintf("%s/new segment=%v", tc.name, fresh), func(t *testing.T) {
				dir := t.TempDir()
				fs := &faultFS{}
				l := openLog(t, dir, fs, nil)
				appendRange(t, l, 1, 3)
				if fresh {
					require.NoError(t, l.Roll())
				}
				before := l.Segments()

				tc.inject(fs)
				for z := int64(4); z <= 400; z++ { // more than one preallocation block
					require.NoError(t, l.Append(txn(z)))
				}
				require.ErrorIs(t, l.Sync(), boom)
				require.Equal(t, int64(3), l.LastZxid(), "the failed batch is dropped")
				require.Equal(t, before, l.Segments())
				require.Equal(t, seq(1, 3), zxidsFrom(t, l, 0))
				require.ErrorContains(t, l.Append(txn(3)), "must increase")

				*fs = faultFS{} // the disk has room again
				appendRange(t, l, 4, 400)
				require.NoError(t, l.Close())
				l2 := openLog(t, dir, nil, nil)
				require.Equal(t, seq(1, 400), zxidsFrom(t, l2, 0))
			})
		}
	}
}

// TestENOSPCOnTmpfs fills a real 2 MiB tmpfs: preallocation fails with
// ENOSPC, the log stays as it was, and once space is freed the same txns
// can be logged. Needs root (mount); skipped otherwise.
func TestENOSPCOnTmpfs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m"); err != nil {
		t.Skipf("cannot mount a tmpfs (%v); the injected-failure test covers this path", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, 0) })
	logDir := filepath.Join(dir, "log")
	o := testOptions(nil)
	o.PreAllocSize = 64 << 10
	l, err := Open(logDir, o)
	require.NoError(t, err)
	defer l.Close()
	appendRange(t, l, 1, 10)

	// Take all but a few KiB of what is left.
	var sfs syscall.Statfs_t
	require.NoError(t, syscall.Statfs(dir, &sfs))
	filler := filepath.Join(dir, "filler")
	ff, err := os.Create(filler)
	require.NoError(t, err)
	require.NoError(t, syscall.Fallocate(int(ff.Fd()), 0, 0, int64(sfs.Bavail)*sfs.Bsize-8<<10))
	require.NoError(t, ff.Close())

	for z := int64(11); z <= 1000; z++ {
		require.NoError(t, l.Append(txn(z)))
	}
	err = l.Sync()
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.Equal(t, int64(10), l.LastZxid())
	require.Equal(t, seq(1, 10), zxidsFrom(t, l, 0))

	require.NoError(t, os.Remove(filler))
	appendRange(t, l, 11, 1000)
	require.NoError(t, l.Close())
	l2, err := Open(logDir, o)
	require.NoError(t, err)
	defer l2.Close()
	require.Equal(t, seq(1, 1000), zxidsFrom(t, l2, 0))
}
