package instrument

import (
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

// BenchmarkHop is the cost of one traced message through an actor, with
// the trace hook (on, off) and without any instrumentation, to compare.
// Messages go in batches of hopBatch, each waited for, so that the
// mailbox's queue stays short and alike in every mode: a sender that runs
// ahead makes the queue grow, and its growth and collection would be
// counted as the hook's cost (callgrind counts differed by ±30 % between
// runs of the same binary).
func BenchmarkHop(b *testing.B) {
	for _, mode := range []string{"bare", "off", "on"} {
		b.Run(mode, func(b *testing.B) {
			system := actor.NewActorSystem()
			defer system.Shutdown()
			ring := trace.NewRing(1 << 12)
			ring.SetEnabled(mode == "on")
			tree := New()
			if mode != "bare" {
				tree.Add(TraceHook(ring, 1))
			}
			done := make(chan struct{}, 1)
			n := 0
			props := tree.Props("prep", actor.PropsFromFunc(func(ctx actor.Context) {
				if _, ok := ctx.Message().(*messages.ClientRequest); ok {
					n++
					if n%hopBatch == 0 || n == b.N {
						done <- struct{}{}
					}
				}
			}))
			pid := system.Root.Spawn(props)
			msg := &messages.ClientRequest{SessionId: 1, Cxid: 2}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 1; i <= b.N; i++ {
				system.Root.Send(pid, msg)
				if i%hopBatch == 0 || i == b.N {
					<-done
				}
			}
		})
	}
}

// hopBatch is how many messages BenchmarkHop sends before it waits.
const hopBatch = 64
