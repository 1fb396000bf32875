package client

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/corral-zk/corral/wire"
)

// Options configure a Conn.
type Options struct {
	// SessionTimeout is the timeout requested in the handshake; the server
	// negotiates it into its [minSessionTimeout, maxSessionTimeout]. 0
	// means 30s, zkCli's default.
	SessionTimeout time.Duration
	// ReadOnly allows the session to be served by a read-only server.
	ReadOnly bool
	// Watcher receives every session event and every watch notification
	// (the Java client's default watcher). It runs on the Conn's dispatch
	// goroutine, in arrival order, and must not make synchronous calls on
	// the Conn: the call's completion would queue behind the watcher.
	Watcher func(Event)
	// MaxBuffer caps a reply frame; 0 means wire.DefaultMaxBuffer, the Java
	// client's default jute.maxbuffer.
	MaxBuffer int
}

// Conn is a ZooKeeper session over a reconnecting TCP connection. New
// returns at once and connects in the background; operations issued before
// the session is established wait for it, as in the Java client. All
// methods are safe for concurrent use.
type Conn struct {
	cs    ConnectString
	opts  Options
	disp  *dispatcher
	close chan struct{} // closed by Close: stops sleeps, dials and pings
	done  chan struct{} // closed when the connection loop has exited

	mu         sync.Mutex
	state      State
	closing    bool
	sessionID  int64
	passwd     []byte
	negotiated time.Duration
	lastZxid   int64
	xid        int32
	nc         net.Conn // the live socket, nil while (re)connecting
	lastSend   time.Time
	pending    map[int32]*call // sent, awaiting their reply
	queued     []*call         // submitted while not connected
	auths      []wire.AuthPacket
	watches    *watchTable
}

// call is one request and, once done is closed, its outcome.
type call struct {
	op   wire.OpCode
	req  wire.Record // nil for requests without a body (whoAmI)
	resp wire.Record // decoded when the reply is OK (always for multi)
	path string      // client path, for errors
	// finish runs under Conn.mu once the outcome is known (also on
	// connection loss): watch registration, local watch removal. It may
	// change the code (removeWatches does) and return events to deliver
	// before the call completes.
	finish func(rc wire.ErrCode) (wire.ErrCode, []Event)

	rc   wire.ErrCode
	zxid int64
	done chan struct{}
}

// New parses connectString ("host:port,host:port/chroot") and starts
// connecting. It fails only on a malformed connect string.
func New(connectString string, opts Options) (*Conn, error) {
	cs, err := ParseConnectString(connectString)
	if err != nil {
		return nil, err
	}
	if opts.SessionTimeout <= 0 {
		opts.SessionTimeout = 30 * time.Second
	}
	if opts.MaxBuffer <= 0 {
		opts.MaxBuffer = wire.DefaultMaxBuffer
	}
	c := &Conn{
		cs: cs, opts: opts, disp: newDispatcher(opts.Watcher),
		close: make(chan struct{}), done: make(chan struct{}),
		state: StateConnecting, passwd: make([]byte, 16), negotiated: opts.SessionTimeout,
		pending: map[int32]*call{}, watches: newWatchTable(),
	}
	go c.run()
	return c, nil
}

// State is the current connection state.
func (c *Conn) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// SessionID is the id of the session (0 before it is established).
func (c *Conn) SessionID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// SessionTimeout is the timeout the server negotiated (the requested one
// before the session is established).
func (c *Conn) SessionTimeout() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.negotiated
}

// Server is the address of the server the Conn is connected to, "" while
// it is not connected.
func (c *Conn) Server() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nc == nil {
		return ""
	}
	return c.nc.RemoteAddr().String()
}

// timeouts of the current session, as the Java client derives them: the
// read timeout is 2/3 of the session timeout (pings go out at half of it),
// and each server gets an equal share of the session timeout to connect.
func (c *Conn) readTimeout() time.Duration { return c.negotiated * 2 / 3 }

func (c *Conn) connectTimeout() time.Duration { return c.negotiated / time.Duration(len(c.cs.Servers)) }

