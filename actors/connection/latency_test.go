package connection

import (
	"testing"
	"time"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// Replies match the requests in read order; a reply for a request this
// connection did not read (its session's earlier connection) is not timed;
// a reply passes over requests that will never be answered here.
func TestInflightMatchesReplies(t *testing.T) {
	var q inflight
	t0 := 100 * time.Second
	q.push(1, wire.OpGetData, t0)
	q.push(-2, wire.OpPing, t0+time.Second)
	q.push(2, wire.OpCreate, t0+2*time.Second)

	e, ok := q.take(1)
	require.True(t, ok)
	require.Equal(t, inflightEntry{1, wire.OpGetData, t0}, e)
	_, ok = q.take(77)
	require.False(t, ok, "not read by this connection")
	e, ok = q.take(2)
	require.True(t, ok, "the ping before it is passed over")
	require.Equal(t, wire.OpCreate, e.op)
	_, ok = q.take(-2)
	require.False(t, ok)
	require.Empty(t, q.entries)
}

// A long pipeline is compacted as it drains, so the queue never holds more
// than the requests in flight (plus slack).
func TestInflightCompacts(t *testing.T) {
	var q inflight
	now := monotonic()
	for i := int32(0); i < 1000; i++ {
		q.push(i, wire.OpGetData, now)
	}
	for i := int32(0); i < 900; i++ {
		_, ok := q.take(i)
		require.True(t, ok)
		require.LessOrEqual(t, q.head, 64+len(q.entries)/2)
	}
	require.Len(t, q.entries[q.head:], 100)
	for i := int32(900); i < 1000; i++ {
		_, ok := q.take(i)
		require.True(t, ok)
	}
	require.Empty(t, q.entries)
	require.Zero(t, q.head)
}

// ConnLatency keeps Apache's ServerCnxn numbers: last, min, integer
// average, max, and zeros before the first response and after a reset.
func TestConnLatency(t *testing.T) {
	var l ConnLatency
	last, minimum, avg, maximum, resp := l.Snapshot()
	require.Equal(t, [5]int64{}, [5]int64{last, minimum, avg, maximum, resp})
	at := 1500 * time.Millisecond
	l.observe(3, at)
	l.observe(9, at)
	l.observe(1, at)
	last, minimum, avg, maximum, resp = l.Snapshot()
	require.Equal(t, [5]int64{1, 1, 4, 9, 1500}, [5]int64{last, minimum, avg, maximum, resp})
	l.Reset()
	last, minimum, avg, maximum, resp = l.Snapshot()
	require.Equal(t, [5]int64{}, [5]int64{last, minimum, avg, maximum, resp})
}

type nopObserver struct{}

func (nopObserver) ObserveReply(wire.OpCode, time.Duration, int) {}
func (nopObserver) ObserveNotification(int)                      {}

// What timing one request costs a connection: the reader's push and
// clock read, the actor's take, clock read and per-connection record
// (Apache's updateStatsForResponse).
func BenchmarkRequestTiming(b *testing.B) {
	c := &Conn{deps: &Deps{Stats: &Counters{Observer: nopObserver{}}}}
	for i := 0; i < b.N; i++ {
		cxid := int32(i)
		c.inflight.push(cxid, wire.OpGetData, monotonic())
		if e, ok := c.inflight.take(cxid); ok {
			c.timeReply(e.op, cxid, e.at, 93)
		}
	}
}
