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
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/actors/dispatch"
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
	// Quorum is set on a server of an ensemble (see Quorum).
	Quorum *Quorum
}

type entry struct {
	req   *messages.ClientRequest
	write bool
	done  bool
	reply *messages.Reply
	auth  []wire.Id // a read's identities when it arrived
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
	ids      acl.Identities // the connection's identities (authInfo)
	authMsg  []*messages.Id // ids as writes carry them; nil after they change (publishIdentities)
	ipID     string         // the connection's address as Apache prints it
	refused  uint64         // connection whose auth failed: nothing more is read from it
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
	s.resetIdentities(in.Remote)
	s.stage = supervision.Stage{Name: "session", Handle: s.handle, Logger: deps.Logger,
		OnGiveUp: func(ctx actor.Context, msg any, reason any) { s.closeConn(ctx, "session actor crashed") }}
	return actor.PropsFromProducer(s.stage.Producer(), dispatch.Props())
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
	s.dropQueueOnMove(conn)
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
		s.resetIdentities(c.Remote())
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
	if r.ConnId != 0 && r.ConnId == s.refused {
		return // read after a failed auth packet: Apache stops reading
	}
	if !s.admitted(ctx, r) {
		return
	}
	s.touch(ctx)
	op := wire.OpCode(r.Type)
	switch {
	case op == wire.OpAuth:
		s.authenticate(ctx, r)
		return
	case op == wire.OpSASL:
		s.sasl(ctx, r)
		return
	case zkdb.IsRead(op) && !s.forwardsSync(op):
		s.enqueueRead(ctx, r)
		return
	}
	// Writes (and unknown opcodes, which the prep stage answers).
	if op == wire.OpCloseSession {
		s.closing = true
	}
	if s.authMsg == nil {
		s.authMsg = toMsgIDs(s.ids.List())
	}
	r.Auth = s.authMsg // shared by every write until the identities change; nobody modifies it
	s.queue = append(s.queue, &entry{req: r, write: true})
	s.writes++
	ctx.Send(s.deps.Prep, r)
}

func (s *Session) enqueueRead(ctx actor.Context, r *messages.ClientRequest) {
	// The identities are those of the moment the request arrived, as in
	// Apache (Request.authInfo): an auth packet read after it, which is
	// handled at once, does not apply to it.
	auth := s.ids.List()
	if s.writes == 0 && len(s.queue) == 0 {
		s.answerRead(ctx, r, auth)
		return
	}
	s.queue = append(s.queue, &entry{req: r, auth: auth})
}

