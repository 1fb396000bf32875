package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The tree: the total and the request at the top, a server line each time
// the timeline moves to another server, an actor line each time it moves
// to another actor, one line per message; supervision events marked.
func TestRenderTimeline(t *testing.T) {
	a := &timelineAnswer{TotalNs: 3_000_000, Servers: []traceServers{{ServerID: 1, Answered: true}, {ServerID: 2, Answered: true}, {ServerID: 3, Error: "no answer within 2s"}}, Partial: true,
		Hops: []traceHop{
			{ServerID: 2, Kind: "conn", PID: "server/listener/conn-$1", Message: "read *messages.ClientRequest", SessionID: "0x5", Cxid: 7, Zxid: "0x0", Enqueued: 1000, Started: 2000, Ended: 2500, QueuedNs: 1000, HandledNs: 500},
			{ServerID: 2, Kind: "learner", PID: "server/peer/learner", Message: "*messages.ClientRequest", SessionID: "0x5", Cxid: 7, Zxid: "0x0", Started: 3000, Ended: 3100, QueuedNs: -1, HandledNs: 100},
			{ServerID: 1, Kind: "lh", PID: "server/peer/leader/lh-2-a", Message: "*messages.QuorumPacket", Packet: "REQUEST", From: 2, SessionID: "0x5", Cxid: 7, Zxid: "0x0", Started: 5000, Ended: 5100, QueuedNs: 10, HandledNs: 100},
			{ServerID: 1, Kind: "prep", PID: "server/prep", Message: "*messages.OwnedRequest", SessionID: "0x5", Cxid: 7, Zxid: "0x100000001", Started: 6000, Ended: 6000, Event: "crash", Detail: "boom"},
			{ServerID: 1, Kind: "prep", PID: "server/prep", Message: "*messages.OwnedRequest", SessionID: "0x5", Cxid: 7, Zxid: "0x100000001", Started: 7000, Ended: 8000, QueuedNs: 0, HandledNs: 1000},
		}}
	var b bytes.Buffer
	renderTimeline(&b, a)
	want := `total 3ms  session 0x5 cxid 7 zxid 0x100000001  5 hops  servers 1, 2, 3 (no answer: no answer within 2s)  (partial)
server 2
  conn  server/listener/conn-$1
    read ClientRequest               +1µs        mailbox 1µs        handled 500ns
  learner  server/peer/learner
    ClientRequest                    +2µs        mailbox ?          handled 100ns
server 1
  lh  server/peer/leader/lh-2-a
    QuorumPacket REQUEST from 2      +4µs        mailbox 10ns       handled 100ns
  prep  server/prep
    !! crash OwnedRequest             +5µs        boom
    OwnedRequest                     +6µs        mailbox 0s         handled 1µs
`
	require.Equal(t, want, b.String())

	b.Reset()
	renderTimeline(&b, &timelineAnswer{Servers: []traceServers{{ServerID: 1, Answered: true}}})
	require.Equal(t, "no hops found (servers 1)\n", b.String())
}

func TestTraceUsage(t *testing.T) {
	for _, args := range [][]string{
		{},                                    // nothing to trace
		{"--cxid", "3"},                       // cxid without session
		{"--session", "0x1", "--follow"},      // both
		{"--zxid", "0x1", "stray-positional"}, // extra argument
	} {
		require.ErrorIs(t, runTrace(args), errUsage, strings.Join(args, " "))
	}
	require.NoError(t, runTrace([]string{"-h"}))
}
