package zabhost

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/core/zab"
)

// This file is what the role actors publish for the operator's view (the
// admin API, the four-letter words, mntr and /metrics), which reads it
// from other goroutines: the Zab phase, and on the leader a snapshot of
// its learners that the leader actor replaces only when something in it
// changed. Nothing here is read back by the protocol.

// ZabState is Apache's QuorumPeer.ZabState, as the zabstate command
// prints it.
type ZabState int32

// Zab states in Apache's order.
const (
	ZabElection ZabState = iota
	ZabDiscovery
	ZabSynchronization
	ZabBroadcast
)

func (s ZabState) String() string {
	switch s {
	case ZabDiscovery:
		return "discovery"
	case ZabSynchronization:
		return "synchronization"
	case ZabBroadcast:
		return "broadcast"
	}
	return "election"
}

// LeaderZabState maps a leader core's phase to Apache's ZabState.
func LeaderZabState(p zab.LeaderPhase) ZabState {
	switch p {
	case zab.Discovery:
		return ZabDiscovery
	case zab.Synchronization:
		return ZabSynchronization
	case zab.Broadcast:
		return ZabBroadcast
	}
	return ZabElection
}

// LearnerZabState maps a learner core's phase to Apache's ZabState: a
// learner discovers until the leader told it the epoch, synchronizes until
// UPTODATE, then broadcasts.
func LearnerZabState(p zab.LearnerPhase) ZabState {
	switch p {
	case zab.Registering:
		return ZabDiscovery
	case zab.Serving:
		return ZabBroadcast
	case zab.LearnerStopped:
		return ZabElection
	}
	return ZabSynchronization
}

// LeaderStatus is the leader's view of its learners, replaced as a whole
// when it changes.
type LeaderStatus struct {
	Epoch int64
	// Since is when this server started leading (zk_leader_uptime).
	Since time.Time
	// Learners are the connected learners, sorted by id.
	Learners     []LearnerStatus
	PendingSyncs int
}

// LearnerStatus is one learner connection (Apache's LearnerHandler info).
type LearnerStatus struct {
	zab.LearnerInfo
	// Established is when its link was accepted.
	Established time.Time
	// Link counts the link's traffic; the handler updates it live.
	Link *LinkStats
}

// LinkStats are the live counters of one learner link, kept by the leader
// actor and the link's handler with atomic operations only.
type LinkStats struct {
	Received atomic.Int64 // packets from the learner
	Sent     atomic.Int64 // packets to the learner
	Requests atomic.Int64 // forwarded client requests (REQUEST packets)
	// LastZxid is the zxid of the last packet sent with one (-1 before).
	LastZxid atomic.Int64

	// The leader actor queues packets for the handler; the handler
	// records, as Apache's LearnerHandler.sendPackets does, how many were
	// still queued behind each one and how long it waited.
	mu     sync.Mutex
	queued []int64 // enqueue times (ns), oldest at head
	head   int
}

// NewLinkStats returns the counters of a new link.
func NewLinkStats() *LinkStats {
	s := &LinkStats{}
	s.LastZxid.Store(-1)
	return s
}

// Reset zeroes the traffic counters (LearnerHandler.
// resetObserverConnectionStats, the admin API's orst).
func (s *LinkStats) Reset() {
	s.Received.Store(0)
	s.Sent.Store(0)
	s.Requests.Store(0)
	s.LastZxid.Store(-1)
}

// Queue notes that one packet was queued for the handler at now.
func (s *LinkStats) Queue(now time.Time) {
	s.mu.Lock()
	s.queued = append(s.queued, now.UnixNano())
	s.mu.Unlock()
}

