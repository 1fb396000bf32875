package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/wire"
)

// openACL is world:anyone with every permission (ZooDefs.Ids.OPEN_ACL_UNSAFE).
var openACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

// drainTimeout bounds the wait for replies still in flight when a run ends;
// a server that does not answer by then has its connections cut.
const drainTimeout = 30 * time.Second

// setupTimeout bounds each synchronous setup request.
const setupTimeout = 30 * time.Second

// dialParallelism is how many sessions are opened at once: enough to open
// ten thousand watchers in seconds, few enough not to overflow the server's
// accept backlog.
const dialParallelism = 64

// runner holds the state one run shares between its sessions.
type runner struct {
	o     Options
	hist  *Histogram
	value []byte
	root  string // this run's own znode under o.Prefix

	issued atomic.Int64 // operations started, for the Count bound
	ops    atomic.Int64 // operations that succeeded
	nerrs  atomic.Int64
	emu    sync.Mutex
	errs   map[string]int64
	stage  atomic.Pointer[string] // what the progress line says the run is doing
	opened atomic.Int64           // sessions opened by dialAll

	// filled by workloads that report more than the common fields
	events    atomic.Int64
	eventHist *Histogram
	marker    string
}

// Run runs one workload and returns what it measured. Operations that fail
// are counted in Errors (by kind) and do not stop the run; failing to set up
// (no server, no session) is an error.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	r := &runner{o: o, hist: NewHistogram(), value: []byte(strings.Repeat("x", o.ValueSize)), errs: map[string]int64{}}
	r.root = fmt.Sprintf("%s/%s-%s", strings.TrimSuffix(o.Prefix, "/"), o.Workload, strconv.FormatInt(time.Now().UnixNano(), 36))
	r.setStage("setup")
	if o.Progress != nil {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); r.progress(stop) }()
		defer wg.Wait() // no progress line after the result
		defer close(stop)
	}
	var (
		elapsed time.Duration
		unit    string
		err     error
	)
	switch o.Workload {
	case "get", "set", "mixed", "create":
		unit = "request"
		elapsed, err = r.runRequests(ctx)
	case "watch":
		unit = "round"
		elapsed, err = r.runWatch(ctx)
	case "session":
		unit = "session"
		elapsed, err = r.runSessions(ctx)
	case "populate":
		unit = "znode"
		elapsed, err = r.runPopulate(ctx)
	case "firstread":
		unit = "read"
		elapsed, err = r.runFirstRead(ctx)
	}
	if err != nil {
		return nil, err
	}
	return r.result(unit, elapsed), nil
}

func (r *runner) result(unit string, elapsed time.Duration) *Result {
	res := &Result{
		Label: r.o.Label, Workload: r.o.Workload, Clients: r.o.Clients, InFlight: r.o.InFlight,
		ValueSize: r.o.ValueSize, Unit: unit, Ops: r.ops.Load(), Errors: r.nerrs.Load(),
		Elapsed: elapsed.Seconds(), Latency: Summarize(r.hist), Marker: r.marker,
	}
	if elapsed > 0 {
		res.Throughput = float64(res.Ops) / elapsed.Seconds()
	}
	r.emu.Lock()
	if len(r.errs) > 0 {
		res.ErrorKinds = make(map[string]int64, len(r.errs))
		for k, n := range r.errs {
			res.ErrorKinds[k] = n
		}
	}
	r.emu.Unlock()
	if r.eventHist != nil {
		res.Events = r.events.Load()
		l := Summarize(r.eventHist)
		res.EventLatency = &l
	}
	return res
}

// fail counts one failed operation under kind.
func (r *runner) fail(kind string) {
	r.nerrs.Add(1)
	r.emu.Lock()
	r.errs[kind]++
	r.emu.Unlock()
}

// done counts a reply: a success is timed, anything else counted by kind.
func (r *runner) done(rep Reply) {
	if rep.Err != wire.ErrOK {
		r.fail(rep.Err.String())
		return
	}
	r.hist.Record(rep.Latency)
	r.ops.Add(1)
}

// claim reserves one operation under the Count bound.
func (r *runner) claim() bool {
	return r.o.Count <= 0 || r.issued.Add(1) <= r.o.Count
}

func (r *runner) setStage(s string) { r.stage.Store(&s) }

// loadContext bounds the load phase by Duration, if set.
func (r *runner) loadContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.o.Duration > 0 {
		return context.WithTimeout(ctx, r.o.Duration)
	}
	return context.WithCancel(ctx)
}

