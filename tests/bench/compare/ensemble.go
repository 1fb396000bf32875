package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corral-zk/corral/bench"
	"github.com/corral-zk/corral/wire"
)

// ensembleSize is the number of voting servers of each ensemble.
const ensembleSize = 3

// memberCfg is what makes a server one member of an ensemble: its id
// (dataDir/myid) and the zoo.cfg lines every member shares.
type memberCfg struct {
	id    int
	lines string
}

// ensemble is three servers of one kind (Corral or Apache) on loopback,
// each with its own directory under dir/<kind>-3/s<id>.
type ensemble struct {
	name    string
	members []*server // index i is server id i+1
}

// newEnsemble prepares a 3-server ensemble of kind name: zooCfg's
// settings (forceSync=yes, tickTime 2000) plus initLimit/syncLimit and the
// server.N lines, each server on its own client, quorum and election port.
func (c *comparison) newEnsemble(name, parent string) (*ensemble, error) {
	ports := make([]int, 0, 3*ensembleSize)
	for len(ports) < cap(ports) {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	var shared strings.Builder
	shared.WriteString("initLimit=10\nsyncLimit=5\n")
	for i := range ensembleSize {
		fmt.Fprintf(&shared, "server.%d=127.0.0.1:%d:%d;127.0.0.1:%d\n", i+1, ports[3*i+1], ports[3*i+2], ports[3*i])
	}
	e := &ensemble{name: name}
	for i := range ensembleSize {
		dir := filepath.Join(parent, name+"-3", "s"+strconv.Itoa(i+1))
		s, err := newServerIn(name, dir, c.corralBin, c.apacheHeap, ports[3*i], &memberCfg{id: i + 1, lines: shared.String()})
		if err != nil {
			return nil, err
		}
		s.logFile = filepath.Join(dir, fmt.Sprintf("%s-%d.out", name, i+1))
		e.members = append(e.members, s)
	}
	return e, nil
}

func (e *ensemble) addrs() []string {
	out := make([]string, len(e.members))
	for i, s := range e.members {
		out[i] = s.addr
	}
	return out
}

// start starts every member and waits until each serves (a quorum formed
// and the member synchronised with the leader).
func (e *ensemble) start(limit time.Duration) error {
	for _, s := range e.members {
		if err := s.start(); err != nil {
			return err
		}
	}
	for _, s := range e.members {
		if err := s.waitServing(limit); err != nil {
			return err
		}
	}
	return nil
}

// leader is the member whose "srvr" says Mode: leader.
func (e *ensemble) leader() (*server, bool) {
	for _, s := range e.members {
		if out, err := fourLetter(s.addr, "srvr"); err == nil && strings.Contains(out, "Mode: leader") {
			return s, true
		}
	}
	return nil, false
}

// waitLeader waits until every member serves and one of them leads.
func (e *ensemble) waitLeader(limit time.Duration) (*server, error) {
	deadline := time.Now().Add(limit)
	for _, s := range e.members {
		if err := s.waitServing(time.Until(deadline)); err != nil {
			return nil, err
		}
	}
	for {
		if l, ok := e.leader(); ok {
			return l, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s ensemble: no leader after %v", e.name, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ensemblePhase runs the request workloads against a 3-node Corral and a
// 3-node Apache on loopback (the sessions spread over the three servers),
// then times failovers: kill -9 of the leader to the first acknowledged
// write, -failovers times for each, reported as the median (every round is
// in results.jsonl).
func (c *comparison) ensemblePhase(ctx context.Context) error {
	var ens []*ensemble
	defer func() {
		for _, e := range ens {
			c.stopAll(e.members)
			if !c.keepData {
				_ = os.RemoveAll(filepath.Join(c.dir, "ensemble", e.name+"-3"))
			}
		}
	}()
	for _, name := range []string{"corral", "apache"} {
		e, err := c.newEnsemble(name, filepath.Join(c.dir, "ensemble"))
		if err != nil {
			return err
		}
		ens = append(ens, e)
		if err := e.start(c.startLimit); err != nil {
			return err
		}
		if _, err := e.waitLeader(c.startLimit); err != nil {
			return err
		}
		logf("%s ensemble serving on %s", name, strings.Join(e.addrs(), ","))
	}
	base := bench.Options{Clients: c.clients, InFlight: 1, ValueSize: 100, Duration: c.duration, ReadRatio: 0.9, Keys: 1000}
	if c.warmup > 0 {
		for _, e := range ens {
			o := base
			o.Workload, o.Duration, o.Servers, o.Label = "mixed", c.warmup, e.addrs(), e.name
			logf("warm-up: %s ensemble", e.name)
			if _, err := bench.Run(ctx, o); err != nil {
				return fmt.Errorf("warm-up of the %s ensemble: %w", e.name, err)
			}
		}
	}
	for _, w := range []struct{ name, workload string }{
		{"get", "get"}, {"set", "set"}, {"mixed 90% reads", "mixed"}, {"create", "create"},
	} {
		sc := fmt.Sprintf("3 nodes: %s %d×1", w.name, c.clients)
		for _, e := range ens {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			o := base
			o.Workload, o.Servers, o.Label, o.Progress = w.workload, e.addrs(), e.name, os.Stderr
			res, err := bench.Run(ctx, o)
			rec := record{Scenario: sc, Server: e.name, Load: true, Result: res}
			if err != nil {
				rec.Failed = err.Error()
				logf("%s on %s failed: %v", sc, e.name, err)
			} else {
				res.PrintRow(os.Stderr)
			}
			c.add(rec)
		}
	}
	if c.failovers <= 0 {
		return nil
	}
	sc := fmt.Sprintf("failover, 3 nodes: leader kill -9 to first acked write (median of %d)", c.failovers)
	for _, e := range ens {
		var times []float64
		for round := range c.failovers {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d, err := c.failover(ctx, e)
			if err != nil {
				logf("%s failover %d: %v", e.name, round+1, err)
				c.add(record{Scenario: sc, Server: e.name, Failed: firstLine(err.Error())})
				times = nil
				break
			}
			logf("%s failover %d: first acked write %.3fs after the kill", e.name, round+1, d.Seconds())
			times = append(times, d.Seconds())
			if c.jsonOut != nil {
				_ = c.jsonOut.Encode(record{Scenario: sc + ", round " + strconv.Itoa(round+1), Server: e.name, Value: d.Seconds(), Unit: "s"})
			}
		}
		if len(times) > 0 {
			slices.Sort(times)
			c.add(record{Scenario: sc, Server: e.name, Value: times[len(times)/2], Unit: "s"})
		}
	}
	return nil
}

// failoverPath is the znode the failover writes go to.
const failoverPath = "/bench-failover"

// openACL is world:anyone with every permission.
var openACL = []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}

// failover kills the leader of e with SIGKILL and times until a write
// (setData of failoverPath) is acknowledged by one of the two others, then
// restarts the killed server and waits until all three serve again.
func (c *comparison) failover(ctx context.Context, e *ensemble) (time.Duration, error) {
	leader, err := e.waitLeader(c.startLimit)
	if err != nil {
		return 0, err
	}
	var others []string
	for _, s := range e.members {
		if s != leader {
			others = append(others, s.addr)
		}
	}
	if err := ensureZnode(others[0], failoverPath); err != nil {
		return 0, err
	}
	killed := time.Now()
	leader.kill9()
	d, err := firstWrite(ctx, others, failoverPath, killed, c.startLimit)
	if err != nil {
		return 0, err
	}
	if err := leader.start(); err != nil {
		return 0, err
	}
	if _, err := e.waitLeader(c.startLimit); err != nil {
		return 0, err
	}
	return d, nil
}

// ensureZnode creates path (empty) on the server at addr unless it exists.
func ensureZnode(addr, path string) error {
	conn, err := bench.Dial(addr, bench.DialOptions{SessionTimeout: 10 * time.Second, IOTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	defer conn.Close()
	rep, err := conn.Call(wire.OpCreate, &wire.CreateRequest{Path: path, Data: []byte{}, ACL: openACL}, 10*time.Second)
	if err != nil {
		return err
	}
	if rep.Err != wire.ErrOK && rep.Err != wire.ErrNodeExists {
		return fmt.Errorf("create %s: %v", path, rep.Err)
	}
	return nil
}

const (
	// firstWriteEvery is how often a new write attempt starts, taking the
	// servers in turn: it bounds how late the first acknowledgement is
	// noticed.
	firstWriteEvery = 10 * time.Millisecond
	// firstWriteAttempt bounds one attempt (connect, handshake, write).
	firstWriteAttempt = 2 * time.Second
	// firstWritePending caps the attempts in progress at once.
	firstWritePending = 32
)

// firstWrite is the time from since to the first acknowledged setData of
// path on any of servers. A new attempt (connect, open a session, write)
// starts every firstWriteEvery without waiting for the earlier ones,
// because a server without a leader may refuse connections, close them,
// or hold them unanswered until a new leader is established.
func firstWrite(ctx context.Context, servers []string, path string, since time.Time, limit time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	first := make(chan time.Time, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: pending attempts stop waiting
	pending := make(chan struct{}, firstWritePending)
	tick := time.NewTicker(firstWriteEvery)
	defer tick.Stop()
	var failed sync.Map // kind -> count, for the error message
	attempt := func(addr string) {
		conn, err := bench.Dial(addr, bench.DialOptions{SessionTimeout: 10 * time.Second, IOTimeout: firstWriteAttempt})
		if err != nil {
			failed.Store("connect", true)
			return
		}
		defer conn.Close()
		rep, err := conn.Call(wire.OpSetData, &wire.SetDataRequest{Path: path, Data: []byte("failover"), Version: -1}, firstWriteAttempt)
		switch {
		case err != nil:
			failed.Store("write: "+firstLine(err.Error()), true)
		case rep.Err != wire.ErrOK:
			failed.Store("write: "+rep.Err.String(), true)
		default:
			select {
			case first <- rep.At:
			default:
			}
		}
	}
	for i := 0; ; i++ {
		select {
		case at := <-first:
			return at.Sub(since), nil
		case <-ctx.Done():
			var kinds []string
			failed.Range(func(k, _ any) bool { kinds = append(kinds, k.(string)); return true })
			return 0, errors.Join(fmt.Errorf("no acknowledged write on %v within %v", servers, limit),
				fmt.Errorf("failures: %s", strings.Join(kinds, "; ")))
		case <-tick.C:
			select {
			case pending <- struct{}{}:
				addr := servers[i%len(servers)]
				wg.Add(1)
				go func() {
					defer func() { <-pending; wg.Done() }()
					attempt(addr)
				}()
			default:
			}
		}
	}
}
