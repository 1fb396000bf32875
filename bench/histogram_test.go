package bench

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// exactQuantile is the sample of rank ceil(q*n) of sorted, the definition
// Histogram.Quantile approximates.
func exactQuantile(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func TestHistogramBucketsAreContiguous(t *testing.T) {
	// Every bucket's top plus one is the next bucket's first value, so no
	// value is lost or counted twice.
	for i := 0; i < numBuckets-1; i++ {
		high := bucketHigh(i)
		require.Equal(t, i, bucketOf(high), "top of bucket %d", i)
		require.Equal(t, i+1, bucketOf(high+1), "first value after bucket %d", i)
	}
	require.Equal(t, numBuckets-1, bucketOf(maxTrackable))
	require.Equal(t, numBuckets-1, bucketOf(math.MaxInt64), "huge values clamp into the last bucket")
	require.Equal(t, 0, bucketOf(-5), "negative values count as zero")
}

func TestHistogramQuantilesWithinPrecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() int64{
		"uniform 0-10ms": func() int64 { return rng.Int64N(int64(10 * time.Millisecond)) },
		// Latencies are long-tailed: most fast, a few orders of magnitude slower.
		"lognormal":   func() int64 { return int64(math.Exp(rng.NormFloat64()*2+11)) + 1 },
		"small exact": func() int64 { return rng.Int64N(900) },
	}
	for name, gen := range dists {
		t.Run(name, func(t *testing.T) {
			h := NewHistogram()
			samples := make([]int64, 200_000)
			var sum int64
			for i := range samples {
				samples[i] = gen()
				sum += samples[i]
				h.Record(time.Duration(samples[i]))
			}
			sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
			require.Equal(t, int64(len(samples)), h.Count())
			require.Equal(t, time.Duration(samples[len(samples)-1]), h.Max())
			require.Equal(t, time.Duration(samples[0]), h.Min())
			require.Equal(t, time.Duration(sum/int64(len(samples))), h.Mean())
			for _, q := range []float64{0, 0.001, 0.5, 0.9, 0.99, 0.999, 1} {
				want := exactQuantile(samples, q)
				got := int64(h.Quantile(q))
				require.GreaterOrEqual(t, got, want, "q=%v never under-reports", q)
				require.LessOrEqual(t, float64(got-want), float64(want)/subBuckets+1, "q=%v: got %d want %d", q, got, want)
			}
		})
	}
}

func TestHistogramConcurrentRecordAndMerge(t *testing.T) {
	a, b := NewHistogram(), NewHistogram()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 10_000; i++ {
				a.Record(time.Duration(i))
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int64(80_000), a.Count())
	require.Equal(t, 10_000*time.Nanosecond, a.Max())
	require.Equal(t, time.Nanosecond, a.Min())

	b.Record(time.Hour)
	b.Merge(a)
	require.Equal(t, int64(80_001), b.Count())
	require.Equal(t, time.Hour, b.Max(), "max survives a merge exactly")
	require.Equal(t, time.Nanosecond, b.Min())
	require.Equal(t, time.Hour, b.Quantile(1))
	require.InDelta(t, 5000, float64(b.Quantile(0.5)), 5000.0/subBuckets+1)
}

func TestHistogramEmpty(t *testing.T) {
	h := NewHistogram()
	require.Zero(t, h.Count())
	require.Zero(t, h.Quantile(0.99))
	require.Zero(t, h.Max())
	require.Zero(t, h.Min())
	require.Zero(t, h.Mean())
	h.Merge(NewHistogram())
	require.Zero(t, h.Min(), "merging an empty histogram keeps it empty")
}
