package session

import "slices"

// expiryQueue groups ids into buckets keyed by an expiry time that is a
// multiple of the interval, like Apache's ExpiryQueue. Rounding every
// deadline up to the next bucket gives each session a grace period of up to
// one tick and lets expiry look only at the buckets that are due, so finding
// expired sessions costs O(expired) rather than O(sessions).
//
// Invariant: an id is in byID iff it is in exactly one bucket, and no
// bucket is empty (unlike Apache, which leaves empty sets behind), so
// len(buckets) is the number of distinct pending deadlines.
type expiryQueue struct {
	interval int64
	// next is the earliest bucket not yet polled; buckets below it have
	// already been handed out.
	next    int64
	byID    map[int64]int64
	buckets map[int64]map[int64]struct{}
}

func newExpiryQueue(interval, startMillis int64) *expiryQueue {
	q := &expiryQueue{
		interval: interval,
		byID:     make(map[int64]int64),
		buckets:  make(map[int64]map[int64]struct{}),
	}
	q.next = q.roundUp(startMillis)
	return q
}

// roundUp is ExpiryQueue.roundToNextInterval: the first bucket strictly
// after t, so a deadline landing exactly on a boundary still gets a full
// extra interval.
func (q *expiryQueue) roundUp(t int64) int64 {
	return (t/q.interval + 1) * q.interval
}

// update (re)schedules id to expire timeout ms after now and returns the
// bucket it now sits in. A deadline that would fall behind the buckets
// already polled (possible only if the caller's clock went backwards) is
// moved to the next pending bucket, otherwise the id would never expire.
func (q *expiryQueue) update(id int64, timeout int32, now int64) int64 {
	at := q.roundUp(now + int64(timeout))
	if at < q.next {
		at = q.next
	}
	if prev, ok := q.byID[id]; ok {
		if prev == at {
			return at
		}
		q.unlink(id, prev)
	}
	b := q.buckets[at]
	if b == nil {
		b = make(map[int64]struct{})
		q.buckets[at] = b
	}
	b[id] = struct{}{}
	q.byID[id] = at
	return at
}

// remove takes id out of the queue; it is a no-op for ids not queued.
func (q *expiryQueue) remove(id int64) {
	if at, ok := q.byID[id]; ok {
		q.unlink(id, at)
		delete(q.byID, id)
	}
}

func (q *expiryQueue) unlink(id, at int64) {
	b := q.buckets[at]
	delete(b, id)
	if len(b) == 0 {
		delete(q.buckets, at)
	}
}

// deadline returns the bucket id expires in.
func (q *expiryQueue) deadline(id int64) (int64, bool) {
	at, ok := q.byID[id]
	return at, ok
}

// poll removes and returns every id whose bucket is at or before now,
// oldest bucket first and ascending ids within a bucket so the output is
// deterministic. Apache's poll hands out one bucket per call and its thread
// loops until the wait time is positive; draining all due buckets at once is
// the same result for a caller that polls less often than once per tick.
//
// It walks whichever is smaller, the ticks elapsed since the last poll or the
// pending buckets, so a long pause between polls does not cost one step per
// missed tick.
func (q *expiryQueue) poll(now int64) []int64 {
	if now < q.next {
		return nil
	}
	var due []int64
	if ticks := (now-q.next)/q.interval + 1; ticks <= int64(len(q.buckets)) {
		for at := q.next; at <= now; at += q.interval {
			if _, ok := q.buckets[at]; ok {
				due = append(due, at)
			}
		}
	} else {
		for at := range q.buckets {
			if at <= now {
				due = append(due, at)
			}
		}
		slices.Sort(due)
	}
	var out []int64
	for _, at := range due {
		start := len(out)
		for id := range q.buckets[at] {
			out = append(out, id)
			delete(q.byID, id)
		}
		slices.Sort(out[start:])
		delete(q.buckets, at)
	}
	q.next = q.roundUp(now)
	return out
}
