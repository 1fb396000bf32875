package connection

import (
	"net"
	"sync"
	"time"
)

// outbox is the write side of a connection: the connection actor appends
// encoded frames, and one writer goroutine drains them to the socket with a
// single write per batch. Appends never block on the network, so a slow
// client never stalls the actor that answers it; maxBytes bounds what a
// client that stops reading can make us hold.
type outbox struct {
	mu       sync.Mutex
	buf      []byte
	spare    []byte
	tokens   int64
	closing  bool
	overflow bool
	signal   chan struct{}
	maxBytes int
}

func newOutbox(maxBytes int) *outbox {
	return &outbox{signal: make(chan struct{}, 1), maxBytes: maxBytes}
}

// append adds one or more frames; tokens is the number of limiter slots the
// frames answer. It returns false when the client is too far behind.
func (o *outbox) append(frame []byte, tokens int64) bool {
	o.mu.Lock()
	if o.closing {
		o.mu.Unlock()
		return true
	}
	if len(o.buf)+len(frame) > o.maxBytes {
		o.overflow = true
		o.mu.Unlock()
		o.kick()
		return false
	}
	o.buf = append(o.buf, frame...)
	o.tokens += tokens
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
func (o *outbox) run(nc net.Conn, h *held, writeTimeout time.Duration, onExit func(error)) {
	var err error
	for range o.signal {
		o.mu.Lock()
		buf := o.buf
		o.buf = o.spare[:0]
		tokens := o.tokens
		o.tokens = 0
		closing, overflow := o.closing, o.overflow
		o.mu.Unlock()
		if len(buf) > 0 {
			if writeTimeout > 0 {
				_ = nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			}
			_, err = nc.Write(buf)
		}
		h.release(tokens)
		o.mu.Lock()
		o.spare = buf[:0]
		o.mu.Unlock()
		if err != nil || overflow {
			break
		}
		if closing {
			o.mu.Lock()
			empty := len(o.buf) == 0
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
