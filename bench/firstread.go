package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/corral-zk/corral/wire"
)

const (
	// firstReadEvery is how often a new attempt starts: it bounds how late
	// the first successful read can be noticed.
	firstReadEvery = 10 * time.Millisecond
	// firstReadAttempt bounds one attempt (connect, handshake, read).
	firstReadAttempt = 2 * time.Second
	// firstReadPending caps the attempts in progress at once, so that a
	// server that holds connections while it starts is not flooded.
	firstReadPending = 64
)

// runFirstRead measures when a (re)starting server first serves a read of
// Path. Every firstReadEvery a new attempt connects, opens a session and
// reads, without waiting for the earlier ones: a starting server may refuse
// connections, close them, or accept them and answer only once it is
// ready (Apache 3.8 does the last while it loads its data), and
// overlapping attempts notice the moment it serves in every case. The one
// operation's latency is from Since to the first successful reply.
// Failed attempts are counted as errors by kind. A NONODE answer ends the
// run with an error: a server answers no read before it has recovered its
// data, so the data is not there.
func (r *runner) runFirstRead(ctx context.Context) (time.Duration, error) {
	since := r.o.Since
	if since.IsZero() {
		since = time.Now()
	}
	lctx, cancel := r.loadContext(ctx)
	defer cancel()
	r.setStage("probe")

	type outcome struct {
		at  time.Time
		err error // non-nil: the data is missing
	}
	first := make(chan outcome, 1)
	report := func(o outcome) {
		select {
		case first <- o:
		default: // another attempt was first
		}
	}
	attempt := func() {
		c, err := Dial(r.o.Servers[0], DialOptions{SessionTimeout: r.o.SessionTimeout, IOTimeout: firstReadAttempt})
		if err != nil {
			r.fail("connect")
			return
		}
		defer c.Close()
		rep, err := c.Call(wire.OpGetData, &wire.PathWatchRequest{Path: r.o.Path}, firstReadAttempt)
		switch {
		case err != nil:
			r.fail("read")
		case rep.Err == wire.ErrOK:
			report(outcome{at: rep.At})
		case rep.Err == wire.ErrNoNode:
			report(outcome{err: fmt.Errorf("bench: %s answers NONODE for %s %v after start: the data was not recovered",
				r.o.Servers[0], r.o.Path, time.Since(since).Round(time.Millisecond))})
		default:
			r.fail(rep.Err.String())
		}
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	pending := make(chan struct{}, firstReadPending)
	tick := time.NewTicker(firstReadEvery)
	defer tick.Stop()
	for {
		select {
		case o := <-first:
			if o.err != nil {
				return 0, o.err
			}
			d := o.at.Sub(since)
			r.hist.Record(d)
			r.ops.Add(1)
			return d, nil
		case <-lctx.Done():
			return 0, fmt.Errorf("bench: no successful read of %s on %s within %v (%d attempts failed)",
				r.o.Path, r.o.Servers[0], r.o.Duration, r.nerrs.Load())
		case <-tick.C:
			select {
			case pending <- struct{}{}:
				wg.Add(1)
				go func() {
					defer func() { <-pending; wg.Done() }()
					attempt()
				}()
			default: // enough attempts in progress
			}
		}
	}
}
