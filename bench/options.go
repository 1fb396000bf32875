// Package bench is Corral's load generator. It speaks the ZooKeeper client
// protocol with its own pipelining client (Conn), so the same run can target
// Corral and Apache ZooKeeper and their figures can be compared as ratios.
//
// Every workload is a closed loop: each session keeps InFlight requests
// outstanding and sends the next one as soon as a reply frees a slot, so
// latency includes queueing in the server and throughput is what the server
// sustains at that concurrency. Latencies go into one HDR-style Histogram
// per run.
package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Workloads lists the workloads Run knows, with what one operation is.
var Workloads = []struct{ Name, Doc string }{
	{"create", "create a new persistent znode of -value-size bytes (op: one create)"},
	{"set", "setData on a random key of the pool (op: one setData)"},
	{"get", "getData of a random key of the pool (op: one getData)"},
	{"mixed", "getData with probability -read-ratio, else setData, on random keys (op: one request)"},
	{"watch", "-watchers sessions watch one znode, one writer changes it (op: one round, timed until every watcher got the event)"},
	{"session", "open a session and close it again (op: one connect + closeSession)"},
	{"populate", "create -count znodes of -value-size bytes as fast as possible (op: one create)"},
	{"firstread", "connect + getData -path, a new attempt every 10ms, until one succeeds (op: the first successful read); for restart timing"},
}

// Options describe one run.
type Options struct {
	Servers  []string // host:port; sessions are spread over them in turn
	Workload string   // one of Workloads
	Label    string   // names the target in output, e.g. "corral"

	Clients   int // sessions (watch: writers are 1; see Watchers)
	InFlight  int // requests in flight per session
	ValueSize int // bytes of data written by create, set and populate

	// Duration bounds the run's load phase; Count bounds its operations
	// (rounds for watch, sessions for session, znodes for populate). At
	// least one must be set; with both, whichever comes first ends the run.
	Duration time.Duration
	Count    int64

	ReadRatio float64 // mixed: fraction of reads, 0..1
	Keys      int     // get, set, mixed: size of the key pool
	Watchers  int     // watch: sessions watching the znode

	// Prefix is the znode under which the run works; every run makes its
	// own child of it, so runs never collide.
	Prefix string
	// Path is the znode firstread reads.
	Path string
	// Since is when firstread's clock starts (e.g. the server's start);
	// zero means when Run is called.
	Since time.Time

	SessionTimeout time.Duration // requested; 0 means 30s
	// Progress receives a progress line once a second; nil for none.
	Progress io.Writer
}

func (o *Options) normalize() error {
	known := false
	for _, w := range Workloads {
		known = known || w.Name == o.Workload
	}
	if !known {
		names := make([]string, len(Workloads))
		for i, w := range Workloads {
			names[i] = w.Name
		}
		return fmt.Errorf("bench: unknown workload %q (want %s)", o.Workload, strings.Join(names, ", "))
	}
	if o.Watchers <= 0 {
		o.Watchers = 100
	}
	if len(o.Servers) == 0 {
		return fmt.Errorf("bench: no server address")
	}
	if o.Duration <= 0 && o.Count <= 0 {
		return fmt.Errorf("bench: set a duration or a count")
	}
	if o.Clients <= 0 {
		o.Clients = 1
	}
	if o.InFlight <= 0 {
		o.InFlight = 1
	}
	if o.ValueSize < 0 {
		return fmt.Errorf("bench: negative value size")
	}
	if o.ReadRatio < 0 || o.ReadRatio > 1 {
		return fmt.Errorf("bench: read ratio %v outside [0, 1]", o.ReadRatio)
	}
	if o.Keys <= 0 {
		o.Keys = 100
	}
	if o.Prefix == "" {
		o.Prefix = "/bench"
	}
	if !strings.HasPrefix(o.Prefix, "/") || (len(o.Prefix) > 1 && strings.HasSuffix(o.Prefix, "/")) {
		return fmt.Errorf("bench: prefix %q is not a znode path", o.Prefix)
	}
	if o.Workload == "firstread" && !strings.HasPrefix(o.Path, "/") {
		return fmt.Errorf("bench: firstread needs a znode path to read")
	}
	if o.Workload == "firstread" && o.Duration <= 0 {
		return fmt.Errorf("bench: firstread needs a duration after which it gives up")
	}
	switch o.Workload {
	case "watch": // the watchers are the sessions that matter
		o.Clients, o.InFlight = o.Watchers, 1
	case "session":
		o.InFlight = 1
	case "firstread":
		o.Clients, o.InFlight = 1, 1
	}
	if o.Workload == "populate" && o.Count <= 0 {
		return fmt.Errorf("bench: populate needs a count of znodes")
	}
	if o.SessionTimeout <= 0 {
		o.SessionTimeout = 30 * time.Second
	}
	if o.Label == "" {
		o.Label = "target"
	}
	return nil
}
