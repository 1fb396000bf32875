package zab

import (
	"slices"
	"testing"

	"github.com/corral-zk/corral/messages"
)

// TestPlanSyncMatchesApache replays the cases of Apache 3.8's
// LearnerHandlerTest (syncFollower), with its mock database: the committed
// window, the on-disk log, lastProcessedZxid and the learner's zxid in, the
// mode packet, the txns queued and the zxid forwarding starts from out.
func TestPlanSyncMatchesApache(t *testing.T) {
	z := MakeZxid
	cases := []struct {
		name          string
		window, disk  []int64
		noDisk        bool
		lastProcessed int64
		peer          int64
		peerLogStart  int64
		mode          messages.ZabType
		opZxid        int64
		txns          []int64
		forwardFrom   int64
	}{
		// testEmptyCommittedLog
		{name: "empty window, peer ahead", lastProcessed: 1, peer: 3, noDisk: true,
			mode: messages.ZabType_ZAB_TRUNC, opZxid: 1, forwardFrom: 1},
		{name: "empty window, in sync", lastProcessed: 1, peer: 1, noDisk: true,
			mode: messages.ZabType_ZAB_DIFF, opZxid: 1, forwardFrom: 1},
		{name: "empty window, new machine, no txnlog sync", lastProcessed: 1, peer: 0, noDisk: true,
			mode: messages.ZabType_ZAB_SNAP, opZxid: 1, forwardFrom: 1},
		// testCommittedLog
		{name: "window, peer has a txn we never saw", window: []int64{2, 3, 5}, lastProcessed: 6, peer: 4, noDisk: true,
			mode: messages.ZabType_ZAB_TRUNC, opZxid: 3, txns: []int64{5}, forwardFrom: 5},
		{name: "window, peer inside", window: []int64{2, 3, 5}, lastProcessed: 6, peer: 2, noDisk: true,
			mode: messages.ZabType_ZAB_DIFF, opZxid: 5, txns: []int64{3, 5}, forwardFrom: 5},
		{name: "window, peer before it, no txnlog", window: []int64{2, 3, 5}, lastProcessed: 6, peer: 1, noDisk: true,
			mode: messages.ZabType_ZAB_SNAP, opZxid: 6, forwardFrom: 6},
		// testTxnLog
		{name: "txnlog, peer has a txn we never saw", window: []int64{6, 7, 8}, disk: []int64{2, 3, 5, 6, 7, 8, 9},
			lastProcessed: 9, peer: 4, mode: messages.ZabType_ZAB_TRUNC, opZxid: 3, txns: []int64{5, 6, 7, 8}, forwardFrom: 8},
		{name: "txnlog, peer inside", window: []int64{6, 7, 8}, disk: []int64{2, 3, 5, 6, 7, 8, 9},
			lastProcessed: 9, peer: 3, mode: messages.ZabType_ZAB_DIFF, opZxid: 8, txns: []int64{5, 6, 7, 8}, forwardFrom: 8},
		// testTxnLogOnly
		{name: "txnlog only, peer has a txn we never saw", disk: []int64{2, 3, 5, 6, 7, 8}, lastProcessed: 7, peer: 4,
			mode: messages.ZabType_ZAB_TRUNC, opZxid: 3, txns: []int64{5, 6, 7}, forwardFrom: 7},
		{name: "txnlog only, peer inside", disk: []int64{2, 3, 5, 6, 7, 8}, lastProcessed: 7, peer: 2,
			mode: messages.ZabType_ZAB_DIFF, opZxid: 7, txns: []int64{3, 5, 6, 7}, forwardFrom: 7},
		{name: "txnlog only, peer before it", disk: []int64{2, 3, 5, 6, 7, 8}, lastProcessed: 7, peer: 1,
			mode: messages.ZabType_ZAB_SNAP, opZxid: 7, forwardFrom: 7},
		// testTxnLogWithNegativeZxid
		{name: "epoch 0xf, peer has a txn we never saw", window: []int64{z(0xf, 6), z(0xf, 7), z(0xf, 8)},
			disk:          []int64{z(0xf, 2), z(0xf, 3), z(0xf, 5), z(0xf, 6), z(0xf, 7), z(0xf, 8), z(0xf, 9)},
			lastProcessed: z(0xf, 9), peer: z(0xf, 4), mode: messages.ZabType_ZAB_TRUNC, opZxid: z(0xf, 3),
			txns: []int64{z(0xf, 5), z(0xf, 6), z(0xf, 7), z(0xf, 8)}, forwardFrom: z(0xf, 8)},
		// testNewEpochZxid
		{name: "new-epoch zxid older than every txn", window: []int64{z(1, 1), z(1, 2)}, disk: []int64{z(0, 1), z(1, 1), z(1, 2)},
			lastProcessed: z(2, 0), peer: z(0, 0), mode: messages.ZabType_ZAB_SNAP, opZxid: z(2, 0), forwardFrom: z(2, 0)},
		{name: "new-epoch zxid of epoch 1", window: []int64{z(1, 1), z(1, 2)}, disk: []int64{z(0, 1), z(1, 1), z(1, 2)},
			lastProcessed: z(2, 0), peer: z(1, 0), mode: messages.ZabType_ZAB_DIFF, opZxid: z(1, 2),
			txns: []int64{z(1, 1), z(1, 2)}, forwardFrom: z(1, 2)},
		{name: "new-epoch zxid of the current epoch", window: []int64{z(1, 1), z(1, 2)}, disk: []int64{z(0, 1), z(1, 1), z(1, 2)},
			lastProcessed: z(2, 0), peer: z(2, 0), mode: messages.ZabType_ZAB_DIFF, opZxid: z(2, 0), forwardFrom: z(2, 0)},
		// testDuplicatedTxn
		{name: "duplicated txns are sent once", window: []int64{z(1, 1), z(1, 2), z(1, 1), z(1, 2)},
			disk:          []int64{z(0, 1), z(1, 1), z(1, 2), z(1, 1), z(1, 2)},
			lastProcessed: z(2, 0), peer: z(1, 0), mode: messages.ZabType_ZAB_DIFF, opZxid: z(1, 2),
			txns: []int64{z(1, 1), z(1, 2)}, forwardFrom: z(1, 2)},
		// testCrossEpochTrunc
		{name: "no TRUNC across an epoch", disk: []int64{z(1, 1), z(2, 1), z(2, 2), z(4, 1)},
			lastProcessed: z(6, 0), peer: z(3, 1), mode: messages.ZabType_ZAB_SNAP, opZxid: z(6, 0), forwardFrom: z(6, 0)},
		// testTxnLogGap
		{name: "gap between txnlog and window", window: []int64{7, 8}, disk: []int64{2, 3, 4},
			lastProcessed: 8, peer: 3, mode: messages.ZabType_ZAB_SNAP, opZxid: 8, forwardFrom: 8},
		// Corral: a TRUNC below the learner's log start becomes SNAP.
		{name: "TRUNC below the learner's snapshot", window: []int64{2, 3, 5}, lastProcessed: 6, peer: 9, peerLogStart: 7, noDisk: true,
			mode: messages.ZabType_ZAB_SNAP, opZxid: 6, forwardFrom: 6},
		{name: "TRUNC down to the learner's snapshot", window: []int64{2, 3, 5}, lastProcessed: 6, peer: 9, peerLogStart: 5, noDisk: true,
			mode: messages.ZabType_ZAB_TRUNC, opZxid: 5, forwardFrom: 5},
		// A cross-epoch TRUNC inside the window also becomes SNAP.
		{name: "window, peer diverged in an older epoch", window: []int64{z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2)},
			lastProcessed: z(2, 2), peer: z(1, 5), noDisk: true, mode: messages.ZabType_ZAB_SNAP, opZxid: z(2, 2), forwardFrom: z(2, 2)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The window keeps insertion order (Apache's LinkedList), so
			// build it directly rather than through a size-bounded add.
			w := committedLog{txns: txnsOf(c.window), size: len(c.window) + 1}
			var log LogReader
			if !c.noDisk {
				log = sliceLog(txnsOf(c.disk))
			}
			p := planSync(c.peer, c.peerLogStart, c.lastProcessed, &w, log, snapBase{zxid: c.lastProcessed})
			if !c.noDisk {
				// needsLog (which decides whether a leader with
				// LogReads asks its host to read) agrees with planSync,
				// and a plan from what such a read returns (the whole
				// log) is the same plan.
				spy := &spyLog{inner: sliceLog(txnsOf(c.disk))}
				planSync(c.peer, c.peerLogStart, c.lastProcessed, &w, spy, snapBase{zxid: c.lastProcessed})
				if spy.called != needsLog(c.peer, c.lastProcessed, &w) {
					t.Fatalf("planSync read the log: %v, needsLog says %v", spy.called, !spy.called)
				}
				whole, ok, _ := sliceLog(txnsOf(c.disk)).TxnRange(c.peer, 1<<62)
				p2 := planSync(c.peer, c.peerLogStart, c.lastProcessed, &w, readLog{txns: whole, ok: ok}, snapBase{zxid: c.lastProcessed})
				if p2.mode != p.mode || p2.zxid != p.zxid || len(p2.txns) != len(p.txns) || p2.forwardFrom != p.forwardFrom {
					t.Fatalf("plan from the whole log %s %s differs from %s %s", typeName(p2.mode), FormatZxid(p2.zxid), typeName(p.mode), FormatZxid(p.zxid))
				}
			}
			var got []int64
			for _, t := range p.txns {
				got = append(got, t.GetZxid())
			}
			if p.mode != c.mode || p.zxid != c.opZxid || !slices.Equal(got, c.txns) || p.forwardFrom != c.forwardFrom {
				t.Fatalf("got %s %s txns=%v forward=%s; want %s %s txns=%v forward=%s",
					typeName(p.mode), FormatZxid(p.zxid), zxidStrings(got), FormatZxid(p.forwardFrom),
					typeName(c.mode), FormatZxid(c.opZxid), zxidStrings(c.txns), FormatZxid(c.forwardFrom))
			}
		})
	}
}

func zxidStrings(zs []int64) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = FormatZxid(z)
	}
	return out
}

// spyLog records whether planSync read the log.
type spyLog struct {
	inner  LogReader
	called bool
}

func (s *spyLog) TxnRange(from, to int64) ([]*messages.Txn, bool, error) {
	s.called = true
	return s.inner.TxnRange(from, to)
}