// run is the connection loop: connect, serve until the connection breaks,
// reconnect, until the session ends (closed, expired, auth failed).
func (c *Conn) run() {
	defer func() {
		c.mu.Lock()
		closing := c.closing
		c.mu.Unlock()
		close(c.done)
		if !closing {
			c.disp.stop() // expired or auth failed; Close stops it otherwise
		}
	}()
	next, lastGood := 0, -1
	order := rand.Perm(len(c.cs.Servers)) // Apache's StaticHostProvider shuffles too
	for attempt := 0; ; attempt++ {
		c.mu.Lock()
		alive := c.state.IsAlive() && !c.closing
		c.mu.Unlock()
		if !alive {
			return
		}
		idx := order[next]
		next = (next + 1) % len(order)
		if attempt > 0 {
			// A random pause spreads the reconnects of many clients; a
			// full second more once every server has been tried.
			pause := time.Duration(rand.Int64N(int64(time.Second)))
			if idx == lastGood {
				pause += time.Second
			}
			if !c.sleep(pause) {
				return
			}
		}
		nc, resp, err := c.connect(c.cs.Servers[idx])
		if err != nil {
			if errors.Is(err, errExpired) {
				c.expire()
				return
			}
			c.connLost(nil)
			continue
		}
		lastGood = idx
		if !c.onConnected(nc, resp) {
			nc.Close()
			return
		}
		stop := make(chan struct{})
		go c.pinger(nc, stop)
		c.readLoop(nc)
		close(stop)
		c.connLost(nc)
	}
}

// sleep waits d unless the Conn is closed first.
func (c *Conn) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.close:
		return false
	}
}

var errExpired = errors.New("client: session expired")

// connect dials addr and runs the handshake within the connect timeout.
func (c *Conn) connect(addr string) (net.Conn, *wire.ConnectResponse, error) {
	c.mu.Lock()
	timeout := c.connectTimeout()
	req := wire.ConnectRequest{ProtocolVersion: 0, LastZxidSeen: c.lastZxid, TimeOut: int32(c.opts.SessionTimeout.Milliseconds()),
		SessionID: c.sessionID, Passwd: c.passwd, ReadOnly: c.opts.ReadOnly, HasReadOnly: true}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() {
		select {
		case <-c.close:
			cancel()
		case <-ctx.Done():
		}
	}()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	deadline, _ := ctx.Deadline()
	_ = nc.SetDeadline(deadline)
	if _, err := nc.Write(wire.AppendRecordFrame(nil, &req)); err != nil {
		nc.Close()
		return nil, nil, err
	}
	fr := wire.NewFrameReader(nc, c.opts.MaxBuffer)
	body, err := fr.ReadFrame()
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	var resp wire.ConnectResponse
	if err := wire.Unmarshal(body, &resp); err != nil {
		nc.Close()
		return nil, nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	if resp.TimeOut <= 0 {
		nc.Close()
		return nil, nil, errExpired
	}
	return nc, &resp, nil
}

// onConnected installs a new connection: session fields, state, the
// SyncConnected event, then (in Apache's primeConnection order) the
// watches to re-register, the auth packets and the calls that waited. It
// refuses (false) when Close ran during the handshake.
func (c *Conn) onConnected(nc net.Conn, resp *wire.ConnectResponse) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || !c.state.IsAlive() {
		return false
	}
	c.sessionID, c.passwd = resp.SessionID, resp.Passwd
	c.negotiated = time.Duration(resp.TimeOut) * time.Millisecond
	c.nc = nc
	c.state = StateConnected
	ks := wire.StateSyncConnected
	if resp.ReadOnly {
		c.state, ks = StateConnectedReadOnly, wire.StateConnectedReadOnly
	}
	c.disp.event(Event{Type: wire.EventNone, State: ks})
	for _, r := range c.watches.setWatches(c.lastZxid, c.cs.serverPath) {
		op := wire.OpSetWatches
		if _, v2 := r.(*wire.SetWatches2); v2 {
			op = wire.OpSetWatches2
		}
		c.writeLocked(wire.XidSetWatches, op, r)
	}
	for i := range c.auths {
		c.writeLocked(wire.XidAuth, wire.OpAuth, &c.auths[i])
	}
	queued := c.queued
	c.queued = nil
	for _, cl := range queued {
		c.sendLocked(cl)
	}
	return true
}

// writeLocked writes one request frame to the live socket. A failed write
// closes the socket; the reader then sees the error and the connection is
// torn down in one place (connLost).
func (c *Conn) writeLocked(xid int32, op wire.OpCode, req wire.Record) {
	if c.nc == nil {
		return
	}
	e := wire.NewEncoder(make([]byte, 4, 64))
	hdr := wire.RequestHeader{Xid: xid, Type: op}
	hdr.Encode(e)
	if req != nil {
		req.Encode(e)
	}
	frame := e.Bytes()
	binary.BigEndian.PutUint32(frame, uint32(len(frame)-4))
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.readTimeout()))
	if _, err := c.nc.Write(frame); err != nil {
		c.nc.Close()
		return
	}
	c.lastSend = time.Now()
}