// Dequeue notes that the handler takes the oldest queued packet; it
// returns how many are still queued and how long this one waited.
func (s *LinkStats) Dequeue(now time.Time) (remaining int, waited time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head == len(s.queued) {
		return 0, 0, false
	}
	t := s.queued[s.head]
	s.head++
	switch {
	case s.head == len(s.queued):
		// Drained: start over in the same array, so a steady flow
		// allocates nothing.
		s.queued, s.head = s.queued[:0], 0
	case s.head > 1024 && s.head > len(s.queued)/2:
		s.queued, s.head = append(s.queued[:0], s.queued[s.head:]...), 0
	}
	return len(s.queued) - s.head, time.Duration(now.UnixNano() - t), true
}

// Queued is the number of packets waiting for the handler.
func (s *LinkStats) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queued) - s.head
}

// Observer receives the measurements the role actors make for Apache's
// metric registry (ServerMetrics); the server implements it. Every method
// must be cheap and safe for concurrent use.
type Observer interface {
	// Count adds delta to the counter name (proposal_count, ...).
	Count(name string, delta int64)
	// Observe adds one value to the summary name (election_time, ...).
	Observe(name string, v int64)
	// ObserveSet adds one value to member key of the summary set name
	// (learner_handler_qp_size, ...).
	ObserveSet(name, key string, v int64)
}

// roleStatus is the Host's published state (see the methods below).
type roleStatus struct {
	zab    atomic.Int32
	leader atomic.Pointer[LeaderStatus]
	// Proposal sizes of the current leader (Apache's Leader.proposalStats,
	// a BufferStats): -1 until the first proposal.
	propLast, propMin, propMax atomic.Int64
}

// SetZabState records the Zab phase. The roles call it after every
// message; it writes only when the phase changed, so the line stays
// shared between the cores that read it.
func (h *Host) SetZabState(s ZabState) {
	if h.status.zab.Load() != int32(s) {
		h.status.zab.Store(int32(s))
	}
}

// ZabState is the Zab phase last recorded (election before any role).
func (h *Host) ZabState() ZabState { return ZabState(h.status.zab.Load()) }

// PublishLeader replaces the leader's status; nil when this server stops
// leading. A new leader's status resets the proposal sizes, as a new
// Apache Leader starts with empty proposal stats.
func (h *Host) PublishLeader(st *LeaderStatus) {
	old := h.status.leader.Swap(st)
	if st != nil && (old == nil || !old.Since.Equal(st.Since)) {
		h.status.propLast.Store(-1)
		h.status.propMin.Store(-1)
		h.status.propMax.Store(-1)
	}
}

// LeaderStatus is the leader's published status, nil unless this server
// leads.
func (h *Host) LeaderStatus() *LeaderStatus { return h.status.leader.Load() }

// ObserveProposal records the size of a proposal (zk_last/min/max_
// proposal_size, srvr's "Proposal sizes").
func (h *Host) ObserveProposal(size int64) {
	s := &h.status
	s.propLast.Store(size)
	for cur := s.propMin.Load(); (cur < 0 || size < cur) && !s.propMin.CompareAndSwap(cur, size); cur = s.propMin.Load() {
	}
	for cur := s.propMax.Load(); size > cur && !s.propMax.CompareAndSwap(cur, size); cur = s.propMax.Load() {
	}
}

// ProposalSizes returns the last, smallest and largest proposal sizes of
// the current leader, -1 each before its first proposal.
func (h *Host) ProposalSizes() (last, minSize, maxSize int64) {
	s := &h.status
	if h.status.leader.Load() == nil {
		return -1, -1, -1
	}
	return s.propLast.Load(), s.propMin.Load(), s.propMax.Load()
}

// Count forwards a counter increment to the Observer, if any.
func (h *Host) Count(name string, delta int64) {
	if h.Metrics != nil {
		h.Metrics.Count(name, delta)
	}
}

// Observe forwards one summary value to the Observer, if any.
func (h *Host) Observe(name string, v int64) {
	if h.Metrics != nil {
		h.Metrics.Observe(name, v)
	}
}

// ObserveSet forwards one summary-set value to the Observer, if any.
func (h *Host) ObserveSet(name, key string, v int64) {
	if h.Metrics != nil {
		h.Metrics.ObserveSet(name, key, v)
	}
}
