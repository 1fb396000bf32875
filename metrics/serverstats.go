package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ServerStats is what Apache's ServerStats keeps beside the metric
// registry: the request latency that srvr, stat and mntr print as
// min/avg/max, the client response sizes, and the fsync warning count. It
// is always on: mntr needs it whether or not Prometheus is configured.
//
// ObserveRequest and ObserveNotification sit on the request path; they
// cost a few atomic operations and one uncontended lock.
type ServerStats struct {
	// Latency is ServerStats.requestLatency, in ms.
	Latency *Summary
	// ClientResponse is ServerStats.clientResponseStats: the size of
	// every reply and notification, header included, length prefix not.
	ClientResponse *BufferStats
	// FsyncThresholdExceeded counts syncs slower than
	// fsync.warningthresholdms.
	FsyncThresholdExceeded Counter

	readLatency, updateLatency *Summary
	responseBytes, watchBytes  *Counter
	// fine is the Corral-only sub-millisecond latency histogram, present
	// while Prometheus is exported (see Exporter).
	fine atomic.Pointer[fineLatency]
}

// NewServerStats returns empty stats feeding reg.
func NewServerStats(reg *Registry) *ServerStats {
	return &ServerStats{Latency: NewCounterSummary(), ClientResponse: NewBufferStats(),
		readLatency: reg.Summary(ReadLatency), updateLatency: reg.Summary(UpdateLatency),
		responseBytes: reg.Counter(ResponseBytes), watchBytes: reg.Counter(WatchBytes)}
}

// fineLatency holds the two children of corral_request_duration_seconds,
// resolved once so that observing needs no label lookup.
type fineLatency struct{ read, write prometheus.Observer }

// ObserveRequest records one answered client request: read tells whether
// it was a read (Apache: a request without txn header), latency runs from
// reading the request to queueing its reply, size is the reply's length
// (negative for the connect response, which Apache does not count).
// Latencies are whole milliseconds, truncated, as Apache's
// Time.currentElapsedTime differences are.
func (s *ServerStats) ObserveRequest(read bool, latency time.Duration, size int) {
	ms := latency.Milliseconds()
	if ms >= 0 {
		s.Latency.Add(ms)
		if read {
			s.readLatency.Add(ms)
		} else {
			s.updateLatency.Add(ms)
		}
	}
	if size >= 0 {
		s.ClientResponse.Set(int64(size))
		s.responseBytes.Add(int64(size))
	}
	if f := s.fine.Load(); f != nil {
		if read {
			f.read.Observe(latency.Seconds())
		} else {
			f.write.Observe(latency.Seconds())
		}
	}
}

// ObserveNotification records one watch notification sent to a client.
func (s *ServerStats) ObserveNotification(size int) {
	s.ClientResponse.Set(int64(size))
	s.watchBytes.Add(int64(size))
}

// Reset is the ServerStats part of srst: latency and response sizes.
func (s *ServerStats) Reset() {
	s.Latency.Reset()
	s.ClientResponse.Reset()
	s.FsyncThresholdExceeded.reset()
}
