//go:build !linux

package txnlog

import "os"

// allocate extends the file sparsely: without fallocate the size still stays
// constant across syncs, which is what preallocation is mostly for.
func allocate(f *os.File, _, size int64) error {
	return f.Truncate(size)
}
