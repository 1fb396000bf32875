package trace

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/server"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/supervision"
)

// crashHop is a record of the trace command's answer with its supervision
// event, if any.
type crashHop struct {
	Kind     string `json:"kind"`
	PID      string `json:"pid"`
	Message  string `json:"message"`
	Session  string `json:"session_id"`
	Cxid     int32  `json:"cxid"`
	Zxid     string `json:"zxid"`
	Started  int64  `json:"started_unix_nanos"`
	Ended    int64  `json:"ended_unix_nanos"`
	Queued   int64  `json:"queued_ns"`
	Handled  int64  `json:"handled_ns"`
	Event    string `json:"event"`
	Detail   string `json:"detail"`
	ServerID int64  `json:"server_id"`
}

// label is "kind message" for a hop, "event kind" for an event.
func (h crashHop) label() string {
	if h.Event != "" {
		return h.Event + " " + h.Kind
	}
	return h.Kind + " " + h.Message
}

func askCrashTrace(t *testing.T, port int, query string) []crashHop {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/commands/trace?%s", port, query))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var a struct {
		Hops  []crashHop `json:"hops"`
		Error *string    `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &a), string(body))
	require.Nil(t, a.Error, string(body))
	return a.Hops
}

// startWithCrashHooks runs a standalone server in this process, with the
// crash-injection hooks (supervision.CrashHooks: nil, hence inert, in
// production; the binary arms them only with --test-hooks) and the admin
// API on a free port. Clients reach it over TCP like any other server.
func startWithCrashHooks(t *testing.T) (*server.Server, int) {
	t.Helper()
	port := freePort(t)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DataLogDir = cfg.DataDir
	cfg.ClientPort = 0
	cfg.ClientPortAddress = "127.0.0.1"
	cfg.AdminEnableServer = true
	cfg.AdminServerAddress = "127.0.0.1"
	cfg.AdminServerPort = port
	srv, err := server.New(server.Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Hooks: &supervision.CrashHooks{}})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(srv.Stop)
	require.NotNil(t, srv.AdminAddr(), "the admin API is up")
	return srv, port
}

// A setData that crashes a processor actor (prep, syncer or final: the
// test hook panics in the stage's handler, once, on the next request it
// handles) shows, in its own trace, the hop that crashed, the crash with
// the panic value, the supervisor's decision to restart, the restart (in
// which the stage retries the message), and then the rest of the request's
// hops: the server recovered, and the write was applied exactly once.
func TestCrashInTrace(t *testing.T) {
	before := []string{"session *messages.ClientRequest", "prep *messages.ClientRequest",
		"syncer *messages.Proposal", "final *messages.ProposalBatch"}
	after := []string{"session *messages.WriteDone", "conn *messages.Reply"}
	for i, stage := range []string{"prep", "syncer", "final"} {
		t.Run(stage, func(t *testing.T) {
			srv, port := startWithCrashHooks(t)
			c := connect(t, srv.Addr().String())
			path := "/crash-" + stage
			_, err := c.Create(path, []byte("v0"), 0, zk.WorldACL(zk.PermAll))
			require.NoError(t, err)

			// The server is idle but for this client, so the next request
			// the stage handles is this setData.
			srv.Hooks().Arm(stage, 1)
			st, err := c.Set(path, []byte("v1"), 0)
			require.NoError(t, err, "the crash is invisible to the client")
			require.Zero(t, srv.Hooks().Pending(stage), "the armed crash fired")
			require.Equal(t, int32(1), st.Version, "applied once")

			// The request's trace, found from its txn's zxid, once its last
			// hop (the reply at the connection) is recorded.
			zxid := fmt.Sprintf("0x%x", uint64(st.Mzxid))
			session := fmt.Sprintf("0x%x", uint64(c.SessionID()))
			var hops []crashHop
			require.Eventually(t, func() bool {
				byZxid := askCrashTrace(t, port, "zxid="+zxid)
				if len(byZxid) == 0 {
					return false
				}
				hops = askCrashTrace(t, port, fmt.Sprintf("session=%s&cxid=%d", session, byZxid[0].Cxid))
				return len(hops) > 0 && hops[len(hops)-1].Kind == "conn"
			}, 10*time.Second, 20*time.Millisecond)
			// The server's own reader hop, if it records one, comes first.
			for len(hops) > 0 && hops[0].label() != before[0] {
				require.Empty(t, hops[0].Event)
				hops = hops[1:]
			}
			var labels []string
			for _, h := range hops {
				labels = append(labels, h.label())
				t.Logf("%-10s %-11s %-30s %-24s started %d handled %8dns %s", h.Event, h.Kind, h.Message, h.PID, h.Started, h.Handled, h.Detail)
			}
			want := append([]string{}, before[:i+2]...)
			want = append(want, "crash "+stage, "supervisor "+stage, "restart "+stage)
			want = append(want, before[i+2:]...)
			want = append(want, after...)
			require.Equal(t, want, labels)

			crashAt := i + 2
			crash, decision, restart := hops[crashAt], hops[crashAt+1], hops[crashAt+2]
			require.Equal(t, "injected crash in "+stage+" (test hook)", crash.Detail)
			require.Equal(t, hops[crashAt-1].Message, crash.Message, "the crash names the message that caused it")
			require.Equal(t, "server/"+stage, crash.PID)
			require.Equal(t, "restart", decision.Detail)
			for _, h := range hops {
				require.Equal(t, session, h.Session)
				require.Equal(t, hops[0].Cxid, h.Cxid)
				require.GreaterOrEqual(t, h.Handled, int64(0))
			}
			// The crashed hop ends where the crash is; the decision follows,
			// then the restart, inside which the retried message was sent on.
			require.Equal(t, hops[crashAt-1].Ended, crash.Started)
			require.LessOrEqual(t, crash.Started, decision.Started)
			require.LessOrEqual(t, decision.Started, restart.Started)
			require.LessOrEqual(t, restart.Started, hops[crashAt+3].Started)
			for i := 1; i < len(hops); i++ {
				require.GreaterOrEqual(t, hops[i].Started, hops[i-1].Started, "causal order at %d", i)
			}

			// Recovered: no lost or duplicated write. The data is the
			// crashed request's, the version moved by one, and the stage
			// goes on serving versioned writes.
			data, st2, err := c.Get(path)
			require.NoError(t, err)
			require.Equal(t, "v1", string(data))
			require.Equal(t, int32(1), st2.Version)
			_, err = c.Set(path, []byte("v2"), 1)
			require.NoError(t, err)
			data, st2, err = c.Get(path)
			require.NoError(t, err)
			require.Equal(t, "v2", string(data))
			require.Equal(t, int32(2), st2.Version)
			// A request that crashed nothing has no event in its trace.
			for _, h := range askCrashTrace(t, port, fmt.Sprintf("zxid=0x%x", uint64(st2.Mzxid))) {
				require.Empty(t, h.Event, "%+v", h)
			}
		})
	}
}
