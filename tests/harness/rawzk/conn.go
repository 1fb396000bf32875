// Package rawzk is a deliberately small ZooKeeper client that speaks the jute
// wire protocol directly. Tests use it where real clients cannot go: requests
// that go-zookeeper refuses to send (malformed paths, multiRead, whoAmI,
// getEphemerals, ...), the exact order in which notifications and replies
// arrive on one connection, and sessions that are abandoned to expire.
package rawzk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/corral-zk/corral/wire"
)

// ErrClosed is returned once the server has closed the connection (or it was
// closed locally); the reason, if any, is wrapped.
var ErrClosed = errors.New("rawzk: connection closed")

// ErrTimeout is returned when no reply arrives within Options.IOTimeout.
var ErrTimeout = errors.New("rawzk: no reply")

// ErrExpired is returned by Dial when the server refuses to resume a session
// (ConnectResponse with timeOut 0), which is how Apache reports expiry.
var ErrExpired = errors.New("rawzk: session expired")

// Options tune Dial.
type Options struct {
	// SessionTimeout requested in the ConnectRequest; 0 means 10s.
	SessionTimeout time.Duration
	// SessionID and Passwd resume an existing session when set.
	SessionID int64
	Passwd    []byte
	// NoPing disables the keep-alive, so that the session expires once the
	// test stops sending requests.
	NoPing bool
	// IOTimeout bounds every wait for a reply; 0 means 10s.
	IOTimeout time.Duration
}

// Event is a watch notification (WatcherEvent) plus the zxid in its header.
type Event struct {
	Type  int32
	State int32
	Path  string
	Zxid  int64
}

// String renders an event the way the tests compare them.
func (e Event) String() string { return fmt.Sprintf("%s %s", EventName(e.Type), e.Path) }

// Reply is a server reply to one request.
type Reply struct {
	Xid  int32
	Zxid int64
	Err  wire.ErrCode
	Body []byte
	// EventsBefore are the notifications that arrived on this connection
	// after the request was sent and before its reply: ZooKeeper promises
	// that a client sees a watch event before any reply reflecting the change.
	EventsBefore []Event
}

type frame struct {
	xid  int32
	zxid int64
	err  wire.ErrCode
	body []byte
}

// Conn is one client connection and session. Call is not safe for concurrent
// use; the keep-alive runs on its own goroutine.
type Conn struct {
	SessionID      int64
	Passwd         []byte
	SessionTimeout time.Duration // as negotiated by the server

	nc        net.Conn
	ioTimeout time.Duration
	wmu       sync.Mutex
	xid       int32
	frames    chan frame
	readErr   error // valid once frames is closed
	events    []Event
	done      chan struct{}
	closeOnce sync.Once
}

// Dial connects to addr and establishes (or resumes) a session.
func Dial(addr string, o Options) (*Conn, error) {
	if o.SessionTimeout == 0 {
		o.SessionTimeout = 10 * time.Second
	}
	if o.IOTimeout == 0 {
		o.IOTimeout = 10 * time.Second
	}
	nc, err := net.DialTimeout("tcp", addr, o.IOTimeout)
	if err != nil {
		return nil, err
	}
	passwd := o.Passwd
	if passwd == nil {
		passwd = make([]byte, 16)
	}
	var e Encoder
	e.Int(0).Long(0).Int(int32(o.SessionTimeout.Milliseconds())).Long(o.SessionID).Buffer(passwd).Bool(false)
	_ = nc.SetDeadline(time.Now().Add(o.IOTimeout))
	if err := writeFrame(nc, e.Bytes()); err != nil {
		nc.Close()
		return nil, err
	}
	body, err := readFrame(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("%w: handshake: %v", ErrClosed, err)
	}
	_ = nc.SetDeadline(time.Time{})
	d := NewDecoder(body)
	_ = d.Int() // protocolVersion
	timeout := d.Int()
	sid := d.Long()
	pw := d.Buffer()
	if d.Err() != nil {
		nc.Close()
		return nil, fmt.Errorf("rawzk: bad ConnectResponse: %w", d.Err())
	}
	if timeout <= 0 {
		nc.Close()
		return nil, ErrExpired
	}
	c := &Conn{
		SessionID: sid, Passwd: pw, SessionTimeout: time.Duration(timeout) * time.Millisecond,
		nc: nc, ioTimeout: o.IOTimeout, frames: make(chan frame, 256), done: make(chan struct{}),
	}
	go c.readLoop()
	if !o.NoPing {
		go c.pingLoop()
	}
	return c, nil
}

