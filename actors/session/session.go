// Package session holds the session actors (one per client session) and the
// session manager that creates, revalidates and expires them.
//
// A session actor keeps its client's order: replies leave in request order
// with hundreds of requests in flight. Writes are forwarded to the prep stage
// at once (pipelined); a read is answered from the local tree at once when no
// write of the same session is ahead of it, and otherwise waits behind that
// write (Apache's CommitProcessor rule). Reads of different sessions run in
// parallel on every core because each session actor reads on its own.
package session

import (
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/acl"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/supervision"
	"github.com/corral-zk/corral/wire"
)

// Deps are what every session actor needs from its server.
type Deps struct {
	System   *actor.ActorSystem
	Registry *registry.Registry
	DB       *zkdb.DB
	Prep     *actor.PID
	Policy   zkdb.ACLPolicy
	Logger   *slog.Logger
	Hooks    *supervision.CrashHooks
	// TouchEvery bounds how often activity is reported to the manager.
	TouchEvery time.Duration
}

type entry struct {
	req   *messages.ClientRequest
	write bool
	done  bool
	reply *messages.Reply
}

// Session is one session's actor state. It survives restarts (see
// supervision.Stage): the supervisor creates the actor again from the same
// value, and a crashed message is retried once.
type Session struct {
	id      int64
	timeout int32
	passwd  []byte
	deps    *Deps
	manager *actor.PID

	conn     uint64
	connPID  *actor.PID
	auth     []wire.Id
	queue    []*entry
	writes   int // writes in queue not yet done
	lastSent time.Time
	created  bool // createSession txn applied
	closing  bool
	stage    supervision.Stage
}

// Init is what the manager knows about a new or reattached session.
type Init struct {
	ID       int64
	Timeout  int32
	Passwd   []byte
	Conn     uint64
	Remote   string // client address, for the ip identity
	Existing bool   // already created (e.g. recovered from disk)
}

// Props returns the props of a session actor.
func Props(in Init, deps *Deps, manager *actor.PID) *actor.Props {
	s := &Session{id: in.ID, timeout: in.Timeout, passwd: in.Passwd, deps: deps, manager: manager,
		conn: in.Conn, created: in.Existing}
	s.auth = []wire.Id{{Scheme: "ip", ID: hostOf(in.Remote)}}
	s.stage = supervision.Stage{Name: "session", Handle: s.handle, Logger: deps.Logger,
		OnGiveUp: func(ctx actor.Context, msg any, reason any) { s.closeConn(ctx, "session actor crashed") }}
	return actor.PropsFromProducer(s.stage.Producer())
}

func (s *Session) handle(ctx actor.Context, msg any) {
	s.deps.Hooks.Check("session")
	switch m := msg.(type) {
	case *messages.ClientRequest:
		s.request(ctx, m)
	case *messages.WriteDone:
		s.writeDone(ctx, m.Reply)
	case *messages.ConnAttached:
		s.attach(ctx, m.ConnId)
	case *messages.ConnDetached:
		if m.ConnId == s.conn {
			s.conn, s.connPID = 0, nil
		}
	case *messages.StageFailed:
		s.deps.Logger.Warn("a stage gave up on a request; closing the client's connection",
			"session", s.id, "cxid", m.Cxid, "stage", m.Stage)
		s.dropPending(m.Cxid)
		s.closeConn(ctx, "stage failed: "+m.Stage)
	case *messages.CloseConn:
		s.closeConn(ctx, m.Reason)
	}
}

func (s *Session) attach(ctx actor.Context, conn uint64) {
	if s.conn != 0 && s.conn != conn && s.connPID != nil {
		// The client moved to a new connection: the old one is closed.
		ctx.Send(s.connPID, &messages.CloseConn{Reason: "session moved to a new connection"})
	}
	s.conn = conn
	s.connPID = nil
	if c, ok := s.deps.Registry.Conn(conn); ok {
		s.connPID = c.PID()
		// Identities belong to the connection, as in Apache: a client
		// that reconnects sends its auth packets again.
		s.auth = []wire.Id{{Scheme: "ip", ID: hostOf(c.Remote())}}
	}
	if !s.created {
		s.submitCreate(ctx)
		return
	}
	s.send(ctx, &messages.SessionOpened{SessionId: s.id, Passwd: s.passwd, Timeout: s.timeout})
}

func (s *Session) submitCreate(ctx actor.Context) {
	req := &messages.ClientRequest{SessionId: s.id, Cxid: 0, Type: int32(wire.OpCreateSession),
		ConnId: s.conn, SessionTimeout: s.timeout}
	s.queue = append(s.queue, &entry{req: req, write: true})
	s.writes++
	ctx.Send(s.deps.Prep, req)
}

func (s *Session) send(ctx actor.Context, msg any) {
	if s.connPID != nil {
		ctx.Send(s.connPID, msg)
	}
}

func (s *Session) touch(ctx actor.Context) {
	now := time.Now()
	if now.Sub(s.lastSent) >= s.deps.TouchEvery {
		s.lastSent = now
		ctx.Send(s.manager, &messages.Touch{SessionId: s.id, UnixMillis: now.UnixMilli()})
	}
}

