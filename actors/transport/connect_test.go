package transport

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/stretchr/testify/require"
)

// recordingHandler keeps the messages of the records logged through it.
type recordingHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.msgs = append(h.msgs, r.Message)
	h.mu.Unlock()
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) count(substr string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.msgs {
		if strings.Contains(m, substr) {
			n++
		}
	}
	return n
}

// Messages sent to a server before it listens are delivered, in order, once
// it does, and on the first connection attempt: protoactor's endpoint
// writer logs "failed to connect" and sleeps 2 s for every attempt that
// fails, which is what delayed a fresh ensemble's first election.
func TestMessagesToAServerNotListeningYetArriveWhenItListens(t *testing.T) {
	addrA, addrB := freeAddr(t), freeAddr(t)
	logs := &recordingHandler{}
	sa := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return slog.New(logs) }))
	a, err := Start(sa, Config{Self: 1, Bind: addrA, Peers: map[int64]string{2: addrB}})
	require.NoError(t, err)
	defer a.Stop()
	to, ok := a.PID(2, "sink")
	require.True(t, ok)
	const n = 100
	for i := int64(1); i <= n; i++ {
		sa.Root.Send(to, &messages.Tick{UnixMillis: i})
	}
	// Server 2 starts well after the first attempt began (and, with the
	// backoff, after several refused connections).
	time.Sleep(700 * time.Millisecond)
	sb := quietSystem()
	got := make(chan int64, n)
	_, err = sb.Root.SpawnNamed(actor.PropsFromFunc(func(c actor.Context) {
		if m, ok := c.Message().(*messages.Tick); ok {
			got <- m.UnixMillis
		}
	}), "sink")
	require.NoError(t, err)
	b, err := Start(sb, Config{Self: 2, Bind: addrB, Peers: map[int64]string{1: addrA}})
	require.NoError(t, err)
	defer b.Stop()
	for want := int64(1); want <= n; want++ {
		select {
		case v := <-got:
			require.Equal(t, want, v)
		case <-time.After(connectWait + 10*time.Second):
			t.Fatalf("message %d never arrived", want)
		}
	}
	require.Zero(t, logs.count("failed to connect"), "the first connection attempt waited for the server instead of failing")
}

// A server that is not configured (an observer that joined by itself) gets
// an address; a configured one is never moved by what a message claims.
func TestLearnNeverMovesAConfiguredServer(t *testing.T) {
	a, b, _, _ := pair(t)
	defer a.Stop()
	defer b.Stop()
	configured, _ := a.PID(2, "x")
	require.False(t, a.Learn(2, "127.0.0.1:1"))
	again, _ := a.PID(2, "x")
	require.Equal(t, configured.Address, again.Address)
	require.False(t, a.Learn(1, "127.0.0.1:1"), "this server's own id")
	_, ok := a.PID(7, "x")
	require.False(t, ok)
	require.True(t, a.Learn(7, "127.0.0.1:7777"))
	require.False(t, a.Learn(7, "127.0.0.1:7777"), "already known")
	pid, ok := a.PID(7, "x")
	require.True(t, ok)
	require.Equal(t, "127.0.0.1:7777", pid.Address)
	require.True(t, a.Configured(2))
	require.False(t, a.Configured(7))
}

// A server that never comes up is given up (Terminated for its watchers)
// and the connections tried meanwhile are closed, not left reconnecting
// for the life of the process. The "server" here accepts TCP and hangs up
// at once, so every reconnection attempt is seen.
func TestAServerThatNeverListensIsGivenUpWithoutLeaks(t *testing.T) {
	addrA := freeAddr(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var attempts atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			attempts.Add(1)
			c.Close()
		}
	}()
	sa := quietSystem()
	a, err := Start(sa, Config{Self: 1, Bind: addrA, Peers: map[int64]string{2: ln.Addr().String()}})
	require.NoError(t, err)
	defer a.Stop()
	to, _ := a.PID(2, "sink")
	lost := make(chan struct{}, 1)
	sa.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *actor.Started:
			c.Watch(to)
			c.Send(to, &messages.Tick{UnixMillis: 1})
		case *actor.Terminated:
			if m.Who.Equal(to) {
				lost <- struct{}{}
			}
		}
	}))
	select {
	case <-lost:
	case <-time.After(connectTries*(connectWait+2*time.Second) + 20*time.Second):
		t.Fatal("no Terminated for a server that never answered")
	}
	require.Positive(t, attempts.Load(), "the server was tried")
	// Nothing is sent to it any more: a connection left open would go on
	// redialling every connectBackoff.MaxDelay. Watch for several of those.
	after := attempts.Load()
	time.Sleep(8 * connectBackoff.MaxDelay)
	require.Equal(t, after, attempts.Load(), "connections kept redialling a server that was given up")
}
