package instrument

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
)

// Tracer records, in a ring, one hop per message of a client request or a
// txn that any actor of the tree handles, and the supervision events those
// messages cause (issue 7). It is installed once, as a Hook of the tree,
// and works entirely in the mailbox, which every actor has:
//
//   - on the sender's goroutine (an actor, a socket reader, the remote
//     transport), PostUserMessage stamps a message that carries trace ids
//     (see IDs) and whose request is sampled with its enqueue time;
//   - on the actor's goroutine, the mailbox's invoker (protoactor's actor
//     context, wrapped) unwraps the stamp, so the actor sees its message
//     unchanged, and times the handling;
//   - when the handler panics, protoactor's mailbox hands the stamp to
//     EscalateFailure: the hop and a crash record are written there, and
//     the Restart that the supervisor sends back is timed as the restart
//     record. The supervisor's decision itself is published on the actor
//     system's event stream, which Watch follows.
//
// Working in the mailbox rather than in a receiver middleware matters for
// cost: protoactor wraps every message of an actor that has a receiver
// middleware in a new envelope, traced or not; here a message that is not
// traced, or not sampled, or posted while the ring is off, costs one type
// switch on each side.
type Tracer struct {
	ring   *trace.Ring
	server int64

	// crashes are the traced crashes whose supervisor has not decided yet,
	// by PID: the decision arrives on another goroutine (the parent's) and
	// names only the child. Crashes are rare; the map is bounded anyway.
	mu      sync.Mutex
	crashes map[string]*crash
}

// crash is a traced message that made an actor panic.
type crash struct {
	kind, pid, message string
	ids                []HopIDs
}

// maxPendingCrashes bounds Tracer.crashes (a crash whose decision never
// comes is forgotten once this many are pending).
const maxPendingCrashes = 1024

// NewTracer returns a tracer writing into ring as server (myid, 0 for a
// standalone server).
func NewTracer(ring *trace.Ring, server int64) *Tracer {
	return &Tracer{ring: ring, server: server, crashes: map[string]*crash{}}
}

// TraceHook is NewTracer(ring, server).Hook(): a tracer without supervisor
// decisions (those need Watch) and without export.
func TraceHook(ring *trace.Ring, server int64) Hook { return NewTracer(ring, server).Hook() }

// Hook returns the instrument to add to the server's Tree.
func (t *Tracer) Hook() Hook {
	return Hook{Mailbox: func(kind string, next actor.Mailbox) actor.Mailbox {
		return &tracingMailbox{Mailbox: next, t: t, kind: kind}
	}}
}

// HopIDs are the ids of one request or txn a message belongs to.
type HopIDs struct {
	Session int64
	Cxid    int32
	Zxid    int64
}

// stamp is a traced message in a mailbox: the message as posted (an
// envelope when it has a sender or headers), its ids and enqueue time.
// inline holds the ids of a message of one request, so that a stamp from
// the pool needs no allocation at all.
type stamp struct {
	msg      any
	ids      []HopIDs
	inline   [1]HopIDs
	enqueued int64
}

// tracingMailbox is the mailbox of one actor (it lives as long as the
// actor, across restarts).
type tracingMailbox struct {
	actor.Mailbox
	t    *Tracer
	kind string
	// spare is a stamp the actor is done with, for the next sender to
	// take: an actor with one message in flight at a time (a session, a
	// connection) reuses one stamp, without sync.Pool's per-P queues
	// (a quarter of a hop's instructions). Others fall back to the pool.
	spare atomic.Pointer[stamp]
}

func (m *tracingMailbox) PostUserMessage(msg any) {
	if m.t.ring.Enabled() {
		// The ids are gathered and sampled on the stack: a message that
		// carries none, or is not sampled, costs a type switch and no
		// allocation.
		var buf [1]HopIDs
		if ids := appendIDs(buf[:0], actor.UnwrapEnvelopeMessage(msg)); len(ids) > 0 {
			if ids = sampled(m.t.ring, ids); len(ids) > 0 {
				st := m.spare.Swap(nil)
				if st == nil {
					st = stampPool.Get().(*stamp)
				}
				st.msg = msg
				if len(ids) == 1 {
					st.inline[0] = ids[0]
					st.ids = st.inline[:1]
				} else {
					st.ids = slices.Clone(ids)
				}
				st.enqueued = now()
				msg = st
			}
		}
	}
	m.Mailbox.PostUserMessage(msg)
}

// stampPool recycles stamps: one is taken per traced message and given
// back once the hop is written, which spares the collector a short-lived
// object per message.
var stampPool = sync.Pool{New: func() any { return new(stamp) }}

// RegisterHandlers puts the tracing invoker between the mailbox and the
// actor context.
func (m *tracingMailbox) RegisterHandlers(invoker actor.MessageInvoker, dispatcher actor.Dispatcher) {
	// The invoker is an object of its own: its fields change on every
	// message, on the actor's core, and would otherwise share a cache line
	// with the fields every sender reads.
	m.Mailbox.RegisterHandlers(&tracingInvoker{next: invoker, t: m.t, mb: m, kind: m.kind}, dispatcher)
}

