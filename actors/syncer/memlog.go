package syncer

import "github.com/corral-zk/corral/messages"

// MemLog is a Log kept in memory, for tests of the pipeline that are not
// about durability (server.Options.Log). A server with a data directory
// never uses it.
type MemLog struct {
	txns    []*messages.Txn
	durable int
}

// Append implements Log.
func (m *MemLog) Append(t *messages.Txn) error { m.txns = append(m.txns, t); return nil }

// Sync implements Log.
func (m *MemLog) Sync() error { m.durable = len(m.txns); return nil }

// SyncedZxid implements Log.
func (m *MemLog) SyncedZxid() int64 {
	if m.durable == 0 {
		return 0
	}
	return m.txns[m.durable-1].Zxid
}

// Roll implements Log; a memory log has no segments.
func (m *MemLog) Roll() error { return m.Sync() }
