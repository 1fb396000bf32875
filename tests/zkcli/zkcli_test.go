package zkcli

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// step is one zkCli command and what it must print. want is the exact
// output; when it is empty, contains lists lines the output must contain
// (used for Stat dumps, whose zxids and times vary). norm, for outputs in the
// order of a server-side hash set, canonicalizes output and want before both
// the check and the comparison between servers.
type step struct {
	cmd      string
	want     string
	contains []string
	norm     func(string) string
}

// script exercises every zkCli command that talks to the server, in the
// success and the usual error cases, with the messages Apache 3.8's zkCli
// prints for them.
var script = []step{
	{cmd: `create /app "hello"`, want: "Created /app\n"},
	{cmd: `create /app again`, want: "Node already exists: /app\n"},
	{cmd: `create -e /app/eph "e"`, want: "Created /app/eph\n"},
	{cmd: `create -s /app/seq- "s"`, want: "Created /app/seq-0000000001\n"},
	{cmd: `create -s /app/seq- "s"`, want: "Created /app/seq-0000000002\n"},
	{cmd: `create -e -s /app/es-`, want: "Created /app/es-0000000003\n"},
	{cmd: `create -c /cont`, want: "Created /cont\n"},
	{cmd: `create /cont/child`, want: "Created /cont/child\n"},
	{cmd: `create -t 60000 /ttl "t"`, want: "Created /ttl\n"},
	{cmd: `create -t 0 /ttl0`, want: "ttl must be positive and cannot be larger than: 1099511627775\n"},
	{cmd: `create /missing/child`, want: "Node does not exist: /missing/child\n"},
	{cmd: `create /app/eph/x`, want: "Ephemerals cannot have children: /app/eph/x\n"},
	{cmd: `create /app/bad/`, want: "Path must not end with / character\n"},
	{cmd: `ls /`, want: "[app, cont, ttl, zookeeper]\n"},
	{cmd: `ls /app`, want: "[eph, es-0000000003, seq-0000000001, seq-0000000002]\n"},
	{cmd: `ls -s /app`, contains: []string{"[eph, es-0000000003, seq-0000000001, seq-0000000002]\n", "cversion = 4\n", "numChildren = 4\n"}},
	{cmd: `get /app`, want: "hello\n"},
	{cmd: `get -s /app`, contains: []string{"hello\ncZxid = ", "dataVersion = 0\n", "dataLength = 5\n", "numChildren = 4\n", "ephemeralOwner = 0x0\n"}},
	{cmd: `get -s /app/eph`, contains: []string{"e\ncZxid = ", "dataVersion = 0\n", "dataLength = 1\n"}},
	{cmd: `get -w /app`, want: "hello\n"},
	{cmd: `set /app "world"`, want: ""}, // fires the data watch set by get -w
	{cmd: `set -v 0 /app x`, want: "version No is not valid : /app\n"},
	{cmd: `set -s -v 1 /app again`, contains: []string{"dataVersion = 2\n", "dataLength = 5\n"}},
	{cmd: `get /app`, want: "again\n"},
	{cmd: `stat /app`, contains: []string{"dataVersion = 2\n", "aclVersion = 0\n"}},
	{cmd: `stat /ttl`, contains: []string{"ephemeralOwner = 0x0\n", "dataLength = 1\n"}}, // clients never see TTL owners
	{cmd: `stat /cont`, contains: []string{"ephemeralOwner = 0x0\n", "numChildren = 1\n"}},
	{cmd: `stat /nope`, want: "Node does not exist: /nope\n"},
	{cmd: `stat -w /later`, want: "Node does not exist: /later\n"}, // exists watch on a missing node
	{cmd: `create /later`, want: "Created /later\n"},
	{cmd: `ls -w /later`, want: "[]\n"},
	{cmd: `create /later/c`, want: "Created /later/c\n"},
	{cmd: `getAcl /app`, want: "'world,'anyone\n: cdrwa\n"},
	{cmd: `create /ro "r"`, want: "Created /ro\n"},
	{cmd: `setAcl /ro world:anyone:r`, want: ""},
	{cmd: `getAcl -s /ro`, contains: []string{"'world,'anyone\n: r\n", "aclVersion = 1\n"}},
	{cmd: `set /ro x`, want: "Insufficient permission : /ro\n"},
	{cmd: `create /ro/x`, want: "Insufficient permission : /ro/x\n"},
	{cmd: `getEphemerals /`, want: "[/app/es-0000000003, /app/eph]\n", norm: sortList},
	{cmd: `getAllChildrenNumber /app`, want: "4\n"},
	{cmd: `whoami`, want: "Auth scheme: User\nip: 127.0.0.1\n"},
	{cmd: `delete /app`, want: "Node not empty: /app\n"},
	{cmd: `delete /nope`, want: "Node does not exist: /nope\n"},
	{cmd: `delete -v 7 /cont/child`, want: "version No is not valid : /cont/child\n"},
	{cmd: `delete /cont/child`, want: ""},
	{cmd: `delete /zookeeper`, want: "Arguments are not valid : /zookeeper\n"},
	{cmd: `delete /zookeeper/quota`, want: "Arguments are not valid : /zookeeper/quota\n"},
	{cmd: `get -s /zookeeper/quota`, contains: []string{"\ncZxid = 0x0\n", "aclVersion = 0\n"}},
	{cmd: `get -s /zookeeper/config`, contains: []string{"\ncZxid = 0x0\n", "aclVersion = -1\n"}},
	{cmd: `ls -R /app`, want: "/app\n/app/eph\n/app/es-0000000003\n/app/seq-0000000001\n/app/seq-0000000002\n", norm: sortLines},
	{cmd: `deleteall /app`, want: ""},
	{cmd: `get /app`, want: "Node does not exist: /app\n"},
	{cmd: `ls /`, want: "[cont, later, ro, ttl, zookeeper]\n"},
}