// sendLocked assigns the next xid to cl and sends it.
func (c *Conn) sendLocked(cl *call) {
	c.xid++
	if c.xid <= 0 { // never collide with the special negative xids
		c.xid = 1
	}
	c.pending[c.xid] = cl
	c.writeLocked(c.xid, cl.op, cl.req)
}

// submit sends cl now, queues it until the session is (re)established, or
// fails it at once when the session is over.
func (c *Conn) submit(cl *call) {
	cl.done = make(chan struct{})
	c.mu.Lock()
	switch {
	case !c.state.IsAlive():
		// The dispatcher may be gone: complete the call here, without the
		// events its hook would report (nobody would receive them).
		rc := c.lossCode()
		if cl.finish != nil {
			rc, _ = cl.finish(rc)
		}
		cl.rc = rc
		c.mu.Unlock()
		close(cl.done)
		return
	case c.closing:
		c.finishLocked(cl, wire.ErrConnectionLoss, 0)
	case c.nc != nil:
		c.sendLocked(cl)
	default:
		c.queued = append(c.queued, cl)
	}
	c.mu.Unlock()
}

// finishLocked records the outcome of cl, runs its finish hook and queues
// its completion (after any events the hook produced).
func (c *Conn) finishLocked(cl *call, rc wire.ErrCode, zxid int64) {
	var evs []Event
	if cl.finish != nil {
		rc, evs = cl.finish(rc)
	}
	cl.rc, cl.zxid = rc, zxid
	for _, ev := range evs {
		c.disp.event(ev)
	}
	c.disp.complete(cl)
}

// readLoop reads frames until the connection fails or is closed.
func (c *Conn) readLoop(nc net.Conn) {
	fr := wire.NewFrameReader(nc, c.opts.MaxBuffer)
	for {
		c.mu.Lock()
		rt := c.readTimeout()
		c.mu.Unlock()
		_ = nc.SetReadDeadline(time.Now().Add(rt))
		body, err := fr.ReadFrame()
		if err != nil {
			return
		}
		d := wire.NewDecoder(body)
		var hdr wire.ReplyHeader
		hdr.Decode(d)
		if d.Err() != nil {
			return
		}
		rest := body[d.Offset():]
		switch hdr.Xid {
		case wire.XidPing, wire.XidSetWatches:
			continue
		case wire.XidAuth:
			if hdr.Err == wire.ErrAuthFailed {
				c.authFailed(nc)
				return
			}
			continue
		case wire.XidNotification:
			var we wire.WatcherEvent
			if err := wire.Unmarshal(rest, &we); err != nil {
				return
			}
			ev := Event{Type: we.Type, State: we.State, Path: c.cs.clientPath(we.Path), Zxid: hdr.Zxid}
			c.mu.Lock()
			if c.watches.trigger(ev.Type, ev.Path) {
				c.disp.event(ev)
			}
			c.mu.Unlock()
			continue
		}
		c.mu.Lock()
		cl := c.pending[hdr.Xid]
		delete(c.pending, hdr.Xid)
		if hdr.Zxid > 0 {
			c.lastZxid = hdr.Zxid
		}
		if cl == nil {
			c.mu.Unlock()
			return // a reply nobody asked for: the stream cannot be trusted
		}
		rc := hdr.Err
		if cl.resp != nil && (rc == wire.ErrOK || cl.op == wire.OpMulti) {
			if err := wire.Unmarshal(rest, cl.resp); err != nil {
				rc = wire.ErrMarshallingError
			}
		}
		c.finishLocked(cl, rc, hdr.Zxid)
		c.mu.Unlock()
	}
}

// pinger keeps the session alive while the connection is idle: a ping once
// nothing was sent for half the read timeout, and at least every 10 s, as
// the Java client does.
func (c *Conn) pinger(nc net.Conn, stop chan struct{}) {
	c.mu.Lock()
	period := c.readTimeout() / 4
	c.mu.Unlock()
	if period < 10*time.Millisecond {
		period = 10 * time.Millisecond
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-c.close:
			return
		case <-t.C:
		}
		c.mu.Lock()
		idle := time.Since(c.lastSend)
		if c.nc == nc && (idle >= c.readTimeout()/2 || idle > 10*time.Second) {
			c.writeLocked(wire.XidPing, wire.OpPing, nil)
		}
		c.mu.Unlock()
	}
}

// connLost tears down a broken connection (nc) or a failed connection
// attempt (nil): every call in flight or waiting fails, with
// CONNECTIONLOSS while the session may still be resumed, and a
// Disconnected event follows if a session was connected.
func (c *Conn) connLost(nc net.Conn) {
	c.mu.Lock()
	if nc != nil {
		if c.nc != nc {
			c.mu.Unlock()
			return
		}
		nc.Close()
		c.nc = nil
	}
	wasConnected := c.state.IsConnected()
	if c.state.IsAlive() {
		c.state = StateConnecting
	}
	rc := c.lossCode()
	c.failAllLocked(rc)
	if wasConnected && c.state.IsAlive() && !c.closing {
		c.disp.event(Event{Type: wire.EventNone, State: wire.StateDisconnected})
	}
	c.mu.Unlock()
}

