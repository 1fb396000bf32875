package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// TestWritesAfterCloseAreRefused: once a session's closeSession is
// prepared, every write of the session prepared after it is SESSIONEXPIRED
// (a multi fails at its first op), so no ephemeral can be created after the
// close has listed the session's ephemerals. Other sessions and a second
// close are not affected.
func TestWritesAfterCloseAreRefused(t *testing.T) {
	const other int64 = 0x200
	tr := newTree(map[string]NodeInfo{"/n": {}})
	c := New(Config{}, 0)
	mustOK(t, c.Prepare(tr, createReq("/before", wire.ModeEphemeral)))
	closeTx := mustOK(t, c.Prepare(tr, Request{SessionID: sess, Type: wire.OpCloseSession}))
	require.Equal(t, []string{"/before"}, closeTx.GetCloseSession().PathsToDelete)

	cases := []struct {
		name string
		req  Request
	}{
		{"ephemeral create", createReq("/after", wire.ModeEphemeral)},
		{"persistent create", createReq("/after", 0)},
		{"delete", deleteReq("/n", -1)},
		{"setData", setDataReq("/n", -1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			zxid := c.NextZxid()
			tx := c.Prepare(tr, tc.req)
			require.Equal(t, wire.ErrSessionExpired, errOf(tx))
			require.Equal(t, zxid, tx.Zxid, "a refused write still uses its zxid, as in Apache")
		})
	}
	t.Run("multi", func(t *testing.T) {
		tx := c.Prepare(tr, multiReq(opCreate("/m", wire.ModeEphemeral), opSetData("/n", -1)))
		require.EqualValues(t, wire.OpMulti, tx.Type)
		require.Equal(t, []wire.ErrCode{wire.ErrSessionExpired, wire.ErrRuntimeInconsistency}, multiCodes(tx))
	})
	t.Run("other session", func(t *testing.T) {
		r := createReq("/after", wire.ModeEphemeral)
		r.SessionID = other
		mustOK(t, c.Prepare(tr, r))
	})
	t.Run("second close", func(t *testing.T) {
		mustOK(t, c.Prepare(tr, Request{SessionID: sess, Type: wire.OpCloseSession}))
	})
}

// TestClosedSessionsAcrossRollback: a rollback within the epoch (a failed
// disk write in standalone mode) keeps the closed sessions, since the
// manager submits the close again; a new epoch forgets them, as a new
// leader starts from its history's sessions.
func TestClosedSessionsAcrossRollback(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 1<<32)
	mustOK(t, c.Prepare(tr, Request{SessionID: sess, Type: wire.OpCloseSession}))

	c.SetLastZxid(1 << 32)
	require.Equal(t, wire.ErrSessionExpired, errOf(c.Prepare(tr, createReq("/a", 0))))

	c.SetLastZxid(2 << 32)
	mustOK(t, c.Prepare(tr, createReq("/a", 0)))
}

// TestClosedSessionsBound: the memory of closed sessions is bounded; the
// oldest are forgotten first and the newest are still refused.
func TestClosedSessionsBound(t *testing.T) {
	cs := newClosedSessions()
	total := int64(maxClosed*2 + 10)
	for id := int64(1); id <= total; id++ {
		cs.add(id)
	}
	require.Len(t, cs.set, maxClosed)
	require.False(t, cs.has(1))
	require.False(t, cs.has(total-maxClosed))
	require.True(t, cs.has(total-maxClosed+1))
	require.True(t, cs.has(total))
	require.LessOrEqual(t, len(cs.order)-cs.head, maxClosed)
	require.Less(t, len(cs.order), 2*maxClosed+1)
}

// TestSessionOwner: in an ensemble the leader's prep refuses a write that
// comes through a server the session's client has left (SESSIONMOVED). The
// first write claims an unowned session; a revalidation moves it; a close
// and a new epoch forget owners; standalone requests (owner 0) are never
// checked.
func TestSessionOwner(t *testing.T) {
	const (
		other          int64 = 0x200
		s1, s2, leader int64 = 1, 2, 3
	)
	tr := newTree(map[string]NodeInfo{"/n": {}})
	c := New(Config{}, 1<<32)
	through := func(r Request, owner int64) Request { r.Owner = owner; return r }

	steps := []struct {
		name string
		do   func()
		req  Request
		want wire.ErrCode
	}{
		{name: "first write claims for server 1", req: through(setDataReq("/n", -1), s1)},
		{name: "server 1 again", req: through(setDataReq("/n", -1), s1)},
		{name: "through server 2: moved", req: through(setDataReq("/n", -1), s2), want: wire.ErrSessionMoved},
		{name: "a multi through server 2: moved at its first op",
			req: through(multiReq(opSetData("/n", -1)), s2), want: wire.ErrSessionMoved},
		{name: "unchecked without owner (standalone)", req: setDataReq("/n", -1)},
		{name: "another session is its own", req: func() Request {
			r := through(setDataReq("/n", -1), s2)
			r.SessionID = other
			return r
		}()},
		{name: "revalidated at server 2: server 1 is now moved", do: func() { c.SetOwner(sess, s2) },
			req: through(setDataReq("/n", -1), s1), want: wire.ErrSessionMoved},
		{name: "server 2 writes", req: through(createReq("/e", wire.ModeEphemeral), s2)},
		{name: "reconnected to the leader", do: func() { c.SetOwner(sess, leader) },
			req: through(setDataReq("/n", -1), leader)},
		{name: "close through anyone is not checked", req: through(Request{SessionID: sess, Type: wire.OpCloseSession}, s1)},
		{name: "after the close: expired, not moved", do: func() { c.SetOwner(sess, s1) },
			req: through(setDataReq("/n", -1), s2), want: wire.ErrSessionExpired},
	}
	for _, st := range steps {
		if st.do != nil {
			st.do()
		}
		tx := c.Prepare(tr, st.req)
		if st.req.Type == wire.OpMulti {
			require.Equal(t, st.want, multiCodes(tx)[0], st.name)
			continue
		}
		require.Equal(t, st.want, errOf(tx), st.name)
	}

	// A new epoch forgets owners: the first write claims again.
	c.SetLastZxid(2 << 32)
	r := through(setDataReq("/n", -1), s1)
	r.SessionID = other
	mustOK(t, c.Prepare(tr, r))
	r.Owner = s2
	require.Equal(t, wire.ErrSessionMoved, errOf(c.Prepare(tr, r)))
}

