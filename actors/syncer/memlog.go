package syncer

import "github.com/corral-zk/corral/messages"

// MemLog is a Log kept in memory, for tests of the pipeline that are not
// about durability. It is never used by a server with a data directory.
type MemLog struct {
	txns    []*messages.Txn
	durable int
}

// Append implements Log.
func (m *MemLog) Append(t *messages.Txn) error { m.txns = append(m.txns, t); return nil }

// Sync implements Log.
func (m *MemLog) Sync() error { m.durable = len(m.txns); return nil }

// LastZxid implements Log.
func (m *MemLog) LastZxid() int64 {
	if m.durable == 0 {
		return 0
	}
	return m.txns[m.durable-1].Zxid
}
