package zab

import (
	"fmt"
	"slices"

	"github.com/corral-zk/corral/messages"
)

// TicksPerTickTime is how many Tick calls make one tickTime. A leader pings
// every half tick (Apache's lead loop), so the cores count half ticks; the
// limits in the configurations are in tickTimes, as in zoo.cfg.
const TicksPerTickTime = 2

// LeaderConfig is what a server that won the election brings to leading.
type LeaderConfig struct {
	ID     int64
	Quorum Quorum
	// AcceptedEpoch and CurrentEpoch are the contents of the epoch files.
	AcceptedEpoch int64
	CurrentEpoch  int64
	// LastLoggedZxid is the last txn in the log (or the snapshot's zxid
	// when the log is empty).
	LastLoggedZxid int64
	// Unapplied are the logged txns the tree does not hold (after its last
	// zxid AppliedZxid, ending at LastLoggedZxid), for a host whose tree
	// holds only committed txns. The log is the history this leader
	// offers: a quorum of NEWLEADER acknowledgements commits it, and then
	// they are applied (Ready.Apply), before anything of the new epoch.
	// Until then a SNAP carries the tree as of AppliedZxid followed by
	// them. A host that replays its whole log into its tree (Apache's
	// way) passes nothing and leaves AppliedZxid 0.
	Unapplied   []*messages.Txn
	AppliedZxid int64
	// Recent are the newest logged txns in zxid order, ending at
	// LastLoggedZxid: the seed of the committed window (Apache loads its
	// committedLog the same way). At most CommittedLogSize are kept.
	Recent []*messages.Txn
	// Log reads older txns for DIFFs; nil means only the window is used.
	Log LogReader
	// LogReads makes the leader ask for those reads in Ready.LogReads
	// instead of calling Log, so that the host reads the files off the
	// core's goroutine (a learner handler) while the leader goes on
	// committing; Log is then not used.
	LogReads bool
	// CommittedLogSize bounds the committed window (0: 500).
	CommittedLogSize int
	// ConfigVersion is the version of the quorum configuration; a learner
	// with a later one is refused.
	ConfigVersion int64
	// InitLimit and SyncLimit are zoo.cfg's, in tickTimes.
	InitLimit int
	SyncLimit int
	// InitialCounter is for tests only (Apache's
	// zookeeper.testingonly.initialZxid): the counter the epoch's zxids
	// continue from once established, so that a test reaches the end of an
	// epoch (counter 0xffffffff, a forced new epoch) in a few writes
	// instead of four billion. 0, its only production value, starts at 1.
	InitialCounter int64
}

// LeaderPhase is Apache's ZabState for a leader.
type LeaderPhase int

const (
	// Discovery: deciding the new epoch and collecting ACKEPOCHs.
	Discovery LeaderPhase = iota
	// Synchronization: syncing learners, waiting for a quorum of NEWLEADER
	// acknowledgements.
	Synchronization
	// Broadcast: established; proposing and committing.
	Broadcast
	// Stopped: the leader gave up (Ready.Stop told why).
	Stopped
)

func (p LeaderPhase) String() string {
	return [...]string{"discovery", "synchronization", "broadcast", "stopped"}[p]
}

// Leader is the pure core of a Zab leader (Apache's Leader plus one
// LearnerHandler per learner). See the package documentation for how a
// host drives it. It is not safe for concurrent use.
type Leader struct {
	id            int64
	q             Quorum
	log           LogReader
	logReads      bool
	configVersion int64
	initial       int64 // LeaderConfig.InitialCounter
	initLimit     int64 // in ticks
	syncLimit     int64 // in ticks

	now int64
	// phaseDeadline bounds each wait before broadcast (epoch, epoch acks,
	// NEWLEADER acks) to initLimit, as Apache's waits are.
	phaseDeadline int64
	establishedAt int64

	// Discovery (Apache's getEpochToPropose / waitForEpochAck).
	epoch            int64
	epochDecided     bool
	connecting       []int64
	summary          stateSummary
	electionFinished bool
	electing         []int64
	// Synchronization (waitForNewLeaderAck).
	newLeaderAcks []int64
	established   bool
	stopped       bool

	learners map[int64]*learnerHandler
	order    []int64 // learner ids, sorted: outputs are deterministic
	nextGen  uint64

	// unapplied is the log's tail the tree does not hold yet (applied on
	// establishment), and appliedZxid the tree's last zxid before it.
	unapplied   []*messages.Txn
	appliedZxid int64

	// Broadcast.
	window        committedLog
	lastCommitted int64 // Apache's lastCommitted / the tree's lastProcessedZxid
	lastProposed  int64
	outstanding   []*proposal // consecutive zxids after lastCommitted
	pendingSyncs  []pendingSync

	ready Ready
}

