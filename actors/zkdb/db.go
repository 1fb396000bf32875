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
	policy  ACLPolicy      // for watch delivery
	ns      NamespaceStats // per-namespace metrics (namespace.go); nil: none
}

// New returns a DB over a fresh tree that delivers watch events only to
// watchers that may read the node (no skipACL).
func New(reg *registry.Registry, opts datatree.Options) *DB {
	return NewWithPolicy(reg, opts, ACLPolicy{})
}

// NewWithPolicy is New with the server's ACL policy, of which delivery
// uses skipACL.
func NewWithPolicy(reg *registry.Registry, opts datatree.Options, policy ACLPolicy) *DB {
	return &DB{tree: datatree.NewWithOptions(opts), watches: watch.NewManager(), reg: reg, policy: policy}
}

// ApplyFunc receives the result of each txn of a batch while the write lock
// is still held, after the txn's watch events were enqueued.
type ApplyFunc func(txn *messages.Txn, res *datatree.Result)

// Apply applies a batch of txns under one write lock. For each txn it
// triggers the watches (enqueuing events on the watchers' connections) and
// then calls fn, so replies are always sent after the events they imply.
func (db *DB) Apply(txns []*messages.Txn, fn ApplyFunc) {
	// One slice for the batch's results: a result handed to fn by address
	// would otherwise be a heap allocation per txn.
	results := make([]datatree.Result, len(txns))
	db.mu.Lock()
	defer db.mu.Unlock()
	for i, txn := range txns {
		res := &results[i]
		*res = db.tree.Apply(txn)
		db.countWrite(txn, res)
		db.fire(txn.GetZxid(), res)
		if fn != nil {
			fn(txn, res)
		}
	}
}

func (db *DB) fire(zxid int64, res *datatree.Result) {
	for _, t := range res.Triggers {
		db.deliver(db.watches.Trigger(t.Path, t.Type, zxid), t.ACL, zxid)
	}
	for i := range res.Multi {
		db.fire(zxid, &res.Multi[i])
	}
}

// deliver enqueues one trigger's events on the watchers' connections,
// dropping those whose watcher may not read the node (see mayNotify).
func (db *DB) deliver(ds []watch.Delivery, nodeACL []wire.ACL, zxid int64) {
	for _, d := range ds {
		n, ids, ok := db.reg.Watcher(uint64(d.Watcher))
		if ok && db.policy.mayNotify(nodeACL, ids) {
			n.Notify(newEvent(d.Type, d.Path, zxid))
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
