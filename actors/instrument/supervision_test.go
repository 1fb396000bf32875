package instrument

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/trace"
	"github.com/stretchr/testify/require"
)

// A traced message that crashes an actor leaves, in its request's trace and
// in this order: the hop (ended by the crash), the crash with the panic
// value, the supervisor's decision, and the restart (which, for a
// supervision.Stage, includes the retry of the message). A stage that
// crashes twice shows both rounds; a stopped actor shows no restart.
func TestSupervisionEventsInTrace(t *testing.T) {
	cases := []struct {
		name     string
		strategy actor.SupervisorStrategy
		panics   int32
		want     [][2]string // event, detail ("" = hop; detail "" = not compared)
		handled  int32       // times the stage's handler ran to completion
	}{
		{"restart", supervision.Pipeline(), 1, [][2]string{
			{"", ""}, {trace.EventCrash, "boom 1"}, {trace.EventSupervisor, "restart"}, {trace.EventRestart, ""},
		}, 1},
		{"crashes twice", supervision.Pipeline(), 2, [][2]string{
			{"", ""}, {trace.EventCrash, "boom 1"}, {trace.EventSupervisor, "restart"}, {trace.EventRestart, ""},
			{trace.EventCrash, "boom 2"}, {trace.EventSupervisor, "restart"}, {trace.EventRestart, ""},
		}, 0},
		{"stop", supervision.Connections(), 1, [][2]string{
			{"", ""}, {trace.EventCrash, "boom 1"}, {trace.EventSupervisor, "stop"},
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			system := actor.NewActorSystem()
			defer system.Shutdown()
			ring := trace.NewRing(64)
			tracer := NewTracer(ring, 2)
			defer tracer.Watch(system.EventStream)()
			tree := New(tracer.Hook())

			var panics, handled atomic.Int32
			panics.Store(c.panics)
			stage := &supervision.Stage{Name: "prep", Handle: func(ctx actor.Context, msg any) {
				if m, ok := msg.(*messages.ClientRequest); ok && m.Cxid == 13 {
					if n := panics.Add(-1); n >= 0 {
						panic(fmt.Sprintf("boom %d", c.panics-n))
					}
					handled.Add(1)
				}
			}}
			spawned := make(chan *actor.PID, 1)
			root := actor.PropsFromFunc(func(ctx actor.Context) {
				if _, ok := ctx.Message().(*actor.Started); ok {
					pid, err := ctx.SpawnNamed(actor.PropsFromProducer(stage.Producer()), "prep")
					require.NoError(t, err)
					spawned <- pid
				}
			}, actor.WithSupervisor(c.strategy))
			_, err := system.Root.SpawnNamed(tree.Props("server", root), "server")
			require.NoError(t, err)
			prep := <-spawned

			system.Root.Send(prep, &messages.ClientRequest{SessionId: 7, Cxid: 13})
			var recs []trace.Record
			require.Eventually(t, func() bool {
				recs = ring.Find(trace.Query{Session: 7, Cxid: 13, HasCxid: true})
				return len(recs) >= len(c.want)
			}, 10*time.Second, 5*time.Millisecond)
			require.Len(t, recs, len(c.want))
			for i, r := range recs {
				require.Equal(t, c.want[i][0], r.Event, "record %d: %+v", i, r)
				if c.want[i][1] != "" {
					require.Equal(t, c.want[i][1], r.Detail, "record %d", i)
				}
				require.Equal(t, "prep", r.Kind)
				require.Equal(t, "server/prep", r.PID)
				require.Equal(t, int64(2), r.Server)
				require.Equal(t, "*messages.ClientRequest", r.Message)
				require.LessOrEqual(t, r.Started, r.Ended)
				if i > 0 {
					require.GreaterOrEqual(t, r.Started, recs[i-1].Started, "record %d out of order", i)
				}
			}
			require.NotZero(t, recs[0].Enqueued, "the hop knows its mailbox wait")
			require.Equal(t, c.handled, handled.Load())
			require.Zero(t, tracer.pendingCount(), "every crash met its supervisor's decision")
		})
	}
}
