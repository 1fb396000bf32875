package metrics

import (
	"math"
	"slices"
	"sync/atomic"

	"github.com/corral-zk/corral/fourletter"
)

// WindowSize is how many recent observations a Summary keeps for its
// percentiles (mntr's p50..p999 and the quantiles of /metrics).
const WindowSize = 4096

// Counter is Apache's SimpleCounter: a number that only grows (until srst
// resets it under the default provider).
type Counter struct{ v atomic.Int64 }

// Add adds delta.
func (c *Counter) Add(delta int64) { c.v.Add(delta) }

// Get returns the current value.
func (c *Counter) Get() int64 { return c.v.Load() }

func (c *Counter) reset() { c.v.Store(0) }

// Summary is Apache's AvgMinMaxCounter (count, sum, min, max) plus the
// most recent WindowSize observations, from which percentiles are read.
// Apache's default provider samples uniformly since the last reset and its
// Prometheus provider uses a ten-minute window; a window of the latest
// observations follows recent behaviour like the latter and is cheap: a
// few atomic operations per observation and no lock, the window being
// allocated only once something is observed.
//
// Add is safe for concurrent use. A reader racing with writers may see a
// window slot of the previous round, which only blurs a percentile.
type Summary struct {
	count, sum atomic.Int64
	min, max   atomic.Int64 // valid once count > 0

	noWindow bool // percentiles not wanted
	window   atomic.Pointer[[WindowSize]atomic.Int64]
	next     atomic.Uint64 // observations written to the window since the reset
}

// NewSummary returns an empty summary.
func NewSummary() *Summary {
	s := &Summary{}
	s.min.Store(math.MaxInt64)
	s.max.Store(math.MinInt64)
	return s
}

// NewCounterSummary returns an empty summary without percentiles (Apache's
// plain AvgMinMaxCounter where nothing reads percentiles); its quantiles
// are always empty.
func NewCounterSummary() *Summary {
	s := NewSummary()
	s.noWindow = true
	return s
}

// Add records one observation (AvgMinMaxCounter.add).
func (s *Summary) Add(v int64) {
	s.count.Add(1)
	s.sum.Add(v)
	for cur := s.min.Load(); v < cur && !s.min.CompareAndSwap(cur, v); cur = s.min.Load() {
	}
	for cur := s.max.Load(); v > cur && !s.max.CompareAndSwap(cur, v); cur = s.max.Load() {
	}
	if s.noWindow {
		return
	}
	w := s.window.Load()
	if w == nil {
		s.window.CompareAndSwap(nil, new([WindowSize]atomic.Int64))
		w = s.window.Load()
	}
	w[(s.next.Add(1)-1)%WindowSize].Store(v)
}

// Reset empties the summary (AvgMinMaxCounter.reset).
func (s *Summary) Reset() {
	s.next.Store(0)
	s.count.Store(0)
	s.sum.Store(0)
	s.min.Store(math.MaxInt64)
	s.max.Store(math.MinInt64)
}

// Count is the number of observations since the last reset.
func (s *Summary) Count() int64 { return s.count.Load() }

// Sum is the sum of the observations since the last reset.
func (s *Summary) Sum() int64 { return s.sum.Load() }

// recent returns a sorted copy of the observations in the window.
func (s *Summary) recent() []int64 {
	w := s.window.Load()
	if w == nil {
		return nil
	}
	n := min(s.next.Load(), WindowSize)
	out := make([]int64, n)
	for i := range out {
		out[i] = w[i].Load()
	}
	slices.Sort(out)
	return out
}

// quantile reads q (0..1) from sorted observations as Dropwizard's
// snapshot does (the value at position q*(n+1), interpolated); NaN when
// there is none, as Prometheus reports an empty quantile.
func quantile(sorted []int64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	pos := q * float64(n+1)
	switch {
	case pos < 1:
		return float64(sorted[0])
	case pos >= float64(n):
		return float64(sorted[n-1])
	}
	lower := float64(sorted[int(pos)-1])
	upper := float64(sorted[int(pos)])
	return lower + (pos-math.Floor(pos))*(upper-lower)
}

// Snapshot returns the summary as mntr prints it: min and max are 0 while
// empty (Apache's getMin/getMax), percentiles are whole numbers as
// Apache's long-valued gauges print them.
func (s *Summary) Snapshot() fourletter.Summary {
	out := fourletter.Summary{Count: s.count.Load(), Sum: s.sum.Load()}
	if out.Count > 0 {
		out.Min, out.Max = s.min.Load(), s.max.Load()
	}
	if r := s.recent(); len(r) > 0 {
		out.P50 = int64(quantile(r, 0.5))
		out.P95 = int64(quantile(r, 0.95))
		out.P99 = int64(quantile(r, 0.99))
		out.P999 = int64(quantile(r, 0.999))
	}
	return out
}

// Quantiles returns the requested quantiles of the window (NaN when empty).
func (s *Summary) Quantiles(qs ...float64) map[float64]float64 {
	r := s.recent()
	out := make(map[float64]float64, len(qs))
	for _, q := range qs {
		out[q] = quantile(r, q)
	}
	return out
}

// BufferStats is Apache's BufferStats: the last, smallest and largest size
// seen, each -1 before the first.
type BufferStats struct {
	last, min, max atomic.Int64
}

// NewBufferStats returns BufferStats in their initial state.
func NewBufferStats() *BufferStats {
	b := &BufferStats{}
	b.Reset()
	return b
}

// Set records one size (BufferStats.setLastBufferSize).
func (b *BufferStats) Set(size int64) {
	b.last.Store(size)
	for cur := b.min.Load(); (cur < 0 || size < cur) && !b.min.CompareAndSwap(cur, size); cur = b.min.Load() {
	}
	for cur := b.max.Load(); size > cur && !b.max.CompareAndSwap(cur, size); cur = b.max.Load() {
	}
}

// Reset returns to the initial state.
func (b *BufferStats) Reset() {
	b.last.Store(-1)
	b.min.Store(-1)
	b.max.Store(-1)
}

// Snapshot returns the current sizes.
func (b *BufferStats) Snapshot() fourletter.BufferSizes {
	return fourletter.BufferSizes{Last: b.last.Load(), Min: b.min.Load(), Max: b.max.Load()}
}
