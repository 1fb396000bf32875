package session

import (
	"slices"

	"github.com/corral-zk/corral/wire"
)

// Info is what the tracker knows about one session; it feeds snapshots,
// the 4lw cons/dump commands and the SESSIONMOVED check.
type Info struct {
	ID int64
	// TimeoutMs is the negotiated timeout.
	TimeoutMs int32
	// Owner is the id of the server the client is connected to, or
	// NoOwner until one claims it.
	Owner int64
	// Closing is set once a close was requested or the session expired;
	// a closing session accepts no more pings and is never expired again.
	Closing bool
	// ExpiresAt is the bucket (ms, a multiple of tickTime) the session
	// expires in, 0 when closing.
	ExpiresAt int64
}

type entry struct {
	timeout int32
	owner   int64
	closing bool
}

// Table tracks the live sessions of a server.
type Table struct {
	cfg      Config
	next     int64
	sessions map[int64]*entry
	queue    *expiryQueue
}

// New builds an empty table. Timeouts not set in cfg get Apache's defaults.
func New(cfg Config) *Table {
	cfg = cfg.withDefaults()
	return &Table{
		cfg:      cfg,
		next:     InitialID(cfg.ServerID, cfg.StartMillis),
		sessions: make(map[int64]*entry),
		queue:    newExpiryQueue(int64(cfg.TickMillis), cfg.StartMillis),
	}
}

// Add starts tracking a session (SessionTrackerImpl.trackSession), or, if it
// is already tracked, records the new timeout and pushes its deadline to
// now+timeout. Replicas call it when a createSession transaction commits and
// when rebuilding the table from a snapshot. A closing session stays closing
// and unscheduled: re-adding must not resurrect a session being closed.
func (t *Table) Add(id int64, timeoutMs int32, nowMillis int64) {
	e, ok := t.sessions[id]
	if !ok {
		e = &entry{owner: NoOwner}
		t.sessions[id] = e
	}
	e.timeout = timeoutMs
	if !e.closing {
		t.queue.update(id, timeoutMs, nowMillis)
	}
}

// Touch records activity on a session and postpones its expiry to
// now+timeout (touchSession). It returns false for an unknown or closing
// session, which the caller answers with SESSIONEXPIRED.
func (t *Table) Touch(id int64, nowMillis int64) bool {
	e, ok := t.sessions[id]
	if !ok || e.closing {
		return false
	}
	t.queue.update(id, e.timeout, nowMillis)
	return true
}

// SetClosing marks a session as closing (setSessionClosing) once its close
// has been accepted, so that no further request or ping is honoured while
// the closeSession transaction is in flight. The session also leaves the
// expiry queue: whoever closes it is responsible for calling Remove, and it
// must not be expired a second time.
func (t *Table) SetClosing(id int64) {
	if e, ok := t.sessions[id]; ok {
		e.closing = true
		t.queue.remove(id)
	}
}

// Remove forgets a session for good, once its closeSession has committed.
func (t *Table) Remove(id int64) {
	delete(t.sessions, id)
	t.queue.remove(id)
}

// Expired returns the sessions whose deadline is at or before now and marks
// them closing, in deadline order. The caller turns each into a
// closeSession; the session stays in the table (closing) until Remove.
func (t *Table) Expired(nowMillis int64) []int64 {
	ids := t.queue.poll(nowMillis)
	for _, id := range ids {
		t.sessions[id].closing = true
	}
	return ids
}

// SetOwner records which server the client is connected to (setOwner). It
// returns false if the session is unknown or closing, i.e. expired from the
// client's point of view.
func (t *Table) SetOwner(id, owner int64) bool {
	e, ok := t.sessions[id]
	if !ok || e.closing {
		return false
	}
	e.owner = owner
	return true
}

// Check validates a request of session id arriving through server owner,
// like SessionTrackerImpl.checkSession: unknown sessions get
// UNKNOWNSESSION, closing ones SESSIONEXPIRED, and a session owned by a
// different server SESSIONMOVED, so a client that moved to another server
// cannot have stale requests from the old connection applied. The first
// check of an unowned session claims it.
func (t *Table) Check(id, owner int64) wire.ErrCode {
	e, ok := t.sessions[id]
	switch {
	case !ok:
		return wire.ErrUnknownSession
	case e.closing:
		return wire.ErrSessionExpired
	case e.owner == NoOwner:
		e.owner = owner
	case e.owner != owner:
		return wire.ErrSessionMoved
	}
	return wire.ErrOK
}

// Get returns what the table knows about one session.
func (t *Table) Get(id int64) (Info, bool) {
	e, ok := t.sessions[id]
	if !ok {
		return Info{}, false
	}
	return t.info(id, e), true
}

// All lists every tracked session, closing ones included, sorted by id so
// snapshots and 4lw output are stable.
func (t *Table) All() []Info {
	out := make([]Info, 0, len(t.sessions))
	for id, e := range t.sessions {
		out = append(out, t.info(id, e))
	}
	slices.SortFunc(out, func(a, b Info) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// Count is the number of tracked sessions, closing ones included.
func (t *Table) Count() int { return len(t.sessions) }

func (t *Table) info(id int64, e *entry) Info {
	at, _ := t.queue.deadline(id)
	return Info{ID: id, TimeoutMs: e.timeout, Owner: e.owner, Closing: e.closing, ExpiresAt: at}
}
