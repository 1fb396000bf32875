package zkdb

import (
	"sync"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/watch"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// DB is one server's in-memory database.
type DB struct {
	mu      sync.RWMutex
	tree    *datatree.Tree
	watches *watch.Manager
	reg     *registry.Registry
}

// New returns a DB over a fresh tree.
func New(reg *registry.Registry, opts datatree.Options) *DB {
	return &DB{tree: datatree.NewWithOptions(opts), watches: watch.NewManager(), reg: reg}
}

// ApplyFunc receives the result of each txn of a batch while the write lock
// is still held, after the txn's watch events were enqueued.
type ApplyFunc func(txn *messages.Txn, res *datatree.Result)

// Apply applies a batch of txns under one write lock. For each txn it
// triggers the watches (enqueuing events on the watchers' connections) and
// then calls fn, so replies are always sent after the events they imply.
func (db *DB) Apply(txns []*messages.Txn, fn ApplyFunc) {
	db.mu.Lock()
	defer db.mu.Unlock()
	for _, txn := range txns {
		res := db.tree.Apply(txn)
		db.fire(txn.GetZxid(), &res)
		if fn != nil {
			fn(txn, &res)
		}
	}
}

func (db *DB) fire(zxid int64, res *datatree.Result) {
	for _, t := range res.Triggers {
		db.deliver(db.watches.Trigger(t.Path, t.Type, zxid), zxid)
	}
	for i := range res.Multi {
		db.fire(zxid, &res.Multi[i])
	}
}

func (db *DB) deliver(ds []watch.Delivery, zxid int64) {
	for _, d := range ds {
		if n, ok := db.reg.Conn(uint64(d.Watcher)); ok {
			n.Notify(&messages.WatchEvent{Type: d.Type, State: wire.StateSyncConnected, Path: d.Path, Zxid: zxid})
		}
	}
}

// View runs fn under the read lock with the tree (for the prep stage's
// lookups, snapshots and 4lw commands).
func (db *DB) View(fn func(t *datatree.Tree)) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	fn(db.tree)
}

// Watches is the watch table (it has its own locking).
func (db *DB) Watches() *watch.Manager { return db.watches }

// LastApplied is the zxid of the last txn applied.
func (db *DB) LastApplied() int64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.tree.LastApplied()
}

// RemoveWatcher drops every watch of a closed connection.
func (db *DB) RemoveWatcher(conn uint64) {
	db.watches.RemoveWatcher(watch.WatcherID(conn))
}
