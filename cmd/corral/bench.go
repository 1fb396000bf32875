package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"time"

	"github.com/corral-zk/corral/bench"
)

// runBench is `corral bench`: a load generator that targets any
// ZooKeeper-protocol server (Corral or Apache ZooKeeper).
func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	servers := fs.String("server", "127.0.0.1:2181", "comma-separated host:port list")
	workload := fs.String("workload", "get", "get, set or create")
	clients := fs.Int("clients", 32, "client sessions")
	inflight := fs.Int("inflight", 1, "requests in flight per session")
	size := fs.Int("value-size", 100, "value size in bytes")
	dur := fs.Duration("duration", 10*time.Second, "how long to run")
	label := fs.String("label", "target", "name printed in the result row")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	prefix := fs.String("prefix", "/bench", "znode under which the load runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := bench.Run(context.Background(), bench.Options{Servers: strings.Split(*servers, ","),
		Workload: *workload, Clients: *clients, InFlight: *inflight, ValueSize: *size, Duration: *dur, Prefix: *prefix})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	r.Print(os.Stdout, *label)
	return nil
}
