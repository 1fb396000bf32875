package metrics

import (
	"math"
	"sync"
	"testing"

	"github.com/corral-zk/corral/fourletter"
	"github.com/stretchr/testify/require"
)

// An empty summary prints as Apache's does (min and max 0), and observing
// fills count, sum, min, max and the Dropwizard-style percentiles.
func TestSummary(t *testing.T) {
	s := NewSummary()
	require.Equal(t, fourletter.Summary{}, s.Snapshot())
	require.True(t, math.IsNaN(s.Quantiles(0.5)[0.5]))

	for v := int64(10); v >= 1; v-- {
		s.Add(v)
	}
	got := s.Snapshot()
	require.Equal(t, int64(10), got.Count)
	require.Equal(t, int64(55), got.Sum)
	require.Equal(t, int64(1), got.Min)
	require.Equal(t, int64(10), got.Max)
	// Dropwizard reads quantile q at position q*(n+1) of the sorted
	// values, interpolating: 5.5 for the median of 1..10, 10 above n.
	require.Equal(t, 5.5, s.Quantiles(0.5)[0.5])
	require.Equal(t, int64(5), got.P50)
	require.Equal(t, int64(10), got.P95)
	require.Equal(t, int64(10), got.P999)
	require.Equal(t, 1.0, s.Quantiles(0.01)[0.01])

	s.Reset()
	require.Equal(t, fourletter.Summary{}, s.Snapshot())
	s.Add(-3)
	require.Equal(t, fourletter.Summary{Count: 1, Sum: -3, Min: -3, Max: -3, P50: -3, P95: -3, P99: -3, P999: -3}, s.Snapshot())
}

// Percentiles follow the latest WindowSize observations.
func TestSummaryWindow(t *testing.T) {
	s := NewSummary()
	for i := 0; i < WindowSize; i++ {
		s.Add(1000)
	}
	for i := 0; i < WindowSize; i++ {
		s.Add(1)
	}
	got := s.Snapshot()
	require.Equal(t, int64(1), got.P999, "old observations left the window")
	require.Equal(t, int64(1000), got.Max, "max covers everything since the reset")
	require.Equal(t, int64(2*WindowSize), got.Count)
}

// Concurrent observers lose nothing.
func TestSummaryConcurrent(t *testing.T) {
	s := NewSummary()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				s.Add(int64(g*1000 + i))
			}
		}(g)
	}
	wg.Wait()
	got := s.Snapshot()
	require.Equal(t, int64(8000), got.Count)
	require.Equal(t, int64(8000*7999/2), got.Sum)
	require.Equal(t, int64(0), got.Min)
	require.Equal(t, int64(7999), got.Max)
}

// BufferStats start at -1 and track last, min and max.
func TestBufferStats(t *testing.T) {
	b := NewBufferStats()
	require.Equal(t, fourletter.NoBuffers, b.Snapshot())
	b.Set(16)
	b.Set(93)
	b.Set(25)
	require.Equal(t, fourletter.BufferSizes{Last: 25, Min: 16, Max: 93}, b.Snapshot())
	b.Set(0)
	require.Equal(t, fourletter.BufferSizes{Last: 0, Min: 0, Max: 93}, b.Snapshot())
	b.Reset()
	require.Equal(t, fourletter.NoBuffers, b.Snapshot())
}

// A counter summary keeps count, sum, min and max but no percentiles.
func TestCounterSummary(t *testing.T) {
	s := NewCounterSummary()
	s.Add(4)
	s.Add(2)
	require.Equal(t, fourletter.Summary{Count: 2, Sum: 6, Min: 2, Max: 4}, s.Snapshot())
	require.True(t, math.IsNaN(s.Quantiles(0.5)[0.5]))
}
