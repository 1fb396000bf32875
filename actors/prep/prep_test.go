package prep

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/actors/zkdb"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/core/prep"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// A leader about to serve tells prep the sessions of its history
// (SessionsReset, then the epoch's Rollback, as actors/leader does): a
// forwarded write of any other session, such as one closed in an earlier
// epoch that this prep never saw closed, becomes a SESSIONEXPIRED error
// txn; a session of the history writes normally.
func TestLeaderPrepRefusesSessionsOutsideItsHistory(t *testing.T) {
	const (
		live   int64 = 0x11
		closed int64 = 0x22
	)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return logger }))
	defer system.Shutdown()
	got := make(chan any, 16)
	next := system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *messages.Proposal, *messages.Resynced:
			got <- m
		}
	}))
	db := zkdb.New(registry.New(), datatree.Options{})
	stage := New(prep.New(prep.Config{}, 1<<32|9), db, registry.New(), nil, logger)
	stage.SetNext(next)
	pid := system.Root.Spawn(stage.Props())

	recv := func() any {
		select {
		case m := <-got:
			return m
		case <-time.After(10 * time.Second):
			t.Fatal("no answer from prep")
			return nil
		}
	}
	system.Root.Send(pid, &messages.SessionsReset{Sessions: []*messages.SessionTimeout{{SessionId: live, TimeoutMs: 4000}}})
	system.Root.Send(pid, &messages.Rollback{LastDurableZxid: 2 << 32})
	require.IsType(t, &messages.Resynced{}, recv())

	create := func(session int64, path string) *messages.Txn {
		req := &messages.ClientRequest{SessionId: session, Cxid: 1, Type: int32(wire.OpCreate),
			Payload: wire.Marshal(&wire.CreateRequest{Path: path, Data: []byte("d"), ACL: []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}, Flags: int32(wire.ModeEphemeral)})}
		system.Root.Send(pid, &messages.OwnedRequest{Request: req, Owner: 2})
		p, ok := recv().(*messages.Proposal)
		require.True(t, ok)
		return p.Txn
	}
	tx := create(closed, "/late")
	require.EqualValues(t, wire.OpError, tx.GetType(), "txn %v", tx)
	require.EqualValues(t, wire.ErrSessionExpired, tx.GetError().GetErr())
	require.EqualValues(t, 2<<32|1, tx.GetZxid(), "the refusal is a txn of the new epoch")

	tx = create(live, "/ok")
	require.EqualValues(t, wire.OpCreate, tx.GetType(), "txn %v", tx)
	require.EqualValues(t, live, tx.GetCreate().GetEphemeralOwner())
}
