package session

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// u64 reinterprets a bit pattern as a signed id, so expectations can be
// written as the hex Apache prints.
func u64(x uint64) int64 { return int64(x) }

func TestInitialID(t *testing.T) {
	cases := []struct {
		name     string
		serverID int64
		start    int64
		want     int64
	}{
		{"server 1, 40-bit time", 1, 0x0123456789, u64(0x0101234567890000)},
		// Bit 39 of the time set: a signed shift would fill the top
		// byte with ones (ZOOKEEPER-1622); the unsigned one keeps it
		// for the server id.
		{"server 2, time with bit 39 set", 2, 0xFFFFFFFFFF, u64(0x02FFFFFFFFFF0000)},
		{"server 0, epoch millis", 0, 1700000000000, u64(0x008BCFE568000000)},
		{"server 7, epoch millis", 7, 1700000000000, u64(0x078BCFE568000000)},
		{"server 255, time 0", 255, 0, u64(0xFF00000000000000)},
		// 128<<56 is Long.MIN_VALUE, the container marker: skipped.
		{"server 128, time 0 avoids container marker", 128, 0, math.MinInt64 + 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := InitialID(tc.serverID, tc.start)
			require.Equal(t, tc.want, got, "got %#x", uint64(got))
			require.Equal(t, uint64(tc.serverID)&0xff, uint64(got)>>56, "server id must own the top byte")
			require.Zero(t, uint64(got)&0xffff&^1, "low 16 bits are the per-server counter")
		})
	}
}

func TestNextIDIncrements(t *testing.T) {
	tb := New(Config{ServerID: 3, TickMillis: 2000, StartMillis: 0x0123456789})
	first := tb.NextID()
	require.Equal(t, u64(0x0301234567890000), first)
	for i := int64(1); i <= 5; i++ {
		require.Equal(t, first+i, tb.NextID())
	}
}

func TestNextIDSkipsContainerMarker(t *testing.T) {
	tb := New(Config{ServerID: 127, TickMillis: 2000})
	tb.next = math.MaxInt64 // the counter wraps into Long.MIN_VALUE next
	require.Equal(t, int64(math.MaxInt64), tb.NextID())
	require.Equal(t, int64(math.MinInt64+1), tb.NextID())
	require.Equal(t, int64(math.MinInt64+2), tb.NextID())
}
