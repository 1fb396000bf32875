package zab

import (
	"fmt"

	"github.com/corral-zk/corral/messages"
)

// This file is the leader's broadcast phase: proposals, ACKs, commits in
// zxid order, INFORMs to observers, and sync().

// Propose assigns txn the next zxid (setting txn.Zxid; a txn that already
// carries one must carry exactly NextZxid), logs it (Ready.Entries) and
// sends it to every forwarding follower. The leader's own acknowledgement
// comes with Step(Persisted) once its log holds it durably. When the
// counter would reach 0xffffffff the leader stops instead, so that a new
// epoch begins; nothing acknowledged is lost (it is on a quorum's disks).
func (l *Leader) Propose(txn *messages.Txn) (int64, error) {
	if l.stopped {
		return 0, ErrStopped
	}
	if !l.established {
		return 0, ErrNotEstablished
	}
	next := l.lastProposed + 1
	if CounterOf(next) == MaxCounter {
		l.stop("zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start")
		return 0, ErrZxidRollover
	}
	if txn.GetZxid() != 0 && txn.GetZxid() != next {
		return 0, fmt.Errorf("%w: txn has %s, next is %s", ErrZxidMismatch, FormatZxid(txn.GetZxid()), FormatZxid(next))
	}
	txn.Zxid = next
	l.lastProposed = next
	l.outstanding = append(l.outstanding, &proposal{txn: txn})
	l.ready.Entries = append(l.ready.Entries, txn)
	pkt := txnPacket(messages.ZabType_ZAB_PROPOSAL, txn)
	l.eachLearner(func(h *learnerHandler) {
		if !h.forwarding || h.observer {
			return
		}
		l.ready.send(h.id, pkt)
		if h.state >= hWaitStartup {
			h.unacked = append(h.unacked, sentProposal{zxid: next, sentAt: l.now})
		}
	})
	return next, nil
}

// Sync handles a sync() request from server origin (a learner's forwarded
// sync, or the leader's own client when origin is the leader's id), in the
// order the prep stage handles requests: it is answered once every
// proposal made before it is committed (a SYNC packet to the learner, or
// an Apply{SyncDone} for the leader's own).
func (l *Leader) Sync(origin int64) error {
	if l.stopped {
		return ErrStopped
	}
	if !l.established {
		return ErrNotEstablished
	}
	ps := pendingSync{zxid: l.lastProposed, origin: origin}
	if h := l.learners[origin]; h != nil {
		ps.gen = h.gen
	}
	if len(l.outstanding) == 0 {
		l.deliverSync(ps)
	} else {
		l.pendingSyncs = append(l.pendingSyncs, ps)
	}
	return nil
}

func (l *Leader) deliverSync(ps pendingSync) {
	if ps.origin == l.id {
		l.ready.Apply = append(l.ready.Apply, Apply{SyncDone: true})
		return
	}
	if h := l.learners[ps.origin]; h != nil && h.gen == ps.gen {
		l.ready.send(h.id, packet(messages.ZabType_ZAB_SYNC, 0))
	}
}

// ackReceived handles an ACK: first the NEWLEADER acknowledgement, then
// proposal acknowledgements.
func (l *Leader) ackReceived(h *learnerHandler, zxid int64) {
	switch h.state {
	case hWaitNewLeaderAck:
		if zxid != MakeZxid(l.epoch, 0) {
			l.dropLearner(h, fmt.Sprintf("expected the NEWLEADER ACK, got ACK %s", FormatZxid(zxid)))
			return
		}
		h.state = hWaitStartup
		h.deadline = l.now + l.syncLimit
		l.newLeaderAck(h.id, zxid)
		if l.established && h.state == hWaitStartup {
			l.sendUptodate(h)
		}
	case hWaitStartup, hActive:
		h.acked(zxid)
		l.processAck(h.id, zxid)
	default:
		l.dropLearner(h, "ACK before NEWLEADER")
	}
}

// persisted is the leader's own acknowledgement, after its fsync.
func (l *Leader) persisted(upTo int64) {
	for _, p := range l.outstanding {
		if p.txn.GetZxid() > upTo {
			break
		}
		p.addAck(l.id)
	}
	l.commitReady()
}

// processAck counts a voter's acknowledgement (Apache's processAck).
// Observers' and non-voters' ACKs never count; epoch<<32 ACKs (sent after
// UPTODATE) and ACKs of committed or unknown zxids are ignored.
func (l *Leader) processAck(sid, zxid int64) {
	if CounterOf(zxid) == 0 || !l.q.IsVoter(sid) || zxid <= l.lastCommitted || len(l.outstanding) == 0 {
		return
	}
	i := zxid - l.outstanding[0].txn.GetZxid()
	if i < 0 || i >= int64(len(l.outstanding)) {
		return
	}
	l.outstanding[i].addAck(sid)
	l.commitReady()
}

// commitReady commits outstanding proposals strictly in zxid order: the
// oldest one, as long as a quorum of voters acknowledged it.
func (l *Leader) commitReady() {
	for len(l.outstanding) > 0 && l.q.ContainsQuorum(l.outstanding[0].acks) {
		p := l.outstanding[0]
		l.outstanding[0] = nil
		l.outstanding = l.outstanding[1:]
		l.commit(p.txn)
	}
}

// commit makes txn committed: the final stage applies it, followers get
// COMMIT, observers INFORM, and sync()s waiting for it are answered.
func (l *Leader) commit(txn *messages.Txn) {
	z := txn.GetZxid()
	l.lastCommitted = z
	l.window.add(txn)
	l.ready.Apply = append(l.ready.Apply, Apply{Txn: txn})
	commitPkt := txnRefPacket(messages.ZabType_ZAB_COMMIT, txn)
	var informPkt *messages.ZabPacket
	l.eachLearner(func(h *learnerHandler) {
		switch {
		case !h.forwarding:
		case h.observer:
			if informPkt == nil {
				informPkt = txnPacket(messages.ZabType_ZAB_INFORM, txn)
			}
			l.ready.send(h.id, informPkt)
		default:
			l.ready.send(h.id, commitPkt)
		}
	})
	for len(l.pendingSyncs) > 0 && l.pendingSyncs[0].zxid <= z {
		l.deliverSync(l.pendingSyncs[0])
		l.pendingSyncs = l.pendingSyncs[1:]
	}
}
