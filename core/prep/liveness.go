package prep

import "github.com/corral-zk/corral/wire"

// maxClosed bounds how many closed sessions the core remembers. Session ids
// are never reused, so an id could be remembered for ever; the bound only
// keeps memory flat under session churn. A write can reach prep after its
// session's close only while it is in flight (a mailbox, a learner's
// forward), which is far shorter than 64Ki later closes.
const maxClosed = 1 << 16

// closedSessions are the sessions whose closeSession this core prepared
// (Apache's SessionTracker.setSessionClosing, done in prep). prep is the one
// place that orders every write, so a write prepared after its session's
// close, whoever asked for the close (the client or the expiry), is refused
// here and can never leave an ephemeral that outlives the session.
type closedSessions struct {
	set   map[int64]struct{}
	order []int64 // insertion order, oldest first, for the bound
	head  int
}

func newClosedSessions() closedSessions {
	return closedSessions{set: map[int64]struct{}{}}
}

func (c *closedSessions) add(id int64) {
	if _, ok := c.set[id]; ok {
		return
	}
	c.set[id] = struct{}{}
	c.order = append(c.order, id)
	if len(c.order)-c.head > maxClosed {
		delete(c.set, c.order[c.head])
		c.order[c.head] = 0
		c.head++
		if c.head >= maxClosed {
			c.order = append([]int64(nil), c.order[c.head:]...)
			c.head = 0
		}
	}
}

func (c *closedSessions) has(id int64) bool {
	_, ok := c.set[id]
	return ok
}

func (c *closedSessions) reset() { *c = newClosedSessions() }

// liveSessions is the replicated session table as a leader's prep knows
// it (Apache's SessionTrackerImpl.sessionsById, which a new leader rebuilds
// from its data tree's sessions): the sessions of the committed history
// when the leader started serving, plus those whose createSession this core
// prepared since, minus those whose closeSession it prepared. A nil set
// tracks nothing (standalone, where every session is this server's own and
// a closed one is caught by closedSessions).
//
// It is what closedSessions cannot be across epochs: a session closed in an
// earlier epoch is simply absent, so a write of it that arrives late (a
// learner's forward from before the election, a client that kept its
// socket to a server that never heard of the close) is refused.
type liveSessions struct {
	set map[int64]struct{}
}

func (l *liveSessions) has(id int64) bool {
	if l.set == nil {
		return true
	}
	_, ok := l.set[id]
	return ok
}

func (l *liveSessions) add(id int64) {
	if l.set != nil {
		l.set[id] = struct{}{}
	}
}

func (l *liveSessions) remove(id int64) { delete(l.set, id) }

// TrackSessions starts (or restarts) checking that every write's session
// is live: from now on a write of a session that is not among ids and was
// not created by a createSession prepared later is SESSIONEXPIRED, as
// Apache's leader answers for a session its tracker does not know. A
// leader calls it when it starts serving, with the sessions of the history
// it committed; sessions revalidated later are among them (a revalidation
// succeeds only for a session the leader's table holds).
func (c *Core) TrackSessions(ids []int64) {
	c.live.set = make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		c.live.set[id] = struct{}{}
	}
}

// checkSession is SessionTrackerImpl.checkSession, which Apache's
// pRequest2Txn runs for every write but createSession and closeSession
// (closeSession is not checked: the expiry submits it without owning the
// session, and a second close is harmless). A write of a session whose
// close was prepared gets SESSIONEXPIRED, as Apache's closing session does,
// and so does, on a leader, a write of a session the session table does not
// hold (liveSessions).
// In an ensemble the leader also knows which server each session's client
// is connected to: a write that comes through another server is from a
// connection the client left (SESSIONMOVED); the first write of a session
// without a known owner claims it, as in Apache.
func (b *batch) checkSession() error {
	switch b.req.Type {
	case wire.OpCreateSession, wire.OpCloseSession, wire.OpDeleteContainer:
		// deleteContainer is the server's own (the container and TTL
		// sweeper, session 0): Apache does not check it either.
		return nil
	}
	id := b.req.SessionID
	if b.core.closed.has(id) || !b.core.live.has(id) {
		return wire.ErrSessionExpired
	}
	if b.req.Owner == 0 {
		return nil
	}
	owner, ok := b.core.owners[id]
	switch {
	case !ok:
		b.claim = true
	case owner != b.req.Owner:
		return wire.ErrSessionMoved
	}
	return nil
}

// SetOwner records that session id's client is now connected to server
// owner (Apache's setOwner on a revalidated session): writes still coming
// through another server are refused with SESSIONMOVED. A closed session
// gets no owner.
func (c *Core) SetOwner(id, owner int64) {
	if owner == 0 || c.closed.has(id) || !c.live.has(id) {
		return
	}
	c.owners[id] = owner
}
