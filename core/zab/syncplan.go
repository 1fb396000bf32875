package zab

import "github.com/corral-zk/corral/messages"

// syncPlan is how a leader brings one learner to its history: Apache's
// LearnerHandler.syncFollower, decided in one pure step.
type syncPlan struct {
	// mode is DIFF, TRUNC or SNAP; zxid is that packet's zxid (DIFF: the
	// leader's newest committed-log zxid; TRUNC: where the learner's log
	// must end; SNAP: the zxid the snapshot covers).
	mode messages.ZabType
	zxid int64
	// txns follow the mode packet, each as PROPOSAL then COMMIT.
	txns []*messages.Txn
	// forwardFrom is the newest zxid the plan brings the learner to: the
	// leader's outstanding proposals after it are forwarded behind the
	// plan.
	forwardFrom int64
}

// planSync decides between DIFF, TRUNC and SNAP exactly as Apache 3.8's
// syncFollower does, from the learner's last logged zxid, the leader's last
// committed zxid (lastProcessedZxid), its in-memory committed window and,
// for learners behind the window, its on-disk log:
//
//  1. peerLast == lastProcessed: empty DIFF.
//  2. peerLast beyond the window (and not a new-epoch zxid, which has no
//     txn to truncate to): TRUNC to the window's end.
//  3. peerLast inside the window: DIFF (or TRUNC to the last common zxid)
//     plus the committed txns after it.
//  4. peerLast before the window: the same from the on-disk log, then the
//     window; a gap between the two falls back to SNAP.
//  5. anything else, or a TRUNC that would cross an epoch boundary: SNAP.
//
// One rule is Corral's own: a TRUNC below the learner's log start (the
// snapshot its log begins from, reported in ACKEPOCH) cannot be carried
// out, so it becomes a SNAP. That happens to a learner that installed a
// SNAP from a leader that never got established and then meets a leader
// with a shorter history; Apache truncates the log and keeps the newer
// snapshot, with its txns that were never committed.
func planSync(peerLast, peerLogStart, lastProcessed int64, window *committedLog, log LogReader, snap snapBase) syncPlan {
	minC, maxC := lastProcessed, lastProcessed
	if !window.empty() {
		minC, maxC = window.min(), window.max()
	}
	isPeerNewEpoch := CounterOf(peerLast) == 0
	q := queue{needOp: true}
	current := peerLast
	needSnap := true
	switch {
	case lastProcessed == peerLast:
		q.setOp(messages.ZabType_ZAB_DIFF, peerLast)
		needSnap = false
	case peerLast > maxC && !isPeerNewEpoch:
		q.setOp(messages.ZabType_ZAB_TRUNC, maxC)
		current = maxC
		needSnap = false
	case maxC >= peerLast && minC <= peerLast:
		current = q.committed(window.txns, peerLast, noLimit, maxC)
		needSnap = false
	case peerLast < minC && log != nil:
		txns, ok, err := log.TxnRange(peerLast, minC)
		if err != nil || !ok || len(txns) == 0 {
			break
		}
		current = q.committed(txns, peerLast, minC, maxC)
		if current < minC {
			// The on-disk log ends before the window starts: a DIFF would
			// skip txns. Apache: "Detected gap between end of txnlog and
			// start of committedLog".
			q = queue{needOp: true}
			break
		}
		current = q.committed(window.txns, current, noLimit, maxC)
		needSnap = false
	}
	if needSnap || q.needOp || (q.op == messages.ZabType_ZAB_TRUNC && q.opZxid < peerLogStart) {
		// Also Apache's fallback for a plan that found no op packet (a
		// TRUNC refused because it would cross an epoch).
		return syncPlan{mode: messages.ZabType_ZAB_SNAP, zxid: snap.zxid, txns: snap.tail, forwardFrom: lastProcessed}
	}
	return syncPlan{mode: q.op, zxid: q.opZxid, txns: q.txns, forwardFrom: current}
}

// needsLog reports whether planSync would read the on-disk log for a
// learner at peerLast: it is behind the committed window (the same
// conditions as planSync's fourth case).
func needsLog(peerLast, lastProcessed int64, window *committedLog) bool {
	minC, maxC := lastProcessed, lastProcessed
	if !window.empty() {
		minC, maxC = window.min(), window.max()
	}
	switch {
	case lastProcessed == peerLast,
		peerLast > maxC && CounterOf(peerLast) != 0,
		maxC >= peerLast && minC <= peerLast:
		return false
	}
	return peerLast < minC
}

// readLog is a LogReader over txns the host already read (Step(LogRead)):
// they start at or before any from planSync asks for and run to the end of
// the log as it was, so they serve any to.
type readLog struct {
	txns []*messages.Txn
	ok   bool
}

func (r readLog) TxnRange(int64, int64) ([]*messages.Txn, bool, error) { return r.txns, r.ok, nil }

// snapBase is what a SNAP is made of: the leader's tree, as of zxid,
// followed by tail, the txns of its history the tree does not hold yet
// (before the leader is established, for a host that applies only
// committed txns); normally zxid is lastProcessed and tail is empty.
type snapBase struct {
	zxid int64
	tail []*messages.Txn
}

// noLimit is queue.committed's "no maximum zxid".
const noLimit = -1

// queue collects a plan's op packet and txns (Apache's queuedPackets during
// syncFollower).
type queue struct {
	needOp bool
	op     messages.ZabType
	opZxid int64
	txns   []*messages.Txn
}

func (q *queue) setOp(op messages.ZabType, zxid int64) {
	q.op, q.opZxid, q.needOp = op, zxid, false
}

// committed is Apache's queueCommittedProposals: queue the txns in
// (peerLast, maxZxid] behind a DIFF, or behind a TRUNC to the last txn
// before peerLast when the learner holds a txn the leader does not. It
// returns the last zxid queued (peerLast if none). A TRUNC across an epoch
// boundary is refused (the learner could not do it) and leaves needOp set.
func (q *queue) committed(txns []*messages.Txn, peerLast, maxZxid, lastCommitted int64) int64 {
	isPeerNewEpoch := CounterOf(peerLast) == 0
	queued := peerLast
	prev := int64(-1)
	for _, t := range txns {
		z := t.GetZxid()
		if maxZxid != noLimit && z > maxZxid {
			break
		}
		if z < peerLast {
			prev = z
			continue
		}
		if q.needOp {
			switch {
			case z == peerLast:
				q.setOp(messages.ZabType_ZAB_DIFF, lastCommitted)
				continue
			case isPeerNewEpoch:
				q.setOp(messages.ZabType_ZAB_DIFF, lastCommitted)
			case EpochOf(z) != EpochOf(peerLast) || prev < 0:
				// prev < 0 (no common txn before peerLast) cannot happen
				// for the ranges planSync passes; refusing is the safe
				// answer if it does.
				return queued
			default:
				q.setOp(messages.ZabType_ZAB_TRUNC, prev)
			}
		}
		if z <= queued {
			continue
		}
		q.txns = append(q.txns, t)
		queued = z
	}
	if q.needOp && isPeerNewEpoch {
		q.setOp(messages.ZabType_ZAB_DIFF, lastCommitted)
	}
	return queued
}
