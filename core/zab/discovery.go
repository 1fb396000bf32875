package zab

import (
	"slices"

	"github.com/corral-zk/corral/messages"
)

// This file is the leader's discovery and synchronization: FOLLOWERINFO ->
// LEADERINFO -> ACKEPOCH, then per learner the sync plan and NEWLEADER,
// until a quorum acknowledges NEWLEADER and the leader is established.

// learnerInfo handles FOLLOWERINFO / OBSERVERINFO: a learner connects.
func (l *Leader) learnerInfo(from int64, p *messages.ZabPacket) {
	info := p.GetLearnerInfo()
	if info == nil || info.Sid != from {
		l.ready.Disconnect = append(l.ready.Disconnect, Disconnect{ID: from, Reason: "learner info does not name the sender"})
		return
	}
	// A new connection from the same server replaces the old one.
	l.removeLearner(from)
	if info.ConfigVersion > l.configVersion {
		l.ready.Disconnect = append(l.ready.Disconnect, Disconnect{ID: from,
			Reason: "follower is ahead of the leader (has a later activated configuration)"})
		return
	}
	h := &learnerHandler{
		id:       from,
		observer: p.Type == messages.ZabType_ZAB_OBSERVERINFO,
		state:    hWaitEpoch,
		deadline: l.now + l.initLimit + l.syncLimit,
	}
	l.addLearner(h)
	l.proposeEpoch(from, EpochOf(p.Zxid))
	if l.epochDecided && h.state == hWaitEpoch {
		l.sendLeaderInfo(h)
	}
}

// proposeEpoch is Apache's getEpochToPropose: the new epoch is one more
// than the largest acceptedEpoch among the leader and the voters that
// connected, decided once they form a quorum that includes the leader.
func (l *Leader) proposeEpoch(sid, lastAcceptedEpoch int64) {
	if l.epochDecided {
		return
	}
	if lastAcceptedEpoch >= l.epoch {
		l.epoch = lastAcceptedEpoch + 1
	}
	if l.q.IsVoter(sid) && !slices.Contains(l.connecting, sid) {
		l.connecting = append(l.connecting, sid)
	}
	if slices.Contains(l.connecting, l.id) && l.q.ContainsQuorum(l.connecting) {
		l.decideEpoch()
	}
}

// decideEpoch fixes the epoch: acceptedEpoch is written before any
// LEADERINFO leaves, then the leader acknowledges its own epoch.
func (l *Leader) decideEpoch() {
	l.epochDecided = true
	l.ready.AcceptedEpoch = int64p(l.epoch)
	l.phaseDeadline = l.now + l.initLimit
	l.eachLearner(func(h *learnerHandler) {
		if h.state == hWaitEpoch {
			l.sendLeaderInfo(h)
		}
	})
	l.epochAck(l.id, l.summary)
}

func (l *Leader) sendLeaderInfo(h *learnerHandler) {
	l.ready.send(h.id, leaderInfoPacket(l.epoch))
	h.state = hWaitAckEpoch
}

// ackEpochReceived handles ACKEPOCH: the learner's history summary.
func (l *Leader) ackEpochReceived(h *learnerHandler, p *messages.ZabPacket) {
	ae := p.GetAckEpoch()
	if h.state != hWaitAckEpoch || ae == nil {
		l.dropLearner(h, "unexpected ACKEPOCH")
		return
	}
	h.peerLastZxid = p.Zxid
	h.peerLogStart = ae.LogStart
	h.state = hWaitElection
	if !l.epochAck(h.id, stateSummary{currentEpoch: ae.CurrentEpoch, lastZxid: p.Zxid}) {
		l.dropLearner(h, "follower is ahead of the leader")
		return
	}
	if l.electionFinished && h.state == hWaitElection {
		l.syncLearner(h)
	}
}

// epochAck is Apache's waitForEpochAck. Until a quorum of voters (with the
// leader) acknowledged the epoch, a voter whose history is more recent than
// the leader's is refused: the election picked the wrong leader, and
// syncing would lose what that voter has. A reply with currentEpoch -1 (the
// learner had already accepted this epoch) does not count. It reports
// false when the learner is refused.
func (l *Leader) epochAck(id int64, ss stateSummary) bool {
	if l.electionFinished {
		return true
	}
	if ss.currentEpoch != -1 {
		if ss.moreRecentThan(l.summary) {
			return false
		}
		if ss.lastZxid != -1 && l.q.IsVoter(id) && !slices.Contains(l.electing, id) {
			l.electing = append(l.electing, id)
		}
	}
	if slices.Contains(l.electing, l.id) && l.q.ContainsQuorum(l.electing) {
		l.finishElection()
	}
	return true
}