// stateSummary is Apache's StateSummary: how recent a server's history is.
type stateSummary struct {
	currentEpoch int64
	lastZxid     int64
}

func (s stateSummary) moreRecentThan(o stateSummary) bool {
	return s.currentEpoch > o.currentEpoch || (s.currentEpoch == o.currentEpoch && s.lastZxid > o.lastZxid)
}

// proposal is an outstanding txn and the voters that acknowledged it.
type proposal struct {
	txn  *messages.Txn
	acks []int64
}

func (p *proposal) addAck(id int64) {
	if !slices.Contains(p.acks, id) {
		p.acks = append(p.acks, id)
	}
}

// pendingSync is a sync() waiting for zxid to commit. gen names the
// learner's connection, so an answer never reaches a later connection.
type pendingSync struct {
	zxid   int64
	origin int64
	gen    uint64
}

// NewLeader starts leading: it proposes acceptedEpoch+1 for itself and
// waits for learners. Its first Ready may already hold decisions (a
// one-voter ensemble is established at once).
func NewLeader(cfg LeaderConfig) (*Leader, error) {
	switch {
	case cfg.Quorum == nil:
		return nil, fmt.Errorf("%w: no quorum verifier", ErrBadConfig)
	case !cfg.Quorum.IsVoter(cfg.ID):
		return nil, fmt.Errorf("%w: leader %d is not a voter", ErrBadConfig, cfg.ID)
	case cfg.InitLimit <= 0 || cfg.SyncLimit <= 0:
		return nil, fmt.Errorf("%w: initLimit and syncLimit must be positive", ErrBadConfig)
	case cfg.InitialCounter < 0 || cfg.InitialCounter >= MaxCounter:
		return nil, fmt.Errorf("%w: initial counter %#x is not in [0, %#x)", ErrBadConfig, cfg.InitialCounter, MaxCounter)
	case cfg.CurrentEpoch > cfg.AcceptedEpoch:
		return nil, fmt.Errorf("%w: currentEpoch %d is after acceptedEpoch %d", ErrBadConfig, cfg.CurrentEpoch, cfg.AcceptedEpoch)
	}
	if err := checkTail(cfg.Recent, cfg.LastLoggedZxid); err != nil {
		return nil, fmt.Errorf("recent txns: %w", err)
	}
	if err := checkTail(cfg.Unapplied, cfg.LastLoggedZxid); err != nil {
		return nil, fmt.Errorf("unapplied txns: %w", err)
	}
	if len(cfg.Unapplied) > 0 && cfg.AppliedZxid >= cfg.Unapplied[0].GetZxid() {
		return nil, fmt.Errorf("%w: AppliedZxid %s is not before the unapplied txns", ErrBadConfig, FormatZxid(cfg.AppliedZxid))
	}
	l := &Leader{
		id:            cfg.ID,
		q:             cfg.Quorum,
		log:           cfg.Log,
		logReads:      cfg.LogReads,
		configVersion: cfg.ConfigVersion,
		initial:       cfg.InitialCounter,
		initLimit:     int64(cfg.InitLimit) * TicksPerTickTime,
		syncLimit:     int64(cfg.SyncLimit) * TicksPerTickTime,
		epoch:         -1,
		summary:       stateSummary{currentEpoch: cfg.CurrentEpoch, lastZxid: cfg.LastLoggedZxid},
		learners:      make(map[int64]*learnerHandler),
		window:        newCommittedLog(cfg.CommittedLogSize, cfg.Recent),
		lastCommitted: cfg.LastLoggedZxid,
	}
	l.phaseDeadline = l.initLimit
	if len(cfg.Unapplied) > 0 {
		l.unapplied, l.appliedZxid = cfg.Unapplied, cfg.AppliedZxid
	}
	l.proposeEpoch(l.id, cfg.AcceptedEpoch)
	return l, nil
}

