package admin

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// scrape reads /metrics through the Prometheus text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := httpGet(t, url)
	require.Equal(t, http.StatusOK, code)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	require.NoError(t, err, "/metrics must parse:\n%s", body)
	return fams
}

// value is a metric's value: a gauge's or counter's, a summary's count;
// with a kind, the series labelled kind=<kind>.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, kind ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	require.True(t, ok, "no metric %s", name)
	for _, m := range f.GetMetric() {
		if len(kind) > 0 {
			match := false
			for _, l := range m.GetLabel() {
				match = match || (l.GetName() == "kind" && l.GetValue() == kind[0])
			}
			if !match {
				continue
			}
		}
		switch f.GetType() {
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue()
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue()
		case dto.MetricType_SUMMARY:
			return float64(m.GetSummary().GetSampleCount())
		}
	}
	t.Fatalf("no series %s %v", name, kind)
	return 0
}

// With Apache's Prometheus provider configured, /metrics serves Apache's
// names and Corral's actor metrics, parses with the Prometheus text
// parser, and its counts follow znodes, watches, sessions and requests.
func TestMetricsFollowTheServer(t *testing.T) {
	port := freePort(t)
	corral := harness.StartCorral(t, harness.Options{Config: map[string]string{
		"metricsProvider.className": "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
		"metricsProvider.httpHost":  "127.0.0.1",
		"metricsProvider.httpPort":  fmt.Sprint(port),
	}})
	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", port)

	before := scrape(t, url)
	for _, name := range []string{"znode_count", "watch_count", "ephemerals_count", "approximate_data_size",
		"num_alive_connections", "outstanding_requests", "packets_received", "packets_sent", "global_sessions"} {
		require.Equal(t, dto.MetricType_GAUGE, before[name].GetType(), name)
	}
	for _, name := range []string{"readlatency", "updatelatency", "fsynctime", "election_time"} {
		require.Equal(t, dto.MetricType_SUMMARY, before[name].GetType(), name)
	}
	require.Contains(t, before, "go_goroutines", "metricsProvider.exportJvmInfo defaults to true")
	for _, kind := range []string{"server", "prep", "syncer", "final", "sessions", "listener"} {
		require.Equal(t, 1.0, value(t, before, "corral_actors", kind), kind)
	}

	c := connect(t, corral.Addr)
	populate(t, c)
	_, err := c.Sync("/a") // a read that waits for nothing: readlatency moves as well
	require.NoError(t, err)

	after := scrape(t, url)
	require.Equal(t, value(t, before, "znode_count")+3, value(t, after, "znode_count"))
	require.Equal(t, value(t, before, "ephemerals_count")+1, value(t, after, "ephemerals_count"))
	require.Equal(t, value(t, before, "watch_count")+3, value(t, after, "watch_count"))
	require.Equal(t, value(t, before, "approximate_data_size")+float64(len("/a")+len("hello")+len("/a/b")+len("x")+len("/eph")+len("e")),
		value(t, after, "approximate_data_size"))
	require.Equal(t, 1.0, value(t, after, "num_alive_connections"))
	require.Equal(t, 1.0, value(t, after, "global_sessions"))
	require.Greater(t, value(t, after, "packets_received"), value(t, before, "packets_received"))
	require.Greater(t, value(t, after, "updatelatency"), value(t, before, "updatelatency"))
	require.Greater(t, value(t, after, "readlatency"), value(t, before, "readlatency"))
	require.Greater(t, value(t, after, "response_bytes"), value(t, before, "response_bytes"))
	require.Equal(t, 1.0, value(t, after, "corral_actors", "session"))
	require.Equal(t, 1.0, value(t, after, "corral_actors", "conn"))
	require.Greater(t, value(t, after, "corral_actor_messages_total", "prep"), value(t, before, "corral_actor_messages_total", "prep"))
	require.Greater(t, value(t, after, "corral_actor_messages_total", "session"), 6.0)
	require.Zero(t, value(t, after, "corral_actor_restarts_total", "prep"))
	require.Equal(t, dto.MetricType_HISTOGRAM, after["corral_request_duration_seconds"].GetType())
}

// Without metricsProvider.className nothing listens on the metrics port,
// as in Apache, whose default provider has no HTTP endpoint.
func TestMetricsOffByDefault(t *testing.T) {
	port := freePort(t)
	harness.StartCorral(t, harness.Options{Config: map[string]string{"metricsProvider.httpPort": fmt.Sprint(port)}})
	_, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	require.Error(t, err)
}
