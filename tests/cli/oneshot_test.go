package cli

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// oneShot is one `cli -server ADDR cmd...` invocation. {p} stands for a
// subtree of its own (set up by setupTree), so that the cases can run in
// parallel without seeing each other.
type oneShot struct {
	args []string
	code int // the exit code zkCli.sh ends with
	// local commands never reach the server. zkCli prints its connection
	// event for them only if the connection happened to finish before the
	// command did; corral cli never does.
	local bool
	// racy: zkCli may print the session's events or exit before its event
	// thread does, so events are not compared with zkCli; corral cli must
	// print exactly corralOut.
	racy      bool
	corralOut string
}

func os1(code int, args ...string) oneShot { return oneShot{args: args, code: code} }

func local(code int, args ...string) oneShot { return oneShot{args: args, code: code, local: true} }

// oneShots covers every command of the shell once (the session test goes
// through their variants): one-shot mode adds how the command line is
// taken (no quote processing), the connection event, the streams and the
// exit code.
var oneShots = []oneShot{
	os1(0, "ls", "{p}"),
	os1(0, "ls", "-R", "{p}"),
	os1(0, "ls", "-s", "-w", "{p}"),
	os1(0, "get", "-s", "{p}/a"),
	os1(1, "get", "{p}/missing"),
	local(1, "get", "nopath"),
	os1(0, "set", "-s", "-v", "0", "{p}/b", "x"),
	os1(1, "set", "-v", "7", "{p}/a", "x"),
	os1(0, "create", "{p}/new", "some data"),
	os1(0, "create", "-s", "{p}/seq-", "x"),
	os1(0, "create", "-t", "5000", "{p}/ttl", "x"),
	os1(1, "create", "{p}/a"),
	local(1, "create", "-t", "0", "{p}/ttl0"),
	os1(0, "delete", "{p}/c"),
	os1(1, "delete", "{p}"),
	os1(0, "deleteall", "{p}/d"),
	os1(0, "stat", "{p}/a"),
	os1(1, "stat", "{p}/missing"),
	os1(0, "getAcl", "-s", "{p}/e"),
	os1(0, "setAcl", "-R", "{p}/f", "world:anyone:cdrw"),
	local(0, "addauth", "digest", "u:p"), // zkCli exits before the auth is even sent
	os1(0, "sync", "{p}"),
	os1(0, "whoami"),
	os1(0, "getEphemerals", "{p}"),
	os1(0, "getAllChildrenNumber", "{p}"),
	os1(0, "addWatch", "-m", "PERSISTENT", "{p}"),
	os1(1, "removewatches", "{p}"),
	os1(0, "config", "-c", "-s"),
	os1(0, "setquota", "-n", "5", "{p}"),
	os1(0, "listquota", "{p}"),
	os1(0, "delquota", "{p}"),
	os1(1, "reconfig", "-add", "1=127.0.0.1:2888:3888;2181"),
	local(0, "history"),
	local(1, "redo", "0"),
	local(0, "printwatches"),
	local(127, "help"),
	local(127, "nosuchcommand", "x"),
	local(1, "ls", "-x", "/"),
	{args: []string{"quit"}, racy: true, corralOut: connectedBlock + "\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n"},
	{args: []string{"close"}, racy: true, corralOut: "\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n"},
}

// setupTree creates the subtree {p} a case works on.
func setupTree(t *testing.T, c *zk.Conn, p string) {
	t.Helper()
	acl := zk.WorldACL(zk.PermAll)
	for _, n := range []struct{ path, data string }{
		{p, "root"}, {p + "/a", "data"}, {p + "/b", "bdata"}, {p + "/c", ""}, {p + "/d", ""}, {p + "/d/x", "1"},
		{p + "/d/x/y", "2"}, {p + "/e", "e"}, {p + "/f", ""}, {p + "/f/g", "g"},
	} {
		_, err := c.Create(n.path, []byte(n.data), 0, acl)
		require.NoError(t, err, "create %s", n.path)
	}
}

