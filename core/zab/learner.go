package zab

import (
	"fmt"
	"slices"
	"sort"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// LearnerConfig is what a server that follows (or observes) a leader
// brings from its disk.
type LearnerConfig struct {
	ID       int64
	LeaderID int64
	// Observer makes it an observer: OBSERVERINFO, INFORMs, never an ACK.
	Observer bool
	// AcceptedEpoch and CurrentEpoch are the contents of the epoch files.
	AcceptedEpoch int64
	CurrentEpoch  int64
	// LastLoggedZxid is the last durable txn (or the snapshot's zxid when
	// the log is empty).
	LastLoggedZxid int64
	// Unapplied are the logged txns the tree does not hold: those after
	// the tree's last zxid, in order, ending at LastLoggedZxid. A host
	// whose tree holds only committed txns passes its log's tail here; the
	// ones the sync keeps (all of them after a DIFF, those up to the
	// truncation point after a TRUNC, none after a SNAP) are applied
	// through Ready.Apply once NEWLEADER is acknowledged. A host that
	// replays its whole log into the tree (Apache's way) passes nothing.
	Unapplied []*messages.Txn
	// LogStart is the oldest zxid the host can bring its log and tree back
	// to for a TRUNC: the zxid of the oldest retained snapshot from which
	// the log runs unbroken to LastLoggedZxid (0 when the log starts at
	// the beginning). The leader sends a SNAP rather than a TRUNC below it.
	LogStart int64
	// ConfigVersion is the version of the learner's quorum configuration.
	ConfigVersion int64
	// InitLimit and SyncLimit are zoo.cfg's, in tickTimes: the leader may
	// be silent for initLimit until NEWLEADER, for syncLimit after.
	InitLimit int
	SyncLimit int
}

// LearnerPhase is where a learner stands.
type LearnerPhase int

const (
	// Registering: FOLLOWERINFO/OBSERVERINFO sent, waiting for LEADERINFO.
	Registering LearnerPhase = iota
	// AwaitingSync: ACKEPOCH sent, waiting for DIFF, TRUNC or SNAP.
	AwaitingSync
	// Syncing: taking the leader's history until NEWLEADER.
	Syncing
	// AcceptingNewLeader: NEWLEADER received; making the new history
	// durable before acknowledging it.
	AcceptingNewLeader
	// AwaitingUptodate: NEWLEADER acknowledged, waiting for UPTODATE.
	AwaitingUptodate
	// Serving: UPTODATE received; clients are served.
	Serving
	// LearnerStopped: the role ended (Ready.Stop told why).
	LearnerStopped
)

func (p LearnerPhase) String() string {
	return [...]string{"registering", "awaiting-sync", "syncing", "accepting-newleader",
		"awaiting-uptodate", "serving", "stopped"}[p]
}

// Learner is the pure core of a Zab follower or observer (Apache's Learner,
// Follower and Observer, with syncWithLeader). See the package
// documentation for how a host drives it. It is not safe for concurrent
// use.
//
// Its durability rules are the ones Apache learned from lost data:
//   - acceptedEpoch is written before ACKEPOCH, currentEpoch before the
//     NEWLEADER ACK (both through the Ready ordering rule);
//   - every txn received before NEWLEADER, and a SNAP, are durable before
//     currentEpoch is written and NEWLEADER is acknowledged
//     (ZOOKEEPER-3911, ZOOKEEPER-3642, ZOOKEEPER-4643/4785);
//   - a proposal is acknowledged only once it is durable, and a committed
//     txn is applied only once it is durable and the leader is established
//     (UPTODATE), so the tree never runs ahead of the log and takes no txn
//     a quorum did not commit;
//   - proposals stay tracked across NEWLEADER, so a COMMIT after it finds
//     its proposal (ZOOKEEPER-4394); a duplicate proposal is dropped; a
//     COMMIT that does not match the next uncommitted proposal, or a gap
//     inside an epoch, ends the role instead of applying out of order.
type Learner struct {
	id, leader int64
	observer   bool
	initLimit  int64 // in ticks
	syncLimit  int64 // in ticks
	configVer  int64

	now, lastHeard int64
	phase          LearnerPhase
	acceptedEpoch  int64
	currentEpoch   int64
	newEpoch       int64

	// Sync mode and its pending work.
	mode      messages.ZabType
	truncTo   int64
	snap      *SnapshotInstall
	snapSaved bool
	// dirty: the host's tree holds a snapshot that is not durable yet.
	dirty bool
	// newLeaderTarget: every proposal up to it (those received before
	// NEWLEADER) must be durable before NEWLEADER is acknowledged.
	newLeaderTarget int64

	logStart      int64 // the oldest zxid a TRUNC can go back to
	durable       int64 // every txn up to it is in the durable log
	handedOut     int64 // the last zxid handed out in Ready.Entries
	lastReceived  int64 // the last proposal taken (duplicates and gaps are judged from it)
	lastCommitted int64 // the last zxid known committed
	ackedUpTo     int64 // proposals up to it were acknowledged (or need none)

	// pending are the proposals taken and not yet applied, in zxid order;
	// the first handed of them were handed out.
	pending []*entry
	handed  int
	// applyQ is the order in which commits and sync answers reach the
	// final stage; commits wait there until durable.
	applyQ []applyItem

	pendingSyncs int           // forwarded sync() requests not answered yet
	revalidating map[int64]int // sessions with a REVALIDATE in flight
	touches      map[int64]int32
	stopped      bool

	ready Ready
}

type entry struct {
	txn       *messages.Txn
	zxid      int64
	committed bool
	needsAck  bool
}

type applyItem struct {
	e    *entry // nil for a sync answer
	sync bool
}

// NewLearner starts following (or observing) LeaderID: its first Ready
// holds FOLLOWERINFO or OBSERVERINFO.
func NewLearner(cfg LearnerConfig) (*Learner, error) {
	switch {
	case cfg.InitLimit <= 0 || cfg.SyncLimit <= 0:
		return nil, fmt.Errorf("%w: initLimit and syncLimit must be positive", ErrBadConfig)
	case cfg.CurrentEpoch > cfg.AcceptedEpoch:
		return nil, fmt.Errorf("%w: currentEpoch %d is after acceptedEpoch %d", ErrBadConfig, cfg.CurrentEpoch, cfg.AcceptedEpoch)
	case cfg.ID == cfg.LeaderID:
		return nil, fmt.Errorf("%w: a learner cannot follow itself", ErrBadConfig)
	case cfg.LogStart > cfg.LastLoggedZxid:
		return nil, fmt.Errorf("%w: LogStart %s is after LastLoggedZxid %s", ErrBadConfig,
			FormatZxid(cfg.LogStart), FormatZxid(cfg.LastLoggedZxid))
	}
	if err := checkTail(cfg.Unapplied, cfg.LastLoggedZxid); err != nil {
		return nil, err
	}
	l := &Learner{
		id:            cfg.ID,
		leader:        cfg.LeaderID,
		observer:      cfg.Observer,
		initLimit:     int64(cfg.InitLimit) * TicksPerTickTime,
		syncLimit:     int64(cfg.SyncLimit) * TicksPerTickTime,
		configVer:     cfg.ConfigVersion,
		acceptedEpoch: cfg.AcceptedEpoch,
		currentEpoch:  cfg.CurrentEpoch,
		durable:       cfg.LastLoggedZxid,
		handedOut:     cfg.LastLoggedZxid,
		logStart:      cfg.LogStart,
		revalidating:  make(map[int64]int),
		touches:       make(map[int64]int32),
	}
	// The unapplied tail is already logged and durable: pending entries
	// handed out long ago, waiting to learn whether they are committed.
	for _, txn := range cfg.Unapplied {
		l.pending = append(l.pending, &entry{txn: txn, zxid: txn.GetZxid()})
	}
	l.handed = len(l.pending)
	t := messages.ZabType_ZAB_FOLLOWERINFO
	if l.observer {
		t = messages.ZabType_ZAB_OBSERVERINFO
	}
	l.ready.send(l.leader, learnerInfoPacket(t, l.acceptedEpoch, l.id, l.configVer))
	return l, nil
}

// Ready returns what the host must do now and forgets it.
func (l *Learner) Ready() Ready { return l.ready.take() }

// HasReady reports whether Ready would return anything.
func (l *Learner) HasReady() bool { return !l.ready.IsEmpty() }

// Phase is where the learner stands.
func (l *Learner) Phase() LearnerPhase { return l.phase }

// AcceptedEpoch and CurrentEpoch are the epochs as last written.
func (l *Learner) AcceptedEpoch() int64 { return l.acceptedEpoch }
func (l *Learner) CurrentEpoch() int64  { return l.currentEpoch }

// LastLoggedZxid is the newest zxid the learner knows durable.
func (l *Learner) LastLoggedZxid() int64 { return l.durable }

// Step feeds an event to the learner.
func (l *Learner) Step(ev Event) error {
	if l.stopped {
		return ErrStopped
	}
	switch e := ev.(type) {
	case Receive:
		if e.From != l.leader || e.Packet == nil {
			return nil
		}
		l.lastHeard = l.now
		l.receive(e.Packet)
	case Persisted:
		l.persisted(e.UpTo)
	case SnapshotSaved:
		l.snapshotSaved(e.Zxid)
	case LeaderLost:
		l.stop("connection to the leader closed")
	default:
		return fmt.Errorf("zab: a learner does not take %T", ev)
	}
	return nil
}

// Tick advances the learner's clock by half a tickTime. A leader silent for
// initLimit (before NEWLEADER) or syncLimit (after) is given up.
func (l *Learner) Tick() {
	if l.stopped {
		return
	}
	l.now++
	limit, name := l.initLimit, "initLimit"
	if l.phase >= AcceptingNewLeader {
		limit, name = l.syncLimit, "syncLimit"
	}
	if l.now-l.lastHeard >= limit {
		l.stop("no packet from the leader within " + name)
	}
}

// Forward sends a client's write (or sync) to the leader's prep stage.
// Sync answers come back in order as Apply{SyncDone}.
func (l *Learner) Forward(req *messages.ClientRequest) error {
	if l.stopped {
		return ErrStopped
	}
	if l.phase != Serving {
		return ErrNotServing
	}
	if req.GetType() == int32(wire.OpSync) {
		l.pendingSyncs++
	}
	l.ready.send(l.leader, &messages.ZabPacket{Type: messages.ZabType_ZAB_REQUEST, Body: &messages.ZabPacket_Request{Request: req}})
	return nil
}

// Revalidate asks the leader whether a session a client brought to this
// server is live; the answer comes as Ready.Revalidated.
func (l *Learner) Revalidate(sessionID int64, timeout int32) error {
	if l.stopped {
		return ErrStopped
	}
	if l.phase != Serving {
		return ErrNotServing
	}
	l.revalidating[sessionID]++
	l.ready.send(l.leader, revalidatePacket(sessionID, timeout, false))
	return nil
}

// Touch records that a local client's session was active; the next PING
// reply carries it to the leader's session tracker.
func (l *Learner) Touch(sessionID int64, timeout int32) {
	l.touches[sessionID] = timeout
}

func (l *Learner) stop(reason string) {
	l.stopped = true
	l.phase = LearnerStopped
	l.ready.Stop = &Stop{Reason: reason, DiscardMemory: l.dirty}
}

func (l *Learner) protocolError(format string, args ...any) {
	l.stop("protocol error: " + fmt.Sprintf(format, args...))
}

func (l *Learner) receive(p *messages.ZabPacket) {
	switch p.Type {
	case messages.ZabType_ZAB_LEADERINFO:
		l.leaderInfo(p)
	case messages.ZabType_ZAB_DIFF, messages.ZabType_ZAB_TRUNC, messages.ZabType_ZAB_SNAP:
		l.syncMode(p)
	case messages.ZabType_ZAB_PROPOSAL:
		l.proposal(p.GetTxn(), false)
	case messages.ZabType_ZAB_INFORM:
		l.proposal(p.GetTxn(), true)
	case messages.ZabType_ZAB_COMMIT:
		l.commit(p.Zxid)
	case messages.ZabType_ZAB_NEWLEADER:
		l.newLeader(p.Zxid)
	case messages.ZabType_ZAB_UPTODATE:
		l.uptodate()
	case messages.ZabType_ZAB_PING:
		l.ping(p.Zxid)
	case messages.ZabType_ZAB_REVALIDATE:
		l.revalidated(p.GetRevalidate())
	case messages.ZabType_ZAB_SYNC:
		l.syncAnswer()
	default:
		l.protocolError("unexpected %s", typeName(p.Type))
	}
}

// leaderInfo answers LEADERINFO: a new epoch is accepted (and written)
// before ACKEPOCH reports the learner's history; an epoch already accepted
// is answered with -1; an older one is refused.
func (l *Learner) leaderInfo(p *messages.ZabPacket) {
	if l.phase != Registering {
		l.protocolError("LEADERINFO in phase %s", l.phase)
		return
	}
	newEpoch := EpochOf(p.Zxid)
	reported := l.currentEpoch
	switch {
	case newEpoch > l.acceptedEpoch:
		l.acceptedEpoch = newEpoch
		l.ready.AcceptedEpoch = int64p(newEpoch)
	case newEpoch == l.acceptedEpoch:
		reported = -1
	default:
		l.stop(fmt.Sprintf("leader's epoch %d is less than accepted epoch %d", newEpoch, l.acceptedEpoch))
		return
	}
	l.newEpoch = newEpoch
	l.ready.send(l.leader, ackEpochPacket(l.durable, reported, l.logStart))
	l.phase = AwaitingSync
}

// syncMode takes DIFF, TRUNC or SNAP. Nothing is changed on disk or in the
// tree until NEWLEADER: the new history is accepted as a whole.
func (l *Learner) syncMode(p *messages.ZabPacket) {
	if l.phase != AwaitingSync {
		l.protocolError("%s in phase %s", typeName(p.Type), l.phase)
		return
	}
	base := l.durable
	switch p.Type {
	case messages.ZabType_ZAB_TRUNC:
		if p.Zxid > l.durable || p.Zxid < l.logStart {
			l.protocolError("TRUNC to %s outside the log (%s to %s)", FormatZxid(p.Zxid), FormatZxid(l.logStart), FormatZxid(l.durable))
			return
		}
		l.truncTo, base = p.Zxid, p.Zxid
	case messages.ZabType_ZAB_SNAP:
		l.snap = &SnapshotInstall{Zxid: p.Zxid, Data: p.GetSnapshot().GetData()}
		base = p.Zxid
	}
	l.mode = p.Type
	l.lastReceived, l.lastCommitted, l.ackedUpTo = base, base, base
	l.phase = Syncing
	// The unapplied tail: what the new history keeps of it is committed
	// by it (applied after the NEWLEADER ACK); the rest goes.
	keep := 0
	for keep < len(l.pending) && l.mode != messages.ZabType_ZAB_SNAP && l.pending[keep].zxid <= base {
		e := l.pending[keep]
		e.committed = true
		l.applyQ = append(l.applyQ, applyItem{e: e})
		keep++
	}
	clear(l.pending[keep:])
	l.pending = l.pending[:keep]
	l.handed = keep
}

// proposal takes a PROPOSAL (or an INFORM, which is a committed proposal).
func (l *Learner) proposal(txn *messages.Txn, inform bool) {
	switch {
	case l.phase < Syncing:
		l.protocolError("proposal before the sync mode")
		return
	case txn == nil:
		l.protocolError("proposal without a txn")
		return
	case l.phase == Serving && l.observer != inform:
		// Apache: after sync an observer ignores PROPOSAL and a follower
		// ignores INFORM.
		return
	}
	z := txn.GetZxid()
	if z <= l.lastReceived {
		return // a duplicate: it is logged (or will be) already
	}
	if CounterOf(z) == 0 || (EpochOf(z) == EpochOf(l.lastReceived) && z != l.lastReceived+1) {
		l.protocolError("proposal %s after %s leaves a gap", FormatZxid(z), FormatZxid(l.lastReceived))
		return
	}
	e := &entry{txn: txn, zxid: z}
	l.pending = append(l.pending, e)
	l.lastReceived = z
	if !l.observer && !inform && l.phase >= AcceptingNewLeader {
		e.needsAck = true
	}
	if inform && !l.commitNext(z) {
		return
	}
	l.handOut()
	l.progress()
}

// commit takes a COMMIT.
func (l *Learner) commit(z int64) {
	switch {
	case l.phase < Syncing:
		l.protocolError("COMMIT before the sync mode")
		return
	case l.phase == Serving && l.observer:
		return // Apache's observers ignore COMMIT after sync
	case z <= l.lastCommitted:
		return // a duplicate
	}
	if l.commitNext(z) {
		l.progress()
	}
}

// commitNext marks the oldest uncommitted proposal committed; it must be
// z. It reports false (and stops) on a COMMIT that arrives before its
// proposal or out of order.
func (l *Learner) commitNext(z int64) bool {
	for _, e := range l.pending {
		if e.committed {
			continue
		}
		if e.zxid != z {
			l.protocolError("COMMIT %s but the next uncommitted proposal is %s", FormatZxid(z), FormatZxid(e.zxid))
			return false
		}
		e.committed = true
		l.lastCommitted = z
		l.applyQ = append(l.applyQ, applyItem{e: e})
		return true
	}
	l.protocolError("COMMIT %s for a proposal never received", FormatZxid(z))
	return false
}

// newLeader takes NEWLEADER: the learner now makes the leader's history its
// own. The log is truncated or the snapshot installed, every proposal
// received so far is handed out, and NEWLEADER is acknowledged only once
// all of it is durable.
func (l *Learner) newLeader(z int64) {
	if l.phase != Syncing || z != MakeZxid(l.newEpoch, 0) {
		l.protocolError("NEWLEADER %s in phase %s (epoch %d)", FormatZxid(z), l.phase, l.newEpoch)
		return
	}
	l.phase = AcceptingNewLeader
	l.newLeaderTarget = l.lastReceived
	switch l.mode {
	case messages.ZabType_ZAB_TRUNC:
		l.ready.Truncate = &Truncation{Zxid: l.truncTo}
		l.durable, l.handedOut = l.truncTo, l.truncTo
	case messages.ZabType_ZAB_SNAP:
		l.ready.InstallSnapshot = l.snap
		l.dirty = true
	}
	if !l.observer {
		for _, e := range l.pending {
			if !e.committed {
				e.needsAck = true
			}
		}
	}
	l.handOut()
	l.progress()
}

// handOut gives the host every proposal not yet handed out, once NEWLEADER
// made them this learner's history (and, after a SNAP, once the snapshot
// they follow is durable: a log must never hold txns after a gap).
func (l *Learner) handOut() {
	if l.phase < AcceptingNewLeader || (l.mode == messages.ZabType_ZAB_SNAP && !l.snapSaved) {
		return
	}
	for ; l.handed < len(l.pending); l.handed++ {
		e := l.pending[l.handed]
		l.ready.Entries = append(l.ready.Entries, e.txn)
		l.handedOut = e.zxid
	}
}

func (l *Learner) persisted(upTo int64) {
	upTo = min(upTo, l.handedOut)
	if upTo <= l.durable {
		return
	}
	l.durable = upTo
	l.progress()
}

func (l *Learner) snapshotSaved(z int64) {
	if l.snap == nil || l.snapSaved || z != l.snap.Zxid || l.phase < AcceptingNewLeader {
		return
	}
	l.snapSaved = true
	l.dirty = false
	l.durable, l.handedOut, l.logStart = z, z, z
	l.handOut()
	l.progress()
}

// progress does what durability allows: acknowledge NEWLEADER, then
// proposals, then apply committed txns.
func (l *Learner) progress() {
	if l.phase == AcceptingNewLeader && (l.mode != messages.ZabType_ZAB_SNAP || l.snapSaved) && l.durable >= l.newLeaderTarget {
		l.currentEpoch = l.newEpoch
		l.ready.CurrentEpoch = int64p(l.newEpoch)
		l.ready.send(l.leader, packet(messages.ZabType_ZAB_ACK, MakeZxid(l.newEpoch, 0)))
		l.phase = AwaitingUptodate
	}
	if l.phase < AwaitingUptodate || l.stopped {
		return
	}
	l.sendAcks()
	// Nothing is applied before UPTODATE: only then is the leader
	// established, and the history it synced committed by a quorum. So the
	// tree only ever holds committed txns.
	if l.phase == Serving {
		l.applyReady()
	}
}

// sendAcks acknowledges the proposals that became durable.
func (l *Learner) sendAcks() {
	if !l.observer && l.durable > l.ackedUpTo {
		i := sort.Search(len(l.pending), func(i int) bool { return l.pending[i].zxid > l.ackedUpTo })
		for ; i < len(l.pending) && l.pending[i].zxid <= l.durable; i++ {
			if e := l.pending[i]; e.needsAck {
				ack := packet(messages.ZabType_ZAB_ACK, e.zxid)
				if e.txn != nil {
					ack = txnRefPacket(messages.ZabType_ZAB_ACK, e.txn)
				}
				l.ready.send(l.leader, ack)
			}
		}
		l.ackedUpTo = l.durable
	}
}

// applyReady hands the final stage the commits (and sync answers) at the
// head of the apply queue whose txns are durable.
func (l *Learner) applyReady() {
	for len(l.applyQ) > 0 {
		it := l.applyQ[0]
		if it.sync {
			l.ready.Apply = append(l.ready.Apply, Apply{SyncDone: true})
		} else {
			if it.e.zxid > l.durable {
				break
			}
			l.ready.Apply = append(l.ready.Apply, Apply{Txn: it.e.txn})
			// Commits are in zxid order, so the applied txn is the oldest
			// pending one.
			l.pending[0] = nil
			l.pending = l.pending[1:]
			l.handed--
		}
		l.applyQ[0] = applyItem{}
		l.applyQ = l.applyQ[1:]
	}
}

// uptodate takes UPTODATE: serve clients. The learner answers with
// ACK(epoch<<32) as Apache's does (the leader ignores it).
func (l *Learner) uptodate() {
	if l.phase != AwaitingUptodate {
		l.protocolError("UPTODATE in phase %s", l.phase)
		return
	}
	l.phase = Serving
	l.ready.Established = true
	l.ready.send(l.leader, packet(messages.ZabType_ZAB_ACK, MakeZxid(l.newEpoch, 0)))
	l.applyReady()
}

// ping answers the leader's PING with the touch table, once serving (during
// sync Apache's learner does not answer).
func (l *Learner) ping(z int64) {
	if l.phase != Serving {
		return
	}
	ids := make([]int64, 0, len(l.touches))
	for id := range l.touches {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var ts []*messages.ZabTouch
	for _, id := range ids {
		ts = append(ts, &messages.ZabTouch{SessionId: id, Timeout: l.touches[id]})
	}
	clear(l.touches)
	l.ready.send(l.leader, &messages.ZabPacket{
		Type: messages.ZabType_ZAB_PING,
		Zxid: z,
		Body: &messages.ZabPacket_Touches{Touches: &messages.ZabTouches{Touches: ts}},
	})
}

func (l *Learner) revalidated(r *messages.ZabRevalidate) {
	if r == nil || l.revalidating[r.SessionId] == 0 {
		return // not asked by this learner (a stale answer)
	}
	if l.revalidating[r.SessionId]--; l.revalidating[r.SessionId] == 0 {
		delete(l.revalidating, r.SessionId)
	}
	l.ready.Revalidated = append(l.ready.Revalidated, Revalidated{SessionID: r.SessionId, Valid: r.Valid})
}

// syncAnswer takes SYNC: the oldest forwarded sync() is answered once every
// commit received before it is applied.
func (l *Learner) syncAnswer() {
	if l.pendingSyncs == 0 {
		return
	}
	l.pendingSyncs--
	l.applyQ = append(l.applyQ, applyItem{sync: true})
	l.progress()
}