// TestSessionsAcrossEpochs: a leader tracks the sessions of its history
// (TrackSessions when it starts serving), so a write of a session closed
// in an earlier epoch, which this core never saw closed, is SESSIONEXPIRED,
// as Apache's leader answers for a session its tracker does not hold. A
// session created since (its createSession prepared here, its writes
// coming once it committed) is live; a close removes it; standalone (no
// tracking) checks nothing but the closes it prepared.
func TestSessionsAcrossEpochs(t *testing.T) {
	const (
		kept    int64 = 0x100 // in the history the leader starts from
		closed  int64 = 0x200 // closed in an earlier epoch: not in it
		created int64 = 0x300 // created in this epoch
		via     int64 = 2     // the follower forwarding the writes
	)
	tr := newTree(map[string]NodeInfo{"/n": {}, "/c": {}})
	as := func(r Request, id int64) Request { r.SessionID = id; return r }

	t.Run("standalone tracks nothing", func(t *testing.T) {
		c := New(Config{}, 0)
		mustOK(t, c.Prepare(tr, as(setDataReq("/n", -1), closed)))
	})

	c := New(Config{}, 1<<32|7)
	c.TrackSessions([]int64{kept})
	c.SetLastZxid(2 << 32)
	steps := []struct {
		name string
		do   func()
		req  Request
		want wire.ErrCode
	}{
		{name: "a session of the history writes", req: as(createReq("/e1", wire.ModeEphemeral), kept)},
		{name: "a session closed in an earlier epoch: expired", req: as(createReq("/e2", wire.ModeEphemeral), closed),
			want: wire.ErrSessionExpired},
		{name: "forwarded by a follower: expired, not claimed", req: func() Request {
			r := as(setDataReq("/n", -1), closed)
			r.Owner = via
			return r
		}(), want: wire.ErrSessionExpired},
		{name: "a multi: expired at its first op", req: as(multiReq(opCreate("/m", wire.ModeEphemeral)), closed),
			want: wire.ErrSessionExpired},
		{name: "a revalidation does not bring it back", do: func() { c.SetOwner(closed, via) },
			req: as(setDataReq("/n", -1), closed), want: wire.ErrSessionExpired},
		{name: "its close is not checked (the expiry may submit it)",
			req: Request{SessionID: closed, Type: wire.OpCloseSession}},
		{name: "createSession in flight is not checked",
			req: Request{SessionID: created, Type: wire.OpCreateSession, SessionTimeout: 4000}},
		{name: "the created session writes", req: as(createReq("/e3", wire.ModeEphemeral), created)},
		{name: "closed here", req: Request{SessionID: created, Type: wire.OpCloseSession}},
		{name: "and then expired", req: as(setDataReq("/n", -1), created), want: wire.ErrSessionExpired},
		{name: "the container sweeper's deleteContainer (session 0) is not checked",
			req: Request{Type: wire.OpDeleteContainer, Record: &wire.PathRequest{Path: "/c"}}},
	}
	for _, st := range steps {
		if st.do != nil {
			st.do()
		}
		tx := c.Prepare(tr, st.req)
		if st.req.Type == wire.OpMulti {
			require.Equal(t, st.want, multiCodes(tx)[0], st.name)
			continue
		}
		require.Equal(t, st.want, errOf(tx), st.name)
	}

	// The next leader's table is the next history's: a session created
	// and committed in this epoch is in it; tracking restarts from it.
	c.TrackSessions([]int64{kept, created + 1})
	c.SetLastZxid(3 << 32)
	mustOK(t, c.Prepare(tr, as(setDataReq("/n", -1), created+1)))
	require.Equal(t, wire.ErrSessionExpired, errOf(c.Prepare(tr, as(setDataReq("/n", -1), created))))
}
