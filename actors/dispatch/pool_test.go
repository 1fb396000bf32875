package dispatch

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"
)

// TestPoolRunsEverythingAndKeepsWorkers schedules bursts of work and checks
// that every function runs exactly once, that Schedule never waits for a
// busy worker (a blocked function does not hold up the next one), and that
// the pool keeps no more than maxIdle idle workers between bursts.
func TestPoolRunsEverythingAndKeepsWorkers(t *testing.T) {
	p := NewPool(4, 10)
	require.Equal(t, 10, p.Throughput())

	// A function that blocks must not block Schedule or the others.
	release := make(chan struct{})
	blocked := make(chan struct{})
	p.Schedule(func() { close(blocked); <-release })
	<-blocked
	ran := make(chan struct{})
	p.Schedule(func() { close(ran) })
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("a function scheduled behind a blocked one did not run")
	}
	close(release)

	for burst := range 5 {
		var n atomic.Int64
		var wg sync.WaitGroup
		const k = 200
		wg.Add(k)
		for range k {
			p.Schedule(func() { n.Add(1); wg.Done() })
		}
		wg.Wait()
		require.Equal(t, int64(k), n.Load(), "burst %d", burst)
	}
	// Workers that found nothing to do park; at most maxIdle of them.
	require.Eventually(t, func() bool { return p.idle.Load() > 0 }, 10*time.Second, time.Millisecond)
	require.LessOrEqual(t, p.idle.Load(), int32(4))
}

type counter struct {
	got  []int
	done chan []int
}

func (c *counter) Receive(ctx actor.Context) {
	if v, ok := ctx.Message().(int); ok {
		c.got = append(c.got, v)
		if v < 0 {
			c.done <- c.got
		}
	}
}

// TestPoolUnderActors runs real actors on the pool: each sees its messages
// in the order they were sent, with many actors sharing the workers.
func TestPoolUnderActors(t *testing.T) {
	sys := actor.NewActorSystem()
	const actors, msgs = 20, 2000
	done := make(chan []int, actors)
	pids := make([]*actor.PID, actors)
	for i := range pids {
		c := &counter{done: done}
		pids[i] = sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return c }, Props()))
	}
	var wg sync.WaitGroup
	for _, pid := range pids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range msgs {
				sys.Root.Send(pid, v)
				if v%100 == 0 {
					runtime.Gosched() // let the mailbox go idle and be scheduled again
				}
			}
			sys.Root.Send(pid, -1)
		}()
	}
	wg.Wait()
	for range actors {
		select {
		case got := <-done:
			require.Len(t, got, msgs+1)
			for i := range msgs {
				require.Equal(t, i, got[i])
			}
		case <-time.After(30 * time.Second):
			t.Fatal("actors on the pool did not finish")
		}
	}
	for _, pid := range pids {
		sys.Root.Stop(pid)
	}
}
