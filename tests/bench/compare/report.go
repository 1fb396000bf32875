package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/corral-zk/corral/bench"
)

// record is one measurement of one server, as written to the JSON lines
// file: either a load run (Result) or a single figure (Value in Unit).
type record struct {
	Scenario string `json:"scenario"`
	Server   string `json:"server"` // "corral" or "apache"
	// Load marks a load run (Result, or Failed when it could not run);
	// otherwise the record is a single figure.
	Load   bool          `json:"load,omitempty"`
	Result *bench.Result `json:"result,omitempty"`
	Value  float64       `json:"value,omitempty"`
	Unit   string        `json:"unit,omitempty"`
	// Failed says why there is no figure (e.g. the data was not there after
	// a restart); the table shows it instead of a number.
	Failed string `json:"failed,omitempty"`
	// LoadAvg is the machine's 1-minute load average when the measurement
	// ended: on a shared machine it says which figures were disturbed.
	LoadAvg float64 `json:"loadavg_1m,omitempty"`
	// Target is issue 6's goal for the ratio Corral/Apache, e.g. ">=1.5"
	// for throughput (single figures only; load runs get theirs by workload).
	Target string `json:"target,omitempty"`
}

// report collects records in the order they were measured.
type report struct {
	records []record
	order   []string // scenarios, first appearance
}

func (r *report) add(rec record) {
	for _, s := range r.order {
		if s == rec.Scenario {
			r.records = append(r.records, rec)
			return
		}
	}
	r.order = append(r.order, rec.Scenario)
	r.records = append(r.records, rec)
}

func (r *report) get(scenario, server string) *record {
	for i := len(r.records) - 1; i >= 0; i-- {
		if rec := &r.records[i]; rec.Scenario == scenario && rec.Server == server {
			return rec
		}
	}
	return nil
}

// throughputTarget is issue 6's throughput goal by workload.
func throughputTarget(workload string) string {
	switch workload {
	case "get", "set", "create", "mixed":
		return ">=1.5"
	}
	return ""
}

// ratio renders c/a, or why there is none.
func ratio(c, a float64) string {
	if c == 0 || a == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", c/a)
}

// verdict checks a ratio against a target such as ">=1.5" or "<=0.25".
func verdict(c, a float64, target string) string {
	if target == "" {
		return ""
	}
	if c == 0 || a == 0 {
		return target + " ?"
	}
	var bound float64
	r := c / a
	switch {
	case strings.HasPrefix(target, ">="):
		fmt.Sscanf(target[2:], "%g", &bound)
		if r >= bound {
			return target + " met"
		}
	case strings.HasPrefix(target, "<="):
		fmt.Sscanf(target[2:], "%g", &bound)
		if r <= bound {
			return target + " met"
		}
	}
	return target + " MISSED"
}

// print writes the comparison as markdown tables: load runs (throughput,
// p50, p99 and their ratios Corral/Apache), then single figures (memory,
// restart, disk, and the ensemble rows).
func (r *report) print(w io.Writer) {
	var loads, figures []string
	for _, sc := range r.order {
		if isLoad(r.get(sc, "corral")) || isLoad(r.get(sc, "apache")) {
			loads = append(loads, sc)
		} else {
			figures = append(figures, sc)
		}
	}
	fmt.Fprintln(w, "Ratios are Corral / Apache: above 1 means Corral is higher (better for throughput, worse for latency, memory and time).")
	if len(loads) > 0 {
		fmt.Fprintln(w)
		r.printLoads(w, loads)
	}
	if len(figures) > 0 {
		fmt.Fprintln(w)
		r.printFigures(w, figures)
	}
}

// printLoads writes the table of load runs.
func (r *report) printLoads(w io.Writer, scenarios []string) {
	fmt.Fprintln(w, "| scenario | Corral ops/s | Apache ops/s | ratio | Corral p50 | Apache p50 | ratio | Corral p99 | Apache p99 | ratio | errors C/A | load C/A | targets (ops/s, p99) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, sc := range scenarios {
		c, a := r.get(sc, "corral"), r.get(sc, "apache")
		cr, ar := resultOf(c), resultOf(a)
		workload := cr.Workload
		if workload == "" {
			workload = ar.Workload
		}
		targets := strings.Trim(strings.Join([]string{
			verdict(cr.Throughput, ar.Throughput, throughputTarget(workload)),
			verdict(cr.Latency.P99, ar.Latency.P99, "<=1"),
		}, ", "), ", ")
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", sc,
			opsCell(c), opsCell(a), ratio(cr.Throughput, ar.Throughput),
			latCell(c, cr.Latency.P50), latCell(a, ar.Latency.P50), ratio(cr.Latency.P50, ar.Latency.P50),
			latCell(c, cr.Latency.P99), latCell(a, ar.Latency.P99), ratio(cr.Latency.P99, ar.Latency.P99),
			fmt.Sprintf("%d/%d", cr.Errors, ar.Errors), loadCell(c)+"/"+loadCell(a), targets)
	}
}

// printFigures writes the table of single figures (memory, time, disk).
func (r *report) printFigures(w io.Writer, scenarios []string) {
	fmt.Fprintln(w, "| figure | Corral | Apache | ratio | load C/A | target |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|")
	for _, sc := range scenarios {
		c, a := r.get(sc, "corral"), r.get(sc, "apache")
		cv, av, target := valueOf(c), valueOf(a), ""
		if c != nil {
			target = c.Target
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", sc, valueCell(c), valueCell(a), ratio(cv, av),
			loadCell(c)+"/"+loadCell(a), verdict(cv, av, target))
	}
}

func isLoad(rec *record) bool { return rec != nil && rec.Load }

// resultOf returns rec's load result, or an empty one.
func resultOf(rec *record) *bench.Result {
	if rec == nil || rec.Result == nil || rec.Failed != "" {
		return &bench.Result{}
	}
	return rec.Result
}

func loadCell(rec *record) string {
	if rec == nil || rec.LoadAvg == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", rec.LoadAvg)
}

func valueOf(rec *record) float64 {
	if rec == nil || rec.Failed != "" {
		return 0
	}
	return rec.Value
}

func opsCell(rec *record) string {
	switch {
	case rec == nil:
		return "—"
	case rec.Failed != "":
		return "failed: " + rec.Failed
	case rec.Result == nil:
		return "—"
	}
	if v := rec.Result.Throughput; v < 100 { // watch rounds: a few a second
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", rec.Result.Throughput)
}

func latCell(rec *record, us float64) string {
	if rec == nil || rec.Result == nil || rec.Failed != "" {
		return "—"
	}
	return bench.FormatMicros(us)
}

func valueCell(rec *record) string {
	switch {
	case rec == nil:
		return "—"
	case rec.Failed != "":
		return rec.Failed
	}
	switch rec.Unit {
	case "MiB":
		return fmt.Sprintf("%.0f MiB", rec.Value)
	case "s":
		return fmt.Sprintf("%.2f s", rec.Value)
	}
	return fmt.Sprintf("%g %s", rec.Value, rec.Unit)
}