// progress writes one line a second until stop is closed.
func (r *runner) progress(stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	start := time.Now()
	var lastOps int64
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ops := r.ops.Load()
		fmt.Fprintf(r.o.Progress, "bench %s %s: %3.0fs %-7s sessions %d ops %d (%d/s) errors %d\n", r.o.Label, r.o.Workload,
			time.Since(start).Seconds(), *r.stage.Load(), r.opened.Load(), ops, ops-lastOps, r.nerrs.Load())
		lastOps = ops
	}
}

// dialAll opens n sessions, dialParallelism at a time, spread over the
// servers. onEvent, if not nil, gives session i its notification handler.
// On error the sessions already open are closed.
func (r *runner) dialAll(ctx context.Context, n int, onEvent func(i int) func(Event)) ([]*Conn, error) {
	conns := make([]*Conn, n)
	errs := make([]error, n)
	sem := make(chan struct{}, dialParallelism)
	var wg sync.WaitGroup
	for i := range conns {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			o := DialOptions{SessionTimeout: r.o.SessionTimeout}
			if onEvent != nil {
				o.OnEvent = onEvent(i)
			}
			conns[i], errs[i] = Dial(r.o.Servers[i%len(r.o.Servers)], o)
			if errs[i] == nil {
				r.opened.Add(1)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		closeAll(conns)
		return nil, fmt.Errorf("bench: opening %d sessions: %w", n, err)
	}
	return conns, nil
}

// closeAll ends every session (nil entries are skipped), in parallel.
func closeAll(conns []*Conn) {
	sem := make(chan struct{}, dialParallelism)
	var wg sync.WaitGroup
	for _, c := range conns {
		if c == nil {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			_ = c.Close()
		}()
	}
	wg.Wait()
}

// keepAlive pings idle sessions until stop is closed, as a real client
// does, so that sessions idle during a long setup or between watch rounds
// do not expire.
func keepAlive(conns []*Conn, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for _, c := range conns {
			c.PingIfIdle(c.Timeout / 3)
		}
	}
}

// noteLoss reports on the progress writer when session i's connection
// ended during the load: its failed requests are counted as CONNECTIONLOSS,
// and this says why.
func (r *runner) noteLoss(i int, c *Conn) {
	if err := c.Err(); err != nil && r.o.Progress != nil {
		fmt.Fprintf(r.o.Progress, "bench %s %s: session %d (0x%x) lost: %v\n", r.o.Label, r.o.Workload, i, c.SessionID, err)
	}
}

// ensurePath creates path and its missing ancestors (empty, persistent).
func ensurePath(c *Conn, path string) error {
	for i := 1; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' {
			continue
		}
		rep, err := c.Call(wire.OpCreate, &wire.CreateRequest{Path: path[:i], ACL: openACL}, setupTimeout)
		if err != nil {
			return err
		}
		if rep.Err != wire.ErrOK && rep.Err != wire.ErrNodeExists {
			return fmt.Errorf("bench: create %s: %v", path[:i], rep.Err)
		}
	}
	return nil
}

// drive keeps up to inflight requests of one session outstanding: it sends
// the request next returns whenever a slot is free (batching every request
// that fits into one write), until next reports no more work or ctx ends,
// then waits for the replies still in flight. done gets every reply.
func drive(ctx context.Context, c *Conn, inflight int, next func() (wire.OpCode, wire.Record, bool), done func(Reply)) {
	slots := make(chan struct{}, inflight)
	for range inflight {
		slots <- struct{}{}
	}
	cb := func(rep Reply) {
		done(rep)
		slots <- struct{}{}
	}
	for stop := false; !stop && ctx.Err() == nil; {
		select {
		case <-slots:
		case <-ctx.Done():
			continue
		}
		for { // holding one slot
			op, rec, ok := next()
			if !ok {
				slots <- struct{}{}
				stop = true
				break
			}
			if err := c.Send(op, rec, cb); err != nil {
				slots <- struct{}{}
				done(Reply{Err: wire.ErrConnectionLoss})
				stop = true
				break
			}
			select {
			case <-slots:
				continue
			default:
			}
			break
		}
		if err := c.Flush(); err != nil {
			stop = true
		}
	}
	// Every call gets its callback (a reply or CONNECTIONLOSS), so all the
	// slots come back unless the server stops answering: then cut it off.
	timeout := time.NewTimer(drainTimeout)
	defer timeout.Stop()
	for range inflight {
		select {
		case <-slots:
		case <-timeout.C:
			c.Abort()
			<-slots
		}
	}
}
