package instrument

import (
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
	"github.com/stretchr/testify/require"
)

func TestIDs(t *testing.T) {
	txn := func(s int64, c int32, z int64) *messages.Txn {
		return &messages.Txn{SessionId: s, Cxid: c, Zxid: z}
	}
	cases := []struct {
		name string
		msg  any
		want []HopIDs
	}{
		{"request", &messages.ClientRequest{SessionId: 5, Cxid: 3}, []HopIDs{{5, 3, 0}}},
		{"proposal", &messages.Proposal{Txn: txn(5, 3, 9)}, []HopIDs{{5, 3, 9}}},
		{"batch", &messages.ProposalBatch{Proposals: []*messages.Proposal{{Txn: txn(5, 3, 9)}, {Txn: txn(6, 1, 10)}}},
			[]HopIDs{{5, 3, 9}, {6, 1, 10}}},
		{"reply", &messages.Reply{SessionId: 5, Cxid: 3, Zxid: 9}, []HopIDs{{5, 3, 9}}},
		{"write done", &messages.WriteDone{Reply: &messages.Reply{SessionId: 5, Cxid: 3, Zxid: 9}}, []HopIDs{{5, 3, 9}}},
		{"watch event", &messages.WatchEvent{Zxid: 9}, []HopIDs{{0, 0, 9}}},
		{"zab proposal", &messages.QuorumPacket{Packet: &messages.ZabPacket{Type: messages.ZabType_ZAB_PROPOSAL,
			Zxid: 9, Body: &messages.ZabPacket_Txn{Txn: txn(5, 3, 9)}}}, []HopIDs{{5, 3, 9}}},
		{"zab request", &messages.ZabPacket{Type: messages.ZabType_ZAB_REQUEST,
			Body: &messages.ZabPacket_Request{Request: &messages.ClientRequest{SessionId: 5, Cxid: 3}}}, []HopIDs{{5, 3, 0}}},
		{"zab ack", &messages.ZabPacket{Type: messages.ZabType_ZAB_ACK, Zxid: 9}, []HopIDs{{0, 0, 9}}},
		{"zab commit", &messages.QuorumPacket{Packet: &messages.ZabPacket{Type: messages.ZabType_ZAB_COMMIT, Zxid: 9}}, []HopIDs{{0, 0, 9}}},
		{"zab ping", &messages.ZabPacket{Type: messages.ZabType_ZAB_PING, Zxid: 9}, nil},
		{"tick", &messages.Tick{UnixMillis: 1}, nil},
		{"empty reply", &messages.Reply{}, nil},
		{"nil proposal txn", &messages.Proposal{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, IDs(c.msg))
		})
	}
}

// A traced message reaches its actor unchanged (sender included, so the
// actor can answer a Request), and its hop is recorded with the actor's
// kind, PID and ordered times, even when the handler panics (the hop
// then ends at the crash); untraced
// messages are not recorded; turning the ring off stops recording.
func TestTraceHookRecordsHops(t *testing.T) {
	system := actor.NewActorSystem()
	defer system.Shutdown()
	ring := trace.NewRing(64)
	tree := New(TraceHook(ring, 3))

	got := make(chan any, 16)
	stage := actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *messages.ClientRequest:
			got <- m
			if m.Cxid == 13 {
				panic("test: stage crashes on cxid 13")
			}
			if ctx.Sender() != nil {
				ctx.Respond(&messages.Reply{SessionId: m.SessionId, Cxid: m.Cxid})
			}
		case *messages.Tick:
			got <- m
		}
	})
	var stagePID *actor.PID
	spawned := make(chan struct{})
	root := actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Started); ok {
			stagePID, _ = ctx.SpawnNamed(stage, "prep")
			close(spawned)
		}
	})
	_, err := system.Root.SpawnNamed(tree.Props("server", root), "server")
	require.NoError(t, err)
	<-spawned

	before := time.Now().UnixNano()
	system.Root.Send(stagePID, &messages.ClientRequest{SessionId: 7, Cxid: 1})
	require.IsType(t, &messages.ClientRequest{}, <-got)
	res, err := system.Root.RequestFuture(stagePID, &messages.ClientRequest{SessionId: 7, Cxid: 2}, 5*time.Second).Result()
	require.NoError(t, err)
	require.Equal(t, int32(2), res.(*messages.Reply).Cxid)
	<-got
	system.Root.Send(stagePID, &messages.Tick{UnixMillis: 1})
	<-got
	system.Root.Send(stagePID, &messages.ClientRequest{SessionId: 7, Cxid: 13})
	<-got

	hop := func(cxid int32) trace.Record {
		var recs []trace.Record
		require.Eventually(t, func() bool {
			recs = hopsOnly(ring.Find(trace.Query{Session: 7, Cxid: cxid, HasCxid: true}))
			return len(recs) == 1
		}, 5*time.Second, 5*time.Millisecond)
		return recs[0]
	}
	for _, cxid := range []int32{1, 2, 13} {
		r := hop(cxid)
		require.Equal(t, "prep", r.Kind)
		require.Equal(t, "server/prep", r.PID)
		require.Equal(t, int64(3), r.Server)
		require.Equal(t, "*messages.ClientRequest", r.Message)
		require.GreaterOrEqual(t, r.Enqueued, before)
		require.LessOrEqual(t, r.Enqueued, r.Started)
		require.LessOrEqual(t, r.Started, r.Ended)
	}
	// The tick is not traced: three hops, and the crash and restart of the
	// one that panicked (the supervisor's decision needs Tracer.Watch).
	require.Eventually(t, func() bool { return ring.Len() == 5 }, 5*time.Second, 5*time.Millisecond)
	require.Len(t, hopsOnly(ring.Find(trace.Query{Session: 7})), 3)

	ring.SetEnabled(false)
	system.Root.Send(stagePID, &messages.ClientRequest{SessionId: 7, Cxid: 4})
	require.IsType(t, &messages.ClientRequest{}, <-got)
	time.Sleep(20 * time.Millisecond)
	require.Empty(t, ring.Find(trace.Query{Session: 7, Cxid: 4, HasCxid: true}))
}

// hopsOnly drops supervision events.
func hopsOnly(recs []trace.Record) []trace.Record {
	var out []trace.Record
	for _, r := range recs {
		if r.Event == "" {
			out = append(out, r)
		}
	}
	return out
}
