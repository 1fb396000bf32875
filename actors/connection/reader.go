package connection

import (
	"bufio"
	"errors"
	"io"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// readLoop is the connection's input pump: the handshake (or a four-letter
// word), then one ClientRequest per frame to the session actor. It blocks on
// the outstanding-request limiter, which is the server's backpressure.
func (c *Conn) readLoop() {
	err := c.read()
	c.deps.System.Root.Send(c.pid, &readerExited{err: err})
}

func (c *Conn) read() error {
	fr := wire.NewFrameReader(c.nc, c.deps.MaxBuffer)
	word, err := fr.PeekLength()
	if err != nil {
		return err
	}
	if cmd, ok := wire.FourLetterWord(word); ok {
		var four [4]byte
		if _, err := io.ReadFull(fr.Raw(), four[:]); err != nil {
			return err
		}
		if cmd == "stmk" { // its 8-byte argument follows
			var arg [8]byte
			_, _ = io.ReadFull(fr.Raw(), arg[:])
		}
		if c.deps.FourLetter != nil && cmd != "telnet close" {
			bw := bufio.NewWriter(c.nc)
			c.deps.FourLetter(cmd, bw)
			_ = bw.Flush()
		}
		return io.EOF
	}
	body, err := fr.ReadFrame()
	if err != nil {
		return c.frameErr(err)
	}
	var req wire.ConnectRequest
	if err := wire.Unmarshal(body, &req); err != nil {
		c.deps.Logger.Warn("malformed ConnectRequest; closing", "conn", c.id, "remote", c.remote, "err", err)
		return err
	}
	if last := c.deps.LastZxid(); req.LastZxidSeen > last {
		c.deps.Logger.Info("refusing session request: client has seen a zxid this server has not",
			"conn", c.id, "remote", c.remote, "client_zxid", req.LastZxidSeen, "server_zxid", last)
		return errors.New("client zxid ahead of server")
	}
	c.readOnlyFmt = req.HasReadOnly
	if req.SessionID == 0 {
		c.connectAt = monotonic()
	}
	c.deps.System.Root.Send(c.deps.Sessions, &messages.SessionOpen{
		ConnId: c.id, SessionId: req.SessionID, Passwd: req.Passwd, Timeout: req.TimeOut,
		LastZxidSeen: req.LastZxidSeen, ReadOnly: req.ReadOnly, RemoteAddr: c.remote,
	})
	select {
	case <-c.ready:
	case <-c.done:
		return nil
	}
	c.mu.Lock()
	spid, sid := c.sessionPID, c.sessionID
	c.mu.Unlock()
	for {
		body, err := fr.ReadFrame()
		if err != nil {
			return c.frameErr(err)
		}
		if len(body) < 8 {
			c.deps.Logger.Warn("short request frame; closing", "conn", c.id, "remote", c.remote, "len", len(body))
			return errors.New("short frame")
		}
		var hdr wire.RequestHeader
		d := wire.NewDecoder(body[:8])
		hdr.Decode(d)
		readAt := c.traceClock()
		// Per-connection backpressure first (a client that does not read
		// its replies stops being read), then the global limit.
		if !c.out.waitBelow(outboxHighWater, c.done) {
			return nil
		}
		if !c.held.acquire(c.done) {
			return nil
		}
		payload := make([]byte, len(body)-8)
		copy(payload, body[8:])
		c.stats.Received.Add(1)
		c.deps.Stats.Received.Add(1)
		if hdr.Type != wire.OpAuth { // answered at once, outside the reply order
			c.inflight.push(hdr.Xid, hdr.Type, monotonic())
		}
		traced, sentAt := c.beginTrace(sid, hdr, readAt)
		c.deps.System.Root.Send(spid, &messages.ClientRequest{
			SessionId: sid, Cxid: hdr.Xid, Type: int32(hdr.Type), Payload: payload, ConnId: c.id,
		})
		if traced {
			c.traceRead(sid, hdr.Xid, readAt, sentAt)
		}
		if hdr.Type == wire.OpCloseSession {
			// Nothing a client sends after closeSession is read.
			<-c.done
			return nil
		}
	}
}

// outboxHighWater is how many reply bytes may wait for a client before its
// reader stops taking requests from it.
const outboxHighWater = 1 << 20

func (c *Conn) frameErr(err error) error {
	var tl *wire.FrameTooLargeError
	if errors.As(err, &tl) {
		c.deps.Logger.Warn("frame longer than jute.maxbuffer; closing this connection",
			"conn", c.id, "remote", c.remote, "len", tl.Len, "max", tl.Max)
	}
	return err
}
