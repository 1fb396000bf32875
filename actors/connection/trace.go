package connection

import (
	"github.com/corral-zk/corral/actors/instrument"
	"github.com/corral-zk/corral/trace"
	"github.com/corral-zk/corral/wire"
)

// The reader is not an actor, so the trace hook that records every
// actor's hops (actors/instrument) does not see it: the reader records its
// own hop, the first of every request, directly in the ring. The hop's
// enqueue time is when the request was read off the socket, its start
// when the reader was through the backpressure waits (so its mailbox time
// is the time the client was held back) and its end when the request was
// handed to the session actor. The request is also noted as begun, so
// that its reply's hop completes it (trace.Ring.Completed, the slow-request
// log).

// traceClock is the time a request was read, 0 when tracing is off (no
// clock read then). The reader's hop uses the actors' hop clock
// (instrument.Now): the hops it is compared with come from it, and it
// costs half of time.Now.
func (c *Conn) traceClock() int64 {
	if !c.deps.Traces.Enabled() {
		return 0
	}
	return instrument.Now()
}

// beginTrace decides whether the request read at readAt is traced (pings
// are not: they are no request an operator follows) and, if so, notes it
// begun and returns the time it is handed on.
func (c *Conn) beginTrace(session int64, hdr wire.RequestHeader, readAt int64) (bool, int64) {
	if readAt == 0 || hdr.Type == wire.OpPing {
		return false, 0
	}
	if !c.deps.Traces.BeginRequest(session, hdr.Xid, int32(hdr.Type), readAt) {
		return false, 0
	}
	return true, instrument.Now()
}

// traceRead records the read hop. It is written as a trace.Hop: its kind
// and message are names every ring has fixed, and its PID, the same string
// on every request of the connection, is found in the ring's cache of
// recent names, so the hop costs no map lookup.
func (c *Conn) traceRead(session int64, cxid int32, readAt, sentAt int64) {
	ring := c.deps.Traces
	pid := ""
	if c.pid != nil {
		pid = c.pid.Id
	}
	ring.PutHop(&trace.Hop{
		Kind: ring.Intern(trace.KindConn), PID: ring.Intern(pid), Server: c.deps.ServerID,
		Message: ring.Intern(trace.ReadMessage),
		Session: session, Cxid: cxid, Enqueued: readAt, Started: sentAt, Ended: max(instrument.Now(), sentAt),
	})
}
