package datatree

// SetLastApplied records that the tree reflects every txn up to zxid. It is
// for recovery: a tree rebuilt from a snapshot with PutNode holds the state
// of the snapshot's zxid but has applied no txn, and the prep stage and the
// replies' zxids need to know where it stands before the first new txn.
// It never moves LastApplied backwards.
func (t *Tree) SetLastApplied(zxid int64) {
	if zxid > t.lastApplied {
		t.lastApplied = zxid
	}
}
