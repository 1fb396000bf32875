package zkdb

import "github.com/corral-zk/corral/core/datatree"

// Restore runs fn under the write lock with the tree, for recovery at
// start-up: fn rebuilds the tree from a snapshot (PutNode) and replays the
// log over it before any actor or client can see it. Nothing else may
// mutate the tree outside Apply.
func (db *DB) Restore(fn func(t *datatree.Tree) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return fn(db.tree)
}
