// Package trace tests actor-trace recording (issue 7) through the real
// corral binary: a client's request is followed hop by hop, through the
// admin API's trace command, across the actors of a standalone server.
package trace

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

func connect(t *testing.T, addr string) *zk.Conn {
	t.Helper()
	c, ev, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogger(quiet{}))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	deadline := time.After(20 * time.Second)
	for {
		select {
		case e := <-ev:
			if e.State == zk.StateHasSession {
				return c
			}
		case <-deadline:
			t.Fatalf("no session with %s", addr)
		}
	}
}

// hop is one record of the trace command's answer.
type hop struct {
	ServerID  int64  `json:"server_id"`
	Kind      string `json:"kind"`
	PID       string `json:"pid"`
	Message   string `json:"message"`
	SessionID string `json:"session_id"`
	Cxid      int32  `json:"cxid"`
	Zxid      string `json:"zxid"`
	Enqueued  int64  `json:"enqueued_unix_nanos"`
	Started   int64  `json:"started_unix_nanos"`
	Ended     int64  `json:"ended_unix_nanos"`
	QueuedNs  int64  `json:"queued_ns"`
	HandledNs int64  `json:"handled_ns"`
}

func askTrace(t *testing.T, port int, query string) []hop {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/commands/trace?%s", port, query))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var a struct {
		Hops  []hop   `json:"hops"`
		Error *string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &a), string(body))
	require.Nil(t, a.Error, string(body))
	return a.Hops
}

func startTraced(t *testing.T, extra map[string]string) (*harness.Server, int) {
	port := freePort(t)
	cfg := map[string]string{
		"admin.enableServer":  "true",
		"admin.serverAddress": "127.0.0.1",
		"admin.serverPort":    fmt.Sprint(port),
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return harness.StartCorral(t, harness.Options{Config: cfg}), port
}

// One setData yields, on a standalone server, the hops of the request
// connection (its reader reading the request) -> session -> prep -> syncer
// -> final -> session -> connection (the reply), found both by its zxid
// and by its session and cxid, in causal order, with non-negative mailbox
// and handling times.
func TestSetDataHops(t *testing.T) {
	srv, port := startTraced(t, nil)
	c := connect(t, srv.Addr)
	_, err := c.Create("/traced", []byte("a"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	st, err := c.Set("/traced", []byte("b"), -1)
	require.NoError(t, err)
	session := fmt.Sprintf("0x%x", uint64(c.SessionID()))
	zxid := fmt.Sprintf("0x%x", uint64(st.Mzxid))

	// By zxid: the hops from the moment the request became a txn.
	var byZxid []hop
	require.Eventually(t, func() bool {
		byZxid = askTrace(t, port, "zxid="+zxid)
		return len(byZxid) >= 4
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, []string{"syncer", "final", "session", "conn"}, kinds(byZxid))
	cxid := byZxid[0].Cxid
	for _, h := range byZxid {
		require.Equal(t, session, h.SessionID)
		require.Equal(t, cxid, h.Cxid)
		require.Equal(t, zxid, h.Zxid)
	}

	// By request: the same hops and those before the txn existed.
	hops := askTrace(t, port, fmt.Sprintf("session=%s&cxid=%d", session, cxid))
	for _, h := range hops {
		t.Logf("%-8s %-42s %-26s queued %9dns handled %9dns zxid %s", h.Kind, h.PID, h.Message, h.QueuedNs, h.HandledNs, h.Zxid)
	}
	require.Equal(t, []string{"conn", "session", "prep", "syncer", "final", "session", "conn"}, kinds(hops))
	require.Equal(t, []string{"read *messages.ClientRequest", "*messages.ClientRequest", "*messages.ClientRequest",
		"*messages.Proposal", "*messages.ProposalBatch", "*messages.WriteDone", "*messages.Reply"}, messagesOf(hops))
	require.Equal(t, byZxid, hops[3:])
	for i, h := range hops {
		require.Equal(t, int64(0), h.ServerID, "a standalone server records as server 0")
		require.NotZero(t, h.Enqueued, "hop %d", i)
		require.GreaterOrEqual(t, h.QueuedNs, int64(0), "hop %d", i)
		require.GreaterOrEqual(t, h.HandledNs, int64(0), "hop %d", i)
		require.Equal(t, h.Started-h.Enqueued, h.QueuedNs)
		require.Equal(t, h.Ended-h.Started, h.HandledNs)
		if i > 0 {
			// Each message was sent by the previous hop's actor once that
			// actor had started on the request.
			require.GreaterOrEqual(t, h.Enqueued, hops[i-1].Started, "hop %d sent before hop %d started", i, i-1)
		}
	}
}

// Turning tracing off (corral.trace.enabled=false) installs no recorder,
// and the trace command says so; sampling 1 in N records whole requests:
// every request either has all its hops or none.
func TestSwitchAndSampling(t *testing.T) {
	t.Run("off", func(t *testing.T) {
		srv, port := startTraced(t, map[string]string{"corral.trace.enabled": "false"})
		c := connect(t, srv.Addr)
		_, err := c.Create("/off", nil, 0, zk.WorldACL(zk.PermAll))
		require.NoError(t, err)
		code, body := get(t, port, "trace?zxid=1")
		require.Equal(t, http.StatusOK, code)
		require.Contains(t, body, "tracing is off")
	})
	t.Run("sampled", func(t *testing.T) {
		srv, port := startTraced(t, map[string]string{"corral.trace.sample": "4"})
		c := connect(t, srv.Addr)
		const n = 200
		zxids := make([]int64, 0, n)
		for i := range n {
			_, err := c.Create(fmt.Sprintf("/s%d", i), nil, 0, zk.WorldACL(zk.PermAll))
			require.NoError(t, err)
			stat, err := c.Set(fmt.Sprintf("/s%d", i), []byte("x"), -1)
			require.NoError(t, err)
			zxids = append(zxids, stat.Mzxid)
		}
		traced := 0
		for _, z := range zxids {
			// The last hop (the reply) is recorded after the client has
			// its answer: wait until it is there.
			var hs []hop
			deadline := time.Now().Add(2 * time.Second)
			for {
				hs = askTrace(t, port, fmt.Sprintf("zxid=%d", z))
				if len(hs) == 0 || len(hs) >= 4 || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if len(hs) > 0 {
				traced++
				require.Equal(t, []string{"syncer", "final", "session", "conn"}, kinds(hs), "zxid %d", z)
			}
		}
		t.Logf("sampled %d of %d setData at 1 in 4", traced, n)
		require.Greater(t, traced, n/8)
		require.Less(t, traced, n/2)
	})
}

func kinds(hs []hop) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Kind)
	}
	return out
}

func messagesOf(hs []hop) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Message)
	}
	return out
}

func get(t *testing.T, port int, cmd string) (int, string) {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/commands/%s", port, cmd))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}
