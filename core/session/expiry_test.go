package session

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func newTestTable() *Table {
	return New(Config{ServerID: 1, TickMillis: 2000, Secret: []byte("x")})
}

// TestExpiryBoundary pins the bucket arithmetic of ExpiryQueue:
// deadline = roundToNextInterval(now+timeout) = (t/tick+1)*tick.
func TestExpiryBoundary(t *testing.T) {
	cases := []struct {
		name      string
		addAt     int64
		timeout   int32
		wantSlot  int64
		quietTill int64 // last instant at which the session is still alive
	}{
		{"added at 0", 0, 4000, 6000, 5999},
		{"added mid-tick", 100, 4000, 6000, 5999},
		{"added just before a boundary", 1999, 4000, 6000, 5999},
		{"added on a boundary gets a full extra tick", 2000, 4000, 8000, 7999},
		{"timeout not a tick multiple", 0, 5000, 6000, 5999},
		{"timeout one ms past a boundary", 0, 6001, 8000, 7999},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestTable()
			tb.Add(7, tc.timeout, tc.addAt)
			info, ok := tb.Get(7)
			require.True(t, ok)
			require.Equal(t, tc.wantSlot, info.ExpiresAt)

			require.Empty(t, tb.Expired(tc.quietTill))
			require.Equal(t, []int64{7}, tb.Expired(tc.quietTill+1))
		})
	}
}

func TestTouchPostponesExpiry(t *testing.T) {
	tb := newTestTable()
	tb.Add(1, 4000, 0) // bucket 6000
	tb.Add(2, 4000, 0) // bucket 6000, never touched

	require.True(t, tb.Touch(1, 3000)) // bucket roundUp(7000) = 8000
	info, _ := tb.Get(1)
	require.Equal(t, int64(8000), info.ExpiresAt)

	require.Equal(t, []int64{2}, tb.Expired(6000))
	require.True(t, tb.Touch(1, 7999)) // bucket roundUp(11999) = 12000
	require.Empty(t, tb.Expired(11999))
	require.Equal(t, []int64{1}, tb.Expired(12000))
}

func TestTouchWithinSameBucketKeepsDeadline(t *testing.T) {
	tb := newTestTable()
	tb.Add(1, 4000, 100)
	require.True(t, tb.Touch(1, 1500))
	info, _ := tb.Get(1)
	require.Equal(t, int64(6000), info.ExpiresAt)
}

func TestExpiredMarksClosingAndNeverRepeats(t *testing.T) {
	tb := newTestTable()
	tb.Add(1, 4000, 0)
	require.Equal(t, []int64{1}, tb.Expired(6000))

	info, ok := tb.Get(1)
	require.True(t, ok, "an expired session stays until its closeSession commits")
	require.True(t, info.Closing)
	require.Zero(t, info.ExpiresAt)

	require.False(t, tb.Touch(1, 6001), "a closing session accepts no ping")
	require.Empty(t, tb.Expired(1_000_000))

	tb.Add(1, 4000, 6002) // a replayed createSession must not revive it
	require.Empty(t, tb.Expired(2_000_000))

	tb.Remove(1)
	_, ok = tb.Get(1)
	require.False(t, ok)
}

func TestSetClosingIsNotExpired(t *testing.T) {
	tb := newTestTable()
	tb.Add(1, 4000, 0)
	tb.Add(2, 4000, 0)
	tb.SetClosing(1)
	tb.SetClosing(99) // unknown: no-op
	require.False(t, tb.Touch(1, 100))
	require.Equal(t, []int64{2}, tb.Expired(6000))
	require.Empty(t, tb.Expired(60000))
}

func TestRemoveUnschedules(t *testing.T) {
	tb := newTestTable()
	tb.Add(1, 4000, 0)
	tb.Remove(1)
	tb.Remove(1) // idempotent
	require.Empty(t, tb.Expired(6000))
	require.Zero(t, tb.Count())
}

func TestManySessionsExpireInOneBucket(t *testing.T) {
	tb := newTestTable()
	const n = 1000
	want := make([]int64, 0, n)
	// Spread the creations over one tick in reverse id order: they all
	// round up to bucket 6000 and come out sorted.
	for i := n - 1; i >= 0; i-- {
		id := int64(i + 1)
		tb.Add(id, 4000, int64(i)%2000)
	}
	for i := 1; i <= n; i++ {
		want = append(want, int64(i))
	}
	require.Len(t, tb.queue.buckets, 1)
	require.Empty(t, tb.Expired(5999))
	require.Equal(t, want, tb.Expired(6000))
	require.Empty(t, tb.queue.buckets)
	require.Empty(t, tb.queue.byID)
	require.Equal(t, n, tb.Count(), "expired sessions remain, closing, until removed")
}

func TestExpiredOrdersBucketsOldestFirst(t *testing.T) {
	tb := newTestTable()
	tb.Add(30, 8000, 0) // bucket 10000
	tb.Add(20, 4000, 0) // bucket 6000
	tb.Add(10, 6000, 0) // bucket 8000
	tb.Add(5, 8000, 0)  // bucket 10000
	require.Equal(t, []int64{20, 10, 5, 30}, tb.Expired(10000))
}

// A long gap between polls (or a table seeded with StartMillis 0 but fed
// wall-clock millis) must still find every due bucket, and cheaply.
func TestExpiredAfterLongGap(t *testing.T) {
	tb := newTestTable()
	const epoch = int64(1_700_000_000_000)
	tb.Add(1, 4000, epoch)       // bucket epoch+6000
	tb.Add(2, 40000, epoch)      // bucket epoch+42000
	tb.Add(3, 40000, epoch+9000) // bucket epoch+50000
	require.Equal(t, []int64{1, 2}, tb.Expired(epoch+42000))
	require.Equal(t, epoch+44000, tb.queue.next)
	require.Equal(t, []int64{3}, tb.Expired(epoch+50000))
}

func TestClockGoingBackwardsStillExpires(t *testing.T) {
	tb := newTestTable()
	require.Empty(t, tb.Expired(100000)) // polled up to bucket 100000
	tb.Add(1, 4000, 0)                   // would land in bucket 6000
	info, _ := tb.Get(1)
	require.Equal(t, int64(102000), info.ExpiresAt, "moved to the next pending bucket")
	require.Equal(t, []int64{1}, tb.Expired(102000))
}
