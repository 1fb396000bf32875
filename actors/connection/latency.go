package connection

import (
	"sync"
	"time"

	"github.com/corral-zk/corral/fourletter"
	"github.com/corral-zk/corral/wire"
)

// ReplyObserver receives the server-wide request statistics (Apache's
// ServerStats and ServerMetrics): for each reply, the request's type, the
// time from reading the request to queueing its reply, and the reply's
// size (header and body, without the length prefix, as Apache counts it;
// -1 for the connect response, which Apache does not count); for each
// watch notification, its size.
type ReplyObserver interface {
	ObserveReply(op wire.OpCode, latency time.Duration, size int)
	ObserveNotification(size int)
}

// processStart anchors the connections' monotonic clock: request times are
// kept as durations since it (reading only the monotonic clock costs about
// half of time.Now), and LastResponseTime is in its milliseconds (Apache's
// Time.currentElapsedTime).
var processStart = time.Now()

// monotonic is the time since processStart.
func monotonic() time.Duration { return time.Since(processStart) }

// ConnLatency is a connection's latency record as Apache's ServerCnxn keeps
// it for cons: last, min, average (integer division) and max latency in
// ms, and when the last response was sent.
type ConnLatency struct {
	mu                   sync.Mutex
	last, min, max       int64
	total, count         int64
	lastResponseElapsedM int64
}

func (l *ConnLatency) observe(latencyMs int64, at time.Duration) {
	l.mu.Lock()
	l.last = latencyMs
	if l.count == 0 || latencyMs < l.min {
		l.min = latencyMs
	}
	l.max = max(l.max, latencyMs)
	l.total += latencyMs
	l.count++
	l.lastResponseElapsedM = at.Milliseconds()
	l.mu.Unlock()
}

// Snapshot returns last, min, avg and max latency and the last response
// time; all 0 before the first response, as ServerCnxn's getters answer.
func (l *ConnLatency) Snapshot() (last, minimum, avg, maximum, lastResponse int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count > 0 {
		avg = l.total / l.count
		minimum = l.min
	}
	return l.last, minimum, avg, l.max, l.lastResponseElapsedM
}

// Reset is the latency part of ServerCnxn.resetStats (crst).
func (l *ConnLatency) Reset() {
	l.mu.Lock()
	l.last, l.min, l.max, l.total, l.count, l.lastResponseElapsedM = 0, 0, 0, 0, 0, 0
	l.mu.Unlock()
}

// inflight remembers when each request in flight was read, in read order.
// Replies come back in the same order (the session answers strictly in
// order), so the head normally matches; auth packets, which the session
// answers at once, are not recorded. A reply that matches no entry (one
// for a request read by the session's previous connection) is not timed,
// and entries passed over by a matching reply are dropped.
type inflight struct {
	mu      sync.Mutex
	entries []inflightEntry
	head    int // entries before head are answered
}

type inflightEntry struct {
	cxid int32
	op   wire.OpCode
	at   time.Duration // monotonic()
}

func (q *inflight) push(cxid int32, op wire.OpCode, at time.Duration) {
	q.mu.Lock()
	q.entries = append(q.entries, inflightEntry{cxid, op, at})
	q.mu.Unlock()
}

// take removes and returns the entry of the reply with this cxid, and the
// entries read before it.
func (q *inflight) take(cxid int32) (inflightEntry, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := q.head; i < len(q.entries); i++ {
		if e := q.entries[i]; e.cxid == cxid {
			q.head = i + 1
			switch {
			case q.head == len(q.entries):
				q.entries, q.head = q.entries[:0], 0
			case q.head >= 64 && q.head*2 >= len(q.entries):
				n := copy(q.entries, q.entries[q.head:])
				q.entries, q.head = q.entries[:n], 0
			}
			return e, true
		}
	}
	return inflightEntry{}, false
}

// timeReply is Apache's ServerCnxn.updateStatsForResponse and
// ServerStats.updateLatency: the connection's last operation, last client
// xid (special negative xids such as pings' do not count) and latency, and
// the server-wide statistics.
func (c *Conn) timeReply(op wire.OpCode, cxid int32, started time.Duration, size int) {
	now := monotonic()
	lat := now - started
	if cxid >= 0 {
		c.stats.LastCxid.Store(cxid)
	}
	// Storing a string in an atomic.Value boxes it (one allocation), so
	// store only when the op changes: a connection mostly repeats one op.
	if lop := fourletter.LastOp(op); c.stats.LastOp.Load() != lop {
		c.stats.LastOp.Store(lop)
	}
	c.stats.Latency.observe(lat.Milliseconds(), now)
	if obs := c.deps.Stats.Observer; obs != nil {
		obs.ObserveReply(op, lat, size)
	}
}
