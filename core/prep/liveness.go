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

// checkSession is SessionTrackerImpl.checkSession, which Apache's
// pRequest2Txn runs for every write but createSession and closeSession
// (closeSession is not checked: the expiry submits it without owning the
// session, and a second close is harmless). A write of a session whose
// close was prepared gets SESSIONEXPIRED, as Apache's closing session does.
// In an ensemble the leader also knows which server each session's client
// is connected to: a write that comes through another server is from a
// connection the client left (SESSIONMOVED); the first write of a session
// without a known owner claims it, as in Apache.
func (b *batch) checkSession() error {
	switch b.req.Type {
	case wire.OpCreateSession, wire.OpCloseSession:
		return nil
	}
	id := b.req.SessionID
	if b.core.closed.has(id) {
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
	if owner == 0 || c.closed.has(id) {
		return
	}
	c.owners[id] = owner
}
