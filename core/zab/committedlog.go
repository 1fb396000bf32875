package zab

import (
	"fmt"

	"github.com/corral-zk/corral/messages"
)

// DefaultCommittedLogSize is how many recent committed txns a leader keeps
// in memory for DIFF syncs (Apache's commitLogCount).
const DefaultCommittedLogSize = 500

// LogReader reads the leader's own txn log, for a DIFF that reaches back
// before the in-memory committed window. It is the only way the core
// touches the disk, and the host decides what it costs.
type LogReader interface {
	// TxnRange returns logged txns in zxid order up to to, starting at or
	// before from: the first has a zxid <= from (it may start earlier, as
	// Apache's iterator starts at the head of the log file holding from).
	// The leader then sends a DIFF when from is among them, a TRUNC when
	// the learner's from is not (its log diverged after a common txn).
	// ok is false when the log starts after from (purged) or when the host
	// judges a snapshot cheaper (Apache: more bytes than
	// snapshotSizeFactor times the snapshot); the learner then gets a SNAP.
	TxnRange(from, to int64) (txns []*messages.Txn, ok bool, err error)
}

// checkTail verifies that txns are in zxid order and end at last (when
// there are any).
func checkTail(txns []*messages.Txn, last int64) error {
	for i, t := range txns {
		if i > 0 && t.GetZxid() <= txns[i-1].GetZxid() {
			return fmt.Errorf("%w: txns out of zxid order at %s", ErrBadConfig, FormatZxid(t.GetZxid()))
		}
	}
	if n := len(txns); n > 0 && txns[n-1].GetZxid() != last {
		return fmt.Errorf("%w: txns end at %s, the last logged zxid is %s", ErrBadConfig,
			FormatZxid(txns[n-1].GetZxid()), FormatZxid(last))
	}
	return nil
}

// committedLog is Apache's ZKDatabase.committedLog: the newest committed
// txns, in zxid order, bounded in count. min and max are
// minCommittedLog/maxCommittedLog.
type committedLog struct {
	txns []*messages.Txn
	size int
}

func newCommittedLog(size int, seed []*messages.Txn) committedLog {
	if size <= 0 {
		size = DefaultCommittedLogSize
	}
	c := committedLog{size: size}
	for _, t := range seed {
		c.add(t)
	}
	return c
}

func (c *committedLog) add(t *messages.Txn) {
	if len(c.txns) == c.size {
		// Shift instead of reslicing so the backing array does not grow
		// without bound; size is small (hundreds).
		copy(c.txns, c.txns[1:])
		c.txns = c.txns[:len(c.txns)-1]
	}
	c.txns = append(c.txns, t)
}

func (c *committedLog) empty() bool { return len(c.txns) == 0 }
func (c *committedLog) min() int64  { return c.txns[0].GetZxid() }
func (c *committedLog) max() int64  { return c.txns[len(c.txns)-1].GetZxid() }
