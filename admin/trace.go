package admin

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
	"github.com/corral-zk/corral/wire"
)

// extensions are the commands Corral adds to Apache's: they answer under
// the command URL like Apache's, but the index page does not list them, so
// that it stays Apache's.
var extensions = []*Command{
	{Names: []string{"trace"}, Run: cmdTrace},
	{Names: []string{"members"}, Run: cmdMembers},
}

// TraceSource is a Source whose server records actor traces (issue 7).
// It is separate from Source so that a source without a trace ring (a
// test's) needs no method for it: the trace command then answers that
// tracing is off.
type TraceSource interface {
	// Traces is the server's ring of actor hops, nil when tracing is off.
	Traces() *trace.Ring
}

// TraceGatherer is a TraceSource of an ensemble server: it asks every
// server of the ensemble (itself included) for its part of a trace
// (actors/tracequery), within a timeout.
type TraceGatherer interface {
	GatherTraces(q *messages.TraceQuery, since trace.Cursor) []trace.Part
}

// cmdTrace answers /commands/trace?session=S&cxid=C (the hops of one
// request; without cxid, of every request of the session still in the
// rings) and ?zxid=Z (the hops of a txn), which can be combined to get a
// request and its txn in one answer. Ids are decimal or 0x-prefixed hex,
// as Apache prints session ids and zxids.
//
// On a server of an ensemble the hops are gathered from every server and
// merged into one causal timeline (trace.Merge); "servers" says which
// answered, and "partial" is true when one did not (or has tracing off).
// &local=1 asks for this server's hops only. Each hop has its mailbox wait
// (queued_ns, -1 when the enqueue time is unknown) and handling time
// (handled_ns); total_ns spans the first hop's enqueue (or start) to the
// last hop's end.
//
// ?slowerThan=D lists, instead, the requests the servers completed (their
// reply left) at least D after they were read, D a Go duration ("50ms")
// or milliseconds; &since=CURSOR lists only those completed after the
// "cursor" a previous answer gave ("1:34,2:50,3:7", or one number for
// every server), which is how `corral trace --follow` polls.
func cmdTrace(c *Command, src Source, args map[string]string) *Response {
	local := args["local"] == "1" || args["local"] == "true"
	if _, slow := args["slowerThan"]; slow {
		if _, ok := args["session"]; !ok {
			if _, ok := args["zxid"]; !ok {
				return cmdTraceSlow(c, src, args, local)
			}
		}
	}
	q, err := traceQuery(args)
	if err != nil {
		return errorResponse(c.Primary(), err.Error())
	}
	parts, errResp := traceParts(c, src, &messages.TraceQuery{SessionId: q.Session, Cxid: q.Cxid, HasCxid: q.HasCxid, Zxid: q.Zxid}, nil, local)
	if errResp != nil {
		return errResp
	}
	var all []trace.Record
	for _, p := range parts {
		all = append(all, p.Hops...)
	}
	merged := trace.Merge(all)
	hops := []any{}
	var first, last int64
	for i, r := range merged {
		queued := int64(-1)
		if r.Enqueued != 0 {
			queued = r.Started - r.Enqueued
		}
		hop := Object{
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
		}
		if r.Packet != "" {
			// A quorum packet, and the server it came from (0: routed
			// inside this server).
			hop = append(hop, Field{"packet", r.Packet}, Field{"from_server", r.From})
		}
		if r.Event != "" {
			// A supervision event (crash, supervisor decision, restart)
			// caused by this request's message.
			hop = append(hop, Field{"event", r.Event}, Field{"detail", r.Detail})
		}
		hops = append(hops, hop)
		begin := r.Started
		if r.Enqueued != 0 {
			begin = r.Enqueued
		}
		if i == 0 || begin < first {
			first = begin
		}
		last = max(last, r.Ended)
	}
	resp := c.response()
	resp.Put("hops", hops)
	resp.Put("total_ns", last-first)
	putServers(resp, parts)
	return resp
}

// traceParts asks this server (local, or when it is standalone) or every
// server of the ensemble.
func traceParts(c *Command, src Source, q *messages.TraceQuery, since trace.Cursor, local bool) ([]trace.Part, *Response) {
	if g, ok := src.(TraceGatherer); ok && !local {
		return g.GatherTraces(q, since), nil
	}
	ts, ok := src.(TraceSource)
	var ring *trace.Ring
	if ok {
		ring = ts.Traces()
	}
	if ring == nil {
		return nil, errorResponse(c.Primary(), "tracing is off on this server (corral.trace.enabled=false)")
	}
	p := trace.Part{Server: ring.Server(), Answered: true}
	if q.GetSlow() {
		p.Done, p.Last = ring.Completed(since.At(p.Server), q.GetSlowerThanNs())
	} else {
		p.Hops = ring.Find(trace.Query{Session: q.GetSessionId(), Cxid: q.GetCxid(), HasCxid: q.GetHasCxid(), Zxid: q.GetZxid()})
	}
	return []trace.Part{p}, nil
}

// putServers reports which servers answered.
func putServers(resp *Response, parts []trace.Part) {
	servers := []any{}
	partial := false
	for _, p := range parts {
		o := Object{{"server_id", p.Server}, {"answered", p.Answered}, {"hops", len(p.Hops)}}
		if p.Err != "" {
			o = append(o, Field{"error", p.Err})
			partial = true
		}
		partial = partial || !p.Answered
		servers = append(servers, o)
	}
	resp.Put("servers", servers)
	resp.Put("partial", partial)
}

// cmdTraceSlow lists completed requests slower than a threshold.
func cmdTraceSlow(c *Command, src Source, args map[string]string, local bool) *Response {
	limit, err := parseSlowerThan(args["slowerThan"])
	if err != nil {
		return errorResponse(c.Primary(), err.Error())
	}
	since, err := trace.ParseCursor(args["since"])
	if err != nil {
		return errorResponse(c.Primary(), "since: "+err.Error())
	}
	parts, errResp := traceParts(c, src, &messages.TraceQuery{Slow: true, SlowerThanNs: int64(limit)}, since, local)
	if errResp != nil {
		return errResp
	}
	type item struct {
		server int64
		d      trace.Done
	}
	var items []item
	cursor := trace.Cursor{}
	for _, p := range parts {
		for _, d := range p.Done {
			items = append(items, item{p.Server, d})
		}
		if p.Answered {
			cursor[p.Server] = p.Last
		} else {
			cursor[p.Server] = since.At(p.Server) // ask again from where it was
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.d.Replied, b.d.Replied) })
	reqs := []any{}
	for _, it := range items {
		d := it.d
		reqs = append(reqs, Object{
			{"server_id", it.server},
			{"seq", d.Seq},
			{"session_id", fmt.Sprintf("0x%x", uint64(d.Session))},
			{"cxid", d.Cxid},
			{"zxid", fmt.Sprintf("0x%x", uint64(d.Zxid))},
			{"op", wire.OpCode(d.Op).String()},
			{"read_unix_nanos", d.Read},
			{"replied_unix_nanos", d.Replied},
			{"duration_ns", d.Duration()},
		})
	}
	resp := c.response()
	resp.Put("requests", reqs)
	resp.Put("cursor", cursor.String())
	putServers(resp, parts)
	return resp
}

// parseSlowerThan reads a Go duration ("50ms") or a number of
// milliseconds.
func parseSlowerThan(v string) (time.Duration, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("slowerThan: %q is not a duration (50ms) or a number of milliseconds", v)
	}
	return d, nil
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