func dialZK(t *testing.T, addr string) *zk.Conn {
	t.Helper()
	c, _, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogger(quiet{}))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

// connectedBlock is the connection event as zkCli prints it.
const connectedBlock = "\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n"

// stripConnected removes the connection event's two lines (each with the
// blank line printed before it) wherever they are.
func stripConnected(out string) (string, bool) {
	lines := strings.Split(out, "\n")
	found := 0
	for _, l := range []string{"WATCHER::", "WatchedEvent state:SyncConnected type:None path:null"} {
		for i := 1; i < len(lines); i++ {
			if lines[i] == l && lines[i-1] == "" {
				lines = append(lines[:i-1], lines[i+1:]...)
				found++
				break
			}
		}
	}
	return strings.Join(lines, "\n"), found == 2
}

// stripEvents removes every event (two lines, each after a blank line).
func stripEvents(out string) string {
	lines := strings.Split(out, "\n")
	for i := 1; i < len(lines); {
		if (lines[i] == "WATCHER::" || strings.HasPrefix(lines[i], "WatchedEvent ")) && lines[i-1] == "" {
			lines = append(lines[:i-1], lines[i+1:]...)
			i = max(i-1, 1)
			continue
		}
		i++
	}
	return strings.Join(lines, "\n")
}

var versionLine = regexp.MustCompile(`^ZooKeeper CLI version: .+\n$`)

