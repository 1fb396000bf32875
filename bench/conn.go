package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/wire"
)

// Conn is one client session with any number of requests in flight: the
// load generator's own client, because go-zookeeper blocks each caller
// until its reply and so cannot keep a session's pipeline full from one
// goroutine. It speaks the jute protocol through package wire (Corral's own
// codec, which the differential tests check against Apache's).
//
// Requests are encoded into a buffer by Send and written by Flush, so a
// burst of requests costs one write. ZooKeeper answers a session's requests
// in order, so replies are matched to a FIFO of pending calls; each reply's
// callback runs on the reader goroutine and must not block.
type Conn struct {
	SessionID int64
	Timeout   time.Duration // as negotiated by the server

	nc       net.Conn
	wmu      sync.Mutex // guards enc, xid, and the order of pending appends
	enc      *wire.Encoder
	xid      int32
	lastSend atomic.Int64 // unix nanos of the last Flush, for keep-alive

	qmu     sync.Mutex
	pending []call // FIFO: pending[head:] await replies
	head    int
	failed  error // set once the reader stopped; later Sends fail at once

	onEvent func(Event)
	done    chan struct{} // closed when the reader goroutine exits
}

// call is a request awaiting its reply.
type call struct {
	xid  int32
	sent time.Time
	cb   func(Reply)
}

// Reply is the outcome of one request as seen by its callback.
type Reply struct {
	Err     wire.ErrCode // wire.ErrConnectionLoss when the connection died first
	Zxid    int64
	Body    []byte        // valid only during the callback
	Latency time.Duration // from Send to the reply's arrival
	At      time.Time     // when the reply arrived
}

// Event is a watch notification and the moment it was read.
type Event struct {
	Type int32
	Path string
	At   time.Time
}

// ErrConnClosed is returned by Send once the connection is gone.
var ErrConnClosed = errors.New("bench: connection closed")

// DialOptions tune Dial.
type DialOptions struct {
	SessionTimeout time.Duration // requested; 0 means 30s
	IOTimeout      time.Duration // TCP connect and handshake; 0 means 10s
	OnEvent        func(Event)   // watch notifications, on the reader goroutine
}

// Dial connects to addr and opens a new session.
func Dial(addr string, o DialOptions) (*Conn, error) {
	if o.SessionTimeout == 0 {
		o.SessionTimeout = 30 * time.Second
	}
	if o.IOTimeout == 0 {
		o.IOTimeout = 10 * time.Second
	}
	nc, err := net.DialTimeout("tcp", addr, o.IOTimeout)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(o.IOTimeout))
	req := wire.ConnectRequest{TimeOut: int32(o.SessionTimeout.Milliseconds()), Passwd: make([]byte, 16), HasReadOnly: true}
	hello := wire.AppendRecordFrame(nil, &req)
	if _, err := nc.Write(hello); err != nil {
		nc.Close()
		return nil, err
	}
	fr := wire.NewFrameReader(nc, wire.DefaultMaxBuffer)
	body, err := fr.ReadFrame()
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("bench: handshake with %s: %w", addr, err)
	}
	var resp wire.ConnectResponse
	if err := wire.Unmarshal(body, &resp); err != nil {
		nc.Close()
		return nil, fmt.Errorf("bench: handshake with %s: %w", addr, err)
	}
	if resp.TimeOut <= 0 {
		nc.Close()
		return nil, fmt.Errorf("bench: %s refused the session", addr)
	}
	_ = nc.SetDeadline(time.Time{})
	c := &Conn{
		SessionID: resp.SessionID, Timeout: time.Duration(resp.TimeOut) * time.Millisecond,
		nc: nc, enc: wire.NewEncoder(make([]byte, 0, 4096)), onEvent: o.OnEvent, done: make(chan struct{}),
	}
	c.lastSend.Store(time.Now().UnixNano())
	go c.readLoop(fr)
	return c, nil
}

// Send queues a request; it is written by the next Flush. cb gets the reply
// (or CONNECTIONLOSS if the connection dies first) on the reader goroutine.
func (c *Conn) Send(op wire.OpCode, body wire.Record, cb func(Reply)) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.qmu.Lock()
	if c.failed != nil {
		c.qmu.Unlock()
		return c.failed
	}
	c.xid++
	if c.xid < 1 { // wrapped: xids of requests are positive
		c.xid = 1
	}
	c.pending = append(c.pending, call{xid: c.xid, sent: time.Now(), cb: cb})
	c.qmu.Unlock()
	c.appendFrame(wire.RequestHeader{Xid: c.xid, Type: op}, body)
	return nil
}

