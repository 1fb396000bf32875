package harness

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// CheckerOptions bound a Checker's write load.
type CheckerOptions struct {
	// Workers is the number of concurrent writers, each a client with its
	// own session whose server list names every server (worker w starts on
	// server w mod N, so every server gets writes to forward); 0 means two
	// per server.
	Workers int
	// Counters is the number of znodes updated by versioned setData; 0
	// means 3.
	Counters int
	// Pause is each worker's pause between two writes; 0 means 5ms.
	Pause time.Duration
	// MaxWrites bounds the writes attempted in all; 0 means 20000.
	MaxWrites int
	// StopTimeout bounds the wait for writes in flight when the load stops;
	// past it the workers' clients are closed (their writes then count as
	// unknown). 0 means 30s.
	StopTimeout time.Duration
}

// Checker drives a bounded concurrent write load through go-zookeeper
// clients and records every write it attempted and how it ended, so that
// Verify can check, after faults, that the ensemble kept every acknowledged
// write, in one order on every server, and invented none:
//
//   - creates of sequential znodes under <root>/seq, each with a unique
//     payload "w<worker>-<n>";
//   - versioned setData on <root>/c<k>: data "<new version>:w<worker>-<n>",
//     so the data itself says which version it must be stored as.
//
// A write ends acked (the server said OK), failed (the server answered with
// an error: not applied) or unknown (the connection was lost first: it may
// or may not have been applied; both are correct).
type Checker struct {
	e    *Ensemble
	t    testing.TB
	opts CheckerOptions
	Root string // the checker's own znode, unique per checker

	mu      sync.Mutex
	ops     []*checkerOp
	conns   []*zk.Conn
	stop    chan struct{}
	wg      sync.WaitGroup
	started bool
	stopped bool

	attempts atomic.Int64
	acked    atomic.Int64
}

type opKind int

const (
	opCreate opKind = iota
	opSet
)

type opOutcome int

const (
	outcomePending opOutcome = iota
	outcomeAcked
	outcomeFailed
	outcomeUnknown
)

func (o opOutcome) String() string {
	return [...]string{"pending", "acked", "failed", "unknown"}[o]
}

// checkerOp is one write the checker attempted.
type checkerOp struct {
	worker  int
	seq     int // the worker's n-th write: issue order within its session
	kind    opKind
	path    string // create: the created path once acked; set: the counter
	payload string
	version int32 // set: the version expected; once acked, the new version
	issued  time.Time
	done    time.Time
	outcome opOutcome
	err     error
	mzxid   int64 // set, acked: the zxid the reply's stat names
}

var checkerSeq atomic.Int64

// NewChecker creates the checker's znodes (its root, <root>/seq and the
// counters) through a client of the ensemble. The load starts with Start.
func NewChecker(t testing.TB, e *Ensemble, opts CheckerOptions) *Checker {
	t.Helper()
	if opts.Workers == 0 {
		opts.Workers = 2 * len(e.members)
	}
	if opts.Counters == 0 {
		opts.Counters = 3
	}
	if opts.Pause == 0 {
		opts.Pause = 5 * time.Millisecond
	}
	if opts.MaxWrites == 0 {
		opts.MaxWrites = 20000
	}
	if opts.StopTimeout == 0 {
		opts.StopTimeout = 30 * time.Second
	}
	e = e.For(t)
	c := &Checker{e: e, t: t, opts: opts, Root: fmt.Sprintf("/checker-%d", checkerSeq.Add(1)), stop: make(chan struct{})}
	conn := e.Client(t)
	for _, p := range []string{c.Root, c.Root + "/seq"} {
		if err := createRetrying(conn, p, nil, 30*time.Second); err != nil {
			t.Fatalf("checker: creating %s: %v", p, err)
		}
	}
	for k := 0; k < opts.Counters; k++ {
		if err := createRetrying(conn, c.counterPath(k), []byte(initialCounterData), 30*time.Second); err != nil {
			t.Fatalf("checker: creating %s: %v", c.counterPath(k), err)
		}
	}
	t.Cleanup(c.Stop)
	return c
}

const initialCounterData = "0:init"

func (c *Checker) counterPath(k int) string { return fmt.Sprintf("%s/c%d", c.Root, k) }

// createRetrying creates a persistent znode, retrying while the connection
// is lost. The paths are the checker's own, so a node that exists was
// created by an attempt whose reply was lost.
func createRetrying(conn *zk.Conn, path string, data []byte, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		_, err := conn.Create(path, data, 0, zk.WorldACL(zk.PermAll))
		if err == nil || errors.Is(err, zk.ErrNodeExists) {
			return nil
		}
		if !connectionLevel(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// connectionLevel reports whether err means the client lost its connection
// or session before the server answered: the write may have been applied.
// Every other error is the server's answer: the write was not applied.
func connectionLevel(err error) bool {
	return errors.Is(err, zk.ErrConnectionClosed) || errors.Is(err, zk.ErrNoServer) ||
		errors.Is(err, zk.ErrClosing) || errors.Is(err, zk.ErrSessionExpired)
}

// Start starts the workers.
func (c *Checker) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		c.t.Fatalf("checker: started twice")
	}
	c.started = true
	servers := c.e.Servers()
	for w := 0; w < c.opts.Workers; w++ {
		hosts := &steeredHosts{prefer: servers[w%len(servers)]}
		conn, err := c.e.dial(servers, hosts, nil)
		if err != nil {
			c.t.Fatalf("checker: %v", err)
		}
		c.conns = append(c.conns, conn)
		c.wg.Add(1)
		go c.work(w, conn)
	}
}

