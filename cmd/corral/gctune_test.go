package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{10 * mib, 100},  // small heap: Go's default
		{64 * mib, 100},  // headroom = live
		{128 * mib, 50},  // half
		{260 * mib, 20},  // a million znodes: 24.6 rounded down to 20
		{1000 * mib, 20}, // never below minGCPercent
		{200 * mib, 30},  // 32 rounded down to a multiple of 5
	} {
		if got := gcPercentFor(c.live, 64*mib); got != c.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", c.live/mib, got, c.want)
		}
	}
}
