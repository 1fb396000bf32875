package zabhost

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLinkStatsQueue(t *testing.T) {
	s := NewLinkStats()
	require.EqualValues(t, -1, s.LastZxid.Load())
	_, _, ok := s.Dequeue(time.Now())
	require.False(t, ok, "nothing queued")
	t0 := time.Now()
	s.Queue(t0)
	s.Queue(t0.Add(time.Millisecond))
	require.Equal(t, 2, s.Queued())
	remaining, waited, ok := s.Dequeue(t0.Add(5 * time.Millisecond))
	require.True(t, ok)
	require.Equal(t, 1, remaining)
	require.Equal(t, 5*time.Millisecond, waited, "the oldest packet first")
	s.Received.Add(3)
	s.Reset()
	require.Zero(t, s.Received.Load())
	require.EqualValues(t, -1, s.LastZxid.Load())
}

func TestProposalSizesPerLeader(t *testing.T) {
	h := &Host{}
	last, lo, hi := h.ProposalSizes()
	require.Equal(t, [3]int64{-1, -1, -1}, [3]int64{last, lo, hi}, "not leading")
	h.PublishLeader(&LeaderStatus{Since: time.Unix(1, 0)})
	for _, n := range []int64{48, 91, 93, 60} {
		h.ObserveProposal(n)
	}
	last, lo, hi = h.ProposalSizes()
	require.Equal(t, [3]int64{60, 48, 93}, [3]int64{last, lo, hi})
	h.PublishLeader(&LeaderStatus{Since: time.Unix(1, 0)}) // the same leader's new snapshot
	last, _, _ = h.ProposalSizes()
	require.EqualValues(t, 60, last)
	h.PublishLeader(&LeaderStatus{Since: time.Unix(2, 0)}) // a new leader starts empty
	last, lo, hi = h.ProposalSizes()
	require.Equal(t, [3]int64{-1, -1, -1}, [3]int64{last, lo, hi})
	h.PublishLeader(nil)
	require.Nil(t, h.LeaderStatus())
}

func TestZabStates(t *testing.T) {
	h := &Host{}
	require.Equal(t, "election", h.ZabState().String())
	h.SetZabState(ZabBroadcast)
	require.Equal(t, "broadcast", h.ZabState().String())
}

// A queue that is never drained is compacted, in order.
func TestLinkStatsQueueCompacts(t *testing.T) {
	s := NewLinkStats()
	t0 := time.Unix(0, 0)
	for i := 0; i < 3000; i++ {
		s.Queue(t0.Add(time.Duration(i)))
	}
	for i := 0; i < 2000; i++ {
		remaining, waited, ok := s.Dequeue(t0.Add(5000))
		require.True(t, ok)
		require.Equal(t, 2999-i, remaining)
		require.Equal(t, time.Duration(5000-i), waited)
	}
	require.Equal(t, 1000, s.Queued())
	require.LessOrEqual(t, len(s.queued), 1500, "compacted")
}
