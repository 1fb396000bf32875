package importer

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// TestClientsResumeApacheSessionsAfterImport is the migration a user does
// without touching a client: a client connected to Apache ZooKeeper holds
// a session with an ephemeral and a watch; Apache stops, its data dir is
// imported, Corral starts in its place, and the client's own reconnect
// resumes the same session on Corral (Apache's password is honoured for
// imported sessions): no expiry, the ephemeral still its own, the watch
// still armed.
func TestClientsResumeApacheSessionsAfterImport(t *testing.T) {
	bin := harness.BuildCorral(t)
	apache := harness.StartApache(t, harness.Options{Config: apacheConfig})

	// The client dials whatever server stands at "the" address: first
	// Apache, later Corral, as a DNS name or a VIP moved by the operator.
	var target atomic.Value
	target.Store(apache.Addr)
	dial := func(network, _ string, timeout time.Duration) (net.Conn, error) {
		return net.DialTimeout(network, target.Load().(string), timeout)
	}
	c, events, err := zk.Connect([]string{"127.0.0.1:2181"}, 30*time.Second,
		zk.WithDialer(dial), zk.WithLogger(quiet{}))
	require.NoError(t, err)
	defer c.Close()
	var expired atomic.Bool
	states := make(chan zk.State, 64)
	go func() {
		for ev := range events {
			if ev.State == zk.StateExpired {
				expired.Store(true)
			}
			if ev.Type == zk.EventSession {
				select {
				case states <- ev.State:
				default:
				}
			}
		}
	}()
	require.NoError(t, harness.WaitSession(c, 30*time.Second))
	session := c.SessionID()

	_, err = c.Create("/migrating", nil, zk.FlagPersistent, world)
	require.NoError(t, err)
	_, err = c.Create("/migrating/eph", []byte("mine"), zk.FlagEphemeral, world)
	require.NoError(t, err)
	_, _, watch, err := c.GetW("/migrating")
	require.NoError(t, err)

	apache.Stop()
	for c.State() == zk.StateHasSession {
		time.Sleep(20 * time.Millisecond)
	}

	out := t.TempDir()
	msg, err := runCorral(t, bin, "import", "--zk-data-dir", apache.DataDir, "--data-dir", out, "--extended-types")
	require.NoError(t, err, msg)
	corral := harness.StartCorral(t, harness.Options{Config: corralConfig(out)})
	target.Store(corral.Addr)

	require.NoError(t, harness.WaitSession(c, 30*time.Second), "the client's reconnect to Corral")
	require.Equal(t, session, c.SessionID(), "the same session, resumed")
	require.False(t, expired.Load(), "the session must not expire in the migration")

	data, st, err := c.Get("/migrating/eph")
	require.NoError(t, err)
	require.Equal(t, "mine", string(data))
	require.Equal(t, session, st.EphemeralOwner, "the ephemeral still belongs to the resumed session")

	// The watch set on Apache was re-armed on Corral (SetWatches): a change
	// made through another client fires it.
	other := connect(t, corral.Addr, 30*time.Second)
	defer other.Close()
	_, err = other.Set("/migrating", []byte("changed"), -1)
	require.NoError(t, err)
	select {
	case ev := <-watch:
		require.Equal(t, zk.EventNodeDataChanged, ev.Type)
		require.Equal(t, "/migrating", ev.Path)
	case <-time.After(20 * time.Second):
		t.Fatal("the watch armed on Apache did not fire on Corral")
	}

	// Closing the resumed session removes its ephemeral, as on Apache.
	c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, _, err := other.Exists("/migrating/eph")
		require.NoError(t, err)
		if !ok {
			break
		}
		require.True(t, time.Now().Before(deadline), "the ephemeral outlived its closed session")
		time.Sleep(50 * time.Millisecond)
	}
}
