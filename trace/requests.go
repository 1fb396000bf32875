package trace

import (
	"slices"
	"sync"
	"sync/atomic"
)

// KindConn is the kind of the connection actors, and ReplyMessage the
// message a connection handles to answer its client: the hop of that
// message ends a request (Ring.Write notices it).
const (
	KindConn     = "conn"
	ReplyMessage = "*messages.Reply"
	// ReadMessage is the Message of the hop the connection's reader
	// records for reading a request off the socket (BeginRequest).
	ReadMessage = "read *messages.ClientRequest"
)

// openSlots and doneSlots size the tables of requests being served and
// of requests completed. A server with more than openSlots requests
// sampled and in flight at once loses the end of some (a slot is reused
// by a newer request); doneSlots is how far back --follow can fall behind.
const (
	openSlots = 1 << 12
	doneSlots = 1 << 12
)

// Done is one completed client request as the server its client is
// connected to saw it: read off the socket at Read, its reply handed to
// the connection's writer at Replied (Unix nanoseconds).
type Done struct {
	// Seq numbers completed requests in the order they completed, from 1.
	Seq     uint64
	Session int64
	Cxid    int32
	// Zxid is the txn the request became (0 for a read).
	Zxid int64
	// Op is the request's opcode (wire.OpCode).
	Op            int32
	Read, Replied int64
}

// Duration is how long the server took, in nanoseconds.
func (d Done) Duration() int64 { return d.Replied - d.Read }

type openReq struct {
	mu      sync.Mutex
	session int64
	cxid    int32
	op      int32
	read    int64
}

type doneSlot struct {
	mu sync.Mutex
	d  Done
}

// requests follows sampled requests from their read (BeginRequest) to the
// hop of their reply (Write), and keeps the last doneSlots completed ones,
// so that the admin API can list the slow ones and the server can log
// them. Both tables are fixed arrays with a lock per slot, like the ring.
type requests struct {
	open     []openReq
	done     []doneSlot
	doneNext atomic.Uint64
	server   atomic.Int64
	// slow is Ring.SetSlow's callback, read on every completion: an
	// atomic pointer, not a read lock, whose counter every connection's
	// goroutine would write on every request, from every core.
	slow atomic.Pointer[slowLog]
}

// slowLog is the slow-request callback and its threshold.
type slowLog struct {
	ns int64
	f  func(Done)
}

func (q *requests) init() {
	q.open = make([]openReq, openSlots)
	q.done = make([]doneSlot, doneSlots)
}

func openIndex(session int64, cxid int32) uint64 {
	k := uint64(session)*0x9E3779B97F4A7C15 ^ uint64(uint32(cxid))*0xC2B2AE3D27D4EB4F
	return (k ^ k>>31) % openSlots
}

// BeginRequest notes that the request (session, cxid) of opcode op was read
// off its client's socket at read (Unix nanoseconds). It reports whether the
// request is traced (the ring is on and samples it); the caller then
// records the read hop. Call it before the request is handed on, so that
// its reply cannot be recorded first.
func (r *Ring) BeginRequest(session int64, cxid int32, op int32, read int64) bool {
	if !r.Sampled(session, cxid, 0) {
		return false
	}
	o := &r.reqs.open[openIndex(session, cxid)]
	o.mu.Lock()
	o.session, o.cxid, o.op, o.read = session, cxid, op, read
	o.mu.Unlock()
	return true
}

// replied completes the request whose reply hop rec is, if it was begun.
func (q *requests) replied(rec *Hop) {
	o := &q.open[openIndex(rec.Session, rec.Cxid)]
	o.mu.Lock()
	if o.read == 0 || o.session != rec.Session || o.cxid != rec.Cxid {
		o.mu.Unlock()
		return
	}
	d := Done{Session: rec.Session, Cxid: rec.Cxid, Zxid: rec.Zxid, Op: o.op, Read: o.read, Replied: rec.Started}
	o.read = 0
	o.mu.Unlock()
	d.Seq = q.doneNext.Add(1)
	s := &q.done[(d.Seq-1)%doneSlots]
	s.mu.Lock()
	if s.d.Seq < d.Seq {
		s.d = d
	}
	s.mu.Unlock()
	if sl := q.slow.Load(); sl != nil && d.Duration() >= sl.ns {
		sl.f(d)
	}
}

// SetSlow makes f be called with every traced request that took at least
// ns nanoseconds (the slow-request log), on the goroutine of the
// connection that answered it: f must not block. A nil f turns it off.
func (r *Ring) SetSlow(ns int64, f func(Done)) {
	if f == nil {
		r.reqs.slow.Store(nil)
		return
	}
	r.reqs.slow.Store(&slowLog{ns: ns, f: f})
}

// Completed returns the completed requests still kept whose Seq is above
// since and that took at least slowerThan nanoseconds, in completion
// order, and the Seq of the newest completed request (the cursor for the
// next call).
func (r *Ring) Completed(since uint64, slowerThan int64) ([]Done, uint64) {
	last := r.reqs.doneNext.Load()
	var out []Done
	for i := range r.reqs.done {
		s := &r.reqs.done[i]
		s.mu.Lock()
		d := s.d
		s.mu.Unlock()
		if d.Seq > since && d.Seq <= last && d.Duration() >= slowerThan {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Done) int {
		if a.Seq < b.Seq {
			return -1
		}
		return 1
	})
	return out, last
}

// SetServer names the server whose ring this is (myid; 0, the default,
// for a standalone server), for the answers that carry no hop.
func (r *Ring) SetServer(id int64) { r.reqs.server.Store(id) }

// Server is the id SetServer gave.
func (r *Ring) Server() int64 { return r.reqs.server.Load() }
