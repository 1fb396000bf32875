package zab

// handlerState is where one learner stands in the leader's eyes: Apache's
// LearnerHandler thread, whose blocking waits become states.
type handlerState int

const (
	// hWaitEpoch: FOLLOWERINFO received; the epoch is not decided yet, so
	// no LEADERINFO has been sent (Apache blocks in getEpochToPropose).
	hWaitEpoch handlerState = iota
	// hWaitAckEpoch: LEADERINFO sent, ACKEPOCH expected.
	hWaitAckEpoch
	// hWaitElection: ACKEPOCH received; waiting for a quorum of them
	// before syncing (Apache blocks in waitForEpochAck).
	hWaitElection
	// hWaitLog: its sync needs the on-disk log, which the host is reading
	// (Ready.LogReads); the plan is made when Step(LogRead) brings it.
	hWaitLog
	// hWaitNewLeaderAck: sync data and NEWLEADER sent; the learner is
	// forwarded proposals and commits behind them.
	hWaitNewLeaderAck
	// hWaitStartup: the learner acknowledged NEWLEADER; UPTODATE waits
	// for the leader's own quorum of them (Apache's waitForNewLeaderAck +
	// waitForStartup).
	hWaitStartup
	// hActive: UPTODATE sent; the learner serves clients.
	hActive
)

func (s handlerState) String() string {
	switch s {
	case hWaitEpoch:
		return "wait-epoch"
	case hWaitAckEpoch:
		return "wait-ackepoch"
	case hWaitElection:
		return "wait-election"
	case hWaitLog:
		return "wait-log"
	case hWaitNewLeaderAck:
		return "wait-newleader-ack"
	case hWaitStartup:
		return "wait-startup"
	case hActive:
		return "active"
	}
	return "unknown"
}

// learnerHandler is the leader's state for one connected learner.
type learnerHandler struct {
	id       int64
	gen      uint64 // names this connection among the learner's reconnections
	observer bool   // connected with OBSERVERINFO: INFORMs instead of PROPOSAL/COMMIT
	state    handlerState
	// peerLastZxid is the learner's last logged zxid from ACKEPOCH, and
	// peerLogStart the oldest zxid it can truncate to.
	peerLastZxid int64
	peerLogStart int64
	// forwarding is set once the sync plan is queued: from then on the
	// learner gets every proposal and commit (Apache's startForwarding)
	// and PINGs.
	forwarding bool
	// deadline is the last tick at which the learner counts as in sync
	// (Apache's tickOfNextAckDeadline). It starts at initLimit+syncLimit
	// from the connection and, once NEWLEADER is acknowledged, moves to
	// syncLimit after every packet. A learner past it is disconnected.
	deadline int64
	// unacked are proposals sent to this follower after it acknowledged
	// NEWLEADER and not yet acknowledged by it, oldest first (Apache's
	// SyncLimitCheck): one older than syncLimit gets it disconnected.
	unacked []sentProposal
	// syncMode is the plan it got (for tests and diagnostics).
	syncMode string
}

type sentProposal struct {
	zxid   int64
	sentAt int64
}

// acked drops the proposals up to zxid from the unacked queue. ACKs come in
// log order, so it is always a prefix.
func (h *learnerHandler) acked(zxid int64) {
	i := 0
	for i < len(h.unacked) && h.unacked[i].zxid <= zxid {
		i++
	}
	h.unacked = h.unacked[i:]
}
