package metrics

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/corral-zk/corral/fourletter"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
)

func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	require.NoError(t, err, "the exposition must parse:\n%s", body)
	return fams
}

// The endpoint serves Apache's metric names with Apache's types (gauges
// from the server's stats, counters and summaries from the registry) plus
// Corral's own, in a form the Prometheus text parser accepts.
func TestExporterServesApacheNames(t *testing.T) {
	reg := NewRegistry()
	stats := NewServerStats(reg)
	st := fourletter.Stats{Mode: fourletter.StateStandalone, NodeCount: 7, WatchCount: 3, EphemeralsCount: 1,
		ApproximateDataSize: 61, AliveConnections: 2, PacketsReceived: 10, PacketsSent: 9,
		Latency: fourletter.Summary{Count: 4, Sum: 10, Min: 1, Max: 5}}
	actors := NewActors()
	e := NewExporter(Sources{Stats: func() fourletter.Stats { return st }, Registry: reg, Server: stats,
		Actors: actors, Runtime: true})
	addr, err := e.Listen("127.0.0.1:0")
	require.NoError(t, err)
	defer e.Close()
	url := "http://" + addr.String() + "/metrics"

	stats.ObserveRequest(true, 2*time.Millisecond, 30)
	stats.ObserveRequest(false, 7*time.Millisecond, 20)
	reg.Counter("commit_count").Add(3)

	fams := scrape(t, url)
	gauge := func(name string) float64 {
		t.Helper()
		f, ok := fams[name]
		require.True(t, ok, "missing %s", name)
		require.Equal(t, dto.MetricType_GAUGE, f.GetType(), name)
		return f.GetMetric()[0].GetGauge().GetValue()
	}
	require.Equal(t, 7.0, gauge("znode_count"))
	require.Equal(t, 3.0, gauge("watch_count"))
	require.Equal(t, 1.0, gauge("ephemerals_count"))
	require.Equal(t, 61.0, gauge("approximate_data_size"))
	require.Equal(t, 2.0, gauge("num_alive_connections"))
	require.Equal(t, 10.0, gauge("packets_received"))
	require.Equal(t, 9.0, gauge("packets_sent"))
	require.Equal(t, 2.5, gauge("avg_latency"))
	require.NotContains(t, fams, "quorum_size", "standalone Apache registers no quorum gauges")

	require.Equal(t, dto.MetricType_COUNTER, fams["commit_count"].GetType())
	require.Equal(t, 3.0, fams["commit_count"].GetMetric()[0].GetCounter().GetValue())
	require.Equal(t, 50.0, fams["response_bytes"].GetMetric()[0].GetCounter().GetValue())

	read := fams["readlatency"]
	require.Equal(t, dto.MetricType_SUMMARY, read.GetType())
	sum := read.GetMetric()[0].GetSummary()
	require.Equal(t, uint64(1), sum.GetSampleCount())
	require.Equal(t, 2.0, sum.GetSampleSum())
	require.Len(t, sum.GetQuantile(), 3, "percentile summaries export 0.5, 0.9, 0.99")
	require.Equal(t, 2.0, sum.GetQuantile()[0].GetValue())
	fsync := fams["fsynctime"].GetMetric()[0].GetSummary()
	require.Len(t, fsync.GetQuantile(), 1, "basic summaries export the median only")
	require.True(t, math.IsNaN(fsync.GetQuantile()[0].GetValue()), "no observation yet")

	fine := fams["corral_request_duration_seconds"]
	require.Equal(t, dto.MetricType_HISTOGRAM, fine.GetType())
	require.Len(t, fine.GetMetric(), 2)
	require.Contains(t, fams, "go_goroutines")
	require.Contains(t, fams, "process_open_fds")

	st.NodeCount = 9
	require.Equal(t, 9.0, scrape(t, url)["znode_count"].GetMetric()[0].GetGauge().GetValue(), "gauges are sampled per scrape")
}

// Close stops the endpoint and takes the histogram off the request path.
func TestExporterClose(t *testing.T) {
	reg := NewRegistry()
	stats := NewServerStats(reg)
	e := NewExporter(Sources{Registry: reg, Server: stats})
	addr, err := e.Listen("127.0.0.1:0")
	require.NoError(t, err)
	require.NotNil(t, stats.fine.Load())
	require.NoError(t, e.Close())
	require.Nil(t, stats.fine.Load())
	_, err = http.Get("http://" + addr.String() + "/metrics")
	require.Error(t, err)

	again := NewExporter(Sources{Registry: reg})
	_, err = again.Listen(addr.String())
	require.NoError(t, err, "the port is free again")
	require.NoError(t, again.Close())
}
