package metrics

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/corral-zk/corral/fourletter"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sources are what the exporter reads on each scrape.
type Sources struct {
	// Stats snapshots the server's gauges (the values mntr prints).
	Stats    func() fourletter.Stats
	Registry *Registry
	Server   *ServerStats
	// Actors may be nil when the actor tree is not instrumented.
	Actors *Actors
	// Runtime adds the Go runtime and process collectors (go_*,
	// process_*), Corral's counterpart of Apache's exportJvmInfo.
	Runtime bool
}

// Exporter serves Apache's metrics in the Prometheus text format, as
// Apache's PrometheusMetricsProvider does: gauges, counters and summaries
// under Apache's names (znode_count, packets_received, readlatency, ...),
// summaries with the quantiles Apache configures (0.5, 0.9, 0.99 for
// percentile summaries, 0.5 for basic ones), plus Corral's own metrics,
// all prefixed corral_.
//
// Gauges are sampled at scrape time from Stats, so nothing on the request
// path changes while the exporter runs except the fine latency histogram
// (corral_request_duration_seconds), one lock-free observation per reply.
type Exporter struct {
	src  Sources
	reg  *prometheus.Registry
	fine *prometheus.HistogramVec
	srv  *http.Server
	ln   net.Listener
}

// NewExporter builds the exporter's registry over src. Several servers in
// one process each have their own (unlike Apache, which uses the JVM-wide
// default registry).
func NewExporter(src Sources) *Exporter {
	e := &Exporter{src: src, reg: prometheus.NewRegistry()}
	e.reg.MustRegister(&apacheCollector{src: src})
	if src.Actors != nil {
		e.reg.MustRegister(&actorCollector{a: src.Actors})
	}
	if src.Runtime {
		e.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	e.fine = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "corral_request_duration_seconds",
		Help: "Time from reading a client request to queueing its reply, by kind (read: no txn; write: through the pipeline).",
		Buckets: []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
			0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"kind"})
	e.reg.MustRegister(e.fine)
	if src.Server != nil {
		src.Server.fine.Store(&fineLatency{read: e.fine.WithLabelValues("read"), write: e.fine.WithLabelValues("write")})
	}
	return e
}

// Gatherer is the exporter's registry (tests and embedding).
func (e *Exporter) Gatherer() prometheus.Gatherer { return e.reg }

// Handler serves /metrics.
func (e *Exporter) Handler() http.Handler {
	return promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Listen binds addr and serves /metrics on it until Close. A bind failure
// is returned, as Apache's provider fails the server's start.
func (e *Exporter) Listen(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", e.Handler())
	e.ln = ln
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() { _ = e.srv.Serve(ln) }()
	return ln.Addr(), nil
}

// Addr is the address Listen bound (nil before).
func (e *Exporter) Addr() net.Addr {
	if e.ln == nil {
		return nil
	}
	return e.ln.Addr()
}

// Close stops serving and detaches the fine latency histogram from the
// request path.
func (e *Exporter) Close() error {
	if e.src.Server != nil {
		e.src.Server.fine.Store(nil)
	}
	if e.srv == nil {
		return nil
	}
	err := e.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// apacheCollector emits Apache's gauges, counters and summaries.
type apacheCollector struct{ src Sources }

// Describe sends nothing: the collector is unchecked because the gauge set
// depends on the server's role (Apache registers quorum and leader gauges
// only there).
func (c *apacheCollector) Describe(chan<- *prometheus.Desc) {}

func (c *apacheCollector) Collect(ch chan<- prometheus.Metric) {
	if c.src.Stats != nil {
		st := c.src.Stats()
		for _, g := range gaugesFor(&st) {
			ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(g.name, g.name, nil, nil),
				prometheus.GaugeValue, g.value)
		}
	}
	r := c.src.Registry
	if r == nil {
		return
	}
	for _, n := range r.CounterNames() {
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(n, n, nil, nil),
			prometheus.CounterValue, float64(r.Counter(n).Get()))
	}
	for _, n := range r.SummaryNames() {
		s := r.Summary(n)
		qs := []float64{0.5}
		if r.IsPercentile(n) {
			qs = []float64{0.5, 0.9, 0.99}
		}
		ch <- prometheus.MustNewConstSummary(prometheus.NewDesc(n, n, nil, nil),
			uint64(s.Count()), float64(s.Sum()), s.Quantiles(qs...))
	}
	// Summary sets, as Apache's PrometheusLabelledSummary: one summary per
	// member under the set's name, the member in the label "key".
	for _, set := range summarySetNames {
		qs := []float64{0.5}
		if set.percentile {
			qs = []float64{0.5, 0.9, 0.99}
		}
		desc := prometheus.NewDesc(set.name, set.name, []string{"key"}, nil)
		r.SummarySet(set.name).each(func(key string, s *Summary) {
			ch <- prometheus.MustNewConstSummary(desc, uint64(s.Count()), float64(s.Sum()), s.Quantiles(qs...), key)
		})
	}
}

type gaugeValue struct {
	name  string
	value float64
}

