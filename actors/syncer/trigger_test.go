package syncer

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixed returns a "random" source that always draws frac of its range.
func fixed(frac float64) func(int64) int64 {
	return func(n int64) int64 { return min(int64(float64(n)*frac), n-1) }
}

func TestSnapTriggerCountsTxns(t *testing.T) {
	cases := []struct {
		name      string
		snapCount int64
		rnd       func(int64) int64
		want      int64 // txns that make the snapshot due
	}{
		{"lowest draw: just past half", 100, fixed(0), 51},
		{"highest draw: snapCount", 100, fixed(1), 100},
		{"middle draw", 100, fixed(0.5), 76},
		{"smallest snapCount", 2, fixed(0.5), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := NewSnapTrigger(c.snapCount, 0, c.rnd)
			require.Equal(t, c.want, tr.Threshold())
			for i := int64(1); i < c.want; i++ {
				require.False(t, tr.Logged(1, 100), "due after %d txns", i)
			}
			require.True(t, tr.Logged(1, 100))
			require.Zero(t, tr.Pending(), "counters start over after a snapshot")
		})
	}
}

func TestSnapTriggerCountsBatches(t *testing.T) {
	tr := NewSnapTrigger(10, 0, fixed(0))
	require.False(t, tr.Logged(5, 0))
	require.True(t, tr.Logged(7, 0), "a group-commit batch crossing the threshold makes it due")
	require.False(t, tr.Logged(5, 0))
}

func TestSnapTriggerBySize(t *testing.T) {
	tr := NewSnapTrigger(1_000_000, 4096, fixed(0))
	require.False(t, tr.Logged(1, 2000))
	require.True(t, tr.Logged(1, 100), "more than sizeLimit/2 bytes make it due")
	disabled := NewSnapTrigger(1_000_000, 0, fixed(0))
	require.False(t, disabled.Logged(1, 1<<40))
}

// TestSnapTriggerPointIsRandomInTheUpperHalf: with a real random source
// the snapshot point falls in (snapCount/2, snapCount] and moves around,
// so servers of an ensemble do not snapshot in step.
func TestSnapTriggerPointIsRandomInTheUpperHalf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tr := NewSnapTrigger(1000, 0, rng.Int64N)
	seen := map[int64]bool{}
	for range 200 {
		n := int64(0)
		for !tr.Logged(1, 0) {
			n++
		}
		n++
		require.Greater(t, n, int64(500))
		require.LessOrEqual(t, n, int64(1000))
		seen[n] = true
	}
	require.Greater(t, len(seen), 100, "points must vary")
}
