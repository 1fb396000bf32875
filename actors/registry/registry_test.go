package registry

import (
	"fmt"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// conn is a registered connection as far as the registry is concerned: it
// only stores and returns it.
type conn struct{ remote string }

func (conn) Notify(*messages.WatchEvent) {}
func (conn) PID() *actor.PID             { return nil }
func (c conn) Remote() string            { return c.remote }

func TestWatcherIdentities(t *testing.T) {
	r := New()
	_, _, ok := r.Watcher(1)
	require.False(t, ok, "unknown connection")

	r.SetIdentities(1, []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}})
	r.PutConn(1, conn{"127.0.0.1:1"})
	c, ids, ok := r.Watcher(1)
	require.True(t, ok)
	require.Equal(t, "127.0.0.1:1", c.Remote())
	require.Empty(t, ids, "identities published before the connection was registered are dropped")

	ip := []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}
	r.SetIdentities(1, ip)
	_, ids, _ = r.Watcher(1)
	require.Equal(t, ip, ids)
	withBob := append(append([]wire.Id{}, ip...), wire.Id{Scheme: "digest", ID: "bob:x"})
	r.SetIdentities(1, withBob)
	_, ids, _ = r.Watcher(1)
	require.Equal(t, withBob, ids, "the latest set wins")

	r.PutConn(2, conn{"127.0.0.1:2"})
	_, ids, _ = r.Watcher(2)
	require.Empty(t, ids, "identities belong to one connection")

	r.DeleteConn(1)
	r.SetIdentities(1, ip)
	_, _, ok = r.Watcher(1)
	require.False(t, ok, "a late publication does not bring a closed connection back")
	c2, ok := r.Conn(2)
	require.True(t, ok)
	require.Equal(t, "127.0.0.1:2", c2.Remote())
	require.Len(t, r.Conns(), 1)
	require.Equal(t, 1, r.ConnCount())
}

// Session actors publish while the final stage delivers: run under -race.
func TestIdentitiesConcurrently(t *testing.T) {
	r := New()
	for id := range uint64(8) {
		r.PutConn(id, conn{fmt.Sprint(id)})
	}
	var wg sync.WaitGroup
	for id := range uint64(8) {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 500 {
				r.SetIdentities(id, []wire.Id{{Scheme: "digest", ID: fmt.Sprint(i)}})
			}
		}()
		go func() {
			defer wg.Done()
			for range 500 {
				if _, ids, ok := r.Watcher(id); !ok || len(ids) > 1 {
					t.Errorf("conn %d: ok=%v ids=%v", id, ok, ids)
					return
				}
			}
		}()
	}
	wg.Wait()
	for id := range uint64(8) {
		_, ids, _ := r.Watcher(id)
		require.Equal(t, []wire.Id{{Scheme: "digest", ID: "499"}}, ids)
	}
}
