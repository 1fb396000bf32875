package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/wire"
)

// roundTimeout bounds one watch round: a notification that has not arrived
// by then is counted as lost and ends the run.
const roundTimeout = 60 * time.Second

// watchRound is one write and the notifications it causes.
type watchRound struct {
	t0        time.Time // just before the write is sent
	want      int64
	delivered atomic.Int64
	last      time.Time // arrival of the final notification; read after complete
	complete  chan struct{}
}

// runWatch measures notification fan-out: Watchers sessions each set a
// one-shot data watch on one znode, a separate writer session changes it,
// and a round lasts until every watcher got its NodeDataChanged. A round's
// latency (the run's histogram) is from just before the write is sent to
// the arrival of the last notification; each notification's own latency
// goes into the per-event histogram. Watches are re-armed between rounds,
// outside the timed part.
func (r *runner) runWatch(ctx context.Context) (time.Duration, error) {
	w := r.o.Watchers
	path := r.root + "/watched"
	r.eventHist = NewHistogram()
	var cur atomic.Pointer[watchRound]
	onEvent := func(int) func(Event) {
		return func(ev Event) {
			rd := cur.Load()
			if rd == nil || ev.Type != wire.EventNodeDataChanged || ev.Path != path {
				return
			}
			r.eventHist.Record(ev.At.Sub(rd.t0))
			r.events.Add(1)
			if rd.delivered.Add(1) == rd.want {
				rd.last = ev.At
				close(rd.complete)
			}
		}
	}
	r.setStage("open")
	conns, err := r.dialAll(ctx, w+1, func(i int) func(Event) {
		if i == 0 {
			return nil // the writer
		}
		return onEvent(i)
	})
	if err != nil {
		return 0, err
	}
	defer closeAll(conns)
	stop := make(chan struct{})
	defer close(stop)
	go keepAlive(conns, stop)
	writer, watchers := conns[0], conns[1:]
	if err := ensurePath(writer, r.root); err != nil {
		return 0, err
	}
	if rep, err := writer.Call(wire.OpCreate, &wire.CreateRequest{Path: path, Data: r.value, ACL: openACL}, setupTimeout); err != nil || rep.Err != wire.ErrOK {
		return 0, fmt.Errorf("bench: create %s: %v %v", path, err, rep.Err)
	}

	r.setStage("load")
	lctx, cancel := r.loadContext(ctx)
	defer cancel()
	start := time.Now()
	set := &wire.SetDataRequest{Path: path, Data: r.value, Version: -1}
	for lctx.Err() == nil && r.claim() {
		if err := r.arm(watchers, path); err != nil {
			return time.Since(start), err
		}
		rd := &watchRound{want: int64(w), complete: make(chan struct{})}
		rd.t0 = time.Now()
		cur.Store(rd)
		if err := writer.Send(wire.OpSetData, set, func(rep Reply) {
			if rep.Err != wire.ErrOK {
				r.fail("write " + rep.Err.String())
			}
		}); err != nil {
			return time.Since(start), err
		}
		if err := writer.Flush(); err != nil {
			return time.Since(start), err
		}
		select {
		case <-rd.complete:
			r.hist.Record(rd.last.Sub(rd.t0))
			r.ops.Add(1)
		case <-time.After(roundTimeout):
			missing := rd.want - rd.delivered.Load()
			for range missing {
				r.fail("notification missing")
			}
			cur.Store(nil)
			return time.Since(start), nil
		}
	}
	return time.Since(start), nil
}

// arm sets a one-shot data watch on path from every watcher and waits until
// all are set (the getData replies are in).
func (r *runner) arm(watchers []*Conn, path string) error {
	var wg sync.WaitGroup
	var failed atomic.Int64
	get := &wire.PathWatchRequest{Path: path, Watch: true}
	for _, c := range watchers {
		wg.Add(1)
		err := c.Send(wire.OpGetData, get, func(rep Reply) {
			if rep.Err != wire.ErrOK {
				failed.Add(1)
				r.fail("watch " + rep.Err.String())
			}
			wg.Done()
		})
		if err != nil { // no callback will come
			wg.Done()
			failed.Add(1)
			r.fail("watch " + wire.ErrConnectionLoss.String())
			continue
		}
		_ = c.Flush() // on failure the callback reports CONNECTIONLOSS
	}
	armed := make(chan struct{})
	go func() { wg.Wait(); close(armed) }()
	select {
	case <-armed:
	case <-time.After(roundTimeout):
		return fmt.Errorf("bench: watches not armed within %v", roundTimeout)
	}
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("bench: %d watchers could not set their watch", n)
	}
	return nil
}
