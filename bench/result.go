package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Result is what a run measured. Its JSON form is the contract with scripts
// and the compare runner; latencies are in microseconds.
type Result struct {
	Label     string `json:"label"`
	Workload  string `json:"workload"`
	Clients   int    `json:"clients"`
	InFlight  int    `json:"inflight"`
	ValueSize int    `json:"value_size"`
	// Unit says what one operation is (request, round, session, znode).
	Unit string `json:"unit"`

	Ops        int64            `json:"ops"`    // operations that succeeded
	Errors     int64            `json:"errors"` // operations that failed
	ErrorKinds map[string]int64 `json:"error_kinds,omitempty"`
	Elapsed    float64          `json:"elapsed_s"`  // of the load phase
	Throughput float64          `json:"throughput"` // Ops per second
	Latency    Latency          `json:"latency_us"`

	// Watch only: the number of notifications, and the latency of each
	// one (from the write to that watcher's event), next to Latency which
	// is per round (until the last watcher got it).
	Events       int64    `json:"events,omitempty"`
	EventLatency *Latency `json:"event_latency_us,omitempty"`
	// Populate: a znode written after all the others, whose presence
	// proves they are there too (the input of firstread).
	Marker string `json:"marker,omitempty"`
}

// Latency is a summary of a Histogram in microseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// Summarize reads the quantiles of h.
func Summarize(h *Histogram) Latency {
	return Latency{
		P50: micros(h.Quantile(0.50)), P90: micros(h.Quantile(0.90)), P99: micros(h.Quantile(0.99)),
		P999: micros(h.Quantile(0.999)), Max: micros(h.Max()), Mean: micros(h.Mean()),
	}
}

// FormatMicros renders a latency in a unit that keeps three digits.
func FormatMicros(us float64) string {
	switch {
	case us >= 1e6:
		return fmt.Sprintf("%.2fs", us/1e6)
	case us >= 1e3:
		return fmt.Sprintf("%.2fms", us/1e3)
	default:
		return fmt.Sprintf("%.0fµs", us)
	}
}

// TableHeader is the header of the rows PrintRow writes.
const TableHeader = "target     workload   clients×inflight      ops/s        p50        p90        p99      p99.9        max   errors"

// PrintRow writes r as one row under TableHeader, followed by an error
// breakdown and, for watch, the per-event latencies.
func (r *Result) PrintRow(w io.Writer) {
	fmt.Fprintf(w, "%-10s %-10s %16s %10.0f %10s %10s %10s %10s %10s %8d\n",
		r.Label, r.Workload, fmt.Sprintf("%d×%d", r.Clients, r.InFlight), r.Throughput,
		FormatMicros(r.Latency.P50), FormatMicros(r.Latency.P90), FormatMicros(r.Latency.P99),
		FormatMicros(r.Latency.P999), FormatMicros(r.Latency.Max), r.Errors)
	if e := r.EventLatency; e != nil {
		fmt.Fprintf(w, "%-10s %-10s %16s %10.0f %10s %10s %10s %10s %10s   (per event)\n",
			"", "", fmt.Sprintf("%d events", r.Events), float64(r.Events)/r.Elapsed,
			FormatMicros(e.P50), FormatMicros(e.P90), FormatMicros(e.P99), FormatMicros(e.P999), FormatMicros(e.Max))
	}
	if len(r.ErrorKinds) > 0 {
		kinds := make([]string, 0, len(r.ErrorKinds))
		for k, n := range r.ErrorKinds {
			kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
		}
		sort.Strings(kinds)
		fmt.Fprintf(w, "%-10s errors: %s\n", "", strings.Join(kinds, ", "))
	}
}

// Print writes the header and r's row.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintln(w, TableHeader)
	r.PrintRow(w)
	fmt.Fprintf(w, "(%d %ss in %.2fs)\n", r.Ops, r.Unit, r.Elapsed)
}
