// Command compare runs Corral and Apache ZooKeeper 3.8 (Debian's package)
// side by side on this machine and prints the ratios Corral / Apache:
// every `corral bench` workload, fsynced writes at 1, 8 and 64 clients,
// memory after populating N znodes, restart time with that data, watch
// fan-out to W watchers, and (phase "ensemble") the request workloads
// against 3-node ensembles of each plus failover time. Both servers run
// with the same zoo.cfg (tickTime 2000, forceSync=yes) and their data
// directories side by side under -dir, so they share the disk. tests/bench/compare.sh builds and runs
// it; see docs/PERFORMANCE.md.
//
// Everything is bounded: each load run by its duration or count, each
// start and stop by a timeout, and every server process is killed when
// this program exits (Pdeathsig).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/corral-zk/corral/bench"
)

// comparison is one run of the comparison and its settings.
type comparison struct {
	corralBin  string
	dir        string
	apacheHeap string
	duration   time.Duration
	warmup     time.Duration
	clients    int
	pipeline   int
	populate   int64
	watchers   int
	rounds     int64
	startLimit time.Duration
	keepData   bool
	failovers  int
	phases     map[string]bool

	rep     report
	jsonOut *json.Encoder
}

func main() {
	// Die with the parent (compare.sh's timeout), as the servers die with
	// this process: a killed comparison leaves nothing running.
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	c := &comparison{}
	flag.StringVar(&c.corralBin, "corral", "bin/corral", "the corral binary")
	flag.StringVar(&c.dir, "dir", "tests/.cache/bench", "work directory for both servers' data (put it on the disk under test; not tmpfs)")
	flag.StringVar(&c.apacheHeap, "apache-heap", "2g", "Apache's -Xmx")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "length of each load run")
	flag.DurationVar(&c.warmup, "warmup", 5*time.Second, "mixed load on each server before measuring (JIT warm-up for Apache)")
	flag.IntVar(&c.clients, "clients", 32, "sessions of the standard load runs")
	flag.IntVar(&c.pipeline, "pipeline", 16, "requests in flight per session in the pipelined runs")
	flag.Int64Var(&c.populate, "populate", 1_000_000, "znodes (100 bytes each) for the memory and restart figures")
	flag.IntVar(&c.watchers, "watchers", 10_000, "sessions watching one znode in the fan-out run")
	flag.Int64Var(&c.rounds, "watch-rounds", 20, "writes (rounds) of the fan-out run")
	flag.DurationVar(&c.startLimit, "start-timeout", 10*time.Minute, "longest a server may take to start or restart")
	flag.IntVar(&c.failovers, "failovers", 5, "ensemble phase: leader kills (kill -9) timed per ensemble; the median is reported")
	flag.BoolVar(&c.keepData, "keep-data", false, "keep the servers' data directories (gigabytes after -populate 1000000); logs are always kept")
	phases := flag.String("phases", "requests,sessions,watch,fsync,populate,ensemble", "which parts to run")
	out := flag.String("json", "", "also write every measurement as JSON lines to this file")
	flag.Parse()
	c.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		c.phases[strings.TrimSpace(p)] = true
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		c.jsonOut = json.NewEncoder(f)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := c.run(ctx)
	fmt.Println()
	c.rep.print(os.Stdout)
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "compare:", err)
	os.Exit(1)
}

func (c *comparison) add(rec record) {
	if rec.Failed == "" {
		rec.LoadAvg = loadAvg()
	}
	c.rep.add(rec)
	if c.jsonOut != nil {
		_ = c.jsonOut.Encode(rec)
	}
}

