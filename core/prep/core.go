package prep

import (
	"errors"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// sweepBudget is how many applied queue entries a Prepare may sweep beyond
// the number it adds itself, which keeps the queue at the in-flight window
// while bounding the work of any one Prepare.
const sweepBudget = 64

// Core is the prep rules state: the last zxid handed out and the
// outstanding change records. It is owned by one actor and is not safe for
// concurrent use.
type Core struct {
	cfg      Config
	lastZxid int64
	log      changeLog
	closed   closedSessions
	live     liveSessions
	owners   map[int64]int64 // session -> server its client is connected to
}

// New returns a core that will hand out zxids after lastZxid, which must be
// at least the tree's LastApplied (records are told stale by zxid).
func New(cfg Config, lastZxid int64) *Core {
	return &Core{cfg: cfg, lastZxid: lastZxid, log: newChangeLog(), closed: newClosedSessions(), owners: map[int64]int64{}}
}

// NextZxid is the zxid the next Prepare will use. It does not consume it.
func (c *Core) NextZxid() int64 { return c.lastZxid + 1 }

// LastZxid is the zxid of the last prepared txn.
func (c *Core) LastZxid() int64 { return c.lastZxid }

// SetLastZxid restarts numbering after zxid (e.g. a new leader's epoch). It
// drops every outstanding change record: records of the old numbering can
// no longer be told apart from applied ones by zxid. A new epoch also
// forgets the closed sessions and the sessions' owners, as a new Apache
// leader starts from the sessions of its history: a close prepared in an
// earlier epoch either committed (the session is gone) or was lost (the
// session lives on and is expired again if idle), and every client
// reconnects, so the first write of each session claims it again. Which
// sessions live in the new epoch is the leader's to say (TrackSessions,
// before this call): a session whose close committed in an earlier epoch
// is not among them.
func (c *Core) SetLastZxid(zxid int64) {
	if zxid>>32 != c.lastZxid>>32 {
		c.closed.reset()
		clear(c.owners)
	}
	c.lastZxid = zxid
	c.log.reset()
}

// Outstanding is the number of change records held (applied ones not yet
// swept included).
func (c *Core) Outstanding() int { return len(c.log.byPath) }

// Prepare turns a write into its txn. It always returns a txn and always
// consumes a zxid, as Apache logs failed writes too: a request that cannot
// succeed becomes Txn{type: error, body: ErrorTxn{code}} (a multi keeps
// type multi with one ErrorTxn per op). Opcodes that are not writes yield
// ErrorTxn{UNIMPLEMENTED}; callers should not send them.
func (c *Core) Prepare(view View, req Request) *messages.Txn {
	b := &batch{
		core:    c,
		view:    view,
		req:     &req,
		applied: view.LastApplied(),
		zxid:    c.lastZxid + 1,
		changed: map[string]record{},
	}
	txn, err := b.prepare()
	if err != nil {
		b.rollback()
		txn = errorTxn(codeOf(err))
	}
	b.header(txn)
	c.commit(b)
	return txn
}

// commit is the only place Prepare changes the core.
func (c *Core) commit(b *batch) {
	c.lastZxid = b.zxid
	for _, p := range b.stale {
		c.log.drop(p, b.applied)
	}
	for _, p := range b.order {
		c.log.put(p, b.changed[p])
	}
	c.log.sweep(b.applied, sweepBudget+len(b.order))
	switch b.req.Type {
	case wire.OpCloseSession:
		c.closed.add(b.req.SessionID)
		c.live.remove(b.req.SessionID)
		delete(c.owners, b.req.SessionID)
	case wire.OpCreateSession:
		c.live.add(b.req.SessionID)
	}
	if b.claim {
		c.owners[b.req.SessionID] = b.req.Owner
	}
}

func (b *batch) prepare() (*messages.Txn, error) {
	switch b.req.Type {
	case wire.OpCreate, wire.OpCreate2, wire.OpCreateContainer, wire.OpCreateTTL,
		wire.OpDelete, wire.OpDeleteContainer, wire.OpSetData, wire.OpSetACL, wire.OpCheck:
		o, err := decode(b.req.Type, b.req.Record, b.core.cfg.maxData())
		if err != nil {
			return nil, err
		}
		return b.apply(o)
	case wire.OpMulti:
		return b.multi()
	case wire.OpCreateSession:
		return &messages.Txn{
			Type: int32(wire.OpCreateSession),
			Body: &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: b.req.SessionTimeout}},
		}, nil
	case wire.OpCloseSession:
		return b.closeSession(), nil
	case wire.OpReconfig:
		if !b.core.cfg.ReconfigEnabled {
			return nil, wire.ErrReconfigDisabled
		}
		return nil, wire.ErrUnimplemented
	}
	return nil, wire.ErrUnimplemented
}

// apply prepares one create/delete/setData/setACL/check, alone or in a
// multi.
func (b *batch) apply(o operation) (*messages.Txn, error) {
	if err := b.checkSession(); err != nil {
		return nil, err
	}
	switch o.kind {
	case wire.OpCreate, wire.OpCreate2, wire.OpCreateContainer, wire.OpCreateTTL:
		return b.create(o)
	case wire.OpDelete:
		return b.delete(o)
	case wire.OpDeleteContainer:
		return b.deleteContainer(o)
	case wire.OpSetData:
		return b.setData(o)
	case wire.OpSetACL:
		return b.setACL(o)
	case wire.OpCheck:
		return b.check(o)
	}
	return nil, wire.ErrMarshallingError
}

// header stamps the TxnHeader fields on a txn and its sub-txns: every
// sub-txn of a multi carries the multi's zxid.
func (b *batch) header(t *messages.Txn) {
	t.SessionId = b.req.SessionID
	t.Cxid = b.req.Cxid
	t.Zxid = b.zxid
	t.Time = b.req.TimeMillis
	for _, sub := range t.GetMulti().GetTxns() {
		b.header(sub)
	}
}

func errorTxn(code wire.ErrCode) *messages.Txn {
	return &messages.Txn{
		Type: int32(wire.OpError),
		Body: &messages.Txn_Error{Error: &messages.ErrorTxn{Err: int32(code)}},
	}
}

// codeOf maps a prep failure to its ErrCode; every failure of this package
// is a wire.ErrCode, anything else would be a bug reported as SYSTEMERROR.
func codeOf(err error) wire.ErrCode {
	var code wire.ErrCode
	if errors.As(err, &code) {
		return code
	}
	return wire.ErrSystemError
}

func (cfg *Config) maxData() int {
	if cfg.MaxDataLen > 0 {
		return cfg.MaxDataLen
	}
	return wire.DefaultMaxBuffer
}
