package zab

// Quorum is what the Zab core needs from a quorum verifier: which sets of
// servers decide (epochs, NEWLEADER, commits, liveness) and who votes.
// core/quorum's Verifier satisfies it, so majority and hierarchical
// ensembles are counted the same way here as in leader election.
type Quorum interface {
	// ContainsQuorum reports whether the voters among ids form a quorum;
	// ids of non-voters (observers) are ignored.
	ContainsQuorum(ids []int64) bool
	// IsVoter reports whether id is a participant. Only voters' ACKs count.
	IsVoter(id int64) bool
}
