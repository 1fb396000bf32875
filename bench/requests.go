package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/corral-zk/corral/wire"
)

// runRequests runs the request workloads (get, set, mixed, create): Clients
// sessions, each a closed loop with InFlight requests outstanding.
func (r *runner) runRequests(ctx context.Context) (time.Duration, error) {
	conns, err := r.dialAll(ctx, r.o.Clients, nil)
	if err != nil {
		return 0, err
	}
	defer closeAll(conns)
	if err := ensurePath(conns[0], r.root); err != nil {
		return 0, err
	}
	var keys []string
	if r.o.Workload != "create" {
		if keys, err = r.makeKeys(ctx, conns); err != nil {
			return 0, err
		}
	}
	r.setStage("load")
	lctx, cancel := r.loadContext(ctx)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			drive(lctx, c, r.o.InFlight, r.requestSource(i, keys), r.done)
			r.noteLoss(i, c)
		}()
	}
	wg.Wait()
	return time.Since(start), nil
}

// makeKeys creates the key pool get, set and mixed work on, each holding
// ValueSize bytes.
func (r *runner) makeKeys(ctx context.Context, conns []*Conn) ([]string, error) {
	keys := make([]string, r.o.Keys)
	for i := range keys {
		keys[i] = r.root + "/k" + strconv.Itoa(i)
	}
	return keys, createAll(ctx, conns, len(keys), func(i int) string { return keys[i] }, r.value)
}

// createAll creates n znodes named by path(i), holding data, pipelined over
// all sessions; any failure is an error (it is setup, not load).
func createAll(ctx context.Context, conns []*Conn, n int, path func(i int) string, data []byte) error {
	var mu sync.Mutex
	var firstErr error
	var lost *Conn // whose connection died, if that was the failure
	next := 0
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := &wire.CreateRequest{Data: data, ACL: openACL}
			drive(ctx, c, 16, func() (wire.OpCode, wire.Record, bool) {
				mu.Lock()
				defer mu.Unlock()
				if next == n || firstErr != nil {
					return 0, nil, false
				}
				req.Path = path(next)
				next++
				return wire.OpCreate, req, true
			}, func(rep Reply) {
				if rep.Err != wire.ErrOK {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("bench: setup create: %v", rep.Err)
						lost = c
					}
					mu.Unlock()
				}
			})
		}()
	}
	wg.Wait()
	if firstErr == nil {
		return ctx.Err()
	}
	if err := lost.Err(); err != nil { // why the connection ended
		firstErr = fmt.Errorf("%w (%v)", firstErr, err)
	}
	return firstErr
}

// requestSource returns session i's generator of requests. Each session
// has its own random sequence and its own reusable request records (Send
// encodes a record before it returns).
func (r *runner) requestSource(i int, keys []string) func() (wire.OpCode, wire.Record, bool) {
	rng := rand.New(rand.NewPCG(uint64(i), 0x636f7272616c))
	get := &wire.PathWatchRequest{}
	set := &wire.SetDataRequest{Data: r.value, Version: -1}
	create := &wire.CreateRequest{Data: r.value, ACL: openACL}
	prefix := r.root + "/s" + strconv.Itoa(i) + "-"
	seq := 0
	return func() (wire.OpCode, wire.Record, bool) {
		if !r.claim() {
			return 0, nil, false
		}
		switch r.o.Workload {
		case "create":
			create.Path = prefix + strconv.Itoa(seq)
			seq++
			return wire.OpCreate, create, true
		case "get":
			get.Path = keys[rng.IntN(len(keys))]
			return wire.OpGetData, get, true
		case "set":
			set.Path = keys[rng.IntN(len(keys))]
			return wire.OpSetData, set, true
		default: // mixed
			if rng.Float64() < r.o.ReadRatio {
				get.Path = keys[rng.IntN(len(keys))]
				return wire.OpGetData, get, true
			}
			set.Path = keys[rng.IntN(len(keys))]
			return wire.OpSetData, set, true
		}
	}
}
