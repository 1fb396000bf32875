package election

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/core/quorum"
)

// majority is a majority verifier over voters and observers.
func majority(t testing.TB, voters, observers []int64) quorum.Verifier {
	t.Helper()
	q, err := quorum.NewMajority(voters, observers, 0)
	require.NoError(t, err)
	return q
}

func ids(from, to int64) []int64 {
	var out []int64
	for id := from; id <= to; id++ {
		out = append(out, id)
	}
	return out
}

// node builds a participant with finalizeWait f and notification backoff
// from lo to hi ticks.
func node(t testing.TB, id int64, q quorum.Verifier, f, lo, hi int) *Election {
	t.Helper()
	e, err := New(Config{ID: id, Quorum: q, FinalizeWaitTicks: f, MinNotificationTicks: lo, MaxNotificationTicks: hi})
	require.NoError(t, err)
	return e
}

// take returns what the core has to send and decide, and acknowledges it.
func take(e *Election) Ready {
	rd := e.Ready()
	e.Advance()
	return rd
}

// zxid builds epoch<<32 | counter.
func zxid(epoch, counter int64) int64 { return epoch<<32 | counter }

const none = math.MinInt64

// looking, following, leading and observing build notifications from
// sid for leader, in round ee.
func looking(sid, leader, zx, ee, pe int64) Notification {
	return Notification{From: sid, State: Looking, Leader: leader, Zxid: zx, ElectionEpoch: ee, PeerEpoch: pe}
}

func following(sid, leader, zx, ee, pe int64) Notification {
	n := looking(sid, leader, zx, ee, pe)
	n.State = Following
	return n
}

func leading(sid, zx, ee, pe int64) Notification {
	n := looking(sid, sid, zx, ee, pe)
	n.State = Leading
	return n
}

func bcast(n Notification) Message { return Message{Broadcast: true, Notification: n} }

func to(id int64, n Notification) Message { return Message{To: id, Notification: n} }

// requireSilent checks that the core has nothing to send or decide.
func requireSilent(t *testing.T, e *Election) {
	t.Helper()
	require.False(t, e.HasReady(), "unexpected %+v", e.Ready())
}

// ticks calls Tick n times and requires silence meanwhile.
func ticks(t *testing.T, e *Election, n int) {
	t.Helper()
	for range n {
		e.Tick()
		requireSilent(t, e)
	}
}