// recycle gives back a stamp whose hop is written.
func (m *tracingMailbox) recycle(st *stamp) {
	*st = stamp{}
	if m.spare.Load() == nil {
		m.spare.Store(st)
		return
	}
	stampPool.Put(st)
}

// tracingInvoker is the actor context as the mailbox sees it. Its fields
// are used only on the actor's goroutine (protoactor runs a mailbox on one
// goroutine at a time, including its EscalateFailure).
type tracingInvoker struct {
	next actor.MessageInvoker
	t    *Tracer
	mb   *tracingMailbox
	kind string
	pid  string

	// cur is the traced message being handled and curStart when its
	// handling started, for the crash path.
	cur      *stamp
	curStart int64
	// lastEnd is when the last traced hop ended, 0 when any other message
	// was handled since: a traced message that was already waiting then
	// started right away, and needs no clock read of its own.
	lastEnd int64
	// crashed is the traced crash this actor awaits a restart for;
	// restarting is set while that restart runs.
	crashed    *crash
	restarting *crash
	restartAt  int64
	// names are the ring Names of this actor's strings (names.go).
	names nameCache
}

func (i *tracingInvoker) InvokeUserMessage(msg any) {
	st, ok := msg.(*stamp)
	if !ok {
		i.lastEnd = 0
		i.next.InvokeUserMessage(msg)
		return
	}
	started := i.lastEnd
	if started == 0 || started < st.enqueued {
		started = now()
	}
	i.cur, i.curStart = st, started
	i.next.InvokeUserMessage(st.msg)
	ended := max(now(), started)
	i.cur, i.lastEnd = nil, ended
	i.writeHop(st, started, ended)
	i.mb.recycle(st)
}

func (i *tracingInvoker) InvokeSystemMessage(msg any) {
	i.lastEnd = 0
	if _, ok := msg.(*actor.Restart); !ok || i.crashed == nil {
		i.next.InvokeSystemMessage(msg)
		return
	}
	// The restart of an actor that crashed on a traced message: its
	// handling stops the old instance, starts the new one and (for a
	// supervision.Stage) retries the message, all of it timed here. (An
	// actor with children restarts only once they have stopped, after
	// this record; Corral's pipeline stages have none.)
	c := i.crashed
	i.crashed, i.restarting, i.restartAt = nil, c, now()
	i.next.InvokeSystemMessage(msg)
	i.restarting = nil
	i.t.writeEvent(c, trace.EventRestart, "actor restarted", i.restartAt, max(now(), i.restartAt))
}

// EscalateFailure is called by the mailbox when the actor panicked; message
// is what the mailbox popped, so a stamp when the handled message was
// traced. The actor context gets the message unwrapped.
func (i *tracingInvoker) EscalateFailure(reason any, message any) {
	at := now()
	var c *crash
	switch {
	case i.cur != nil && message == any(i.cur):
		st := i.cur
		i.cur = nil
		i.writeHop(st, i.curStart, max(at, i.curStart))
		c = &crash{kind: i.kind, pid: i.self(), message: typeName(actor.UnwrapEnvelopeMessage(st.msg)), ids: slices.Clone(st.ids)}
		message = st.msg
	case i.restarting != nil:
		// The restarted instance crashed again (a Stage retrying the
		// message): the restart ends here, and the new crash belongs to
		// the same request.
		c = i.restarting
		i.restarting = nil
		i.t.writeEvent(c, trace.EventRestart, "actor restarted", i.restartAt, max(at, i.restartAt))
	}
	i.lastEnd = 0
	if c != nil {
		i.t.writeEvent(c, trace.EventCrash, panicText(reason), at, at)
		i.crashed = c
		i.t.noteCrash(c)
	}
	i.next.EscalateFailure(reason, message)
}

// self is the actor's PID id, read once (protoactor's actor context is the
// invoker, and its PID is set before any message is delivered).
func (i *tracingInvoker) self() string {
	if i.pid == "" {
		if s, ok := i.next.(interface{ Self() *actor.PID }); ok {
			if p := s.Self(); p != nil {
				i.pid = p.Id
			}
		}
	}
	return i.pid
}

// writeHop writes one record per request of the stamped message. Its
// strings go in as the Names this actor keeps: no map lookup per record.
func (i *tracingInvoker) writeHop(st *stamp, started, ended int64) {
	inner := actor.UnwrapEnvelopeMessage(st.msg)
	ring := i.t.ring
	c := &i.names
	c.check(ring)
	if c.kind == 0 {
		c.kind = ring.Intern(i.kind)
	}
	if c.pid == 0 {
		c.pid = ring.Intern(i.self())
	}
	packet, from := packetOf(inner)
	h := trace.Hop{
		Kind: c.kind, PID: c.pid, Server: i.t.server, Message: c.name(ring, typeName(inner)),
		Packet: c.name(ring, packet), From: from,
		Enqueued: st.enqueued, Started: started, Ended: ended,
	}
	for _, id := range st.ids {
		h.Session, h.Cxid, h.Zxid = id.Session, id.Cxid, id.Zxid
		ring.PutHop(&h)
	}
}

