package server

import (
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/instrument"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/admin"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/metrics"
	"github.com/corral-zk/corral/trace"
	"github.com/corral-zk/corral/wire"
)

// observability is what a server measures and exposes beside serving
// clients: Apache's ServerStats and metric registry (always: srvr and mntr
// read them), the actor instrumentation and the Prometheus endpoint (only
// with metricsProvider.className = PrometheusMetricsProvider, as in
// Apache), and the admin HTTP server (admin.enableServer, on by default as
// in Apache).
type observability struct {
	registry *metrics.Registry
	stats    *metrics.ServerStats
	// tree instruments every actor; it holds no hook (and costs nothing)
	// unless an instrument is configured (tracing is, by default).
	tree *instrument.Tree
	// traces is the ring of actor hops (issue 7); nil when
	// corral.trace.enabled=false.
	traces *trace.Ring
	// tracer records into traces (and supervision events from the event
	// stream, until unwatchTrace); otlp exports every record written to
	// traces when configured.
	tracer       *instrument.Tracer
	otlp         *trace.OTLPExporter
	unwatchTrace func()
	actors       *metrics.Actors
	exporter     *metrics.Exporter
	admin        *admin.Server
	unwatch      func()
	serving      atomic.Bool
	stopped      atomic.Bool
	root         atomic.Pointer[actor.PID]
}

// startObservability sets up the measurements and binds the admin and
// metrics ports. Call it once the actor system exists and before any actor
// is spawned. A metrics port that cannot be bound fails the start, as in
// Apache; so does an admin port, unless it is the unrequested default (see
// startAdmin).
func (s *Server) startObservability() error {
	o := &s.obs
	o.registry = metrics.NewRegistry()
	o.stats = metrics.NewServerStats(o.registry)
	o.tree = instrument.New()
	if s.cfg.Trace.Enabled {
		o.traces = trace.NewRing(s.cfg.Trace.RingSize)
		o.traces.SetSample(s.cfg.Trace.Sample)
		o.traces.SetServer(max(s.cfg.ServerID, 0))
		s.startSlowLog()
		o.tracer = instrument.NewTracer(o.traces, max(s.cfg.ServerID, 0))
		if s.cfg.Trace.OTLPFile != "" || s.cfg.Trace.OTLPEndpoint != "" {
			exp, err := trace.NewOTLPExporter(trace.OTLPConfig{File: s.cfg.Trace.OTLPFile,
				Endpoint: s.cfg.Trace.OTLPEndpoint, Server: max(s.cfg.ServerID, 0), Logger: s.logger})
			if err != nil {
				return err
			}
			o.otlp = exp
			o.traces.SetExport(exp.Add)
		}
		o.tree.Add(o.tracer.Hook())
		o.unwatchTrace = o.tracer.Watch(s.system.EventStream)
	}
	s.counters.Observer = replyStats{o.stats}
	// Apache's per-namespace byte counts (mntr, /metrics), fed by every
	// read and applied write, and the role actors' quorum metrics.
	s.db.SetNamespaceStats(o.registry.Namespaces())
	if s.quorum != nil {
		s.quorum.host.Metrics = roleMetrics{o.registry}
	}
	if s.cfg.MetricsProviderClassName == config.PrometheusMetricsProvider {
		o.actors = metrics.NewActors()
		o.tree.Add(o.actors.Hook())
		o.unwatch = o.actors.Watch(s.system.EventStream)
		o.exporter = metrics.NewExporter(metrics.Sources{
			Stats: (&fourLetterSource{s: s}).Stats, Registry: o.registry, Server: o.stats,
			Actors: o.actors, Runtime: s.cfg.MetricsExportJVMInfo,
		})
		addr := net.JoinHostPort(s.cfg.MetricsHTTPHost, strconv.Itoa(s.cfg.MetricsHTTPPort))
		bound, err := o.exporter.Listen(addr)
		if err != nil {
			s.stopObservability()
			return fmt.Errorf("metricsProvider.httpPort: cannot serve /metrics on %s: %w", addr, err)
		}
		s.logger.Info("serving Prometheus metrics", "addr", bound.String(), "path", "/metrics")
	}
	if err := s.startAdmin(); err != nil {
		s.stopObservability()
		return err
	}
	return nil
}

// markServing records that the server serves clients (readiness, 4lw).
func (s *Server) markServing() {
	s.obs.root.Store(s.root)
	s.obs.serving.Store(true)
}

// serving reports whether the server serves clients now.
func (s *Server) serving() bool { return s.obs.serving.Load() && !s.stopping.Load() }

// instrumented returns the root actor's props with the server's
// instruments, which the root passes on to every actor it spawns.
func (s *Server) instrumented(p *actor.Props) *actor.Props {
	return s.obs.tree.Props("server", p)
}

// stopObservability closes the admin and metrics ports, once. The fields
// stay set: handlers still running on the HTTP servers' goroutines may read
// them.
func (s *Server) stopObservability() {
	o := &s.obs
	o.serving.Store(false)
	if !o.stopped.CompareAndSwap(false, true) {
		return
	}
	if o.admin != nil {
		if err := o.admin.Stop(); err != nil {
			s.logger.Warn("stopping the admin server", "err", err)
		}
	}
	if o.exporter != nil {
		if err := o.exporter.Close(); err != nil {
			s.logger.Warn("stopping the metrics server", "err", err)
		}
	}
	if o.unwatch != nil {
		o.unwatch()
	}
	if o.unwatchTrace != nil {
		o.unwatchTrace()
	}
	if o.otlp != nil {
		// The actors are stopped: export what they recorded last.
		if err := o.otlp.Close(); err != nil {
			s.logger.Warn("closing the OTLP trace export", "err", err)
		}
	}
}

// MetricsAddr is the address /metrics is served on, nil when Prometheus is
// not configured (tests with port 0).
func (s *Server) MetricsAddr() net.Addr {
	if s.obs.exporter == nil {
		return nil
	}
	return s.obs.exporter.Addr()
}

// replyStats feeds the connections' reply observations to ServerStats,
// classifying requests as Apache does: reads are the requests that create
// no transaction.
type replyStats struct{ st *metrics.ServerStats }

func (r replyStats) ObserveReply(op wire.OpCode, latency time.Duration, size int) {
	r.st.ObserveRequest(zkdb.IsRead(op) || op == wire.OpSASL, latency, size)
}

func (r replyStats) ObserveNotification(size int) { r.st.ObserveNotification(size) }
