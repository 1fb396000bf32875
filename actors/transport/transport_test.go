package transport

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/stretchr/testify/require"
)

func quietSystem() *actor.ActorSystem {
	return actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}))
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func pair(t *testing.T) (a, b *Transport, sa, sb *actor.ActorSystem) {
	addrA, addrB := freeAddr(t), freeAddr(t)
	sa, sb = quietSystem(), quietSystem()
	a, err := Start(sa, Config{Self: 1, Bind: addrA, Peers: map[int64]string{2: addrB}})
	require.NoError(t, err)
	b, err = Start(sb, Config{Self: 2, Bind: addrB, Peers: map[int64]string{1: addrA}})
	require.NoError(t, err)
	return a, b, sa, sb
}

// Messages from one server to another arrive complete and in order.
func TestMessagesArriveInOrder(t *testing.T) {
	a, b, sa, sb := pair(t)
	defer a.Stop()
	defer b.Stop()
	const n = 5000
	got := make(chan int64, n)
	_, err := sb.Root.SpawnNamed(actor.PropsFromFunc(func(c actor.Context) {
		if m, ok := c.Message().(*messages.Tick); ok {
			got <- m.UnixMillis
		}
	}), "sink")
	require.NoError(t, err)
	to, ok := a.PID(2, "sink")
	require.True(t, ok)
	for i := int64(1); i <= n; i++ {
		sa.Root.Send(to, &messages.Tick{UnixMillis: i})
	}
	for want := int64(1); want <= n; want++ {
		select {
		case v := <-got:
			require.Equal(t, want, v)
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d never arrived", want)
		}
	}
	_, ok = a.PID(9, "sink")
	require.False(t, ok, "a server outside the configuration has no PID")
}

// A watcher of a remote actor learns when that server goes away: this is
// how a LearnerHandler and a learner notice a lost connection.
func TestWatchingARemoteActorReportsItsLoss(t *testing.T) {
	a, b, sa, sb := pair(t)
	defer a.Stop()
	_, err := sb.Root.SpawnNamed(actor.PropsFromFunc(func(actor.Context) {}), "peer")
	require.NoError(t, err)
	target, _ := a.PID(2, "peer")
	lost := make(chan struct{}, 1)
	sa.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *actor.Started:
			c.Watch(target)
		case *actor.Terminated:
			if m.Who.Equal(target) {
				lost <- struct{}{}
			}
		}
	}))
	time.Sleep(200 * time.Millisecond)
	b.Stop()
	sb.Shutdown()
	select {
	case <-lost:
	case <-time.After(15 * time.Second):
		t.Fatal("no Terminated after the remote server stopped")
	}
}

func TestPortInUseIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, err = Start(quietSystem(), Config{Self: 1, Bind: ln.Addr().String()})
	require.ErrorContains(t, err, "cannot listen")
}