// Stop stops the load and waits for the writes in flight to end (bounded
// by StopTimeout, after which the clients are closed). Idempotent.
func (c *Checker) Stop() {
	c.mu.Lock()
	if c.stopped || !c.started {
		c.stopped = true
		c.mu.Unlock()
		return
	}
	c.stopped = true
	close(c.stop)
	conns := c.conns
	c.mu.Unlock()
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(c.opts.StopTimeout):
		for _, conn := range conns {
			conn.Close()
		}
		<-done
	}
	for _, conn := range conns {
		conn.Close()
	}
}

// work is one worker: a loop of writes on its own session, one at a time.
func (c *Checker) work(w int, conn *zk.Conn) {
	defer c.wg.Done()
	versions := map[string]int32{} // what this worker believes each counter's version is
	stale := map[string]bool{}
	for n := 0; ; n++ {
		select {
		case <-c.stop:
			return
		default:
		}
		if c.attempts.Add(1) > int64(c.opts.MaxWrites) {
			return
		}
		op := &checkerOp{worker: w, seq: n}
		if n%3 == 2 {
			op.kind = opSet
			op.path = c.counterPath((w + n) % c.opts.Counters)
			if _, known := versions[op.path]; !known || stale[op.path] {
				_, st, err := conn.Get(op.path)
				if err != nil {
					c.attempts.Add(-1)
					c.pause()
					continue
				}
				versions[op.path], stale[op.path] = st.Version, false
			}
			op.version = versions[op.path]
			op.payload = fmt.Sprintf("%d:w%d-%d", op.version+1, w, n)
		} else {
			op.kind = opCreate
			op.path = c.Root + "/seq/n-"
			op.payload = fmt.Sprintf("w%d-%d", w, n)
		}
		op.issued = time.Now()
		c.record(op)
		var err error
		var st *zk.Stat
		var created string
		if op.kind == opCreate {
			created, err = conn.Create(op.path, []byte(op.payload), zk.FlagSequence, zk.WorldACL(zk.PermAll))
		} else {
			st, err = conn.Set(op.path, []byte(op.payload), op.version)
		}
		c.finish(op, err, created, st)
		if op.kind == opSet {
			switch op.outcome {
			case outcomeAcked:
				versions[op.path] = op.version
			default:
				stale[op.path] = true
			}
		}
		c.pause()
	}
}

func (c *Checker) pause() {
	select {
	case <-c.stop:
	case <-time.After(c.opts.Pause):
	}
}

func (c *Checker) record(op *checkerOp) {
	c.mu.Lock()
	c.ops = append(c.ops, op)
	c.mu.Unlock()
}

func (c *Checker) finish(op *checkerOp, err error, created string, st *zk.Stat) {
	c.mu.Lock()
	defer c.mu.Unlock()
	op.done = time.Now()
	op.err = err
	switch {
	case err == nil:
		op.outcome = outcomeAcked
		if op.kind == opCreate {
			op.path = created
		} else {
			op.version, op.mzxid = st.Version, st.Mzxid
		}
		c.acked.Add(1)
	case connectionLevel(err):
		op.outcome = outcomeUnknown
	default:
		op.outcome = outcomeFailed
	}
}

// Acked is the number of writes acknowledged so far.
func (c *Checker) Acked() int { return int(c.acked.Load()) }

// AckedAfter counts the acknowledged writes that were issued after t0.
func (c *Checker) AckedAfter(t0 time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, op := range c.ops {
		if op.outcome == outcomeAcked && op.issued.After(t0) {
			n++
		}
	}
	return n
}

// WaitAcked waits until n writes issued after t0 are acknowledged, and fails
// the test on timeout.
func (c *Checker) WaitAcked(t0 time.Time, n int, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for c.AckedAfter(t0) < n {
		if time.Now().After(deadline) {
			c.t.Fatalf("checker: only %d of %d writes issued since %v acknowledged after %v (%s); %s",
				c.AckedAfter(t0), n, t0.Format("15:04:05.000"), timeout, c.Summary(), c.e.Modes())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// FirstAckAfter returns when the first write issued after t0 was
// acknowledged.
func (c *Checker) FirstAckAfter(t0 time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first time.Time
	for _, op := range c.ops {
		if op.outcome == outcomeAcked && op.issued.After(t0) && (first.IsZero() || op.done.Before(first)) {
			first = op.done
		}
	}
	return first, !first.IsZero()
}

// Wait waits until the workers have attempted MaxWrites writes and ended,
// and fails the test on timeout.
func (c *Checker) Wait(timeout time.Duration) {
	c.t.Helper()
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		c.t.Fatalf("checker: %d writes not done after %v (%s); %s", c.opts.MaxWrites, timeout, c.Summary(), c.e.Modes())
	}
}

// Summary counts the writes by outcome.
func (c *Checker) Summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	counts := map[opOutcome]int{}
	for _, op := range c.ops {
		counts[op.outcome]++
	}
	return fmt.Sprintf("%d writes: %d acked, %d failed, %d unknown, %d in flight",
		len(c.ops), counts[outcomeAcked], counts[outcomeFailed], counts[outcomeUnknown], counts[outcomePending])
}
