// Package storage holds what Corral's durable formats (storage/txnlog,
// storage/snapshot, storage/apachefmt) have in common. The formats
// themselves live in the sub-packages; this package only defines the error
// they all return for damaged files, so a caller can recognise damage with
// one errors.As whatever file it was reading.
package storage

import "fmt"

// CorruptError reports durable state that cannot be trusted: a bad
// checksum, an impossible length, a record that does not decode, or a torn
// write where tearing cannot have happened. It always names the file and the
// byte offset of the first bad byte so an operator can inspect (or cut) the
// file by hand; the storage code never skips damage silently.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: corrupt at byte offset %d: %s", e.File, e.Offset, e.Reason)
}
