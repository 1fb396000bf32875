package instrument

import (
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

// BenchmarkHop is the cost of one traced message through an actor, with
// the trace hook (on, off) and without any instrumentation, to compare.
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
			done := make(chan struct{})
			n := 0
			props := tree.Props("prep", actor.PropsFromFunc(func(ctx actor.Context) {
				if _, ok := ctx.Message().(*messages.ClientRequest); ok {
					n++
					if n == b.N {
						close(done)
					}
				}
			}))
			pid := system.Root.Spawn(props)
			msg := &messages.ClientRequest{SessionId: 1, Cxid: 2}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				system.Root.Send(pid, msg)
			}
			<-done
		})
	}
}
