package harness

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// history is a small, correct run of the checker's load on three servers:
// two workers, creates and counter sets, one write of each kind left
// unknown (one applied, one not) and one set failed by a version conflict.
// Each test case breaks one thing in it and expects checkHistory to say so.
type history struct {
	ops    []*checkerOp
	states []serverState
}

const testRoot = "/checker-t"

func goodHistory() *history {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	h := &history{}
	op := func(o checkerOp) *checkerOp {
		p := &o
		h.ops = append(h.ops, p)
		return p
	}
	// zxids 0x10.. in real-time order; worker 0 and 1 interleave.
	op(checkerOp{worker: 0, seq: 0, kind: opCreate, path: testRoot + "/seq/n-0000000000", payload: "w0-0", issued: at(0), done: at(5), outcome: outcomeAcked})
	op(checkerOp{worker: 1, seq: 0, kind: opCreate, path: testRoot + "/seq/n-0000000001", payload: "w1-0", issued: at(1), done: at(6), outcome: outcomeAcked})
	op(checkerOp{worker: 0, seq: 1, kind: opSet, path: testRoot + "/c0", payload: "1:w0-1", version: 1, mzxid: 0x12, issued: at(10), done: at(12), outcome: outcomeAcked})
	op(checkerOp{worker: 1, seq: 1, kind: opSet, path: testRoot + "/c0", payload: "1:w1-1", version: 0, issued: at(11), done: at(13), outcome: outcomeFailed, err: fmt.Errorf("zk: version conflict")})
	op(checkerOp{worker: 1, seq: 2, kind: opCreate, path: testRoot + "/seq/n-", payload: "w1-2", issued: at(20), done: at(30), outcome: outcomeUnknown, err: fmt.Errorf("zk: connection closed")})        // applied
	op(checkerOp{worker: 0, seq: 2, kind: opSet, path: testRoot + "/c0", payload: "2:w0-2", version: 1, issued: at(21), done: at(31), outcome: outcomeUnknown, err: fmt.Errorf("zk: connection closed")}) // not applied
	op(checkerOp{worker: 0, seq: 3, kind: opCreate, path: testRoot + "/seq/n-0000000003", payload: "w0-3", issued: at(40), done: at(45), outcome: outcomeAcked})
	op(checkerOp{worker: 1, seq: 3, kind: opSet, path: testRoot + "/c0", payload: "2:w1-3", version: 2, mzxid: 0x16, issued: at(41), done: at(46), outcome: outcomeAcked})
	for id := 1; id <= 3; id++ {
		h.states = append(h.states, serverState{
			ID: id,
			Seq: map[string]znodeState{
				"n-0000000000": {Data: "w0-0", Czxid: 0x10, Mzxid: 0x10},
				"n-0000000001": {Data: "w1-0", Czxid: 0x11, Mzxid: 0x11},
				"n-0000000002": {Data: "w1-2", Czxid: 0x14, Mzxid: 0x14},
				"n-0000000003": {Data: "w0-3", Czxid: 0x15, Mzxid: 0x15},
			},
			Counters: map[string]znodeState{
				testRoot + "/c0": {Data: "2:w1-3", Czxid: 0x2, Mzxid: 0x16, Version: 2},
			},
		})
	}
	return h
}

func (h *history) find(payload string) *checkerOp {
	for _, op := range h.ops {
		if op.payload == payload {
			return op
		}
	}
	panic("no op " + payload)
}

// everywhere applies f to every server's state.
func (h *history) everywhere(f func(st *serverState)) {
	for i := range h.states {
		f(&h.states[i])
	}
}

func TestCheckHistoryAcceptsACorrectRun(t *testing.T) {
	h := goodHistory()
	if v := checkHistory(testRoot, 1, h.ops, h.states); len(v) > 0 {
		t.Fatalf("violations in a correct run:\n%s", strings.Join(v, "\n"))
	}
	// The unknown create may as well not have been applied.
	h.everywhere(func(st *serverState) { delete(st.Seq, "n-0000000002") })
	if v := checkHistory(testRoot, 1, h.ops, h.states); len(v) > 0 {
		t.Fatalf("violations without the unknown create:\n%s", strings.Join(v, "\n"))
	}
}

