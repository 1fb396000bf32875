package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/bench"
)

func TestVerdict(t *testing.T) {
	require.Equal(t, ">=1.5 met", verdict(3, 2, ">=1.5"))
	require.Equal(t, ">=1.5 MISSED", verdict(2.9, 2, ">=1.5"))
	require.Equal(t, "<=0.25 met", verdict(1, 4, "<=0.25"))
	require.Equal(t, "<=0.25 MISSED", verdict(1.1, 4, "<=0.25"))
	require.Equal(t, "<=1 ?", verdict(0, 4, "<=1"), "no figure, no verdict")
	require.Equal(t, "", verdict(1, 2, ""))
	require.Equal(t, "0.50", ratio(1, 2))
	require.Equal(t, "n/a", ratio(1, 0))
}

// TestReportTables renders a small report and checks each kind of row: a
// load run on both servers, a load run that failed on one, single figures
// with a target, and a figure that is not available.
func TestReportTables(t *testing.T) {
	var r report
	get := func(server string, ops, p50, p99 float64) *bench.Result {
		return &bench.Result{Label: server, Workload: "get", Throughput: ops, Latency: bench.Latency{P50: p50, P99: p99}}
	}
	r.add(record{Scenario: "get 32×1", Server: "corral", Load: true, Result: get("corral", 30000, 900, 4000), LoadAvg: 1.25})
	r.add(record{Scenario: "get 32×1", Server: "apache", Load: true, Result: get("apache", 15000, 1500, 8000), LoadAvg: 2})
	r.add(record{Scenario: "watch", Server: "corral", Load: true, Failed: "bench: opening 10 sessions: refused"})
	r.add(record{Scenario: "watch", Server: "apache", Load: true, Result: &bench.Result{Workload: "watch", Throughput: 5, Latency: bench.Latency{P50: 1e5, P99: 2e5}}})
	r.add(record{Scenario: "RSS", Server: "corral", Value: 100, Unit: "MiB", Target: "<=0.25"})
	r.add(record{Scenario: "RSS", Server: "apache", Value: 1000, Unit: "MiB", Target: "<=0.25"})
	r.add(record{Scenario: "restart", Server: "corral", Failed: "the data was not recovered", Target: "<=0.5"})
	r.add(record{Scenario: "restart", Server: "apache", Value: 2.5, Unit: "s", Target: "<=0.5"})

	var b strings.Builder
	r.print(&b)
	out := b.String()
	require.Contains(t, out, "| get 32×1 | 30000 | 15000 | 2.00 | 900µs | 1.50ms | 0.60 | 4.00ms | 8.00ms | 0.50 | 0/0 | 1.2/2.0 | >=1.5 met, <=1 met |")
	require.Contains(t, out, "| watch | failed: bench: opening 10 sessions: refused | 5.00 | n/a | — | 100.00ms | n/a | — | 200.00ms | n/a | 0/0 | —/— | <=1 ? |")
	require.Contains(t, out, "| RSS | 100 MiB | 1000 MiB | 0.10 | —/— | <=0.25 met |")
	require.Contains(t, out, "| restart | the data was not recovered | 2.50 s | n/a | —/— | <=0.5 ? |")
	require.Contains(t, out, "| watch | failed: bench: opening 10 sessions: refused | 5.00 |", "a few rounds a second keep their decimals")
	require.Less(t, strings.Index(out, "| get 32×1"), strings.Index(out, "| watch"), "rows keep the order of measurement")

	var only report
	only.add(record{Scenario: "RSS", Server: "corral", Value: 1, Unit: "MiB"})
	b.Reset()
	only.print(&b)
	require.NotContains(t, b.String(), "ops/s", "no empty load table")
}