// writeEvent writes a supervision event for every request of c.
func (t *Tracer) writeEvent(c *crash, event, detail string, started, ended int64) {
	rec := trace.Record{
		Kind: c.kind, PID: c.pid, Server: t.server, Message: c.message,
		Started: started, Ended: ended, Event: event, Detail: detail,
	}
	for _, id := range c.ids {
		rec.Session, rec.Cxid, rec.Zxid = id.Session, id.Cxid, id.Zxid
		t.ring.Put(&rec)
	}
}

func (t *Tracer) noteCrash(c *crash) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.crashes) < maxPendingCrashes {
		t.crashes[c.pid] = c
	}
}

// Supervised records the supervisor's decision on the child's last traced
// crash, if it has one pending. Watch calls it for every SupervisorEvent.
func (t *Tracer) Supervised(ev *actor.SupervisorEvent) {
	if ev == nil || ev.Child == nil {
		return
	}
	t.mu.Lock()
	c, ok := t.crashes[ev.Child.Id]
	delete(t.crashes, ev.Child.Id)
	t.mu.Unlock()
	if ok {
		at := now()
		t.writeEvent(c, trace.EventSupervisor, directiveText(ev.Directive), at, at)
	}
}

// directiveText names a supervisor's directive as the trace shows it.
func directiveText(d actor.Directive) string {
	switch d {
	case actor.RestartDirective:
		return "restart"
	case actor.StopDirective:
		return "stop"
	case actor.ResumeDirective:
		return "resume"
	case actor.EscalateDirective:
		return "escalate"
	}
	return d.String()
}

// sampled keeps the ids of the sampled requests, in place. Every request
// is sampled at the default (corral.trace.sample=1): that case costs one
// load, not a hash per id.
func sampled(ring *trace.Ring, ids []HopIDs) []HopIDs {
	if ring.SampleEvery() {
		return ids
	}
	kept := ids[:0]
	for _, id := range ids {
		if ring.Sampled(id.Session, id.Cxid, id.Zxid) {
			kept = append(kept, id)
		}
	}
	return kept
}

// IDs returns the request and txn ids msg carries: none for a message
// that belongs to no client request or txn, several for a batch. A txn
// decided by the server itself (a session expiry) has session and cxid
// of the server's own making, as in Apache's log.
func IDs(msg any) []HopIDs { return appendIDs(nil, msg) }

func appendIDs(dst []HopIDs, msg any) []HopIDs {
	switch m := msg.(type) {
	case *messages.ClientRequest:
		return append(dst, HopIDs{Session: m.SessionId, Cxid: m.Cxid})
	case *messages.OwnedRequest: // a write on its way from the leader to prep
		if r := m.GetRequest(); r != nil {
			return append(dst, HopIDs{Session: r.SessionId, Cxid: r.Cxid})
		}
	case *messages.Txn:
		return appendTxn(dst, m)
	case *messages.Proposal:
		return appendTxn(dst, m.GetTxn())
	case *messages.ProposalBatch:
		for _, p := range m.Proposals {
			dst = appendTxn(dst, p.GetTxn())
		}
		return dst
	case *messages.Reply:
		return appendReply(dst, m)
	case *messages.WriteDone:
		return appendReply(dst, m.GetReply())
	case *messages.WatchEvent:
		if m.Zxid != 0 {
			return append(dst, HopIDs{Zxid: m.Zxid})
		}
	case *messages.QuorumPacket:
		return appendZab(dst, m.GetPacket())
	case *messages.ZabPacket:
		return appendZab(dst, m)
	}
	return dst
}

func appendTxn(dst []HopIDs, t *messages.Txn) []HopIDs {
	if t == nil {
		return dst
	}
	return append(dst, HopIDs{Session: t.SessionId, Cxid: t.Cxid, Zxid: t.Zxid})
}

func appendReply(dst []HopIDs, r *messages.Reply) []HopIDs {
	if r == nil || (r.SessionId == 0 && r.Zxid == 0) {
		return dst
	}
	return append(dst, HopIDs{Session: r.SessionId, Cxid: r.Cxid, Zxid: r.Zxid})
}

// appendZab: a PROPOSAL or INFORM carries its txn, a REQUEST its client
// request, an ACK or COMMIT its zxid and, as trace context, the request
// its txn came from (ZabPacket.session_id, cxid).
func appendZab(dst []HopIDs, p *messages.ZabPacket) []HopIDs {
	if p == nil {
		return dst
	}
	if t := p.GetTxn(); t != nil {
		return appendTxn(dst, t)
	}
	if r := p.GetRequest(); r != nil {
		return append(dst, HopIDs{Session: r.SessionId, Cxid: r.Cxid})
	}
	switch p.Type {
	case messages.ZabType_ZAB_ACK, messages.ZabType_ZAB_COMMIT:
		if p.Zxid != 0 {
			return append(dst, HopIDs{Session: p.SessionId, Cxid: p.Cxid, Zxid: p.Zxid})
		}
	}
	return dst
}

// pendingCount is how many crashes await their supervisor's decision
// (tests).
func (t *Tracer) pendingCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.crashes)
}
