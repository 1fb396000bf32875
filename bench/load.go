// Package bench is Corral's load generator. It speaks the ZooKeeper client
// protocol through go-zookeeper, so the same run can target Corral and
// Apache ZooKeeper and their figures can be compared as ratios.
package bench

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
)

// Options describe one load run.
type Options struct {
	Servers   []string
	Workload  string // "get", "set", "create"
	Clients   int
	InFlight  int // requests in flight per client session
	ValueSize int
	Duration  time.Duration
	Prefix    string
}

// Result is what a run measured.
type Result struct {
	Workload   string
	Ops        int64
	Errors     int64
	Elapsed    time.Duration
	Throughput float64
	P50, P90   time.Duration
	P99, P999  time.Duration
	Max        time.Duration
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// Run runs one workload until the duration is over.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Clients <= 0 {
		o.Clients = 1
	}
	if o.InFlight <= 0 {
		o.InFlight = 1
	}
	if o.Prefix == "" {
		o.Prefix = "/bench"
	}
	value := []byte(strings.Repeat("x", o.ValueSize))
	conns := make([]*zk.Conn, o.Clients)
	for i := range conns {
		c, ev, err := zk.Connect(o.Servers, 10*time.Second, zk.WithLogger(nopLogger{}))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		deadline := time.After(10 * time.Second)
	wait:
		for {
			select {
			case e := <-ev:
				if e.State == zk.StateHasSession {
					break wait
				}
			case <-deadline:
				return nil, fmt.Errorf("no session with %v", o.Servers)
			}
		}
		conns[i] = c
	}
	acl := zk.WorldACL(zk.PermAll)
	if _, err := conns[0].Create(o.Prefix, nil, 0, acl); err != nil && err != zk.ErrNodeExists {
		return nil, err
	}
	keys := make([]string, o.Clients)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s/k%d", o.Prefix, i)
		if _, err := conns[0].Create(keys[i], value, 0, acl); err != nil && err != zk.ErrNodeExists {
			return nil, err
		}
	}
	var ops, errs, seq atomic.Int64
	lat := make([][]time.Duration, o.Clients*o.InFlight)
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < o.Clients*o.InFlight; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := conns[i%o.Clients]
			key := keys[i%o.Clients]
			local := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				t0 := time.Now()
				var err error
				switch o.Workload {
				case "get":
					_, _, err = c.Get(key)
				case "set":
					_, err = c.Set(key, value, -1)
				case "create":
					_, err = c.Create(fmt.Sprintf("%s/n%d", o.Prefix, seq.Add(1)), value, 0, acl)
				default:
					err = fmt.Errorf("unknown workload %q", o.Workload)
				}
				if err != nil {
					errs.Add(1)
					if ctx.Err() == nil && errs.Load() > 1000 {
						cancel()
					}
					continue
				}
				local = append(local, time.Since(t0))
				ops.Add(1)
			}
			lat[i] = local
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	q := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	r := &Result{Workload: o.Workload, Ops: ops.Load(), Errors: errs.Load(), Elapsed: elapsed,
		Throughput: float64(ops.Load()) / elapsed.Seconds(), P50: q(0.5), P90: q(0.9), P99: q(0.99), P999: q(0.999)}
	if len(all) > 0 {
		r.Max = all[len(all)-1]
	}
	return r, nil
}

// Print writes a human table row.
func (r *Result) Print(w io.Writer, target string) {
	fmt.Fprintf(w, "%-8s %-7s %10.0f ops/s  p50 %8s  p90 %8s  p99 %8s  p99.9 %8s  max %8s  errors %d\n",
		target, r.Workload, r.Throughput, r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond),
		r.P99.Round(time.Microsecond), r.P999.Round(time.Microsecond), r.Max.Round(time.Microsecond), r.Errors)
}
