package election

import (
	"fmt"

	"github.com/corral-zk/corral/core/quorum"
)

// Vote is Apache's Vote: a proposed (or elected) leader with the zxid and
// epoch that justify it, in a given election round.
//
// ElectionEpoch and PeerEpoch are different things, kept apart as in
// Apache: ElectionEpoch is the round of leader election (each server's
// logical clock, +1 per election it starts); PeerEpoch is the Zab epoch
// of the proposed leader's history (its currentEpoch), the most
// significant key of the vote order.
type Vote struct {
	Leader        int64
	Zxid          int64
	ElectionEpoch int64
	PeerEpoch     int64
}

func (v Vote) String() string {
	return fmt.Sprintf("(leader %d, zxid %#x, round %#x, peerEpoch %#x)", v.Leader, v.Zxid, v.ElectionEpoch, v.PeerEpoch)
}

// better is FastLeaderElection.totalOrderPredicate: whether the candidate
// (newID, newZxid, newEpoch) beats the current one. Votes are ordered by
// (peerEpoch, zxid, sid); a candidate of weight 0, which includes every
// observer, never wins.
func better(q quorum.Verifier, newID, newZxid, newEpoch, curID, curZxid, curEpoch int64) bool {
	if q.Weight(newID) == 0 {
		return false
	}
	switch {
	case newEpoch != curEpoch:
		return newEpoch > curEpoch
	case newZxid != curZxid:
		return newZxid > curZxid
	}
	return newID > curID
}

// version is the notification format version a recorded vote carries.
// Apache's Vote.equals compares only the leader of two out-of-election
// votes when exactly one of them has version 0 (its rolling-upgrade rule
// for ZOOKEEPER-1732), and lookForLeader stores some votes with version 0
// and builds others with the notification's version, 0x2. Keeping the
// distinction keeps the counting exactly Apache's.
const (
	versionNone    = 0x0
	versionCurrent = 0x2
)

// ballot is a vote as recorded in recvset or outofelection: the vote, the
// state its sender was in, and the format version it is stored with.
type ballot struct {
	Vote
	state   State
	version int
}

// equal is Vote.equals: votes involving a LOOKING one must match on
// leader, zxid and both epochs; two out-of-election votes match on leader
// and peer epoch (only the leader when one of them has version 0), since
// zxid and election epoch of a running ensemble drift apart (see
// ZOOKEEPER-1805 and QuorumPeer.updateElectionVote).
func (b ballot) equal(o ballot) bool {
	if b.state == Looking || o.state == Looking {
		return b.Vote == o.Vote
	}
	if (b.version > versionNone) != (o.version > versionNone) {
		return b.Leader == o.Leader
	}
	return b.Leader == o.Leader && b.PeerEpoch == o.PeerEpoch
}

// hasQuorum is getVoteTracker(votes, target).hasAllQuorums(): whether the
// senders whose recorded vote equals target form a quorum of voters.
func hasQuorum(q quorum.Verifier, votes map[int64]ballot, target ballot) bool {
	agree := make([]int64, 0, len(votes))
	for sid, b := range votes {
		if target.equal(b) {
			agree = append(agree, sid)
		}
	}
	return q.ContainsQuorum(agree)
}
