package harness

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/wire"
)

// TestApacheLifecycle checks the harness against the real oracle: start,
// four-letter words, a raw session, watch ordering, zkCli, kazoo, graceful
// restart with data kept, and a crash (SIGKILL) followed by a restart.
func TestApacheLifecycle(t *testing.T) {
	RequireTools(t)
	s := StartApache(t, Options{Config: map[string]string{"extendedTypesEnabled": "true"}})
	require.True(t, strings.HasPrefix(s.Addr, "127.0.0.1:"))

	ruok, err := s.FourLetter("ruok")
	require.NoError(t, err)
	require.Equal(t, "imok", ruok)
	srvr, err := s.FourLetter("srvr")
	require.NoError(t, err)
	require.Contains(t, srvr, "Mode: standalone")

	c, err := rawzk.Dial(s.Addr, rawzk.Options{SessionTimeout: 6 * time.Second})
	require.NoError(t, err)
	require.NotZero(t, c.SessionID)
	require.Equal(t, 6*time.Second, c.SessionTimeout)
	r, err := c.Call(wire.OpCreate, rawzk.CreateRequest("/h", []byte("v1"), rawzk.OpenACL, 0))
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, r.Err)
	require.Equal(t, "/h", rawzk.NewDecoder(r.Body).String())

	// A watch set by this session fires before the reply to the write that
	// triggers it.
	r, err = c.Call(wire.OpGetData, rawzk.PathWatchRequest("/h", true))
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, r.Err)
	r, err = c.Call(wire.OpSetData, rawzk.SetDataRequest("/h", []byte("v2"), 0))
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, r.Err)
	require.Equal(t, []rawzk.Event{{Type: wire.EventNodeDataChanged, State: wire.StateSyncConnected, Path: "/h", Zxid: -1}}, r.EventsBefore)
	require.Equal(t, r.EventsBefore, c.Events())
	require.NoError(t, c.Close())

	require.Equal(t, "v2\nNode does not exist: /nope\n", ZkCli(t, s.Addr, "get /h", "get /nope"))
	run := ZkCliEach(t, s.Addr, "create /z", "ls /", "get /z")
	require.Equal(t, []string{"Created /z\n", "[h, z, zookeeper]\n", "null\n"}, run.Outputs)

	require.Equal(t, "b'v2'\n", Kazoo(t, `
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1], timeout=10)
zk.start(timeout=10)
print(zk.get("/h")[0])
zk.stop()
`, s.Addr))

	s.Restart()
	require.Equal(t, "v2", getData(t, s.Addr, "/h"), "data must survive a graceful restart")
	s.Kill()
	_, err = s.FourLetter("ruok")
	require.Error(t, err, "a killed server must not answer")
	s.Restart()
	require.Equal(t, "v2", getData(t, s.Addr, "/h"), "data must survive a crash")
	require.Contains(t, s.Output(), "=== harness: run 3 of apache")
}

// getData reads a node through a fresh raw session (no JVM start).
func getData(t *testing.T, addr, path string) string {
	t.Helper()
	c, err := rawzk.Dial(addr, rawzk.Options{})
	require.NoError(t, err)
	defer c.Close()
	r, err := c.Call(wire.OpGetData, rawzk.PathWatchRequest(path, false))
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, r.Err)
	return string(rawzk.NewDecoder(r.Body).Buffer())
}
