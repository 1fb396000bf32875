package syncer

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/registry"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/recovery"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/wire"
)

// inbox is an actor that records what it receives (the syncer's
// neighbours: final, prep and the snapshotter).
type inbox struct {
	mu   sync.Mutex
	msgs []any
}

func (b *inbox) Receive(ctx actor.Context) {
	if _, sys := ctx.Message().(actor.SystemMessage); sys {
		return
	}
	switch ctx.Message().(type) {
	case *actor.Started, *actor.Stopping, *actor.Stopped:
		return
	}
	b.mu.Lock()
	b.msgs = append(b.msgs, ctx.Message())
	b.mu.Unlock()
}

func (b *inbox) all() []any {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]any(nil), b.msgs...)
}

func proposal(zxid int64, typ wire.OpCode, session int64) *messages.Proposal {
	t := &messages.Txn{Zxid: zxid, SessionId: session, Type: int32(typ)}
	switch typ {
	case wire.OpCreateSession:
		t.Body = &messages.Txn_CreateSession{CreateSession: &messages.CreateSessionTxn{Timeout: 5000}}
	case wire.OpCloseSession:
		t.Body = &messages.Txn_CloseSession{CloseSession: &messages.CloseSessionTxn{}}
	default:
		t.Body = &messages.Txn_Create{Create: &messages.CreateTxn{Path: "/n", Data: []byte("x")}}
	}
	return &messages.Proposal{Txn: t, Local: true}
}

// TestSyncerMakesBatchesDurableThenSnapshots drives the real syncer actor
// over a real txn log: every proposal reaches final in zxid order only once
// it is in the log; when the trigger fires the log is rolled and the
// snapshotter is asked for a snapshot carrying the durable sessions.
func TestSyncerMakesBatchesDurableThenSnapshots(t *testing.T) {
	dir := t.TempDir()
	opts := txnlog.DefaultOptions()
	log, err := txnlog.Open(dir, opts)
	require.NoError(t, err)
	defer log.Close()

	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
	defer system.Shutdown()
	final, prep, snap := &inbox{}, &inbox{}, &inbox{}
	spawn := func(b *inbox) *actor.PID {
		return system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return b }))
	}
	trigger := NewSnapTrigger(40, 0, fixed(1)) // due after exactly 40 txns
	s := New(log, registry.New(), nil, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Trigger: trigger, Sessions: recovery.Sessions{0x1: 3000}})
	s.Wire(spawn(prep), spawn(final))
	s.SetSnapshotter(spawn(snap))
	pid := system.Root.Spawn(s.Props())

	// Sessions 0x2 and 0x3 open, 0x1 (recovered) and 0x2 close.
	var sent []*messages.Proposal
	for z := int64(1); z <= 45; z++ {
		p := proposal(z, wire.OpCreate, 0x3)
		switch z {
		case 2:
			p = proposal(z, wire.OpCreateSession, 0x2)
		case 5:
			p = proposal(z, wire.OpCreateSession, 0x3)
		case 9:
			p = proposal(z, wire.OpCloseSession, 0x1)
		case 30:
			p = proposal(z, wire.OpCloseSession, 0x2)
		}
		sent = append(sent, p)
		system.Root.Send(pid, p)
		if z == 40 || z == 45 {
			// The snapshot is due with txn 40; the rest go to a new segment.
			require.Eventually(t, func() bool {
				n := 0
				for _, m := range final.all() {
					n += len(m.(*messages.ProposalBatch).Proposals)
				}
				return n == len(sent)
			}, 5*time.Second, time.Millisecond)
		}
	}

	var got []int64
	for _, m := range final.all() {
		for _, p := range m.(*messages.ProposalBatch).Proposals {
			got = append(got, p.Txn.Zxid)
		}
	}
	for i, z := range got {
		require.Equal(t, int64(i+1), z, "final receives the txns in order, each once")
	}
	require.Equal(t, int64(45), log.SyncedZxid(), "all durable")
	require.Empty(t, prep.all(), "no rollback without a failure")

	require.Eventually(t, func() bool { return len(snap.all()) == 1 }, 5*time.Second, 5*time.Millisecond)
	req := snap.all()[0].(*messages.SnapshotRequest)
	require.Equal(t, int64(40), req.DurableZxid)
	require.Equal(t, []*messages.SessionTimeout{{SessionId: 0x3, TimeoutMs: 5000}}, req.Sessions)
	require.Len(t, log.Segments(), 2, "the log rolled when the snapshot was asked for")
	require.Equal(t, req.DurableZxid+1, log.Segments()[1].FirstZxid)
}
