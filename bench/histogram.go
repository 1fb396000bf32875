package bench

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram records latencies in nanoseconds with a bounded relative error,
// in the manner of HdrHistogram: values below 2^precisionBits are counted
// exactly, and every power-of-two range above is split into
// 2^precisionBits equal sub-buckets, so a reported quantile is within
// 1/1024 (0.1 %) of the true one whatever the scale. The memory is fixed
// (about 270 KiB) and independent of the number of samples, so a run of
// millions of requests does not keep them all, and Record is lock-free, so
// every session of a run can share one histogram.
type Histogram struct {
	counts [numBuckets]atomic.Int64
	total  atomic.Int64
	sum    atomic.Int64
	max    atomic.Int64
	min    atomic.Int64 // math.MaxInt64 while empty
}

const (
	precisionBits = 10
	subBuckets    = 1 << precisionBits
	// maxTrackable is the largest value with its own bucket (about 73
	// minutes in nanoseconds); larger values are counted in the last
	// bucket, and Max still reports them exactly.
	maxTrackableBits = 42
	maxTrackable     = 1<<maxTrackableBits - 1
	numBuckets       = (maxTrackableBits - precisionBits + 1) * subBuckets
)

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	h := &Histogram{}
	h.min.Store(math.MaxInt64)
	return h
}

// bucketOf maps a value to its bucket: v itself below subBuckets, else the
// top precisionBits+1 bits of v (the mantissa, in [subBuckets,
// 2*subBuckets)) offset by the number of bits shifted out.
func bucketOf(v int64) int {
	if v < 0 {
		v = 0
	}
	if v > maxTrackable {
		v = maxTrackable
	}
	if v < subBuckets {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - (precisionBits + 1)
	return shift*subBuckets + int(v>>uint(shift))
}

// bucketHigh is the largest value that falls in bucket i (HdrHistogram's
// "highest equivalent value"), which is what quantiles report, so a
// reported p99 is never below the true one.
func bucketHigh(i int) int64 {
	if i < subBuckets {
		return int64(i)
	}
	shift := i/subBuckets - 1
	mantissa := int64(i - shift*subBuckets)
	return (mantissa+1)<<uint(shift) - 1
}

// Record adds one sample. It is safe for concurrent use.
func (h *Histogram) Record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)].Add(1)
	h.total.Add(1)
	h.sum.Add(v)
	for {
		m := h.max.Load()
		if v <= m || h.max.CompareAndSwap(m, v) {
			break
		}
	}
	for {
		m := h.min.Load()
		if v >= m || h.min.CompareAndSwap(m, v) {
			break
		}
	}
}

// Count is the number of samples recorded.
func (h *Histogram) Count() int64 { return h.total.Load() }

// Max is the largest sample, exactly; 0 when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max.Load()) }

// Min is the smallest sample, exactly; 0 when empty.
func (h *Histogram) Min() time.Duration {
	if h.Count() == 0 {
		return 0
	}
	return time.Duration(h.min.Load())
}

// Mean is the exact average of the samples; 0 when empty.
func (h *Histogram) Mean() time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load() / n)
}

// Quantile returns the value below or at which a fraction q (0..1) of the
// samples lie: the sample of rank ceil(q*count), reported as the top of its
// bucket and never above the exact maximum. 0 when empty. It should be
// called once recording has stopped; during recording it is approximate.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(n)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			return min(time.Duration(bucketHigh(i)), h.Max())
		}
	}
	return h.Max()
}

// Merge adds every sample of o to h (o is left unchanged).
func (h *Histogram) Merge(o *Histogram) {
	for i := range o.counts {
		if c := o.counts[i].Load(); c != 0 {
			h.counts[i].Add(c)
		}
	}
	h.total.Add(o.total.Load())
	h.sum.Add(o.sum.Load())
	if o.Count() > 0 {
		for {
			m := h.max.Load()
			if v := o.max.Load(); v <= m || h.max.CompareAndSwap(m, v) {
				break
			}
		}
		for {
			m := h.min.Load()
			if v := o.min.Load(); v >= m || h.min.CompareAndSwap(m, v) {
				break
			}
		}
	}
}
