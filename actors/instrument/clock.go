package instrument

import (
	"sync/atomic"
	"time"
	_ "unsafe" // go:linkname
)

// now is the Unix time in nanoseconds, as hop records carry it, at a
// fraction of the cost of time.Now().UnixNano(): a get reads it about nine
// times. On Linux time.Now reads both the wall and the monotonic clock;
// now reads only the monotonic one, straight from the runtime
// (runtime.nanotime, the vDSO read time.Since makes too, without
// time.Since's wrapping: callgrind counts about 45 instructions per read
// against about 100 through time.Since and 200 through time.Now).
//
// The monotonic reading is turned into Unix time through a base taken
// from the wall clock, renewed every second so that the records of
// different servers stay comparable to NTP's precision even if the wall
// clock is slewed or stepped.
func now() int64 {
	b := clockBase.Load()
	mono := nanotime()
	if mono-b.mono > int64(time.Second) {
		renewClockBase(b)
	}
	return b.unix + (mono - b.mono)
}

// nanotime is the runtime's monotonic clock. The runtime keeps this
// linkname working on purpose (go.dev/issue/67401: "Do not remove or
// change the type signature").
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// clockAnchor pairs a monotonic reading with the Unix time it was taken at.
type clockAnchor struct {
	mono int64
	unix int64
}

var clockBase atomic.Pointer[clockAnchor]

func init() { clockBase.Store(anchorNow()) }

// anchorNow reads both clocks, the monotonic one last so that the anchor
// never lies in the future of a reading taken after it.
func anchorNow() *clockAnchor {
	unix := time.Now().UnixNano()
	return &clockAnchor{mono: nanotime(), unix: unix}
}

// renewClockBase replaces old by a fresh base, unless another goroutine
// already did.
func renewClockBase(old *clockAnchor) {
	clockBase.CompareAndSwap(old, anchorNow())
}

// Now is the clock of the hop records, for code that records hops of its
// own (the connection's reader): records compared with each other must
// come from one clock, and this one costs a fraction of time.Now.
func Now() int64 { return now() }
