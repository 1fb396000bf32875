// Package dispatch has the protoactor dispatcher Corral's busy actors run
// on.
package dispatch

import (
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// Pool is a protoactor Dispatcher that runs mailboxes on long-lived worker
// goroutines instead of a new goroutine per scheduling.
//
// Why: protoactor's default dispatcher starts a goroutine every time an
// idle mailbox gets a message, and a request passes through four to six
// mailboxes that are usually idle. Each new goroutine starts with a small
// stack and grows it (copying the stack each time) as soon as it goes as
// deep as the actor's handler does: profiles of `corral bench -workload
// set` showed a quarter of the server's CPU in runtime.newstack and
// runtime.copystack. A worker keeps its grown stack for the next mailbox.
//
// Schedule never blocks: it hands the mailbox to a worker parked waiting
// for work, or starts a new worker when none is. A worker that finishes
// parks again unless maxIdle workers already do, so the pool grows with
// the load and keeps at most maxIdle goroutines (and their stacks) idle.
type Pool struct {
	work       chan func()
	idle       atomic.Int32
	maxIdle    int32
	throughput int
}

var _ actor.Dispatcher = (*Pool)(nil)

// NewPool returns a pool keeping at most maxIdle idle workers; throughput
// is how many messages a mailbox handles before it yields (protoactor's
// default is 300).
func NewPool(maxIdle, throughput int) *Pool {
	return &Pool{work: make(chan func()), maxIdle: int32(maxIdle), throughput: throughput}
}

// Default is the pool the server's actors share (process-wide, like
// protoactor's own default dispatcher).
var Default = NewPool(256, 300)

// Props is the props option that puts an actor on Default.
func Props() actor.PropsOption { return actor.WithDispatcher(Default) }

// Schedule runs fn on an idle worker, or on a new one when none is idle.
func (p *Pool) Schedule(fn func()) {
	select {
	case p.work <- fn:
	default:
		go p.worker(fn)
	}
}

// Throughput is the number of messages a mailbox handles per turn.
func (p *Pool) Throughput() int { return p.throughput }

func (p *Pool) worker(fn func()) {
	for {
		fn()
		if p.idle.Add(1) > p.maxIdle {
			p.idle.Add(-1)
			return
		}
		fn = <-p.work
		p.idle.Add(-1)
	}
}
