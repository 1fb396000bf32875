package syncer

// SnapTrigger decides when the sync stage rolls the log and asks for a
// snapshot: Apache's SyncRequestProcessor.shouldSnapshot. A snapshot is due
// once more than snapCount/2 + r txns, or more than sizeLimit/2 + s bytes
// of log, were written since the last one, where r and s are drawn anew
// after each snapshot from [0, snapCount/2) and [0, sizeLimit/2). Every
// server of an ensemble thus snapshots at its own random point in
// (snapCount/2, snapCount] instead of all at once.
//
// It is a pure core: the randomness comes in through rnd, so tests fix it.
type SnapTrigger struct {
	count     int64
	sizeLimit int64 // bytes; <= 0 disables the size trigger
	rnd       func(n int64) int64

	rollCount, rollSize int64 // the current random offsets
	txns, bytes         int64 // written since the last snapshot
}

// NewSnapTrigger returns the trigger for snapCount (at least 2, as zoo.cfg
// parsing enforces) and snapSizeLimitInKb converted to bytes. rnd(n) must
// return a value in [0, n); it is only called with n > 0.
func NewSnapTrigger(snapCount, sizeLimitBytes int64, rnd func(n int64) int64) *SnapTrigger {
	t := &SnapTrigger{count: max(snapCount, 2), sizeLimit: sizeLimitBytes, rnd: rnd}
	t.reset()
	return t
}

func (t *SnapTrigger) reset() {
	t.txns, t.bytes = 0, 0
	t.rollCount = t.draw(t.count / 2)
	t.rollSize = 0
	if t.sizeLimit > 0 {
		t.rollSize = t.draw(t.sizeLimit / 2)
	}
}

func (t *SnapTrigger) draw(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return t.rnd(n)
}

// Logged records txns durably written with their encoded size and reports
// whether a snapshot is due now. When it is, the counters start over: the
// caller rolls the log and starts the snapshot (or skips it when one is
// still running, as Apache does).
func (t *SnapTrigger) Logged(txns, bytes int64) bool {
	t.txns += txns
	t.bytes += bytes
	due := t.txns > t.count/2+t.rollCount ||
		t.sizeLimit > 0 && t.bytes > t.sizeLimit/2+t.rollSize
	if due {
		t.reset()
	}
	return due
}

// Threshold is the txn count at which the next snapshot is due.
func (t *SnapTrigger) Threshold() int64 { return t.count/2 + t.rollCount + 1 }

// Pending is the number of txns written since the last snapshot.
func (t *SnapTrigger) Pending() int64 { return t.txns }
