package server

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/actors/tracequery"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
	"github.com/corral-zk/corral/wire"
)

// traceGatherTimeout bounds the wait for each other server's part of a
// trace (actors/tracequery); a server that does not answer within it is
// reported as not answering, and the trace is partial.
const traceGatherTimeout = 2 * time.Second

// gatherTraces asks every server of the ensemble for its part of a trace;
// a standalone server (or one whose quorum port is not open yet) answers
// alone.
func (s *Server) gatherTraces(q *messages.TraceQuery, since trace.Cursor) []trace.Part {
	ring := s.obs.traces
	if s.quorum == nil || s.quorum.transport == nil {
		self := max(s.cfg.ServerID, 0)
		return []trace.Part{tracequery.Part(tracequery.Answer(ring, self, withSince(q, since.At(self))))}
	}
	g := &tracequery.Gatherer{System: s.system, Transport: s.quorum.transport, Ring: ring, Timeout: traceGatherTimeout}
	return g.Gather(q, since)
}

func withSince(q *messages.TraceQuery, since uint64) *messages.TraceQuery {
	return &messages.TraceQuery{SessionId: q.GetSessionId(), Cxid: q.GetCxid(), HasCxid: q.GetHasCxid(),
		Zxid: q.GetZxid(), Slow: q.GetSlow(), SlowerThanNs: q.GetSlowerThanNs(), SinceSeq: since}
}

// GatherTraces makes the admin API's trace command gather from every
// server (admin.TraceGatherer).
func (a *adminSource) GatherTraces(q *messages.TraceQuery, since trace.Cursor) []trace.Part {
	return a.s.gatherTraces(q, since)
}

// slowLogQueue bounds the slow requests waiting to be logged; past it
// they are counted, not logged (a server that is slow everywhere must not
// also queue without bound).
const slowLogQueue = 64

// startSlowLog logs, at WARN, one line per traced request slower than
// corral.trace.slowRequestMs, with its trace gathered from every server.
// The connection that completes a slow request only queues it (it must
// not wait on other servers); one goroutine gathers and logs, until the
// server stops.
func (s *Server) startSlowLog() {
	ms := s.cfg.Trace.SlowRequestMs
	ring := s.obs.traces
	if ms <= 0 || ring == nil {
		return
	}
	ch := make(chan trace.Done, slowLogQueue)
	var dropped atomic.Int64
	ring.SetSlow(int64(ms)*int64(time.Millisecond), func(d trace.Done) {
		select {
		case ch <- d:
		default:
			dropped.Add(1)
		}
	})
	go func() {
		for {
			select {
			case d := <-ch:
				s.logSlow(d, dropped.Load())
			case <-s.done:
				ring.SetSlow(0, nil)
				return
			}
		}
	}()
}

// logSlow writes the slow-request line of d.
func (s *Server) logSlow(d trace.Done, dropped int64) {
	q := &messages.TraceQuery{SessionId: d.Session, Cxid: d.Cxid, HasCxid: true, Zxid: d.Zxid}
	parts := s.gatherTraces(q, nil)
	var all []trace.Record
	var answered []string
	for _, p := range parts {
		all = append(all, p.Hops...)
		if p.Answered && p.Err == "" {
			answered = append(answered, fmt.Sprint(p.Server))
		}
	}
	args := []any{"session", fmt.Sprintf("0x%x", uint64(d.Session)), "cxid", d.Cxid,
		"zxid", fmt.Sprintf("0x%x", uint64(d.Zxid)), "op", wire.OpCode(d.Op).String(),
		"duration", time.Duration(d.Duration()), "threshold_ms", s.cfg.Trace.SlowRequestMs,
		"servers", strings.Join(answered, ","), "trace", trace.OneLine(trace.Merge(all))}
	if dropped > 0 {
		args = append(args, "not_logged_so_far", dropped)
	}
	s.logger.Warn("slow request", args...)
}