// wantEvents are the node events the watches in script produce, in order.
var wantEvents = []string{
	"WatchedEvent state:SyncConnected type:NodeDataChanged path:/app",
	"WatchedEvent state:SyncConnected type:NodeCreated path:/later",
	"WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/later",
}

// TestZkCli runs the script against Apache and the server under test (see
// harness.StartTarget) in parallel, checks each against the expectations,
// and requires their normalized outputs to be identical.
func TestZkCli(t *testing.T) {
	harness.RequireApache(t)
	servers := []struct {
		name  string
		start func(testing.TB, harness.Options) *harness.Server
	}{
		{"apache", harness.StartApache},
		{"target", harness.StartTarget},
	}
	cmds := make([]string, len(script))
	for i, s := range script {
		cmds[i] = s.cmd
	}
	var mu sync.Mutex
	normalized := map[string]string{}
	t.Run("servers", func(t *testing.T) {
		for _, srv := range servers {
			t.Run(srv.name, func(t *testing.T) {
				t.Parallel()
				s := srv.start(t, harness.Options{Config: map[string]string{"extendedTypesEnabled": "true"}})
				run := harness.ZkCliEach(t, s.Addr, cmds...)
				n := transcript.NewNormalizer()
				var all strings.Builder
				for i, st := range script {
					out, want := run.Outputs[i], st.want
					if st.norm != nil {
						out, want = st.norm(out), st.norm(want)
					}
					if st.want != "" || st.contains == nil {
						assert.Equal(t, want, out, "zkCli %q on %s", st.cmd, s.Name)
					}
					for _, c := range st.contains {
						assert.Contains(t, out, c, "zkCli %q on %s", st.cmd, s.Name)
					}
					all.WriteString("> " + st.cmd + "\n" + normalizeStat(n, out))
				}
				assert.Equal(t, wantEvents, run.Events, "watch events on %s", s.Name)
				all.WriteString("events:\n" + strings.Join(run.Events, "\n") + "\n")
				mu.Lock()
				normalized[srv.name] = all.String()
				mu.Unlock()
			})
		}
	})
	a, b := normalized["apache"], normalized["target"]
	require.NotEmpty(t, a, "the Apache run produced no output")
	require.NotEmpty(t, b, "the target run produced no output")
	if d := transcript.Diff(a, b); d != "" {
		t.Fatalf("zkCli output differs between Apache and the target (- apache, + target):\n%s", d)
	}
}
