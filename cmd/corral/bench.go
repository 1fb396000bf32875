package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/corral-zk/corral/bench"
)

// defaultBenchDuration bounds a run when neither -duration nor -count is
// given.
const defaultBenchDuration = 10 * time.Second

// runBench is `corral bench`: a load generator that targets any
// ZooKeeper-protocol server (Corral or Apache ZooKeeper), so that the same
// command measures both.
func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	servers := fs.String("server", "127.0.0.1:2181", "comma-separated host:port list; sessions are spread over them")
	workload := fs.String("workload", "get", "what to run (the workloads above)")
	clients := fs.Int("clients", 32, "client sessions")
	inflight := fs.Int("inflight", 1, "requests in flight per session (pipelining)")
	size := fs.Int("value-size", 100, "bytes of data per znode written")
	dur := fs.Duration("duration", 0, "how long to run (default 10s unless -count is set); firstread: when to give up")
	count := fs.Int64("count", 0, "how many operations (populate: znodes, watch: rounds, session: sessions); 0 for no limit")
	readRatio := fs.Float64("read-ratio", 0.9, "mixed: fraction of requests that are reads")
	keys := fs.Int("keys", 100, "get, set, mixed: znodes in the key pool")
	watchers := fs.Int("watchers", 100, "watch: sessions watching the znode")
	prefix := fs.String("prefix", "/bench", "znode under which each run creates its own directory")
	path := fs.String("path", "", "firstread: znode to read (e.g. the marker a populate run reports)")
	sessionTimeout := fs.Duration("session-timeout", 30*time.Second, "session timeout requested")
	label := fs.String("label", "target", "name of the target in the output")
	asJSON := fs.Bool("json", false, "print the result as one JSON object instead of a table")
	quiet := fs.Bool("quiet", false, "no progress line on stderr")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: corral bench [flags]\n\nworkloads:\n")
		for _, w := range bench.Workloads {
			fmt.Fprintf(fs.Output(), "  %-10s %s\n", w.Name, w.Doc)
		}
		fmt.Fprint(fs.Output(), "\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h: the usage was the answer
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	if *dur == 0 && *count == 0 {
		*dur = defaultBenchDuration
	}
	o := bench.Options{
		Servers: strings.Split(*servers, ","), Workload: *workload, Label: *label,
		Clients: *clients, InFlight: *inflight, ValueSize: *size, Duration: *dur, Count: *count,
		ReadRatio: *readRatio, Keys: *keys, Watchers: *watchers, Prefix: *prefix, Path: *path,
		SessionTimeout: *sessionTimeout,
	}
	if !*quiet {
		o.Progress = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	r.Print(os.Stdout)
	return nil
}
