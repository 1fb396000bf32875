package trace

import (
	"container/heap"
	"slices"
	"strconv"
	"strings"
)

// Actor kinds (instrument.KindOf) whose hops Merge reads as the sending
// side of a quorum packet.
const (
	kindLearner        = "learner"   // forwards a client's write as REQUEST
	kindQuorumLog      = "quorumlog" // makes a txn durable; the ACK follows
	kindLearnerHandler = "lh"        // sends the leader's packets to one learner
)

// Merge orders the hops of one request gathered from several servers into
// one causal timeline.
//
// Within one server, hops are ordered by the time their handling started,
// read from that server's clock. Across servers, clocks are not trusted to
// agree: a server's clock may be ahead of another's by more than a hop
// lasts (even on one machine the order of two reads of the clock on two
// cores is only as good as the kernel's clocksource). What is certain is
// message causality: a quorum packet is handled by its receiver after its
// sender started the hop that sent it. Merge therefore builds the graph of
// "happened before" edges
//
//   - between consecutive hops of one server (by start time);
//   - from the learner's hop that forwarded a client request to the
//     leader's hop of that REQUEST;
//   - from the leader's learner-handler hop that sent a PROPOSAL, COMMIT,
//     INFORM or SYNC to one learner to that learner's hop receiving it;
//   - from a learner's quorum log hop that made a txn durable to the
//     leader's hop of that learner's ACK of it,
//
// and returns a topological order of it that, among the hops free to go
// next, takes the one that started first. With agreeing clocks that is
// the order of start times; with a skewed clock, the skewed server's hops
// move as a block to where causality puts them. Should the edges and the
// clocks contradict each other (a clock stepped back during the request),
// the hops left in a cycle follow in start order.
func Merge(recs []Record) []Record {
	n := len(recs)
	out := make([]Record, 0, n)
	if n == 0 {
		return out
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	// Per server, in start order.
	slices.SortFunc(idx, func(a, b int) int { return compareAt(&recs[a], &recs[b]) })
	succ := make([][]int, n)
	indeg := make([]int, n)
	edge := func(from, to int) {
		if from != to {
			succ[from] = append(succ[from], to)
			indeg[to]++
		}
	}
	last := map[int64]int{}
	for _, i := range idx {
		if p, ok := last[recs[i].Server]; ok {
			edge(p, i)
		}
		last[recs[i].Server] = i
	}
	// Senders, by what they send.
	senders := map[sendKey][]int{}
	for i := range recs {
		if k, ok := sends(&recs[i]); ok {
			senders[k] = append(senders[k], i)
		}
	}
	for i := range recs {
		if k, ok := receives(&recs[i]); ok {
			for _, s := range senders[k] {
				edge(s, i)
			}
		}
	}
	// Kahn's algorithm, earliest start first.
	h := &hopHeap{recs: recs}
	for i := range recs {
		if indeg[i] == 0 {
			h.idx = append(h.idx, i)
		}
	}
	heap.Init(h)
	done := make([]bool, n)
	for h.Len() > 0 {
		i := heap.Pop(h).(int)
		done[i] = true
		out = append(out, recs[i])
		for _, j := range succ[i] {
			if indeg[j]--; indeg[j] == 0 {
				heap.Push(h, j)
			}
		}
	}
	if len(out) < n {
		var rest []Record
		for i := range recs {
			if !done[i] {
				rest = append(rest, recs[i])
			}
		}
		slices.SortFunc(rest, func(a, b Record) int { return compareAt(&a, &b) })
		out = append(out, rest...)
	}
	return out
}

// compareAt orders hops by start time, then server, then ring order.
func compareAt(a, b *Record) int {
	switch {
	case a.Started != b.Started:
		return cmp64(a.Started, b.Started)
	case a.Server != b.Server:
		return cmp64(a.Server, b.Server)
	}
	return cmp64(int64(a.Seq), int64(b.Seq))
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sendKey names one quorum packet between two servers: the sending and
// receiving server, its type and what it is about.
type sendKey struct {
	from, to int64 // to is 0 when any server may receive it (REQUEST, ACK)
	packet   string
	zxid     int64
	session  int64
	cxid     int32
}

// sends names the packet whose sending rec caused, if any.
func sends(rec *Record) (sendKey, bool) {
	if rec.Event != "" {
		return sendKey{}, false
	}
	switch {
	case rec.Kind == kindLearner && rec.Packet == "" && rec.Session != 0:
		// A local client's request, forwarded to the leader.
		return sendKey{from: rec.Server, packet: "REQUEST", session: rec.Session, cxid: rec.Cxid}, true
	case rec.Kind == kindQuorumLog && rec.Zxid != 0:
		return sendKey{from: rec.Server, packet: "ACK", zxid: rec.Zxid}, true
	case rec.Kind == kindLearnerHandler && rec.From == 0 && rec.Packet != "":
		to, ok := handlerLearner(rec.PID)
		if !ok {
			return sendKey{}, false
		}
		return sendKey{from: rec.Server, to: to, packet: rec.Packet, zxid: rec.Zxid}, true
	}
	return sendKey{}, false
}

// receives names the packet rec received from another server, if any.
func receives(rec *Record) (sendKey, bool) {
	if rec.Event != "" || rec.From == 0 || rec.Packet == "" {
		return sendKey{}, false
	}
	switch rec.Packet {
	case "REQUEST":
		return sendKey{from: rec.From, packet: rec.Packet, session: rec.Session, cxid: rec.Cxid}, true
	case "ACK":
		return sendKey{from: rec.From, packet: rec.Packet, zxid: rec.Zxid}, true
	}
	return sendKey{from: rec.From, to: rec.Server, packet: rec.Packet, zxid: rec.Zxid}, true
}

// handlerLearner reads the learner's id out of a learner handler's PID
// ("server/peer/leader/lh-<sid>-<link>").
func handlerLearner(pid string) (int64, bool) {
	if i := strings.LastIndexByte(pid, '/'); i >= 0 {
		pid = pid[i+1:]
	}
	rest, ok := strings.CutPrefix(pid, kindLearnerHandler+"-")
	if !ok {
		return 0, false
	}
	sid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.ParseInt(sid, 10, 64)
	return n, err == nil
}

type hopHeap struct {
	recs []Record
	idx  []int
}

func (h *hopHeap) Len() int           { return len(h.idx) }
func (h *hopHeap) Less(i, j int) bool { return compareAt(&h.recs[h.idx[i]], &h.recs[h.idx[j]]) < 0 }
func (h *hopHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *hopHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *hopHeap) Pop() any {
	n := len(h.idx)
	x := h.idx[n-1]
	h.idx = h.idx[:n-1]
	return x
}