// lossCode is the code calls fail with when the connection goes, by state
// (Apache's conLossPacket).
func (c *Conn) lossCode() wire.ErrCode {
	switch c.state {
	case StateAuthFailed:
		return wire.ErrAuthFailed
	case StateClosed:
		return wire.ErrSessionExpired
	}
	return wire.ErrConnectionLoss
}

func (c *Conn) failAllLocked(rc wire.ErrCode) {
	xids := make([]int32, 0, len(c.pending))
	for xid := range c.pending {
		xids = append(xids, xid)
	}
	sortInt32(xids)
	for _, xid := range xids {
		cl := c.pending[xid]
		delete(c.pending, xid)
		c.finishLocked(cl, rc, 0)
	}
	queued := c.queued
	c.queued = nil
	for _, cl := range queued {
		c.finishLocked(cl, rc, 0)
	}
}

func sortInt32(s []int32) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// expire ends a session the server no longer knows: state CLOSED, an
// Expired event, and every waiting call fails with SESSIONEXPIRED.
func (c *Conn) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = StateClosed
	c.disp.event(Event{Type: wire.EventNone, State: wire.StateExpired})
	c.disp.eventOfDeath()
	c.failAllLocked(wire.ErrSessionExpired)
}

// authFailed ends the session after the server rejected an addAuth: the
// server closes the connection, and like Apache's client the Conn gives
// up (state AUTH_FAILED, an AuthFailed event, calls fail with AUTHFAILED).
func (c *Conn) authFailed(nc net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = StateAuthFailed
	c.disp.event(Event{Type: wire.EventNone, State: wire.StateAuthFailed})
	c.disp.eventOfDeath()
	if c.nc == nc {
		nc.Close()
		c.nc = nil
	}
	c.failAllLocked(wire.ErrAuthFailed)
}

// Close ends the session: closeSession is sent when connected (so the
// server drops ephemerals and watches at once), the Watcher receives a
// Closed event, and Close returns once the Conn's goroutines are gone.
// Closing a dead Conn (closed, expired, auth failed) does nothing.
func (c *Conn) Close() error {
	c.mu.Lock()
	if !c.state.IsAlive() || c.closing {
		c.mu.Unlock()
		<-c.done
		<-c.disp.done
		return nil
	}
	c.closing = true
	var cl *call
	if c.nc != nil {
		cl = &call{op: wire.OpCloseSession, done: make(chan struct{})}
		c.sendLocked(cl)
	}
	wait := c.negotiated
	c.mu.Unlock()
	var err error
	if cl != nil {
		select {
		case <-cl.done:
			if cl.rc != wire.ErrOK {
				err = &Error{Code: cl.rc}
			}
		case <-time.After(wait):
			err = &Error{Code: wire.ErrConnectionLoss}
		}
	}
	c.mu.Lock()
	c.state = StateClosed
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
	c.failAllLocked(wire.ErrSessionExpired)
	c.disp.event(Event{Type: wire.EventNone, State: wire.StateClosed})
	c.disp.eventOfDeath()
	c.mu.Unlock()
	close(c.close)
	<-c.done
	c.disp.stop()
	<-c.disp.done
	return err
}

// AddAuth adds credentials to the session, as Java's addAuthInfo: the
// packet goes out now (or on connect) and again after every reconnect, and
// AddAuth does not wait for the answer. A rejection (AUTHFAILED) ends the
// session: the Watcher gets an AuthFailed event and the state turns
// AUTH_FAILED.
func (c *Conn) AddAuth(scheme string, auth []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.state.IsAlive() {
		return
	}
	p := wire.AuthPacket{Type: 0, Scheme: scheme, Auth: auth}
	c.auths = append(c.auths, p)
	c.writeLocked(wire.XidAuth, wire.OpAuth, &p)
}

// do submits cl and waits for its outcome or ctx. An abandoned call stays
// in flight; its reply is dropped.
func (c *Conn) do(ctx context.Context, cl *call) error {
	c.submit(cl)
	select {
	case <-cl.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if cl.rc != wire.ErrOK {
		return &Error{Code: cl.rc, Path: cl.path}
	}
	return nil
}

// String describes the Conn for logs.
func (c *Conn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("client.Conn{session=0x%x state=%s}", c.sessionID, c.state)
}
