package txnlog

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// paddedLog leaves a closed log of txns 1..n in one segment preallocated to
// the default 64 MiB, and returns the segment.
func paddedLog(t *testing.T, n int64) (dir string, seg SegmentInfo) {
	t.Helper()
	dir = t.TempDir()
	o := DefaultOptions()
	o.ForceSync = false
	l, err := Open(dir, o)
	require.NoError(t, err)
	for z := int64(1); z <= n; z++ {
		require.NoError(t, l.Append(txn(z)))
	}
	require.NoError(t, l.Sync())
	seg = l.Segments()[0]
	require.NoError(t, l.Close())
	st, err := os.Stat(seg.Path)
	require.NoError(t, err)
	require.Equal(t, int64(DefaultPreAllocSize), st.Size(), "the segment keeps its preallocation")
	return dir, seg
}

// The padding after the data is known to be empty without reading it: the
// file system reports no data region past the last written page, and Open
// keeps it so: it reads at most the scan's first chunk past the data, never
// the rest (pages it read, or the kernel read ahead, would count as data
// from then on).
func TestPaddingIsNotRead(t *testing.T) {
	dir, seg := paddedLog(t, 100)
	f, err := os.Open(seg.Path)
	require.NoError(t, err)
	defer f.Close()
	page := (seg.Size + 4095) / 4096 * 4096
	start, _, ok := dataRegion(f, page)
	require.True(t, ok, "the file system answers SEEK_DATA")
	require.Equal(t, int64(-1), start, "nothing but unwritten preallocation after the data")

	// What a restart finds after a reboot: nothing of the file cached.
	require.NoError(t, f.Sync())
	require.NoError(t, unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED))
	for range 3 {
		l, err := Open(dir, testOptions(nil))
		require.NoError(t, err)
		require.Equal(t, int64(100), l.LastZxid())
		require.NoError(t, l.Close())
	}
	beyond := page + 2*scanChunk
	start, _, ok = dataRegion(f, beyond)
	require.True(t, ok)
	require.Equal(t, int64(-1), start, "Open read the padding past offset %d", beyond)
	nz, err := firstNonZero(f, seg.Size, DefaultPreAllocSize)
	require.NoError(t, err)
	require.Equal(t, int64(-1), nz)
}

// Skipping holes keeps Open's checks: bytes written anywhere in the
// padding, however far from the data, are still found.
func TestPaddingDamageFarFromTheData(t *testing.T) {
	const far = 40 << 20
	t.Run("garbage is a torn tail", func(t *testing.T) {
		dir, seg := paddedLog(t, 100)
		corruptAt(t, seg.Path, far, []byte("garbage"))
		var logs bytes.Buffer
		o := testOptions(&logs)
		l, err := Open(dir, o)
		require.NoError(t, err)
		require.Equal(t, int64(100), l.LastZxid())
		require.Contains(t, logs.String(), "cutting off a torn write")
		require.Contains(t, logs.String(), "non-zero byte at offset 41943040")
		require.NoError(t, l.Close())
	})
	t.Run("a valid entry is corruption", func(t *testing.T) {
		dir, seg := paddedLog(t, 100)
		corruptAt(t, seg.Path, far, entry(t, 101))
		_, err := Open(dir, testOptions(nil))
		var ce *CorruptError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, seg.Path, ce.File)
		require.Equal(t, seg.Size, ce.Offset)
		require.Contains(t, ce.Reason, "a valid entry follows at offset 41943040")
	})
}
