package metrics

import (
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/instrument"
	"github.com/stretchr/testify/require"
)

type block struct{ release chan struct{} }
type crash struct{}
type work struct{}

// worker blocks, crashes or works on request, and spawns one leaf child,
// so the test covers three generations spawned by ordinary actor code.
type worker struct{}

func (worker) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		if _, err := ctx.SpawnNamed(actor.PropsFromFunc(func(actor.Context) {}), "leaf-"+ctx.Self().Id[len(ctx.Self().Id)-1:]); err != nil {
			panic(err)
		}
	case *block:
		<-m.release
	case *crash:
		panic("crash requested by the test")
	}
}

func kindOf(t *testing.T, a *Actors, kind string) KindStats {
	t.Helper()
	for _, k := range a.Snapshot() {
		if k.Kind == kind {
			return k
		}
	}
	return KindStats{Kind: kind}
}

// Instrumenting only the top actor's props covers its children and
// grandchildren: live actors, mailbox depth, delivered messages, restarts
// and failures are counted per kind.
func TestActorsCountsPerKind(t *testing.T) {
	system := actor.NewActorSystem()
	defer system.Shutdown()
	a := NewActors()
	stop := a.Watch(system.EventStream)
	defer stop()
	tree := instrument.New(a.Hook())

	top := actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Started); ok {
			for _, n := range []string{"worker-1", "worker-2"} {
				if _, err := ctx.SpawnNamed(actor.PropsFromProducer(func() actor.Actor { return worker{} }), n); err != nil {
					panic(err)
				}
			}
		}
	}, actor.WithSupervisor(actor.NewOneForOneStrategy(10, time.Minute, func(any) actor.Directive {
		return actor.RestartDirective
	})))
	_, err := system.Root.SpawnNamed(tree.Props("top", top), "top")
	require.NoError(t, err)
	w1 := system.NewLocalPID("top/worker-1")
	w2 := system.NewLocalPID("top/worker-2")

	require.Eventually(t, func() bool {
		return kindOf(t, a, "worker").Live == 2 && kindOf(t, a, "leaf").Live == 2 && kindOf(t, a, "top").Live == 1
	}, 5*time.Second, 5*time.Millisecond)

	release := make(chan struct{})
	system.Root.Send(w1, &block{release: release})
	for i := 0; i < 5; i++ {
		system.Root.Send(w1, &work{})
	}
	system.Root.Send(w2, &work{})
	require.Eventually(t, func() bool {
		k := kindOf(t, a, "worker")
		return k.Depth == 5 && k.MaxDepth == 5
	}, 5*time.Second, 5*time.Millisecond, "five messages wait behind the blocked one")
	close(release)
	require.Eventually(t, func() bool { return kindOf(t, a, "worker").Depth == 0 }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, uint64(7), kindOf(t, a, "worker").Messages)

	system.Root.Send(w2, &crash{})
	require.Eventually(t, func() bool {
		k := kindOf(t, a, "worker")
		return k.Restarts == 1 && k.Failures == 1
	}, 5*time.Second, 5*time.Millisecond)
	require.Zero(t, kindOf(t, a, "top").Restarts)

	require.NoError(t, system.Root.StopFuture(w1).Wait())
	require.Eventually(t, func() bool {
		return kindOf(t, a, "worker").Live == 1 && kindOf(t, a, "leaf").Live == 1
	}, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, uint64(8), kindOf(t, a, "worker").Messages, "a stopped actor's deliveries stay counted")
}

// After Watch's stop function, supervisor events are no longer counted.
func TestActorsUnwatch(t *testing.T) {
	system := actor.NewActorSystem()
	defer system.Shutdown()
	a := NewActors()
	stop := a.Watch(system.EventStream)
	system.EventStream.Publish(&actor.SupervisorEvent{Child: system.NewLocalPID("x/conn-$1"), Directive: actor.StopDirective})
	stop()
	system.EventStream.Publish(&actor.SupervisorEvent{Child: system.NewLocalPID("x/conn-$2"), Directive: actor.RestartDirective})
	k := kindOf(t, a, "conn")
	require.Equal(t, uint64(1), k.Failures)
	require.Zero(t, k.Restarts)
}
