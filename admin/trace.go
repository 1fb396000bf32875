package admin

import (
	"fmt"
	"strconv"

	"github.com/corral-zk/corral/trace"
)

// extensions are the commands Corral adds to Apache's: they answer under
// the command URL like Apache's, but the index page does not list them, so
// that it stays Apache's.
var extensions = []*Command{
	{Names: []string{"trace"}, Run: cmdTrace},
}

// TraceSource is a Source whose server records actor traces (issue 7).
// It is separate from Source so that a source without a trace ring (a
// test's) needs no method for it: the trace command then answers that
// tracing is off.
type TraceSource interface {
	// Traces is the server's ring of actor hops, nil when tracing is off.
	Traces() *trace.Ring
}

// cmdTrace answers /commands/trace?session=S&cxid=C (the hops of one
// request; without cxid, of every request of the session still in the
// ring) and ?zxid=Z (the hops of a txn), which can be combined to get a
// request and its txn in one answer. Ids are decimal or 0x-prefixed hex,
// as Apache prints session ids and zxids. The hops are this server's, in
// the order they were recorded, each with its mailbox wait (queued_ns,
// -1 when the enqueue time is unknown) and handling time (handled_ns).
func cmdTrace(c *Command, src Source, args map[string]string) *Response {
	q, err := traceQuery(args)
	if err != nil {
		return errorResponse(c.Primary(), err.Error())
	}
	ts, ok := src.(TraceSource)
	var ring *trace.Ring
	if ok {
		ring = ts.Traces()
	}
	if ring == nil {
		return errorResponse(c.Primary(), "tracing is off on this server (corral.trace.enabled=false)")
	}
	hops := []any{}
	for _, r := range ring.Find(q) {
		queued := int64(-1)
		if r.Enqueued != 0 {
			queued = r.Started - r.Enqueued
		}
		hops = append(hops, Object{
			{"server_id", r.Server},
			{"kind", r.Kind},
			{"pid", r.PID},
			{"message", r.Message},
			{"session_id", fmt.Sprintf("0x%x", uint64(r.Session))},
			{"cxid", r.Cxid},
			{"zxid", fmt.Sprintf("0x%x", uint64(r.Zxid))},
			{"enqueued_unix_nanos", r.Enqueued},
			{"started_unix_nanos", r.Started},
			{"ended_unix_nanos", r.Ended},
			{"queued_ns", queued},
			{"handled_ns", r.Ended - r.Started},
		})
	}
	resp := c.response()
	resp.Put("hops", hops)
	return resp
}

// traceQuery reads the trace command's parameters.
func traceQuery(args map[string]string) (trace.Query, error) {
	var q trace.Query
	id := func(name string, bits int) (uint64, bool, error) {
		v, ok := args[name]
		if !ok {
			return 0, false, nil
		}
		n, err := strconv.ParseUint(v, 0, bits)
		if err != nil {
			// cxids are signed (negative xids are the server's own).
			s, serr := strconv.ParseInt(v, 0, bits)
			if serr != nil {
				return 0, false, fmt.Errorf("%s: %q is not a number (decimal or 0x hex)", name, v)
			}
			n = uint64(s)
		}
		return n, true, nil
	}
	s, hasSession, err := id("session", 64)
	if err != nil {
		return q, err
	}
	cx, hasCxid, err := id("cxid", 32)
	if err != nil {
		return q, err
	}
	z, hasZxid, err := id("zxid", 64)
	if err != nil {
		return q, err
	}
	if hasCxid && !hasSession {
		return q, fmt.Errorf("cxid needs session")
	}
	if !hasSession && !hasZxid {
		return q, fmt.Errorf("give session (and cxid) or zxid")
	}
	q.Session, q.Cxid, q.HasCxid, q.Zxid = int64(s), int32(uint32(cx)), hasCxid, int64(z)
	return q, nil
}