func writeFrame(w io.Writer, b []byte) error {
	out := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(b)), uint32(len(b)))
	_, err := w.Write(append(out, b...))
	return err
}

func readFrame(r io.Reader) ([]byte, error) {
	var l [4]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(l[:])
	if n > 16<<20 {
		return nil, fmt.Errorf("rawzk: frame length %d out of range", n)
	}
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}

func (c *Conn) readLoop() {
	defer close(c.frames)
	for {
		b, err := readFrame(c.nc)
		if err != nil {
			c.readErr = err
			return
		}
		d := NewDecoder(b)
		f := frame{xid: d.Int(), zxid: d.Long(), err: wire.ErrCode(d.Int())}
		if d.Err() != nil {
			c.readErr = d.Err()
			return
		}
		f.body = b[16:]
		if f.xid == wire.XidPing {
			continue
		}
		c.frames <- f
	}
}

func (c *Conn) pingLoop() {
	t := time.NewTicker(c.SessionTimeout / 3)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			var e Encoder
			e.Int(wire.XidPing).Int(int32(wire.OpPing))
			if c.write(e.Bytes()) != nil {
				return
			}
		}
	}
}

func (c *Conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.ioTimeout))
	return writeFrame(c.nc, b)
}

// Call sends one request and waits for its reply, queueing any notification
// that arrives meanwhile (see Reply.EventsBefore and Events).
func (c *Conn) Call(op wire.OpCode, body []byte) (*Reply, error) {
	c.xid++
	return c.CallXid(c.xid, op, body)
}

// CallXid is Call with a chosen xid, for requests real clients send with a
// special one (auth packets: -4, setWatches: -8); the reply must echo it.
func (c *Conn) CallXid(xid int32, op wire.OpCode, body []byte) (*Reply, error) {
	var e Encoder
	e.Int(xid).Int(int32(op))
	if err := c.write(append(e.Bytes(), body...)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrClosed, err)
	}
	var before []Event
	timer := time.NewTimer(c.ioTimeout)
	defer timer.Stop()
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				return nil, fmt.Errorf("%w: %v", ErrClosed, c.readErr)
			}
			if f.xid == wire.XidNotification {
				ev, err := decodeEvent(f)
				if err != nil {
					return nil, err
				}
				before = append(before, ev)
				c.events = append(c.events, ev)
				continue
			}
			if f.xid != xid {
				return nil, fmt.Errorf("rawzk: reply xid %d while waiting for %d", f.xid, xid)
			}
			return &Reply{Xid: f.xid, Zxid: f.zxid, Err: f.err, Body: f.body, EventsBefore: before}, nil
		case <-timer.C:
			return nil, fmt.Errorf("%w to %v (xid %d) within %v", ErrTimeout, op, xid, c.ioTimeout)
		}
	}
}

func decodeEvent(f frame) (Event, error) {
	d := NewDecoder(f.body)
	ev := Event{Type: d.Int(), State: d.Int(), Path: d.String(), Zxid: f.zxid}
	return ev, d.Err()
}

// Events returns and forgets the notifications received so far.
func (c *Conn) Events() []Event {
	out := c.events
	c.events = nil
	return out
}

// WaitEvents waits until at least n notifications are queued (or timeout
// passes), then returns and forgets all of them.
func (c *Conn) WaitEvents(n int, timeout time.Duration) ([]Event, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for len(c.events) < n {
		select {
		case f, ok := <-c.frames:
			if !ok {
				return c.Events(), fmt.Errorf("%w: %v", ErrClosed, c.readErr)
			}
			if f.xid != wire.XidNotification {
				return c.Events(), fmt.Errorf("rawzk: unexpected reply xid %d while waiting for events", f.xid)
			}
			ev, err := decodeEvent(f)
			if err != nil {
				return c.Events(), err
			}
			c.events = append(c.events, ev)
		case <-timer.C:
			return c.Events(), fmt.Errorf("rawzk: %d of %d events within %v", len(c.events), n, timeout)
		}
	}
	return c.Events(), nil
}

// Close ends the session with closeSession and closes the socket.
func (c *Conn) Close() error {
	_, err := c.Call(wire.OpCloseSession, nil)
	c.Abandon()
	return err
}

// Abandon drops the socket without closing the session, as a crashed client
// would; the server expires the session after its timeout.
func (c *Conn) Abandon() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.nc.Close()
	})
}
