package tracequery

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/transport"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

func quietSystem() *actor.ActorSystem {
	return actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// server is one server of the test ensemble: an actor system on its own
// quorum port with the trace query actor.
type server struct {
	system *actor.ActorSystem
	tr     *transport.Transport
	ring   *trace.Ring
}

func startServers(t *testing.T, rings map[int64]*trace.Ring, down ...int64) map[int64]*server {
	t.Helper()
	addrs := map[int64]string{}
	for id := range rings {
		addrs[id] = freeAddr(t)
	}
	for _, id := range down {
		addrs[id] = freeAddr(t) // configured, never started
	}
	out := map[int64]*server{}
	for id, ring := range rings {
		peers := map[int64]string{}
		for o, a := range addrs {
			if o != id {
				peers[o] = a
			}
		}
		sys := quietSystem()
		tr, err := transport.Start(sys, transport.Config{Self: id, Bind: addrs[id], Peers: peers})
		require.NoError(t, err)
		t.Cleanup(tr.Close)
		// Under a root named "server", as in a server.
		spawned := make(chan error, 1)
		_, err = sys.Root.SpawnNamed(actor.PropsFromFunc(func(c actor.Context) {
			if _, ok := c.Message().(*actor.Started); ok {
				_, err := c.SpawnNamed(Props(ring, id), strings.TrimPrefix(Name, "server/"))
				spawned <- err
			}
		}), "server")
		require.NoError(t, err)
		require.NoError(t, <-spawned)
		out[id] = &server{system: sys, tr: tr, ring: ring}
	}
	return out
}

// A query on one server is answered by every other over the transport:
// the hops of each, with all their fields, one part per server by id; a
// server that is down is reported as not answering, one with tracing off
// as having nothing; completed requests come with each server's cursor.
func TestGather(t *testing.T) {
	r1, r2 := trace.NewRing(64), trace.NewRing(64)
	r1.SetServer(1)
	r2.SetServer(2)
	hop1 := trace.Record{Kind: "lh", PID: "server/peer/leader/lh-2-1", Server: 1, Message: "*messages.QuorumPacket",
		Session: 5, Cxid: 3, Zxid: 0x100000001, Enqueued: 10, Started: 11, Ended: 12, Packet: "PROPOSAL"}
	hop2 := trace.Record{Kind: "learner", PID: "server/peer/learner", Server: 2, Message: "*messages.QuorumPacket",
		Session: 5, Cxid: 3, Zxid: 0x100000001, Enqueued: 20, Started: 21, Ended: 22, Packet: "PROPOSAL", From: 1}
	crash := trace.Record{Kind: "final", PID: "server/final", Server: 2, Message: "*messages.ProposalBatch",
		Session: 5, Cxid: 3, Zxid: 0x100000001, Started: 30, Ended: 30, Event: trace.EventCrash, Detail: "boom"}
	r1.Write(hop1)
	r2.Write(hop2)
	r2.Write(crash)
	r2.Write(trace.Record{Kind: "session", Server: 2, Session: 6, Cxid: 1, Started: 1, Ended: 2}) // another request
	require.True(t, r2.BeginRequest(5, 3, 5, 100))
	reply := trace.Record{Kind: trace.KindConn, Message: trace.ReplyMessage, Server: 2, Session: 5, Cxid: 3, Zxid: 0x100000001, Started: 900, Ended: 901}
	r2.Write(reply)

	srv := startServers(t, map[int64]*trace.Ring{1: r1, 2: r2, 3: nil}, 4)
	g := &Gatherer{System: srv[1].system, Transport: srv[1].tr, Ring: r1, Timeout: time.Second}

	parts := g.Gather(&messages.TraceQuery{SessionId: 5, Cxid: 3, HasCxid: true}, nil)
	require.Len(t, parts, 4)
	hop1.Seq, hop2.Seq, crash.Seq, reply.Seq = 1, 1, 2, 4
	require.Equal(t, trace.Part{Server: 1, Answered: true, Hops: []trace.Record{hop1}}, parts[0])
	require.Equal(t, trace.Part{Server: 2, Answered: true, Hops: []trace.Record{hop2, crash, reply}}, parts[1])
	require.Equal(t, trace.Part{Server: 3, Answered: true, Err: ErrOff}, parts[2])
	require.Equal(t, int64(4), parts[3].Server)
	require.False(t, parts[3].Answered)
	require.Contains(t, parts[3].Err, "no answer within 1s")

	parts = g.Gather(&messages.TraceQuery{Slow: true, SlowerThanNs: 500}, nil)
	require.Equal(t, []trace.Done{{Seq: 1, Session: 5, Cxid: 3, Zxid: 0x100000001, Op: 5, Read: 100, Replied: 900}}, parts[1].Done)
	require.Equal(t, uint64(1), parts[1].Last)
	require.Empty(t, parts[0].Done)
	parts = g.Gather(&messages.TraceQuery{Slow: true}, trace.Cursor{2: 1})
	require.Empty(t, parts[1].Done, "nothing completed after the cursor")
	require.Equal(t, uint64(1), parts[1].Last)
}
