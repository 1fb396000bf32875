// Package connection is the connection actor: one per client TCP connection.
// It owns the socket. A reader goroutine (its input pump) decodes frames and
// sends requests straight to the session actor; replies and watch events
// come back to the actor, which encodes them into an outbox that a writer
// goroutine drains to the socket.
package connection

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/dispatch"
	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/trace"
	"github.com/corral-zk/corral/wire"
)

// Deps are what every connection needs from its server.
type Deps struct {
	System      *actor.ActorSystem
	Registry    *registry.Registry
	Sessions    *actor.PID // the session manager
	Limiter     *Limiter
	MaxBuffer   int
	LastZxid    func() int64
	FourLetter  func(cmd string, w io.Writer) // runs a 4lw command (whitelist inside)
	Logger      *slog.Logger
	OnClose     func(id uint64) // watch cleanup etc.
	Stats       *Counters       // server-wide packet counters
	MaxOutbox   int
	ServerState func() string
	// Traces is the server's ring of actor hops (nil: tracing is off) and
	// ServerID the id its hops carry; the reader records there the hop
	// of reading each request (trace.go).
	Traces   *trace.Ring
	ServerID int64
}

// Counters are the server-wide packet counters shown by srvr/mntr.
type Counters struct {
	Received atomic.Int64
	Sent     atomic.Int64
	// Observer receives request latencies and response sizes; nil when
	// nothing measures them.
	Observer ReplyObserver
}

var nextID atomic.Uint64

// Conn is the connection actor.
type Conn struct {
	id     uint64
	nc     net.Conn
	deps   *Deps
	pid    *actor.PID
	out    *outbox
	held   held
	remote string

	mu          sync.Mutex
	sessionPID  *actor.PID
	sessionID   int64
	ready       chan struct{} // closed once the session is established
	done        chan struct{} // closed when the connection is finished
	doneOnce    sync.Once
	readOnlyFmt bool

	established time.Time
	stats       ConnStats
	inflight    inflight      // read times of requests awaiting their reply
	connectAt   time.Duration // monotonic() when a new session was requested (0: none); set before SessionOpen is sent
}

// ConnStats are per-connection counters for cons.
type ConnStats struct {
	Received atomic.Int64
	Sent     atomic.Int64
	LastCxid atomic.Int32
	LastZxid atomic.Int64
	LastOp   atomic.Value // string
	Latency  ConnLatency
	// SessionTimeout is the negotiated timeout in ms (cons "to=").
	SessionTimeout atomic.Int32
}

// Props returns the props that spawn a connection actor for nc.
func Props(nc net.Conn, deps *Deps) *actor.Props {
	c := &Conn{
		id:    nextID.Add(1),
		nc:    nc,
		deps:  deps,
		out:   newOutbox(deps.MaxOutbox),
		ready: make(chan struct{}),
		done:  make(chan struct{}),
	}
	c.held.l = deps.Limiter
	c.stats.LastCxid.Store(-1) // ServerCnxn's initial values: nothing answered yet
	c.stats.LastZxid.Store(-1)
	c.remote = nc.RemoteAddr().String()
	c.established = time.Now()
	return actor.PropsFromProducer(func() actor.Actor { return c }, dispatch.Props())
}

// ID is the connection id (also its watcher id).
func (c *Conn) ID() uint64 { return c.id }

// PID implements registry.Conn.
func (c *Conn) PID() *actor.PID { return c.pid }

// Notify implements registry.Conn: watch events go through the mailbox so
// they are ordered with the replies the same actor writes.
func (c *Conn) Notify(ev *messages.WatchEvent) {
	c.deps.System.Root.Send(c.pid, ev)
}

// Remote is the client's address.
func (c *Conn) Remote() string { return c.remote }

// SessionID is the session bound to this connection (0 before the handshake).
func (c *Conn) SessionID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// Established is when the connection was accepted.
func (c *Conn) Established() time.Time { return c.established }

// Stats are the connection's counters.
func (c *Conn) Stats() *ConnStats { return &c.stats }

// Outstanding is the number of this connection's requests in flight.
func (c *Conn) Outstanding() int64 { return c.held.n.Load() }

type readerExited struct{ err error }
type writerExited struct{ err error }

