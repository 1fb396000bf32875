package prep

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestCreateSession(t *testing.T) {
	c := New(Config{}, 5)
	tx := mustOK(t, c.Prepare(newTree(nil), Request{SessionID: sess, Type: wire.OpCreateSession, SessionTimeout: 30000, TimeMillis: 77}))
	require.EqualValues(t, wire.OpCreateSession, tx.Type)
	require.EqualValues(t, 30000, tx.GetCreateSession().Timeout)
	require.EqualValues(t, 6, tx.Zxid)
	require.Equal(t, sess, tx.SessionId)
}

func TestCloseSession(t *testing.T) {
	const other int64 = 0x200
	tr := newTree(map[string]NodeInfo{
		"/p":          {},
		"/p/tree1":    {Stat: wire.Stat{EphemeralOwner: sess}},
		"/tree2":      {Stat: wire.Stat{EphemeralOwner: sess}},
		"/gone":       {Stat: wire.Stat{EphemeralOwner: sess}},
		"/replaced":   {Stat: wire.Stat{EphemeralOwner: sess}},
		"/theirs":     {Stat: wire.Stat{EphemeralOwner: other}},
		"/persistent": {},
	})
	c := New(Config{}, 0)
	// In flight: a new ephemeral of ours, one of ours deleted, one of ours
	// deleted and recreated by another session, one of another session.
	mustOK(t, c.Prepare(tr, createReq("/p/flight", wire.ModeEphemeral)))
	mustOK(t, c.Prepare(tr, deleteReq("/gone", -1)))
	mustOK(t, c.Prepare(tr, deleteReq("/replaced", -1)))
	theirs := createReq("/replaced", wire.ModeEphemeral)
	theirs.SessionID = other
	mustOK(t, c.Prepare(tr, theirs))
	theirs = createReq("/theirs2", wire.ModeEphemeral)
	theirs.SessionID = other
	mustOK(t, c.Prepare(tr, theirs))

	tx := mustOK(t, c.Prepare(tr, Request{SessionID: sess, Type: wire.OpCloseSession}))
	require.EqualValues(t, wire.OpCloseSession, tx.Type)
	require.EqualValues(t, 6, tx.Zxid)
	require.Equal(t, []string{"/p/flight", "/p/tree1", "/tree2"}, tx.GetCloseSession().PathsToDelete)

	// The deletions are in flight: the names are free again and /p is empty
	// (for another session: this one is closed).
	reuse := createReq("/tree2", 0)
	reuse.SessionID = other
	mustOK(t, c.Prepare(tr, reuse))
	emptied := deleteReq("/p", -1)
	emptied.SessionID = other
	mustOK(t, c.Prepare(tr, emptied))

	// A second close finds nothing left.
	again := mustOK(t, c.Prepare(tr, Request{SessionID: sess, Type: wire.OpCloseSession}))
	require.Empty(t, again.GetCloseSession().PathsToDelete)
}

func TestCloseSessionAfterApply(t *testing.T) {
	tr := newTree(nil)
	c := New(Config{}, 0)
	tr.apply(mustOK(t, c.Prepare(tr, createReq("/e1", wire.ModeEphemeral))))
	tr.apply(mustOK(t, c.Prepare(tr, createReq("/e2", wire.ModeEphemeral))))
	tr.apply(mustOK(t, c.Prepare(tr, deleteReq("/e1", -1))))
	tx := mustOK(t, c.Prepare(tr, Request{SessionID: sess, Type: wire.OpCloseSession}))
	require.Equal(t, []string{"/e2"}, tx.GetCloseSession().PathsToDelete)
}