func (s *Session) answerRead(ctx actor.Context, r *messages.ClientRequest, auth []wire.Id) {
	op := wire.OpCode(r.Type)
	rc := zkdb.ReadCtx{Conn: s.conn, Session: s.id, Auth: auth, Policy: s.deps.Policy}
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
		s.answerRead(ctx, e.req, e.auth)
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
		if e.reply.GetErr() != int32(wire.ErrOK) {
			// The createSession txn could not be made durable (the
			// syncer refused it): the client must not get a session
			// that a restart would not know. It is told the session is
			// invalid (timeout 0, the connection closes) and the
			// manager forgets it.
			s.send(ctx, &messages.SessionOpened{})
			ctx.Send(s.manager, &messages.SessionClosed{SessionId: s.id})
			return
		}
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

// authenticate handles an auth packet at once, as Apache does on its I/O
// thread (ZooKeeperServer.processPacket): the identity applies to every
// request read after it. The reply echoes the packet's xid (clients send -4;
// go-zookeeper sends an ordinary xid and waits for it) with zxid 0. A failed
// authentication (unknown scheme, null digest data) is answered AUTHFAILED,
// then the connection is closed and nothing more is read from it; an
// undecodable packet closes the connection without a reply (Apache's
// IOException).
func (s *Session) authenticate(ctx actor.Context, r *messages.ClientRequest) {
	var p wire.AuthPacket
	if err := wire.Unmarshal(r.Payload, &p); err != nil {
		s.refused = r.ConnId
		s.closeConn(ctx, "undecodable auth packet")
		return
	}
	ids, err := s.deps.Policy.Auth.Authenticate(p.Scheme, p.Auth, s.ipID)
	if err != nil {
		s.refused = r.ConnId
		s.send(ctx, &messages.Reply{SessionId: s.id, Cxid: r.Cxid, Err: int32(wire.ErrAuthFailed), Type: r.Type})
		s.closeConn(ctx, "auth failed for scheme "+strconv.Quote(p.Scheme))
		return
	}
	for _, id := range ids {
		s.ids.Add(id)
	}
	s.publishIdentities()
	s.send(ctx, &messages.Reply{SessionId: s.id, Cxid: r.Cxid, Type: r.Type})
}

// admitted applies enforce.auth (AuthenticationHelper.enforceAuthentication,
// checked by Apache for every packet but auth and sasl): with enforcement
// on, a connection holding no identity of an enforced scheme gets
// SESSIONCLOSEDREQUIRESASLAUTH (zxid 0) for the request, then the
// connection is closed and nothing more is read from it. The session stays
// until it expires, as in Apache.
func (s *Session) admitted(ctx actor.Context, r *messages.ClientRequest) bool {
	op := wire.OpCode(r.Type)
	if op == wire.OpAuth || op == wire.OpSASL || s.deps.Policy.Auth.Admits(s.ids.List()) {
		return true
	}
	s.refused = r.ConnId
	s.send(ctx, &messages.Reply{SessionId: s.id, Cxid: r.Cxid, Err: int32(wire.ErrSessionClosedRequireSASLAuth), Type: r.Type})
	s.closeConn(ctx, "not authenticated with a scheme of enforce.auth.schemes")
	return false
}

// sasl answers a SASL token as Apache 3.8 does when the server has no JAAS
// configuration (Corral has none): at once, OK, zxid 0, a SetSASLResponse
// with a null token, and no identity gained. An undecodable request or a
// null token closes the connection without a reply, as Apache's exceptions
// there do.
func (s *Session) sasl(ctx actor.Context, r *messages.ClientRequest) {
	var req wire.GetSASLRequest
	if err := wire.Unmarshal(r.Payload, &req); err != nil || req.Token == nil {
		s.refused = r.ConnId
		s.closeConn(ctx, "bad sasl request")
		return
	}
	s.send(ctx, &messages.Reply{SessionId: s.id, Cxid: r.Cxid, Type: r.Type,
		Body: wire.Marshal(&wire.SetSASLResponse{Token: nil})})
}

// resetIdentities starts a connection's identity set: its ip identity.
func (s *Session) resetIdentities(remote string) {
	s.ipID = ipIdentity(remote)
	s.ids = acl.Identities{}
	s.ids.Add(wire.Id{Scheme: acl.SchemeIP, ID: s.ipID})
	s.publishIdentities()
}

// publishIdentities hands the connection's identities to the registry, where
// the final stage reads them to filter the watch events it delivers to the
// connection (zkdb: a watcher must be able to read the node).
func (s *Session) publishIdentities() {
	s.authMsg = nil
	s.deps.Registry.SetIdentities(s.conn, s.ids.List())
}

func toMsgIDs(ids []wire.Id) []*messages.Id {
	out := make([]*messages.Id, len(ids))
	for i, id := range ids {
		out[i] = &messages.Id{Scheme: id.Scheme, Id: id.ID}
	}
	return out
}

// ipIdentity is the id of a connection's ip identity: its address as
// Java's getHostAddress prints it (IPv6 uncompressed, with the numeric
// scope of a link-local address). An address that does not parse (never
// for a TCP peer) is used as it is.
func ipIdentity(remote string) string {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return remote
	}
	addr := ap.Addr()
	var scope uint32
	if zone := addr.Zone(); zone != "" {
		if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
			scope = uint32(n)
		} else if ifc, err := net.InterfaceByName(zone); err == nil {
			scope = uint32(ifc.Index)
		}
	}
	return acl.JavaHostAddress(addr, scope)
}