// Ready returns what the host must do now and forgets it.
func (l *Leader) Ready() Ready { return l.ready.take() }

// HasReady reports whether Ready would return anything.
func (l *Leader) HasReady() bool { return !l.ready.IsEmpty() }

// Phase is where the leader stands.
func (l *Leader) Phase() LeaderPhase {
	switch {
	case l.stopped:
		return Stopped
	case l.established:
		return Broadcast
	case l.electionFinished:
		return Synchronization
	}
	return Discovery
}

// Epoch is the epoch being led (-1 while none is proposed).
func (l *Leader) Epoch() int64 { return l.epoch }

// LastCommitted is the last committed zxid (epoch<<32, or the epoch's
// InitialCounter, right after establishment, until the first commit).
func (l *Leader) LastCommitted() int64 { return l.lastCommitted }

// LastProposed is the last zxid handed out by Propose.
func (l *Leader) LastProposed() int64 { return l.lastProposed }

// NextZxid is the zxid the next Propose will assign (meaningful once
// established): the prep stage may stamp its txns with it in advance.
func (l *Leader) NextZxid() int64 { return l.lastProposed + 1 }

// Outstanding is the number of proposals not yet committed.
func (l *Leader) Outstanding() int { return len(l.outstanding) }

// Learners lists the connected learners' ids, sorted.
func (l *Leader) Learners() []int64 { return slices.Clone(l.order) }

// LearnerSyncMode is the sync mode ("DIFF", "TRUNC", "SNAP") the learner
// got, or "" before its sync was decided or when it is not connected.
func (l *Leader) LearnerSyncMode(id int64) string {
	if h := l.learners[id]; h != nil {
		return h.syncMode
	}
	return ""
}

// Step feeds an event to the leader.
func (l *Leader) Step(ev Event) error {
	if l.stopped {
		return ErrStopped
	}
	switch e := ev.(type) {
	case Receive:
		l.receive(e.From, e.Packet)
	case Persisted:
		l.persisted(e.UpTo)
	case LearnerLost:
		l.removeLearner(e.ID)
	case SessionChecked:
		if h := l.learners[e.Learner]; h != nil {
			l.ready.send(h.id, revalidatePacket(e.SessionID, 0, e.Valid))
		}
	case LogRead:
		l.logRead(e)
	default:
		return fmt.Errorf("zab: a leader does not take %T", ev)
	}
	return nil
}

// Tick advances the leader's clock by half a tickTime: pings, liveness of
// learners, the initLimit of each pre-broadcast wait and, every full tick,
// the check that a quorum is still in sync.
func (l *Leader) Tick() {
	if l.stopped {
		return
	}
	l.now++
	if !l.established && l.now > l.phaseDeadline {
		l.stop(l.phaseTimeoutReason())
		return
	}
	for _, id := range slices.Clone(l.order) {
		if h := l.learners[id]; l.now > h.deadline {
			l.dropLearner(h, "no packet from the learner within its deadline")
		}
	}
	if !l.established {
		return
	}
	// As Apache's lead loop: the quorum check (every full tick) comes
	// before the pings, and a leader that steps down pings no more.
	if (l.now-l.establishedAt)%TicksPerTickTime == 0 {
		synced := []int64{l.id}
		// Every learner still here is within its deadline.
		synced = append(synced, l.order...)
		if !l.q.ContainsQuorum(synced) {
			l.stop(fmt.Sprintf("not sufficient followers synced, only synced with sids: %v", synced))
			return
		}
	}
	for _, id := range slices.Clone(l.order) {
		h := l.learners[id]
		if !h.forwarding {
			continue
		}
		if len(h.unacked) > 0 && l.now-h.unacked[0].sentAt >= l.syncLimit {
			l.dropLearner(h, fmt.Sprintf("proposal %s not acknowledged within syncLimit", FormatZxid(h.unacked[0].zxid)))
			continue
		}
		l.ready.send(id, packet(messages.ZabType_ZAB_PING, l.lastProposed))
	}
}