// testOneShot runs every case through zkCli.sh against Apache, and through
// corral cli against Apache and against the server under test: stdout,
// stderr and exit code must be the same.
func testOneShot(t *testing.T, apache, target *harness.Server) {
	zkc, cc := zkCli(t), corralCli(t)
	type run struct {
		sh     shell
		addr   string
		prefix string
	}
	runs := []run{{zkc, apache.Addr, "/osz"}, {cc, apache.Addr, "/osc"}, {cc, target.Addr, "/osc"}}
	for _, r := range runs {
		c := dialZK(t, r.addr)
		for i, tc := range oneShots {
			if strings.Contains(strings.Join(tc.args, " "), "{p}") {
				setupTree(t, c, fmt.Sprintf("%s%d", r.prefix, i))
			}
		}
	}

	results := make([][]result, len(runs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8) // zkCli spends its second mostly idle, waiting for the JVM
	for ri, r := range runs {
		results[ri] = make([]result, len(oneShots))
		for i, tc := range oneShots {
			args := make([]string, len(tc.args))
			for j, a := range tc.args {
				args[j] = strings.ReplaceAll(a, "{p}", fmt.Sprintf("%s%d", r.prefix, i))
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				results[ri][i] = r.sh.run(t, r.addr, "", args...)
			}()
		}
	}
	wg.Wait()

	for i, tc := range oneShots {
		name := strings.Join(tc.args, " ")
		var texts []string
		for ri, r := range runs {
			res := results[ri][i]
			assert.Equal(t, tc.code, res.code, "exit code of %s %q", r.sh.name, name)
			out := res.stdout
			prefix := "Connecting to " + r.addr + "\n"
			if !assert.True(t, strings.HasPrefix(out, prefix), "%s %q must start with %q:\n%s", r.sh.name, name, prefix, out) {
				continue
			}
			out = strings.TrimPrefix(out, prefix)
			corral := r.sh.name == "corral cli"
			switch {
			case tc.local && corral:
				assert.NotContains(t, out, "WATCHER::", "corral cli %q must not connect", name)
			case !tc.local && !tc.racy && corral:
				assert.True(t, strings.HasPrefix(out, connectedBlock), "corral cli %q prints the connection event first:\n%s", name, out)
			}
			if tc.racy {
				if corral {
					assert.Equal(t, tc.corralOut, out, "corral cli %q", name)
				}
				out = stripEvents(out)
			}
			// zkCli prints the event from its event thread, anywhere in the
			// output (even between the lines of a Stat), or not at all if
			// the command was faster than the connection.
			out, connected := stripConnected(out)
			if !tc.local && !tc.racy {
				assert.True(t, connected, "%s %q must print the connection event:\n%s", r.sh.name, name, res.stdout)
			}
			n := transcript.NewNormalizer()
			text := fmt.Sprintf("exit %d\nstdout:\n%sstderr:\n%s", res.code, normalize(n, r.addr, out), normalize(n, r.addr, res.stderr))
			texts = append(texts, strings.ReplaceAll(text, fmt.Sprintf("%s%d", r.prefix, i), "{p}"))
		}
		if len(texts) == len(runs) {
			if d := transcript.Diff(texts[0], texts[1]); d != "" {
				t.Errorf("corral cli %q on Apache differs from zkCli.sh (- zkCli, + corral cli):\n%s", name, d)
			}
			if d := transcript.Diff(texts[1], texts[2]); d != "" {
				t.Errorf("corral cli %q on %s differs from on Apache (- Apache, + %s):\n%s", name, target.Name, target.Name, d)
			}
		}
	}

	// version names the client, so it is only checked for its form.
	for _, r := range runs[:2] {
		res := r.sh.run(t, r.addr, "", "version")
		require.Equal(t, 0, res.code)
		require.Regexp(t, versionLine, strings.TrimPrefix(res.stdout, "Connecting to "+r.addr+"\n"))
	}
}

// TestOneShotStreams pins down, independently of zkCli, where one-shot
// output goes: results on stdout, "Created" and errors on stderr, and the
// exit codes scripts test.
func TestOneShotStreams(t *testing.T) {
	cc := corralCli(t)
	target := startTarget(t)
	r := cc.run(t, target.Addr, "", "create", "/s", "v")
	require.Equal(t, result{stdout: "Connecting to " + target.Addr + "\n" + connectedBlock, stderr: "Created /s\n"}, r)
	r = cc.run(t, target.Addr, "", "get", "/s")
	require.Equal(t, result{stdout: "Connecting to " + target.Addr + "\n" + connectedBlock + "v\n"}, r)
	r = cc.run(t, target.Addr, "", "get", "/nope")
	require.Equal(t, result{stdout: "Connecting to " + target.Addr + "\n" + connectedBlock, stderr: "Node does not exist: /nope\n", code: 1}, r)
	r = cc.run(t, target.Addr, "", "nosuch")
	require.Equal(t, 127, r.code)
	require.True(t, strings.HasSuffix(r.stderr, "\twhoami \nCommand not found: Command not found nosuch\n"), r.stderr)

	// The one-shot session is closed on exit: its ephemeral is gone at once.
	r = cc.run(t, target.Addr, "", "create", "-e", "/s/eph")
	require.Equal(t, "Created /s/eph\n", r.stderr)
	r = cc.run(t, target.Addr, "", "ls", "/s")
	require.Equal(t, "[]\n", strings.TrimPrefix(r.stdout, "Connecting to "+target.Addr+"\n"+connectedBlock))

	// A server that is not there: the command fails with ConnectionLoss.
	r = cc.run(t, "127.0.0.1:1", "", "ls", "/")
	require.Equal(t, result{stdout: "Connecting to 127.0.0.1:1\n", stderr: "KeeperErrorCode = ConnectionLoss for /\n", code: 1}, r)
	// A chroot in the connect string.
	r = cc.run(t, target.Addr+"/s", "", "create", "/under", "x")
	require.Equal(t, "Created /under\n", r.stderr)
	r = cc.run(t, target.Addr, "", "get", "/s/under")
	require.Equal(t, "x\n", strings.TrimPrefix(r.stdout, "Connecting to "+target.Addr+"\n"+connectedBlock))
	// -waitforconnection connects before the command.
	r = cc.run(t, target.Addr, "", "-waitforconnection", "history")
	require.Equal(t, result{stdout: "Connecting to " + target.Addr + "\n" + connectedBlock + "0 - null\n"}, r)
}
