package trace

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// writeHops is the hops of one write sent to follower 2 of leader 1, with
// follower 3, each server's times shifted by its clock's skew.
func writeHops(skew map[int64]int64) []Record {
	const s, c, z = 0x55, 7, 0x100000001
	at := func(server int64, t int64) int64 { return t + skew[server] }
	r := func(server int64, kind, pid, msg, packet string, from int64, start int64, zxid int64) Record {
		return Record{Server: server, Kind: kind, PID: pid, Message: msg, Packet: packet, From: from,
			Session: s, Cxid: c, Zxid: zxid, Enqueued: at(server, start-1), Started: at(server, start), Ended: at(server, start+1)}
	}
	return []Record{
		r(2, "conn", "server/listener/conn-$1", ReadMessage, "", 0, 10, 0),
		r(2, "session", "server/sessions/session-55", "*messages.ClientRequest", "", 0, 20, 0),
		r(2, "learner", "server/peer/learner", "*messages.ClientRequest", "", 0, 30, 0),
		r(1, "lh", "server/peer/leader/lh-2-ab", "*messages.QuorumPacket", "REQUEST", 2, 40, 0),
		r(1, "prep", "server/prep", "*messages.OwnedRequest", "", 0, 50, 0),
		r(1, "leader", "server/peer/leader", "*messages.Proposal", "", 0, 60, z),
		r(1, "lh", "server/peer/leader/lh-2-ab", "*messages.QuorumPacket", "PROPOSAL", 0, 70, z),
		r(1, "lh", "server/peer/leader/lh-3-cd", "*messages.QuorumPacket", "PROPOSAL", 0, 71, z),
		r(2, "learner", "server/peer/learner", "*messages.QuorumPacket", "PROPOSAL", 1, 80, z),
		r(3, "learner", "server/peer/learner", "*messages.QuorumPacket", "PROPOSAL", 1, 81, z),
		r(2, "quorumlog", "server/quorumlog", "*messages.Proposal", "", 0, 90, z),
		r(3, "quorumlog", "server/quorumlog", "*messages.Proposal", "", 0, 91, z),
		r(1, "lh", "server/peer/leader/lh-2-ab", "*messages.QuorumPacket", "ACK", 2, 100, z),
		r(1, "lh", "server/peer/leader/lh-2-ab", "*messages.QuorumPacket", "COMMIT", 0, 110, z),
		r(1, "lh", "server/peer/leader/lh-3-cd", "*messages.QuorumPacket", "ACK", 3, 111, z),
		r(2, "learner", "server/peer/learner", "*messages.QuorumPacket", "COMMIT", 1, 120, z),
		r(2, "final", "server/final", "*messages.ProposalBatch", "", 0, 130, z),
		r(2, "conn", "server/listener/conn-$1", ReplyMessage, "", 0, 140, z),
	}
}

func names(recs []Record) []string {
	var out []string
	for _, r := range recs {
		n := r.Kind + " " + r.Packet
		if r.Packet == "" {
			n = r.Kind + " " + ShortMessage(r.Message)
		}
		out = append(out, string(rune('0'+r.Server))+":"+n)
	}
	return out
}

// With agreeing clocks the timeline is the order of start times, whatever
// order the servers' parts came in.
func TestMergeAgreeingClocks(t *testing.T) {
	want := writeHops(nil)
	in := append([]Record(nil), want[10:]...)
	in = append(in, want[:10]...)
	require.Equal(t, names(want), names(Merge(in)))
}

// A follower whose clock is far behind (or ahead) does not move its hops
// before the messages that caused them: causality wins over the clocks,
// and each server's own order is kept.
func TestMergeSkewedClocks(t *testing.T) {
	want := names(writeHops(nil))
	for _, skew := range []map[int64]int64{
		{2: -1000},          // the client's follower behind
		{2: +1000},          // ahead
		{3: -500, 1: +300},  // everyone off
		{1: -10_000, 3: 45}, // the leader far behind
	} {
		got := Merge(writeHops(skew))
		require.Len(t, got, len(want))
		// Causal constraints hold whatever the skew.
		pos := map[string]int{}
		for i, n := range names(got) {
			if _, dup := pos[n]; !dup {
				pos[n] = i
			}
		}
		before := func(a, b string) {
			require.Less(t, pos[a], pos[b], "%s before %s (skew %v): %v", a, b, skew, names(got))
		}
		before("2:conn "+ShortMessage(ReadMessage), "2:learner ClientRequest")
		before("2:learner ClientRequest", "1:lh REQUEST")
		before("1:lh REQUEST", "1:prep OwnedRequest")
		before("1:lh PROPOSAL", "2:learner PROPOSAL")
		before("1:lh PROPOSAL", "3:learner PROPOSAL")
		before("2:quorumlog Proposal", "1:lh ACK")
		before("1:lh COMMIT", "2:learner COMMIT")
		before("2:final ProposalBatch", "2:conn Reply")
	}
}

// Hops whose clocks contradict causality in a cycle are not lost.
func TestMergeCycle(t *testing.T) {
	recs := []Record{
		{Server: 1, Kind: "lh", PID: "server/peer/leader/lh-2-a", Packet: "PROPOSAL", Zxid: 5, Started: 10},
		{Server: 2, Kind: "learner", Packet: "PROPOSAL", From: 1, Zxid: 5, Started: 20},
		// A second, contradicting send of the same packet after it was
		// received, on a clock that went back.
		{Server: 2, Kind: "quorumlog", Zxid: 5, Started: 5},
		{Server: 1, Kind: "lh", PID: "server/peer/leader/lh-2-a", Packet: "ACK", From: 2, Zxid: 5, Started: 1},
	}
	require.Len(t, Merge(recs), 4)
	require.Empty(t, Merge(nil))
}

func TestHandlerLearner(t *testing.T) {
	for pid, want := range map[string]int64{"server/peer/leader/lh-3-ff": 3, "lh-12-1": 12} {
		got, ok := handlerLearner(pid)
		require.True(t, ok, pid)
		require.Equal(t, want, got)
	}
	for _, pid := range []string{"server/peer/leader", "server/peer/leader/lh-x-1", "learner"} {
		_, ok := handlerLearner(pid)
		require.False(t, ok, pid)
	}
}

func TestOneLine(t *testing.T) {
	recs := []Record{
		{Server: 2, Kind: "conn", Message: ReadMessage, Enqueued: 100, Started: 150, Ended: 1150},
		{Server: 1, Kind: "lh", Message: "*messages.QuorumPacket", Packet: "REQUEST", Started: 2000, Ended: 2000},
		{Server: 1, Kind: "prep", Message: "*messages.OwnedRequest", Event: EventCrash, Detail: "boom"},
	}
	require.Equal(t, "2:conn read ClientRequest q=50ns h=1µs > 1:lh QuorumPacket REQUEST h=0s > 1:prep OwnedRequest !crash(boom)", OneLine(recs))
}
