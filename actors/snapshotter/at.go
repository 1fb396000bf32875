package snapshotter

import (
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/messages"
)

// TakeAt writes a fuzzy snapshot of db named by zxid, for a leader that
// sends it to a learner (a Zab SNAP sync) rather than keeping it. Unlike
// Take, it does not look at the tree's last zxid: zxid is the leader's
// last committed one, which may name no txn (epoch<<32 right after a new
// epoch starts) and so be ahead of the tree's last applied zxid while
// covering the same state. The caller guarantees that the tree applied
// every txn up to zxid before the call; txns applied during the walk make
// the snapshot fuzzy, which replaying the learner's log after zxid
// repairs, as for Take.
func TakeAt(db *zkdb.DB, dir string, zxid int64, sessions []*messages.SessionTimeout) (Result, error) {
	r, err := open(db, dir, zxid, sessions, DefaultChunk)
	if err != nil {
		return r.res, err
	}
	defer r.w.Abort()
	for r.step() {
	}
	return r.commit()
}
