//go:build !linux

package txnlog

import "io"

// dataRegion is not available here: the caller reads the whole range.
func dataRegion(io.ReaderAt, int64) (start, end int64, ok bool) { return 0, 0, false }

// noReadahead has nothing to turn off here.
func noReadahead(io.ReaderAt) (restore func()) { return func() {} }