// gaugesFor lists the gauges Apache registers for the server's role:
// ZooKeeperServer.registerMetrics, plus QuorumZooKeeperServer's and
// LeaderZooKeeperServer's (or FollowerZooKeeperServer's) additions.
func gaugesFor(s *fourletter.Stats) []gaugeValue {
	f := func(v int64) float64 { return float64(v) }
	avg := 0.0
	if s.Latency.Count > 0 {
		avg = float64(s.Latency.Sum) / float64(s.Latency.Count)
	}
	out := []gaugeValue{
		{"avg_latency", avg},
		{"max_latency", f(s.Latency.Max)},
		{"min_latency", f(s.Latency.Min)},
		{"packets_received", f(s.PacketsReceived)},
		{"packets_sent", f(s.PacketsSent)},
		{"num_alive_connections", f(s.AliveConnections)},
		{"outstanding_requests", f(s.Outstanding)},
		{"uptime", f(s.Uptime)},
		{"znode_count", f(s.NodeCount)},
		{"watch_count", f(s.WatchCount)},
		{"ephemerals_count", f(s.EphemeralsCount)},
		{"approximate_data_size", f(s.ApproximateDataSize)},
		{"global_sessions", f(s.GlobalSessions)},
		{"local_sessions", f(s.LocalSessions)},
		{"open_file_descriptor_count", f(s.OpenFileDescriptorCount)},
		{"max_file_descriptor_count", f(s.MaxFileDescriptorCount)},
		{"connection_drop_probability", s.ConnectionDropProbability},
		{"last_client_response_size", f(s.ClientResponseSize.Last)},
		{"max_client_response_size", f(s.ClientResponseSize.Max)},
		{"min_client_response_size", f(s.ClientResponseSize.Min)},
		{"outstanding_tls_handshake", f(s.OutstandingTLSHandshakes)},
		{"auth_failed_count", f(s.AuthFailedCount)},
		{"non_mtls_remote_conn_count", f(s.NonMTLSRemoteConnCount)},
		{"non_mtls_local_conn_count", f(s.NonMTLSLocalConnCount)},
	}
	switch s.Mode {
	case fourletter.StateLeader, fourletter.StateFollower, fourletter.StateObserver:
		out = append(out, gaugeValue{"quorum_size", f(s.QuorumSize)})
	}
	switch {
	case s.Mode == fourletter.StateLeader && s.Leader != nil:
		l := s.Leader
		out = append(out,
			gaugeValue{"learners", f(l.Learners)},
			gaugeValue{"synced_followers", f(l.SyncedFollowers)},
			gaugeValue{"synced_non_voting_followers", f(l.SyncedNonVotingFollowers)},
			gaugeValue{"synced_observers", f(s.SyncedObservers)},
			gaugeValue{"pending_syncs", f(l.PendingSyncs)},
			gaugeValue{"leader_uptime", f(l.Uptime)},
			gaugeValue{"last_proposal_size", f(l.ProposalSizes.Last)},
			gaugeValue{"max_proposal_size", f(l.ProposalSizes.Max)},
			gaugeValue{"min_proposal_size", f(l.ProposalSizes.Min)})
	}
	// A follower registers synced_observers too, but its value is null
	// without an observer master (observerMasterPort), which Corral does
	// not run: Apache then reports nothing, in mntr as in /metrics.
	return out
}

var (
	actorsDesc   = prometheus.NewDesc("corral_actors", "Live actors of the kind.", []string{"kind"}, nil)
	depthDesc    = prometheus.NewDesc("corral_actor_mailbox_depth", "Messages waiting in the mailboxes of the kind's actors.", []string{"kind"}, nil)
	maxDepthDesc = prometheus.NewDesc("corral_actor_mailbox_depth_max", "Messages waiting in the fullest mailbox of the kind.", []string{"kind"}, nil)
	messagesDesc = prometheus.NewDesc("corral_actor_messages_total", "Messages delivered to the mailboxes of the kind's actors.", []string{"kind"}, nil)
	restartsDesc = prometheus.NewDesc("corral_actor_restarts_total", "Restarts of the kind's actors by their supervisors.", []string{"kind"}, nil)
	failuresDesc = prometheus.NewDesc("corral_actor_failures_total", "Failures (panics) of the kind's actors, whatever their supervisor decided.", []string{"kind"}, nil)
)

// actorCollector emits the per-kind actor statistics.
type actorCollector struct{ a *Actors }

func (c *actorCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{actorsDesc, depthDesc, maxDepthDesc, messagesDesc, restartsDesc, failuresDesc} {
		ch <- d
	}
}

func (c *actorCollector) Collect(ch chan<- prometheus.Metric) {
	for _, k := range c.a.Snapshot() {
		ch <- prometheus.MustNewConstMetric(actorsDesc, prometheus.GaugeValue, float64(k.Live), k.Kind)
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(k.Depth), k.Kind)
		ch <- prometheus.MustNewConstMetric(maxDepthDesc, prometheus.GaugeValue, float64(k.MaxDepth), k.Kind)
		ch <- prometheus.MustNewConstMetric(messagesDesc, prometheus.CounterValue, float64(k.Messages), k.Kind)
		ch <- prometheus.MustNewConstMetric(restartsDesc, prometheus.CounterValue, float64(k.Restarts), k.Kind)
		ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.CounterValue, float64(k.Failures), k.Kind)
	}
}
