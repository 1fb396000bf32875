package connection

import (
	"net"
	"sync"
	"time"
)

// outbox is the write side of a connection: the connection actor appends
// encoded frames, and one writer goroutine drains them to the socket with a
// single vectored write (writev) per batch. Frames are queued as they are,
// never copied into one buffer, so a large reply costs its bytes once.
// Appends never block on the network, so a slow client never stalls the
// actor that answers it.
//
// Two bounds keep a client that reads slowly (or not at all) from growing
// memory: the connection's reader stops taking requests while more than
// highWater bytes wait here (waitBelow), so replies to a non-reading client
// stop at highWater plus the replies already in the pipeline; and maxBytes
// is a hard cap for output the client did not ask for (watch events), past
// which the connection is closed.
type outbox struct {
	mu       sync.Mutex
	frames   net.Buffers
	spare    net.Buffers
	wbufs    net.Buffers // the batch being written; the writer goroutine's own
	queued   int         // bytes in frames
	inflight int         // bytes handed to the socket and not yet written
	closing  bool
	overflow bool
	signal   chan struct{}
	drained  chan struct{} // signalled after every write
	maxBytes int
}

func newOutbox(maxBytes int) *outbox {
	return &outbox{signal: make(chan struct{}, 1), drained: make(chan struct{}, 1), maxBytes: maxBytes}
}

// pending is the number of bytes queued or being written.
func (o *outbox) pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.queued + o.inflight
}

// waitBelow blocks while more than limit bytes are pending; it returns false
// if done is closed first.
func (o *outbox) waitBelow(limit int, done <-chan struct{}) bool {
	for o.pending() > limit {
		select {
		case <-o.drained:
		case <-done:
			return false
		}
	}
	return true
}

// append queues the pieces of one frame (written back to back). It returns
// false when the client is too far behind (maxBytes). The pieces must not
// be modified afterwards.
func (o *outbox) append(pieces ...[]byte) bool {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	o.mu.Lock()
	if o.closing {
		o.mu.Unlock()
		return true
	}
	if o.queued+o.inflight+n > o.maxBytes {
		o.overflow = true
		o.mu.Unlock()
		o.kick()
		return false
	}
	for _, p := range pieces {
		if len(p) > 0 {
			o.frames = append(o.frames, p)
		}
	}
	o.queued += n
	o.mu.Unlock()
	o.kick()
	return true
}

// closeAfterFlush makes the writer close the socket once what is queued is
// written.
func (o *outbox) closeAfterFlush() {
	o.mu.Lock()
	o.closing = true
	o.mu.Unlock()
	o.kick()
}

func (o *outbox) kick() {
	select {
	case o.signal <- struct{}{}:
	default:
	}
}

// run is the writer goroutine. It returns when the socket is closed, after
// which nc has been closed.
func (o *outbox) run(nc net.Conn, writeTimeout time.Duration, onExit func(error)) {
	var err error
	for range o.signal {
		o.mu.Lock()
		batch := o.frames
		o.frames = o.spare[:0]
		o.inflight, o.queued = o.queued, 0
		closing, overflow := o.closing, o.overflow
		o.mu.Unlock()
		if len(batch) > 0 {
			if writeTimeout > 0 {
				_ = nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			}
			// WriteTo consumes its receiver; a field (not a local whose
			// address escapes) saves an allocation per write.
			o.wbufs = batch
			_, err = o.wbufs.WriteTo(nc)
			o.wbufs = nil
		}
		clear(batch) // drop references to written frames
		o.mu.Lock()
		if cap(batch) <= 4096 {
			o.spare = batch[:0]
		}
		o.inflight = 0
		o.mu.Unlock()
		select {
		case o.drained <- struct{}{}:
		default:
		}
		if err != nil || overflow {
			break
		}
		if closing {
			o.mu.Lock()
			empty := len(o.frames) == 0
			o.mu.Unlock()
			if empty {
				break
			}
		}
	}
	_ = nc.Close()
	if err == nil && o.overflow {
		err = errOverflow
	}
	onExit(err)
}

type overflowError struct{}

func (overflowError) Error() string { return "client is not reading its replies: outbox limit reached" }

var errOverflow = overflowError{}