func (c *comparison) run(ctx context.Context) error {
	// The servers run in their own directories: every path they get is
	// absolute.
	var err error
	if c.dir, err = filepath.Abs(c.dir); err != nil {
		return err
	}
	if c.corralBin, err = filepath.Abs(c.corralBin); err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	if err := c.printSettings(os.Stdout); err != nil {
		return err
	}
	if c.phases["requests"] || c.phases["sessions"] || c.phases["watch"] || c.phases["fsync"] {
		if err := c.loadPhases(ctx); err != nil {
			return err
		}
	}
	if c.phases["populate"] {
		if err := c.populatePhase(ctx); err != nil {
			return err
		}
	}
	if c.phases["ensemble"] {
		if err := c.ensemblePhase(ctx); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// printSettings writes how the servers are run, so that a report says
// what it measured.
func (c *comparison) printSettings(w io.Writer) error {
	fmt.Fprintln(w, "settings (both servers, standalone, data under "+c.dir+"):")
	fmt.Fprintln(w, "```")
	fmt.Fprint(w, strings.Replace(zooCfg("<dir>/data", 0), "clientPort=0", "clientPort=<a free port>", 1))
	for _, name := range []string{"corral", "apache"} {
		s, err := newServer(name, filepath.Join(c.dir, "settings"), c.corralBin, c.apacheHeap)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %s\n", name, strings.ReplaceAll(strings.Join(s.argv, " "), s.dir, "<dir>"))
	}
	fmt.Fprintf(w, "load runs: %v each, %d sessions (pipelined: ×%d), 100-byte values, after a %v mixed warm-up per server\n",
		c.duration, c.clients, c.pipeline, c.warmup)
	if c.phases["ensemble"] {
		fmt.Fprintf(w, "ensemble phase: 3 servers of each on loopback, the same settings plus initLimit=10, syncLimit=5 and server.N lines (Apache: QuorumPeerMain); sessions spread over the three; %d leader kills (kill -9) each\n", c.failovers)
	}
	fmt.Fprintln(w, "```")
	return os.RemoveAll(filepath.Join(c.dir, "settings"))
}

// startPair starts fresh Corral and Apache servers with empty data under
// dir/phase and waits until both serve.
func (c *comparison) startPair(phase string) ([]*server, error) {
	var pair []*server
	for _, name := range []string{"corral", "apache"} {
		s, err := newServer(name, filepath.Join(c.dir, phase), c.corralBin, c.apacheHeap)
		if err != nil {
			c.stopAll(pair)
			return nil, err
		}
		if err := s.start(); err != nil {
			c.stopAll(pair)
			return nil, err
		}
		pair = append(pair, s)
		if err := s.waitServing(c.startLimit); err != nil {
			c.stopAll(pair)
			return nil, err
		}
		logf("%s serving on %s (data in %s)", s.name, s.addr, s.dataDir)
	}
	return pair, nil
}

// stopAll stops the servers and, unless -keep-data, removes their data
// (their logs stay, next to it).
func (c *comparison) stopAll(servers []*server) {
	for _, s := range servers {
		s.stop(time.Minute)
		if !c.keepData {
			if err := os.RemoveAll(s.dataDir); err != nil {
				logf("removing %s: %v", s.dataDir, err)
			}
		}
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "compare: "+format+"\n", args...)
}

// scenario is one load run, made against each server in turn.
type scenario struct {
	name string
	o    bench.Options
}

// loadPhases runs the load scenarios against a fresh pair of servers,
// Corral then Apache for each scenario, so that a change in the machine's
// background load affects both alike.
func (c *comparison) loadPhases(ctx context.Context) error {
	pair, err := c.startPair("load")
	if err != nil {
		return err
	}
	defer c.stopAll(pair)
	base := bench.Options{Clients: c.clients, InFlight: 1, ValueSize: 100, Duration: c.duration, ReadRatio: 0.9, Keys: 1000}
	with := func(workload string, clients, inflight int) bench.Options {
		o := base
		o.Workload, o.Clients, o.InFlight = workload, clients, inflight
		return o
	}
	var list []scenario
	if c.phases["requests"] {
		list = append(list,
			scenario{fmt.Sprintf("get %d×1", c.clients), with("get", c.clients, 1)},
			scenario{fmt.Sprintf("set %d×1", c.clients), with("set", c.clients, 1)},
			scenario{fmt.Sprintf("mixed 90%% reads %d×1", c.clients), with("mixed", c.clients, 1)},
			scenario{fmt.Sprintf("create %d×1", c.clients), with("create", c.clients, 1)},
			scenario{fmt.Sprintf("get %d×%d pipelined", c.clients, c.pipeline), with("get", c.clients, c.pipeline)},
			scenario{fmt.Sprintf("set %d×%d pipelined", c.clients, c.pipeline), with("set", c.clients, c.pipeline)},
		)
	}
	if c.phases["sessions"] {
		list = append(list, scenario{fmt.Sprintf("session open+close %d", c.clients), with("session", c.clients, 1)})
	}
	if c.phases["fsync"] {
		for _, n := range []int{1, 8, 64} {
			list = append(list, scenario{fmt.Sprintf("fsynced set, %d client(s)", n), with("set", n, 1)})
		}
	}
	if c.phases["watch"] {
		o := with("watch", 1, 1)
		o.Watchers, o.Count, o.Duration = c.watchers, c.rounds, 10*time.Minute
		list = append(list, scenario{fmt.Sprintf("watch fan-out to %d watchers (per round)", c.watchers), o})
	}

	if c.warmup > 0 {
		for _, s := range pair {
			o := with("mixed", c.clients, 1)
			o.Duration, o.Servers, o.Label = c.warmup, []string{s.addr}, s.name
			logf("warm-up: %s", s.name)
			if _, err := bench.Run(ctx, o); err != nil {
				return fmt.Errorf("warm-up of %s: %w", s.name, err)
			}
		}
	}
	for _, sc := range list {
		for _, s := range pair {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			o := sc.o
			o.Servers, o.Label, o.Progress = []string{s.addr}, s.name, os.Stderr
			res, err := bench.Run(ctx, o)
			rec := record{Scenario: sc.name, Server: s.name, Load: true, Result: res}
			if err != nil {
				rec.Failed = err.Error()
				logf("%s on %s failed: %v", sc.name, s.name, err)
			} else {
				res.PrintRow(os.Stderr)
			}
			c.add(rec)
		}
	}
	return nil
}

// populatePhase measures memory and restart with a large tree: for each
// server (fresh, empty), populate N znodes of 100 bytes, read its resident
// memory, stop it (SIGTERM), start it again and time the first successful
// read of the marker written after the last znode, then read its memory
// again.
func (c *comparison) populatePhase(ctx context.Context) error {
	pair, err := c.startPair("populate")
	if err != nil {
		return err
	}
	defer c.stopAll(pair)
	popName := fmt.Sprintf("populate %d znodes of 100 B", c.populate)
	for _, s := range pair {
		o := bench.Options{Servers: []string{s.addr}, Label: s.name, Workload: "populate", Clients: 16, InFlight: 64,
			ValueSize: 100, Count: c.populate, Duration: time.Hour, Progress: os.Stderr}
		res, err := bench.Run(ctx, o)
		if err != nil {
			c.add(record{Scenario: popName, Server: s.name, Load: true, Failed: err.Error()})
			logf("populate on %s failed: %v", s.name, err)
			continue
		}
		res.PrintRow(os.Stderr)
		c.add(record{Scenario: popName, Server: s.name, Load: true, Result: res})
		time.Sleep(2 * time.Second) // let background work (snapshots, GC) settle before reading memory
		c.addMemory(s, fmt.Sprintf("RSS after populating %d znodes", c.populate), "<=0.25")
		if du, err := s.diskUsage(); err == nil {
			c.add(record{Scenario: fmt.Sprintf("data dir on disk, %d znodes", c.populate), Server: s.name, Value: float64(du) / (1 << 20), Unit: "MiB"})
		}

		logf("restarting %s", s.name)
		s.stop(5 * time.Minute)
		if err := s.start(); err != nil {
			return err
		}
		restart := fmt.Sprintf("restart with %d znodes (start to first read)", c.populate)
		fr, err := bench.Run(ctx, bench.Options{Servers: []string{s.addr}, Label: s.name, Workload: "firstread",
			Path: res.Marker, Since: s.started, Duration: c.startLimit})
		if err != nil {
			c.add(record{Scenario: restart, Server: s.name, Failed: firstLine(err.Error()), Target: "<=0.5"})
			logf("%s: %v", s.name, err)
			continue
		}
		c.add(record{Scenario: restart, Server: s.name, Value: fr.Latency.Max / 1e6, Unit: "s", Target: "<=0.5"})
		logf("%s: first read %.2fs after start", s.name, fr.Latency.Max/1e6)
		c.addMemory(s, fmt.Sprintf("RSS after restart with %d znodes", c.populate), "")
	}
	return nil
}

// addMemory records s's resident memory now, and its peak so far.
func (c *comparison) addMemory(s *server, name, target string) {
	rss, peak, err := s.memory()
	if err != nil {
		c.add(record{Scenario: name, Server: s.name, Failed: err.Error(), Target: target})
		return
	}
	c.add(record{Scenario: name, Server: s.name, Value: float64(rss) / (1 << 20), Unit: "MiB", Target: target})
	c.add(record{Scenario: name + " (peak, VmHWM)", Server: s.name, Value: float64(peak) / (1 << 20), Unit: "MiB"})
	logf("%s: %s %.0f MiB (peak %.0f MiB)", s.name, name, float64(rss)/(1<<20), float64(peak)/(1<<20))
}

// loadAvg is the 1-minute load average, 0 if unknown.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	if _, err := fmt.Sscanf(string(b), "%g", &l); err != nil {
		return 0
	}
	return l
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
