package zab

// This file is what the leader core reports about itself for operators
// (the admin API's observers command, mntr's learner gauges): read-only
// accessors, never decisions.

// LearnerInfo is one learner connection as the leader sees it.
type LearnerInfo struct {
	ID int64
	// Observer is set for a learner that registered with OBSERVERINFO.
	Observer bool
	// Forwarding is set once the learner's sync plan is queued: from then
	// on it gets every proposal and commit (or INFORM). Apache adds the
	// handler to forwardingFollowers (observingLearners for an observer)
	// at the same point, and counts those as zk_synced_followers
	// (zk_synced_observers).
	Forwarding bool
	// SyncMode is the plan it got: "DIFF", "TRUNC", "SNAP", or "" before
	// it was decided.
	SyncMode string
}

// AppendLearners appends every connected learner to dst, sorted by id,
// and returns the extended slice; with a dst of enough capacity it does
// not allocate, so a host may call it after every event.
func (l *Leader) AppendLearners(dst []LearnerInfo) []LearnerInfo {
	for _, id := range l.order {
		h := l.learners[id]
		dst = append(dst, LearnerInfo{ID: id, Observer: h.observer, Forwarding: h.forwarding, SyncMode: h.syncMode})
	}
	return dst
}

// PendingSyncs is the number of sync() requests waiting for a commit
// (Apache's zk_pending_syncs).
func (l *Leader) PendingSyncs() int { return len(l.pendingSyncs) }