// Receive implements actor.Actor.
func (c *Conn) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		c.pid = ctx.Self()
		c.deps.Registry.PutConn(c.id, c)
		go c.out.run(c.nc, 30*time.Second, func(err error) {
			c.deps.System.Root.Send(c.pid, &writerExited{err: err})
		})
		go c.readLoop()
	case *messages.Reply:
		c.writeReply(m)
	case *messages.WatchEvent:
		frame := wire.AppendNotification(nil, m.Zxid, wire.WatcherEvent{Type: m.Type, State: m.State, Path: m.Path})
		if obs := c.deps.Stats.Observer; obs != nil {
			obs.ObserveNotification(len(frame) - 4)
		}
		c.push(ctx, frame)
	case *messages.SessionOpened:
		c.opened(ctx, m)
	case *messages.CloseConn:
		c.finish(ctx, m.Reason)
	case *readerExited:
		reason := "client closed the connection"
		if m.err != nil && !errors.Is(m.err, io.EOF) && !errors.Is(m.err, net.ErrClosed) {
			reason = m.err.Error()
		}
		c.finish(ctx, reason)
	case *writerExited:
		if m.err != nil && !errors.Is(m.err, net.ErrClosed) {
			c.deps.Logger.Info("closing connection", "conn", c.id, "remote", c.remote, "reason", m.err.Error())
		}
		ctx.Stop(ctx.Self())
	case *actor.Stopped:
		c.cleanup()
	}
}

func (c *Conn) push(ctx actor.Context, frame []byte) {
	if !c.out.append(frame) {
		c.deps.Logger.Warn("client does not read its replies; closing", "conn", c.id, "remote", c.remote)
		c.finish(ctx, "outbox overflow")
	}
}

func (c *Conn) writeReply(m *messages.Reply) {
	// The header is its own piece and the body is queued as it is (writev),
	// so a large reply is never copied here.
	hdr := make([]byte, 20)
	binary.BigEndian.PutUint32(hdr, uint32(16+len(m.Body)))
	binary.BigEndian.PutUint32(hdr[4:], uint32(m.Cxid))
	binary.BigEndian.PutUint64(hdr[8:], uint64(m.Zxid))
	binary.BigEndian.PutUint32(hdr[16:], uint32(m.Err))
	c.stats.Sent.Add(1)
	c.stats.LastZxid.Store(m.Zxid)
	c.deps.Stats.Sent.Add(1)
	// The request is no longer outstanding once its reply is queued (as
	// Apache counts it): a client that does not read its replies is held
	// back by its own reader (waitBelow), not by the global limit, so it
	// cannot starve other clients.
	c.held.release(1)
	if e, ok := c.inflight.take(m.Cxid); ok {
		c.timeReply(e.op, m.Cxid, e.at, 16+len(m.Body))
	}
	if !c.out.append(hdr, m.Body) {
		c.deps.Logger.Warn("client does not read its replies; closing", "conn", c.id, "remote", c.remote)
		c.out.closeAfterFlush()
	}
}

// opened finishes the handshake: the ConnectResponse in the client's own
// form (with the readOnly byte only if the client sent it).
func (c *Conn) opened(ctx actor.Context, m *messages.SessionOpened) {
	passwd := m.Passwd
	if len(passwd) == 0 {
		passwd = make([]byte, 16)
	}
	resp := wire.ConnectResponse{TimeOut: m.Timeout, SessionID: m.SessionId, Passwd: passwd, HasReadOnly: c.readOnlyFmt}
	c.push(ctx, wire.AppendRecordFrame(nil, &resp))
	if m.Timeout <= 0 {
		// Invalid or expired session: Apache answers timeOut=0 then closes.
		c.out.closeAfterFlush()
		return
	}
	pid, ok := c.deps.Registry.Session(m.SessionId)
	if !ok {
		c.out.closeAfterFlush()
		return
	}
	c.mu.Lock()
	c.sessionPID = pid
	c.sessionID = m.SessionId
	c.mu.Unlock()
	c.stats.SessionTimeout.Store(m.Timeout)
	if c.connectAt != 0 { // Apache times session creation, not reattachment
		c.timeReply(wire.OpCreateSession, 0, c.connectAt, -1)
	}
	close(c.ready)
}

// finish closes the connection once its queued output is written.
func (c *Conn) finish(ctx actor.Context, reason string) {
	c.doneOnce.Do(func() {
		close(c.done)
		c.out.closeAfterFlush()
	})
}

func (c *Conn) cleanup() {
	c.deps.Registry.DeleteConn(c.id)
	c.held.releaseAll()
	_ = c.nc.Close()
	c.mu.Lock()
	spid := c.sessionPID
	c.mu.Unlock()
	if spid != nil {
		c.deps.System.Root.Send(spid, &messages.ConnDetached{ConnId: c.id})
	}
	if c.deps.OnClose != nil {
		c.deps.OnClose(c.id)
	}
}