func TestCheckHistoryFindsViolations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(h *history)
		want   string
	}{
		{"acknowledged create lost on one server", func(h *history) {
			delete(h.states[2].Seq, "n-0000000001")
		}, "is on server 1 but not on server 3"},
		{"acknowledged create lost everywhere", func(h *history) {
			h.everywhere(func(st *serverState) { delete(st.Seq, "n-0000000001") })
		}, "acknowledged create /checker-t/seq/n-0000000001 (\"w1-0\") is missing"},
		{"servers disagree on a zxid", func(h *history) {
			n := h.states[1].Seq["n-0000000003"]
			n.Czxid = 0x17
			h.states[1].Seq["n-0000000003"] = n
		}, "differs"},
		{"a payload nobody sent", func(h *history) {
			h.everywhere(func(st *serverState) { st.Seq["n-0000000004"] = znodeState{Data: "w9-9", Czxid: 0x17, Mzxid: 0x17} })
		}, "which no client sent"},
		{"a payload applied twice", func(h *history) {
			h.everywhere(func(st *serverState) { st.Seq["n-0000000004"] = znodeState{Data: "w1-2", Czxid: 0x17, Mzxid: 0x17} })
		}, "is in both"},
		{"a failed create applied", func(h *history) {
			h.find("w1-2").outcome = outcomeFailed
		}, "whose create failed"},
		{"sequence numbers against creation order", func(h *history) {
			h.everywhere(func(st *serverState) {
				a, b := st.Seq["n-0000000000"], st.Seq["n-0000000001"]
				a.Czxid, b.Czxid = b.Czxid, a.Czxid
				st.Seq["n-0000000000"], st.Seq["n-0000000001"] = a, b
			})
		}, "has a later sequence number"},
		{"something else under the root", func(h *history) {
			h.states[0].Extra = []string{"stray"}
		}, "unexpected children"},
		{"counter data of another version", func(h *history) {
			h.everywhere(func(st *serverState) {
				c := st.Counters[testRoot+"/c0"]
				c.Version = 3
				st.Counters[testRoot+"/c0"] = c
			})
		}, "written for version 2"},
		{"lost update: one version acknowledged twice", func(h *history) {
			op := h.find("1:w1-1")
			op.outcome, op.version, op.mzxid, op.err = outcomeAcked, 1, 0x13, nil
		}, "version 1 acknowledged twice"},
		{"counter behind an acknowledged version", func(h *history) {
			h.everywhere(func(st *serverState) {
				st.Counters[testRoot+"/c0"] = znodeState{Data: "1:w0-1", Czxid: 0x2, Mzxid: 0x12, Version: 1}
			})
		}, "below the acknowledged version 2"},
		{"counter ahead of every write that could apply", func(h *history) {
			h.find("2:w0-2").outcome = outcomeFailed
			h.find("2:w1-3").outcome = outcomeFailed
			h.find("2:w1-3").err = fmt.Errorf("zk: version conflict")
		}, "only 1 setData could have been applied"},
		{"acknowledged version holds other data", func(h *history) {
			h.everywhere(func(st *serverState) {
				st.Counters[testRoot+"/c0"] = znodeState{Data: "2:w0-2", Czxid: 0x2, Mzxid: 0x16, Version: 2}
			})
		}, "the acknowledged write of that version was"},
		{"later version with an earlier zxid", func(h *history) {
			h.find("2:w1-3").mzxid = 0x11
			h.everywhere(func(st *serverState) {
				c := st.Counters[testRoot+"/c0"]
				c.Mzxid = 0x11
				st.Counters[testRoot+"/c0"] = c
			})
		}, "not after version 1"},
		{"session order broken", func(h *history) {
			h.everywhere(func(st *serverState) {
				n := st.Seq["n-0000000003"]
				n.Czxid = 0x0f
				st.Seq["n-0000000003"] = n
				// keep sequence order consistent so only the session order breaks
				delete(st.Seq, "n-0000000000")
				delete(st.Seq, "n-0000000001")
				delete(st.Seq, "n-0000000002")
			})
			h.find("w0-0").outcome = outcomeUnknown
			h.find("w1-0").outcome = outcomeUnknown
			h.find("w1-2").outcome = outcomeUnknown
		}, "in the same session but ordered before it"},
		{"real-time order broken", func(h *history) {
			// w1-0 was acknowledged at 6 ms, before w0-3 was issued at 40 ms,
			// yet gets a larger zxid than w0-3.
			h.everywhere(func(st *serverState) {
				n := st.Seq["n-0000000001"]
				n.Czxid = 0x15
				st.Seq["n-0000000001"] = n
				m := st.Seq["n-0000000003"]
				m.Czxid = 0x13
				st.Seq["n-0000000003"] = m
				delete(st.Seq, "n-0000000002")
			})
		}, "was issued after \"w1-0\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := goodHistory()
			tc.mutate(h)
			v := checkHistory(testRoot, 1, h.ops, h.states)
			for _, line := range v {
				if strings.Contains(line, tc.want) {
					return
				}
			}
			t.Errorf("no violation mentions %q; got:\n%s", tc.want, strings.Join(v, "\n"))
		})
	}
}