func (s *Session) request(ctx actor.Context, r *messages.ClientRequest) {
	s.touch(ctx)
	op := wire.OpCode(r.Type)
	switch {
	case op == wire.OpAuth:
		s.auth2(ctx, r)
		return
	case op == wire.OpSASL:
		s.enqueueRead(ctx, r)
		return
	case zkdb.IsRead(op):
		s.enqueueRead(ctx, r)
		return
	}
	// Writes (and unknown opcodes, which the prep stage answers).
	if op == wire.OpCloseSession {
		s.closing = true
	}
	r.Auth = toMsgIDs(s.auth)
	s.queue = append(s.queue, &entry{req: r, write: true})
	s.writes++
	ctx.Send(s.deps.Prep, r)
}

func (s *Session) enqueueRead(ctx actor.Context, r *messages.ClientRequest) {
	if s.writes == 0 && len(s.queue) == 0 {
		s.answerRead(ctx, r)
		return
	}
	s.queue = append(s.queue, &entry{req: r})
}

func (s *Session) answerRead(ctx actor.Context, r *messages.ClientRequest) {
	op := wire.OpCode(r.Type)
	if op == wire.OpSASL {
		s.send(ctx, &messages.Reply{Cxid: r.Cxid, Zxid: s.deps.DB.LastApplied(), Err: int32(wire.ErrUnimplemented), Type: r.Type})
		return
	}
	rc := zkdb.ReadCtx{Conn: s.conn, Session: s.id, Auth: s.auth, Policy: s.deps.Policy}
	zxid, code, rec := s.deps.DB.Read(&rc, op, r.Payload)
	rep := &messages.Reply{SessionId: s.id, Cxid: r.Cxid, Zxid: zxid, Err: int32(code), Type: r.Type}
	if rec != nil && (code == wire.ErrOK || op == wire.OpMultiRead) {
		rep.Body = wire.Marshal(rec)
	}
	s.send(ctx, rep)
}

func (s *Session) writeDone(ctx actor.Context, rep *messages.Reply) {
	for _, e := range s.queue {
		if e.write && !e.done && e.req.Cxid == rep.Cxid {
			e.done = true
			e.reply = rep
			s.writes--
			break
		}
	}
	s.drain(ctx)
}

// drain answers the queue's head while it is ready: done writes and the reads
// behind them, stopping at the first write still in the pipeline.
func (s *Session) drain(ctx actor.Context) {
	i := 0
	for ; i < len(s.queue); i++ {
		e := s.queue[i]
		if e.write {
			if !e.done {
				break
			}
			s.finishWrite(ctx, e)
			continue
		}
		s.answerRead(ctx, e.req)
	}
	if i > 0 {
		n := copy(s.queue, s.queue[i:])
		for j := n; j < len(s.queue); j++ {
			s.queue[j] = nil
		}
		s.queue = s.queue[:n]
	}
}

func (s *Session) finishWrite(ctx actor.Context, e *entry) {
	switch wire.OpCode(e.req.Type) {
	case wire.OpCreateSession:
		s.created = true
		s.send(ctx, &messages.SessionOpened{SessionId: s.id, Passwd: s.passwd, Timeout: s.timeout})
	case wire.OpCloseSession:
		s.send(ctx, e.reply)
		s.closeConn(ctx, "session closed")
	default:
		s.send(ctx, e.reply)
	}
}

func (s *Session) dropPending(cxid int32) {
	for i, e := range s.queue {
		if e.write && !e.done && e.req.Cxid == cxid {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			s.writes--
			return
		}
	}
}

func (s *Session) closeConn(ctx actor.Context, reason string) {
	s.send(ctx, &messages.CloseConn{Reason: reason})
}

// auth2 handles an auth packet at once, as Apache does on its I/O thread:
// the identity applies to every request read after it.
func (s *Session) auth2(ctx actor.Context, r *messages.ClientRequest) {
	var p wire.AuthPacket
	code := wire.ErrOK
	if err := wire.Unmarshal(r.Payload, &p); err != nil {
		code = wire.ErrAuthFailed
	} else if id, err := authenticate(p.Scheme, p.Auth); err != nil {
		code = wire.ErrAuthFailed
	} else if !hasID(s.auth, id) {
		s.auth = append(s.auth, id)
	}
	s.send(ctx, &messages.Reply{Cxid: wire.XidAuth, Err: int32(code), Type: r.Type})
	if code != wire.ErrOK {
		s.closeConn(ctx, "auth failed")
	}
}

func hasID(ids []wire.Id, id wire.Id) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func toMsgIDs(ids []wire.Id) []*messages.Id {
	out := make([]*messages.Id, len(ids))
	for i, id := range ids {
		out[i] = &messages.Id{Scheme: id.Scheme, Id: id.ID}
	}
	return out
}

func hostOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			h := addr[:i]
			if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
				h = h[1 : len(h)-1]
			}
			return h
		}
	}
	return addr
}

// authenticate turns an auth packet into an identity. digest is the scheme
// every ZooKeeper client uses for addauth; any other scheme is unknown here
// and fails as in Apache (AUTHFAILED, then the connection is closed).
func authenticate(scheme string, auth []byte) (wire.Id, error) {
	if scheme == "digest" {
		return acl.AuthenticateDigest(auth)
	}
	return wire.Id{}, errUnknownScheme
}

type unknownSchemeError struct{}

func (unknownSchemeError) Error() string { return "unknown auth scheme" }

var errUnknownScheme = unknownSchemeError{}
