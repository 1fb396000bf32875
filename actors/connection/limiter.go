package connection

import "sync/atomic"

// Limiter bounds the requests that have been read from clients but whose
// replies have not yet been written back (Apache's globalOutstandingLimit).
// A connection's reader blocks on Acquire when the limit is reached, so a
// flood of requests stops at the TCP window instead of growing mailboxes:
// protoactor mailboxes are unbounded, and this is where we bound them.
type Limiter struct {
	slots chan struct{}
}

// NewLimiter allows n outstanding requests (n <= 0 means 1000).
func NewLimiter(n int) *Limiter {
	if n <= 0 {
		n = 1000
	}
	return &Limiter{slots: make(chan struct{}, n)}
}

// Outstanding is the number of requests in flight.
func (l *Limiter) Outstanding() int { return len(l.slots) }

// Cap is the limit.
func (l *Limiter) Cap() int { return cap(l.slots) }

// held counts the slots one connection holds, so that closing the connection
// returns the slots of requests whose replies will never be written.
type held struct {
	n atomic.Int64
	l *Limiter
}

func (h *held) acquire(done <-chan struct{}) bool {
	select {
	case h.l.slots <- struct{}{}:
		h.n.Add(1)
		return true
	case <-done:
		return false
	}
}

// release gives back up to n slots (never more than held).
func (h *held) release(n int64) {
	for n > 0 {
		cur := h.n.Load()
		if cur <= 0 {
			return
		}
		take := min(n, cur)
		if h.n.CompareAndSwap(cur, cur-take) {
			for range take {
				<-h.l.slots
			}
			return
		}
	}
}

func (h *held) releaseAll() { h.release(h.n.Load()) }
