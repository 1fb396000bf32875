package metrics

import (
	"testing"

	"github.com/asynkron/protoactor-go/actor"
)

// nopMailbox stands in for protoactor's mailbox, so that the benchmark
// measures only what the Prometheus provider's mailbox wrapper adds.
type nopMailbox struct{ actor.Mailbox }

func (nopMailbox) PostUserMessage(any) {}

// What the Prometheus provider adds to every actor message: the counted
// mailbox's wrapper around protoactor's (one atomic add).
func BenchmarkCountedMailbox(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "prometheus-off"
		var mb actor.Mailbox = nopMailbox{}
		if on {
			name = "prometheus-on"
			mb = NewActors().Hook().Mailbox("session", mb)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			msg := &struct{}{}
			for i := 0; i < b.N; i++ {
				mb.PostUserMessage(msg)
			}
		})
	}
}
