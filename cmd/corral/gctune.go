package main

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// tuneGC bounds the garbage collector's headroom to about headroom bytes
// once the live heap is large, by lowering GOGC as the heap grows (never
// below minGCPercent, never above 100, Go's default).
//
// Why: with GOGC=100 the heap may grow to twice the live data before a
// collection, so a server holding a million znodes (about 250 MB live)
// kept about 500 MB resident, half of it garbage waiting to be
// collected. The data tree is pointer-free (core/datatree's arena), so a
// collection scans only the small pointer-holding rest of the heap and
// runs cheaply however many znodes there are: collecting more often costs
// little CPU, and resident memory is what a ZooKeeper machine is sized by.
// Small heaps keep Go's default, where the headroom is small anyway and
// collecting more often would only add per-cycle overhead.
//
// It does nothing when GOGC is set in the environment (the operator's
// choice wins) or headroom is 0. It polls the live heap every second; the
// returned function stops it.
func tuneGC(headroom int64) (stop func()) {
	if headroom <= 0 || os.Getenv("GOGC") != "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		current := 100
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return // metric unknown to this runtime: leave GOGC alone
			}
			if p := gcPercentFor(sample[0].Value.Uint64(), headroom); p != current {
				debug.SetGCPercent(p)
				current = p
			}
		}
	}()
	return func() { close(done) }
}

// minGCPercent bounds how often the collector may run relative to the
// allocation rate, whatever the heap's size.
const minGCPercent = 20

// gcPercentFor is the GOGC that gives a live heap of live bytes about
// headroom bytes of garbage before the next collection, rounded down to a
// multiple of 5 so the setting does not change at every poll.
func gcPercentFor(live uint64, headroom int64) int {
	if live == 0 {
		return 100
	}
	p := int(math.Min(100, float64(headroom)*100/float64(live)))
	p -= p % 5
	return max(p, minGCPercent)
}
