package instrument

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"
)

// Watch subscribes the tracer to the supervisor decisions published on an
// actor system's event stream (protoactor publishes one per failure,
// synchronously, in the supervisor, before it restarts or stops the
// child), so that a traced crash is followed in its request's trace by
// what the supervisor did. The returned function unsubscribes.
func (t *Tracer) Watch(es *eventstream.EventStream) (stop func()) {
	sub := es.SubscribeWithPredicate(func(evt any) {
		t.Supervised(evt.(*actor.SupervisorEvent))
	}, func(evt any) bool {
		_, ok := evt.(*actor.SupervisorEvent)
		return ok
	})
	return func() { es.Unsubscribe(sub) }
}
