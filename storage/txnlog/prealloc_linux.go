package txnlog

import (
	"errors"
	"os"
	"syscall"
)

// allocate reserves [cur, size) with fallocate(2). Reserving (rather than
// just extending the size) makes ENOSPC surface here, before any entry is
// written, and keeps fsync from having to allocate blocks. File systems
// without fallocate fall back to a sparse extension, which still keeps the
// file size constant across syncs.
func allocate(f *os.File, cur, size int64) error {
	err := syscall.Fallocate(int(f.Fd()), 0, cur, size-cur)
	if errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS) {
		return f.Truncate(size)
	}
	if err != nil {
		return &os.PathError{Op: "fallocate", Path: f.Name(), Err: err}
	}
	return nil
}
