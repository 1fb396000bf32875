package txnlog

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// dataRegion returns the first region [start, end) at or after off of the
// file behind r that may hold data, asking the file system
// (lseek SEEK_DATA/SEEK_HOLE) instead of reading. Preallocated blocks that
// were never written (fallocate's unwritten extents, a sparse extension)
// are holes to it, so Open need not read the 64 MiB of zero padding after
// the last entry to know that nothing follows. A hole never hides data:
// the file system reports a region as a hole only when reading it gives
// zeros, so the torn-tail and corruption checks see every written byte.
// start is -1 when nothing but holes follows off. ok is false when r is
// not a file or the file system cannot answer; the caller then reads.
func dataRegion(r io.ReaderAt, off int64) (start, end int64, ok bool) {
	f, isFile := r.(*os.File)
	if !isFile {
		return 0, 0, false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, 0, false
	}
	var serr error
	cerr := rc.Control(func(fd uintptr) {
		// The file offset is not used by the log (it reads and writes at
		// explicit offsets), so moving it here disturbs nothing.
		start, serr = unix.Seek(int(fd), off, unix.SEEK_DATA)
		if serr == nil {
			end, serr = unix.Seek(int(fd), start, unix.SEEK_HOLE)
		}
	})
	switch {
	case cerr != nil:
		return 0, 0, false
	case errors.Is(serr, unix.ENXIO):
		return -1, -1, true
	case serr != nil || end <= start:
		return 0, 0, false
	}
	return start, end, true
}

// noReadahead turns the kernel's readahead off for the file behind r until
// the returned function is called. Readahead would defeat dataRegion: the
// pages it reads ahead of a scan into the zero padding become cached, and
// cached pages count as data, so every read would make the next region
// "data" and the scan would walk the whole preallocation after all.
func noReadahead(r io.ReaderAt) (restore func()) {
	f, ok := r.(*os.File)
	if !ok {
		return func() {}
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return func() {}
	}
	advise := func(advice int) {
		_ = rc.Control(func(fd uintptr) { _ = unix.Fadvise(int(fd), 0, 0, advice) })
	}
	advise(unix.FADV_RANDOM)
	return func() { advise(unix.FADV_NORMAL) }
}