func (l *Leader) phaseTimeoutReason() string {
	switch {
	case !l.epochDecided:
		return "timeout while waiting for epoch from quorum"
	case !l.electionFinished:
		return "timeout while waiting for epoch to be acked by quorum"
	}
	return "timeout while waiting for NEWLEADER to be acked by quorum"
}

func (l *Leader) stop(reason string) {
	l.stopped = true
	l.ready.Stop = &Stop{Reason: reason}
}

// receive dispatches a packet from a learner.
func (l *Leader) receive(from int64, p *messages.ZabPacket) {
	if p == nil {
		return
	}
	switch p.Type {
	case messages.ZabType_ZAB_FOLLOWERINFO, messages.ZabType_ZAB_OBSERVERINFO:
		l.learnerInfo(from, p)
		return
	}
	h := l.learners[from]
	if h == nil {
		return // from a connection already dropped: nothing to answer
	}
	if h.state >= hWaitStartup {
		h.deadline = l.now + l.syncLimit
	}
	switch p.Type {
	case messages.ZabType_ZAB_ACKEPOCH:
		l.ackEpochReceived(h, p)
	case messages.ZabType_ZAB_ACK:
		l.ackReceived(h, p.Zxid)
	case messages.ZabType_ZAB_PING, messages.ZabType_ZAB_REVALIDATE, messages.ZabType_ZAB_REQUEST:
		if h.state < hWaitStartup {
			l.dropLearner(h, typeName(p.Type)+" before NEWLEADER was acknowledged")
			return
		}
		l.learnerTraffic(h, p)
	default:
		l.dropLearner(h, "unexpected "+typeName(p.Type))
	}
}

// learnerTraffic handles what a synced learner sends besides ACKs.
func (l *Leader) learnerTraffic(h *learnerHandler, p *messages.ZabPacket) {
	switch p.Type {
	case messages.ZabType_ZAB_PING:
		for _, t := range p.GetTouches().GetTouches() {
			l.ready.Touches = append(l.ready.Touches, Touch{From: h.id, SessionID: t.SessionId, Timeout: t.Timeout})
		}
	case messages.ZabType_ZAB_REVALIDATE:
		r := p.GetRevalidate()
		if r == nil {
			l.dropLearner(h, "REVALIDATE without a session")
			return
		}
		l.ready.SessionChecks = append(l.ready.SessionChecks, SessionCheck{Learner: h.id, SessionID: r.SessionId, Timeout: r.Timeout})
	case messages.ZabType_ZAB_REQUEST:
		if p.GetRequest() == nil {
			l.dropLearner(h, "REQUEST without a request")
			return
		}
		l.ready.Requests = append(l.ready.Requests, LearnerRequest{From: h.id, Request: p.GetRequest()})
	}
}

func (l *Leader) addLearner(h *learnerHandler) {
	l.nextGen++
	h.gen = l.nextGen
	l.learners[h.id] = h
	i, _ := slices.BinarySearch(l.order, h.id)
	l.order = slices.Insert(l.order, i, h.id)
}

// removeLearner forgets a learner's connection, and with it the learner's
// acknowledgements of proposals still outstanding. Those are void: when it
// reconnects, a learner whose log runs past the committed history is
// truncated to it (TRUNC to the window's end) and logs the outstanding
// proposals again, so a crash before its next fsync can leave it without a
// proposal it once acknowledged. Counting the old ACK would then commit on
// fewer disks than a quorum. (Apache keeps such ACKs.) The learner
// acknowledges again after its new sync.
func (l *Leader) removeLearner(id int64) {
	if _, ok := l.learners[id]; !ok {
		return
	}
	delete(l.learners, id)
	i, _ := slices.BinarySearch(l.order, id)
	l.order = slices.Delete(l.order, i, i+1)
	for _, p := range l.outstanding {
		if j := slices.Index(p.acks, id); j >= 0 {
			p.acks = slices.Delete(p.acks, j, j+1)
		}
	}
}

// dropLearner forgets a learner and asks the host to close its connection.
func (l *Leader) dropLearner(h *learnerHandler, reason string) {
	l.removeLearner(h.id)
	l.ready.Disconnect = append(l.ready.Disconnect, Disconnect{ID: h.id, Reason: reason})
}

func (l *Leader) eachLearner(fn func(h *learnerHandler)) {
	for _, id := range l.order {
		fn(l.learners[id])
	}
}
