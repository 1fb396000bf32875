// Package tracequery gathers a request's trace from every server of an
// ensemble (issue 7). Each server keeps its own ring of hops (package
// trace); an admin API request on any server must show the hops of all of
// them. The admin ports of the other servers are not known in general
// (each server's admin.serverPort is in its own zoo.cfg only), but every
// server reaches every other one on the quorum transport. So each server
// runs a trace query actor under a fixed name ("server/tracequery"), and
// the server asked sends TraceQuery to every other server's actor and
// merges the TraceAnswers that come back within a timeout; a server that
// does not answer in time is reported as such, and the answer is partial.
//
// The actor only reads the ring (which is safe from any goroutine); it
// holds no state, so a crash of it loses nothing.
package tracequery

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/corral-zk/corral/actors/transport"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

// Name is the trace query actor's id on every server: the root actor
// ("server") spawns it as "tracequery".
const Name = "server/tracequery"

// ErrOff is the answer of a server whose tracing is off.
const ErrOff = "tracing is off on this server (corral.trace.enabled=false)"

// Props returns the props of the trace query actor answering from ring
// (nil when tracing is off) as server id.
func Props(ring *trace.Ring, server int64) *actor.Props {
	return actor.PropsFromFunc(func(ctx actor.Context) {
		if q, ok := ctx.Message().(*messages.TraceQuery); ok && ctx.Sender() != nil {
			ctx.Respond(Answer(ring, server, q))
		}
	})
}

// Answer is server's answer to q from its ring.
func Answer(ring *trace.Ring, server int64, q *messages.TraceQuery) *messages.TraceAnswer {
	a := &messages.TraceAnswer{Server: server}
	if ring == nil {
		a.Error = ErrOff
		return a
	}
	if q.GetSlow() {
		done, last := ring.Completed(q.GetSinceSeq(), q.GetSlowerThanNs())
		a.LastSeq = last
		for _, d := range done {
			a.Done = append(a.Done, &messages.TraceRequestDone{Seq: d.Seq, SessionId: d.Session, Cxid: d.Cxid,
				Zxid: d.Zxid, Read: d.Read, Replied: d.Replied, Op: d.Op})
		}
		return a
	}
	for _, r := range ring.Find(trace.Query{Session: q.GetSessionId(), Cxid: q.GetCxid(), HasCxid: q.GetHasCxid(), Zxid: q.GetZxid()}) {
		a.Hops = append(a.Hops, &messages.TraceHop{Seq: r.Seq, Kind: r.Kind, Pid: r.PID, Server: r.Server,
			Message: r.Message, SessionId: r.Session, Cxid: r.Cxid, Zxid: r.Zxid, Enqueued: r.Enqueued,
			Started: r.Started, Ended: r.Ended, Packet: r.Packet, From: r.From, Event: r.Event, Detail: r.Detail})
	}
	return a
}

// Part turns an answer into the part of a gathered trace it is.
func Part(a *messages.TraceAnswer) trace.Part {
	p := trace.Part{Server: a.GetServer(), Answered: true, Err: a.GetError(), Last: a.GetLastSeq()}
	for _, h := range a.GetHops() {
		p.Hops = append(p.Hops, trace.Record{Seq: h.GetSeq(), Kind: h.GetKind(), PID: h.GetPid(), Server: h.GetServer(),
			Message: h.GetMessage(), Session: h.GetSessionId(), Cxid: h.GetCxid(), Zxid: h.GetZxid(),
			Enqueued: h.GetEnqueued(), Started: h.GetStarted(), Ended: h.GetEnded(), Packet: h.GetPacket(),
			From: h.GetFrom(), Event: h.GetEvent(), Detail: h.GetDetail()})
	}
	for _, d := range a.GetDone() {
		p.Done = append(p.Done, trace.Done{Seq: d.GetSeq(), Session: d.GetSessionId(), Cxid: d.GetCxid(),
			Zxid: d.GetZxid(), Op: d.GetOp(), Read: d.GetRead(), Replied: d.GetReplied()})
	}
	return p
}

// Gatherer asks every server of an ensemble.
type Gatherer struct {
	System    *actor.ActorSystem
	Transport *transport.Transport
	Ring      *trace.Ring // this server's (nil: tracing is off here)
	Timeout   time.Duration
}

// Gather sends q to every server (this one answers directly, the others
// through their trace query actors, all at once) and returns one part per
// server, by server id. since gives the cursor
// of each server for a query of completed requests (missing: 0).
func (g *Gatherer) Gather(q *messages.TraceQuery, since trace.Cursor) []trace.Part {
	self := g.Transport.Self()
	local := cloneQuery(q, since.At(self))
	parts := []trace.Part{Part(Answer(g.Ring, self, local))}
	peers := g.Transport.Peers()
	slices.Sort(peers)
	others := make([]trace.Part, len(peers))
	var wg sync.WaitGroup
	for i, sid := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			others[i] = g.ask(sid, cloneQuery(q, since.At(sid)))
		}()
	}
	wg.Wait()
	parts = append(parts, others...)
	slices.SortFunc(parts, func(a, b trace.Part) int { return cmp.Compare(a.Server, b.Server) })
	return parts
}

func (g *Gatherer) ask(sid int64, q *messages.TraceQuery) trace.Part {
	pid, ok := g.Transport.PID(sid, Name)
	if !ok {
		return trace.Part{Server: sid, Err: "not in the configuration"}
	}
	res, err := g.System.Root.RequestFuture(pid, q, g.Timeout).Result()
	if err != nil {
		return trace.Part{Server: sid, Err: "no answer within " + g.Timeout.String() + ": " + err.Error()}
	}
	a, ok := res.(*messages.TraceAnswer)
	if !ok {
		return trace.Part{Server: sid, Err: "unexpected answer"}
	}
	p := Part(a)
	p.Server = sid
	return p
}

func cloneQuery(q *messages.TraceQuery, since uint64) *messages.TraceQuery {
	return &messages.TraceQuery{SessionId: q.GetSessionId(), Cxid: q.GetCxid(), HasCxid: q.GetHasCxid(),
		Zxid: q.GetZxid(), Slow: q.GetSlow(), SlowerThanNs: q.GetSlowerThanNs(), SinceSeq: since}
}