// appendFrame encodes length, header and body into the write buffer;
// c.wmu is held.
func (c *Conn) appendFrame(hdr wire.RequestHeader, body wire.Record) {
	start := c.enc.Len()
	c.enc.Int(0)
	hdr.Encode(c.enc)
	if body != nil {
		body.Encode(c.enc)
	}
	binary.BigEndian.PutUint32(c.enc.Bytes()[start:], uint32(c.enc.Len()-start-4))
}

// Flush writes every queued request in one write.
func (c *Conn) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.enc.Len() == 0 {
		return nil
	}
	_, err := c.nc.Write(c.enc.Bytes())
	c.enc.Reset()
	c.lastSend.Store(time.Now().UnixNano())
	if err != nil {
		c.nc.Close() // the reader fails every pending call
	}
	return err
}

// PingIfIdle sends a ping when nothing was written for idle, so that an
// idle session (a watcher waiting for its event) does not expire.
func (c *Conn) PingIfIdle(idle time.Duration) {
	if time.Since(time.Unix(0, c.lastSend.Load())) < idle {
		return
	}
	c.wmu.Lock()
	c.appendFrame(wire.RequestHeader{Xid: wire.XidPing, Type: wire.OpPing}, nil)
	c.wmu.Unlock()
	_ = c.Flush()
}

// Call sends one request, flushes, and waits for its reply (at most
// timeout). The body is copied, so the caller may keep it.
func (c *Conn) Call(op wire.OpCode, body wire.Record, timeout time.Duration) (Reply, error) {
	ch := make(chan Reply, 1)
	err := c.Send(op, body, func(r Reply) {
		r.Body = append([]byte(nil), r.Body...)
		ch <- r
	})
	if err != nil {
		return Reply{}, err
	}
	if err := c.Flush(); err != nil {
		return Reply{}, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-time.After(timeout):
		return Reply{}, fmt.Errorf("bench: %v: no reply within %v", op, timeout)
	}
}

// Close ends the session with closeSession (so the server frees it at once
// instead of after the session timeout), then closes the socket.
func (c *Conn) Close() error {
	_, err := c.Call(wire.OpCloseSession, nil, 5*time.Second)
	c.nc.Close()
	<-c.done
	return err
}

// Abort closes the socket without ending the session.
func (c *Conn) Abort() {
	c.nc.Close()
	<-c.done
}

// Err says why the connection ended (nil while it is open): the read
// error, or the protocol violation (a reply out of order) that ended it.
func (c *Conn) Err() error {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.failed
}

// Done is closed once the connection is gone.
func (c *Conn) Done() <-chan struct{} { return c.done }

// readLoop reads replies and notifications until the connection ends, then
// fails every call still pending.
func (c *Conn) readLoop(fr *wire.FrameReader) {
	defer close(c.done)
	var hdr wire.ReplyHeader
	var d wire.Decoder
	var err error
	for {
		var frame []byte
		frame, err = fr.ReadFrame()
		if err != nil {
			break
		}
		now := time.Now()
		d.Reset(frame)
		hdr.Decode(&d)
		if d.Err() != nil {
			err = d.Err()
			break
		}
		switch hdr.Xid {
		case wire.XidNotification:
			var ev wire.WatcherEvent
			ev.Decode(&d)
			if c.onEvent != nil && d.Err() == nil {
				c.onEvent(Event{Type: ev.Type, Path: ev.Path, At: now})
			}
			continue
		case wire.XidPing:
			continue
		}
		c.qmu.Lock()
		if c.head == len(c.pending) {
			c.qmu.Unlock()
			err = fmt.Errorf("bench: reply xid %d with no request pending", hdr.Xid)
			break
		}
		cl := c.pending[c.head]
		if cl.xid != hdr.Xid { // left pending: failed below with the rest
			c.qmu.Unlock()
			err = fmt.Errorf("bench: reply xid %d, expected %d: replies out of order", hdr.Xid, cl.xid)
			break
		}
		c.pending[c.head] = call{}
		c.head++
		if c.head == len(c.pending) { // empty: reuse the slice from its start
			c.pending, c.head = c.pending[:0], 0
		}
		c.qmu.Unlock()
		cl.cb(Reply{Err: hdr.Err, Zxid: hdr.Zxid, Body: frame[d.Offset():], Latency: now.Sub(cl.sent), At: now})
	}
	c.nc.Close()
	c.qmu.Lock()
	c.failed = fmt.Errorf("%w: %v", ErrConnClosed, err)
	rest := c.pending[c.head:]
	c.pending, c.head = nil, 0
	c.qmu.Unlock()
	now := time.Now()
	for _, cl := range rest {
		cl.cb(Reply{Err: wire.ErrConnectionLoss, Latency: now.Sub(cl.sent), At: now})
	}
}
