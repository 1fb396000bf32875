package bench

import (
	"context"
	"sync"
	"time"
)

// runSessions measures the session life cycle: Clients loops, each opening a
// session (TCP connect and handshake: a createSession txn on the server) and
// closing it (closeSession txn, reply, socket closed), one after the other.
// An operation is one open plus close, timed from the connect to the
// closeSession reply.
func (r *runner) runSessions(ctx context.Context) (time.Duration, error) {
	// One session first, so that an unreachable server is an error rather
	// than a run of failures.
	c, err := Dial(r.o.Servers[0], DialOptions{SessionTimeout: r.o.SessionTimeout})
	if err != nil {
		return 0, err
	}
	_ = c.Close()
	r.setStage("load")
	lctx, cancel := r.loadContext(ctx)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range r.o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := r.o.Servers[i%len(r.o.Servers)]
			for lctx.Err() == nil && r.claim() {
				t0 := time.Now()
				c, err := Dial(addr, DialOptions{SessionTimeout: r.o.SessionTimeout})
				if err != nil {
					r.fail("connect")
					time.Sleep(10 * time.Millisecond) // do not spin on a refusing server
					continue
				}
				if err := c.Close(); err != nil {
					r.fail("close")
					continue
				}
				r.hist.Record(time.Since(t0))
				r.ops.Add(1)
			}
		}()
	}
	wg.Wait()
	return time.Since(start), nil
}