// finishElection starts synchronization: the leader's currentEpoch is
// written (before it counts its own NEWLEADER acknowledgement, as every
// follower does) and every learner waiting is synced.
func (l *Leader) finishElection() {
	l.electionFinished = true
	l.phaseDeadline = l.now + l.initLimit
	l.ready.CurrentEpoch = int64p(l.epoch)
	l.eachLearner(func(h *learnerHandler) {
		if h.state == hWaitElection {
			l.syncLearner(h)
		}
	})
	l.newLeaderAck(l.id, MakeZxid(l.epoch, 0))
}

// syncLearner sends a learner the sync plan, the outstanding proposals
// after it (followers only: observers get them as INFORMs once committed)
// and NEWLEADER, and starts forwarding to it. When the plan needs the
// on-disk log and the host reads it off the core's goroutine
// (LeaderConfig.LogReads), the learner waits for the read instead
// (Ready.LogReads, answered by Step(LogRead)).
func (l *Leader) syncLearner(h *learnerHandler) {
	if l.logReads && needsLog(h.peerLastZxid, l.lastCommitted, &l.window) {
		h.state = hWaitLog
		l.ready.LogReads = append(l.ready.LogReads, LogReadRequest{Learner: h.id, Gen: h.gen, From: h.peerLastZxid})
		return
	}
	l.syncWith(h, l.log)
}

// logRead takes the host's answer to a LogReadRequest: the learner is
// synced with what was read (a SNAP when the read failed or was refused,
// or when the window moved past what it covers meanwhile).
func (l *Leader) logRead(e LogRead) {
	h := l.learners[e.Learner]
	if h == nil || h.gen != e.Gen || h.state != hWaitLog {
		return // the learner left (or reconnected) meanwhile
	}
	l.syncWith(h, readLog{txns: e.Txns, ok: e.OK})
}

// syncWith plans and sends a learner's sync, reading older txns from log.
func (l *Leader) syncWith(h *learnerHandler, log LogReader) {
	snap := snapBase{zxid: l.lastCommitted}
	if !l.established && len(l.unapplied) > 0 {
		// The tree stops at appliedZxid: the snapshot covers that much,
		// the rest of the history follows it as txns.
		snap = snapBase{zxid: l.appliedZxid, tail: l.unapplied}
	}
	plan := planSync(h.peerLastZxid, h.peerLogStart, l.lastCommitted, &l.window, log, snap)
	h.syncMode = typeName(plan.mode)
	if plan.mode == messages.ZabType_ZAB_SNAP {
		l.ready.send(h.id, snapPacket(plan.zxid))
	} else {
		l.ready.send(h.id, packet(plan.mode, plan.zxid))
	}
	for _, t := range plan.txns {
		l.ready.send(h.id, txnPacket(messages.ZabType_ZAB_PROPOSAL, t))
		l.ready.send(h.id, packet(messages.ZabType_ZAB_COMMIT, t.GetZxid()))
	}
	if !h.observer {
		for _, p := range l.outstanding {
			if p.txn.GetZxid() > plan.forwardFrom {
				l.ready.send(h.id, txnPacket(messages.ZabType_ZAB_PROPOSAL, p.txn))
			}
		}
	}
	h.forwarding = true
	l.ready.send(h.id, packet(messages.ZabType_ZAB_NEWLEADER, MakeZxid(l.epoch, 0)))
	h.state = hWaitNewLeaderAck
}

// newLeaderAck is Apache's waitForNewLeaderAck: a quorum of voters that
// hold the new history durably establishes the leader.
func (l *Leader) newLeaderAck(sid, zxid int64) {
	if l.established || zxid != MakeZxid(l.epoch, 0) {
		return
	}
	if l.q.IsVoter(sid) && !slices.Contains(l.newLeaderAcks, sid) {
		l.newLeaderAcks = append(l.newLeaderAcks, sid)
	}
	if l.q.ContainsQuorum(l.newLeaderAcks) {
		l.establish()
	}
}

// establish starts broadcast: the history is committed, the first zxid of
// the epoch is epoch<<32|1, and every learner that acknowledged NEWLEADER
// gets UPTODATE.
func (l *Leader) establish() {
	l.established = true
	l.establishedAt = l.now
	l.lastCommitted = MakeZxid(l.epoch, l.initial)
	l.lastProposed = l.lastCommitted
	for _, t := range l.unapplied {
		l.ready.Apply = append(l.ready.Apply, Apply{Txn: t})
	}
	l.unapplied = nil
	l.ready.Established = true
	l.eachLearner(func(h *learnerHandler) {
		if h.state == hWaitStartup {
			l.sendUptodate(h)
		}
	})
}

func (l *Leader) sendUptodate(h *learnerHandler) {
	l.ready.send(h.id, packet(messages.ZabType_ZAB_UPTODATE, -1))
	h.state = hActive
}
