package zkdb

import "github.com/corral-zk/corral/core/datatree"

// Replace swaps in a tree rebuilt from disk. A learner does it when a sync
// with its leader changes its history (a TRUNC below what the tree holds,
// or a SNAP): the new tree is loaded aside, from the files, and replaces
// the old one under the write lock. It is done while the server does not
// serve clients, so no watch refers to the old tree.
func (db *DB) Replace(t *datatree.Tree) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.tree = t
}
