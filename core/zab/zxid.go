package zab

import "fmt"

// A zxid is epoch<<32 | counter: the high 32 bits name the leader's epoch,
// the low 32 bits count that leader's proposals from 1. Counter 0 marks the
// start of an epoch (NEWLEADER carries epoch<<32) and never names a txn.

// counterMask selects the counter half of a zxid.
const counterMask = 0xffffffff

// MaxCounter is the counter a leader never proposes: reaching it forces a
// new epoch (Apache's ZOOKEEPER-1277 rollover rule).
const MaxCounter = counterMask

// MakeZxid builds a zxid from its halves.
func MakeZxid(epoch int64, counter int64) int64 {
	return epoch<<32 | (counter & counterMask)
}

// EpochOf is the epoch half of z.
func EpochOf(z int64) int64 { return z >> 32 }

// CounterOf is the counter half of z.
func CounterOf(z int64) int64 { return z & counterMask }

// FormatZxid renders z as epoch:counter (decimal), the form the transcripts
// use; -1 (no zxid) stays -1.
func FormatZxid(z int64) string {
	if z < 0 {
		return fmt.Sprint(z)
	}
	return fmt.Sprintf("%d:%d", EpochOf(z), CounterOf(z))
}
