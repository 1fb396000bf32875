// Package trace keeps, per server, a bounded in-memory ring of hop
// records: one record each time an actor handled a message that belongs to
// a client request or a transaction (issue 7). A request is followed hop by
// hop by asking the ring for the records of its session id and cxid, or of
// its zxid once it became a transaction.
//
// Records are written on every traced message, from every actor's
// goroutine, so writing is lock-cheap: one atomic add picks a slot, and a
// per-slot mutex (uncontended unless writers lap the whole ring while one
// of them is still writing) guards the copy. A slot holds no pointer (its
// strings are Names, names.go), so the collector never scans the ring.
// The ring holds no goroutine, reads no clock and opens no socket: callers
// pass the times in.
package trace

import (
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// DefaultRingSize is how many hops a server keeps when corral.trace.ringSize
// is not set: about 64 Ki hops, at roughly 150 bytes each about 10 MiB, the
// last few thousand requests of a busy server.
const DefaultRingSize = 1 << 16

// Record is one hop: an actor handled one message of a request.
type Record struct {
	// Seq orders records in the order their slots were taken (1 for the
	// first record ever written); a query returns records sorted by it.
	Seq uint64
	// Kind is the actor kind (instrument.KindOf), PID the actor's id.
	Kind, PID string
	// Server is the id of the server that recorded the hop (myid, 0 for
	// a standalone server).
	Server int64
	// Message is the Go type of the message handled ("*messages.Proposal").
	Message string
	// Session, Cxid and Zxid identify the request and its txn (0 when the
	// message does not carry the id).
	Session int64
	Cxid    int32
	Zxid    int64
	// Enqueued, Started and Ended are Unix nanoseconds: when the message
	// was put in the actor's mailbox, when the actor started handling it
	// and when it was done. Enqueued is 0 when unknown.
	Enqueued, Started, Ended int64
	// Event is empty for a hop. For a supervision event caused by the
	// request's message it is EventCrash (the actor panicked handling
	// Message; Detail is the panic value), EventSupervisor (its supervisor
	// decided; Detail is the directive) or EventRestart (the new instance
	// started, Started..Ended, which includes a retry of the message by a
	// supervision.Stage). Kind and PID are the crashed actor's.
	Event, Detail string
	// Packet is the Zab type of a quorum packet ("PROPOSAL", "ACK"), ""
	// for any other message; From is the server a quorum packet came from
	// over the transport, 0 when it was routed inside this server. Merge
	// orders the hops of several servers by them (merge.go).
	Packet string
	From   int64
}

// Supervision events recorded in the ring (Record.Event).
const (
	EventCrash      = "crash"
	EventSupervisor = "supervisor"
	EventRestart    = "restart"
)

// Match reports whether r belongs to the request (session, cxid) or to the
// txn zxid; a zero query field is not compared, and a query with no field
// matches nothing.
func (q Query) Match(r *Record) bool {
	if q.Zxid == 0 && q.Session == 0 {
		return false
	}
	if q.Zxid != 0 && r.Zxid == q.Zxid {
		return true
	}
	return q.Session != 0 && r.Session == q.Session && (!q.HasCxid || r.Cxid == q.Cxid)
}

// Query selects records: those of the txn Zxid, and those of the request
// (Session, Cxid), or of every request of Session when HasCxid is false.
type Query struct {
	Session int64
	Cxid    int32
	HasCxid bool
	Zxid    int64
}

// Hop is a record as the ring stores it, its strings interned (Name,
// Ring.Intern): the form a writer that keeps its Names writes (the actor
// trace hook), at no map lookup per record. Seq is set by PutHop.
type Hop struct {
	Seq                                       uint64
	Kind, PID, Message, Packet, Event, Detail Name
	Cxid                                      int32
	Server, Session, Zxid                     int64
	Enqueued, Started, Ended                  int64
	From                                      int64
}

// slot is padded to a whole number of cache lines (two): consecutive
// slots are written at the same moment by different cores (a request's
// hops), and without padding each write would steal its neighbour's line.
type slot struct {
	mu sync.Mutex
	h  Hop
	_  [(cacheLine - (unsafe.Sizeof(sync.Mutex{})+unsafe.Sizeof(Hop{}))%cacheLine) % cacheLine]byte
}

// cacheLine is the cache line size of the CPUs Corral runs on (x86-64,
// arm64 servers: 64 bytes).
const cacheLine = 64

// Ring is a bounded ring of records, safe for concurrent use. Once full,
// each new record replaces the oldest one.
type Ring struct {
	slots []slot
	// next, written by every record, has a cache line of its own, away
	// from enabled and sample, which every traced message reads.
	_       [cacheLine]byte
	next    atomic.Uint64
	_       [cacheLine - 8]byte
	enabled atomic.Bool
	sample  atomic.Uint32
	// reqs follows client requests from their read to their reply
	// (requests.go).
	reqs requests
	// export, when set, also gets every record written (OTLP export,
	// otlp_export.go); set once, before the ring is used.
	export func(Record)
	// names interns the strings of the records (names.go).
	names nameTable
}

// SetExport makes every record written from now on also go to f, which
// must not block (OTLPExporter.Add). Call it before the ring is used: it is
// not synchronised with writers.
func (r *Ring) SetExport(f func(Record)) { r.export = f }

// NewRing returns an enabled ring of size slots (DefaultRingSize when
// size <= 0) that samples every request.
func NewRing(size int) *Ring {
	if size <= 0 {
		size = DefaultRingSize
	}
	r := &Ring{slots: make([]slot, size)}
	r.reqs.init()
	r.names.init()
	r.enabled.Store(true)
	r.sample.Store(1)
	return r
}

// Cap is the number of records the ring keeps.
func (r *Ring) Cap() int { return len(r.slots) }

// SetEnabled switches recording on or off; records already written stay.
func (r *Ring) SetEnabled(on bool) { r.enabled.Store(on) }

// Enabled reports whether recording is on. A nil ring is off.
func (r *Ring) Enabled() bool { return r != nil && r.enabled.Load() }

// SetSample records one request in n (n <= 1: every request).
func (r *Ring) SetSample(n int) {
	if n < 1 {
		n = 1
	}
	r.sample.Store(uint32(min(n, 1<<31)))
}

// SampleEvery reports whether every request is recorded (sample 1): the
// tracer's fast path, which skips the hash of Sampled.
func (r *Ring) SampleEvery() bool { return r.sample.Load() <= 1 }

// Sampled decides whether the request (session, cxid), or the txn zxid
// when the message carries no request id, is recorded. The decision is a
// hash of the ids, so every hop of one request is decided alike, on every
// server, without shared state.
func (r *Ring) Sampled(session int64, cxid int32, zxid int64) bool {
	if !r.Enabled() {
		return false
	}
	n := uint64(r.sample.Load())
	if n <= 1 {
		return true
	}
	var k uint64
	if session != 0 || cxid != 0 {
		k = uint64(session)*0x9E3779B97F4A7C15 ^ uint64(uint32(cxid))*0xC2B2AE3D27D4EB4F
	} else {
		k = uint64(zxid) * 0x9E3779B97F4A7C15
	}
	k ^= k >> 29
	return k%n == 0
}

// Write stores a copy of rec (its Seq is assigned) unless recording is off.
func (r *Ring) Write(rec Record) { r.Put(&rec) }

// Put is Write for a caller that has the record at hand (a record is
// about 200 bytes). Put sets rec.Seq. Its strings are interned, a map
// lookup each: a writer on every request keeps Names and calls PutHop.
func (r *Ring) Put(rec *Record) {
	if !r.Enabled() {
		return
	}
	h := Hop{
		Kind: r.Intern(rec.Kind), PID: r.Intern(rec.PID), Message: r.Intern(rec.Message),
		Packet: r.Intern(rec.Packet), Event: r.Intern(rec.Event), Detail: r.Intern(rec.Detail),
		Cxid: rec.Cxid, Server: rec.Server, Session: rec.Session, Zxid: rec.Zxid,
		Enqueued: rec.Enqueued, Started: rec.Started, Ended: rec.Ended, From: rec.From,
	}
	r.PutHop(&h)
	rec.Seq = h.Seq
}

// PutHop stores a copy of h (its Seq is assigned) unless recording is off.
func (r *Ring) PutHop(h *Hop) {
	if !r.Enabled() {
		return
	}
	seq := r.next.Add(1)
	s := &r.slots[(seq-1)%uint64(len(r.slots))]
	h.Seq = seq
	s.mu.Lock()
	// A writer that lapped the ring while this one waited may have stored
	// a newer record: keep the newer one.
	if s.h.Seq < seq {
		s.h = *h
	}
	s.mu.Unlock()
	if h.Kind&0xffff == idxConn && h.Message&0xffff == idxReply && h.Event == 0 {
		r.reqs.replied(h)
	}
	if r.export != nil {
		r.export(r.record(h))
	}
}

// record is h with its Names resolved.
func (r *Ring) record(h *Hop) Record {
	n := &r.names
	return Record{
		Seq: h.Seq, Kind: n.resolve(h.Kind), PID: n.resolve(h.PID), Server: h.Server,
		Message: n.resolve(h.Message), Session: h.Session, Cxid: h.Cxid, Zxid: h.Zxid,
		Enqueued: h.Enqueued, Started: h.Started, Ended: h.Ended,
		Event: n.resolve(h.Event), Detail: n.resolve(h.Detail), Packet: n.resolve(h.Packet), From: h.From,
	}
}

// Written is how many records were ever written (the ring keeps the last
// Cap of them).
func (r *Ring) Written() uint64 { return r.next.Load() }

// Find returns copies of the records that q matches, in the order their handling started (causal order).
func (r *Ring) Find(q Query) []Record {
	var out []Record
	r.each(func(h *Hop) {
		// Match reads only the ids, which a Hop has as they are.
		if q.Match(&Record{Session: h.Session, Cxid: h.Cxid, Zxid: h.Zxid}) {
			out = append(out, r.record(h))
		}
	})
	// Causal order is the order handling started: a hop is recorded when
	// its handling ends, so an actor that sends on before it finishes (final
	// sends WriteDone, then returns) is written after the hops it caused.
	slices.SortFunc(out, func(a, b Record) int {
		switch {
		case a.Started != b.Started:
			if a.Started < b.Started {
				return -1
			}
			return 1
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	return out
}

// Len is how many records the ring holds now (at most Cap).
func (r *Ring) Len() int {
	n := 0
	r.each(func(*Hop) { n++ })
	return n
}

// each calls f with every written slot's hop, under that slot's lock.
func (r *Ring) each(f func(*Hop)) {
	for i := range r.slots {
		s := &r.slots[i]
		s.mu.Lock()
		if s.h.Seq != 0 {
			f(&s.h)
		}
		s.mu.Unlock()
	}
}
