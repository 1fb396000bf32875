// Package durability tests that the real `corral server` binary keeps its
// promise across crashes: every acknowledged write survives kill -9, a torn
// log tail is cut with a warning, damage refuses the start naming the file
// and the offset, a restart (with or without snapshots in between) gives
// back the same tree through a client, sessions survive a restart and
// expire through the pipeline, and a full disk turns writes into errors
// without losing or corrupting anything.
//
// The tests start Corral through tests/harness and talk to it with the
// go-zookeeper client and the harness's raw client. The disk-full test
// mounts a tmpfs and so needs root: without root it fails when CI=true and
// is skipped otherwise. CORRAL_SOAK=1 makes the crash test run 200 cycles
// instead of 25.
package durability

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/txnlog"
	"github.com/corral-zk/corral/tests/harness"
)

type quiet struct{}

func (quiet) Printf(string, ...any) {}

var openACL = zk.WorldACL(zk.PermAll)

// connect opens a go-zookeeper session and waits for it.
func connect(t *testing.T, addr string, timeout time.Duration) *zk.Conn {
	t.Helper()
	c, ev, err := zk.Connect([]string{addr}, timeout, zk.WithLogger(quiet{}))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	deadline := time.After(15 * time.Second)
	for {
		select {
		case e := <-ev:
			if e.State == zk.StateHasSession {
				go drain(ev)
				return c
			}
		case <-deadline:
			t.Fatal("no session within 15s")
		}
	}
}

func drain(ev <-chan zk.Event) {
	for range ev {
	}
}

// logDir is the directory of the server's log segments (storage/layout).
func logDir(s *harness.Server) string {
	dir, _ := layout.Dirs(s.DataDir, "")
	return dir
}

func snapDir(s *harness.Server) string {
	_, dir := layout.Dirs(s.DataDir, "")
	return dir
}

func listFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) && !strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// entry is one record of a log segment as the file holds it: the format is
// documented in storage/txnlog (a header, then per entry a big-endian
// uint32 length, a crc32c and the Txn's protobuf bytes).
type entry struct {
	start, end int64
	txn        *messages.Txn
}

// readEntries parses a segment the way an operator with the format in hand
// would, independently of the server's reader.
func readEntries(t *testing.T, path string) []entry {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []entry
	off := int64(txnlog.HeaderSize)
	for off+txnlog.EntryPrefixSize <= int64(len(b)) {
		n := int64(binary.BigEndian.Uint32(b[off:]))
		if n == 0 || off+txnlog.EntryPrefixSize+n > int64(len(b)) {
			break
		}
		txn := new(messages.Txn)
		require.NoError(t, proto.Unmarshal(b[off+txnlog.EntryPrefixSize:off+txnlog.EntryPrefixSize+n], txn))
		out = append(out, entry{start: off, end: off + txnlog.EntryPrefixSize + n, txn: txn})
		off += txnlog.EntryPrefixSize + n
	}
	return out
}

// startFails runs `corral server` on s's configuration and data, expecting
// it to refuse to start; it returns what the process printed.
func startFails(t *testing.T, s *harness.Server) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, harness.BuildCorral(t), "server", "--config", s.ConfigPath)
	cmd.Dir = s.Dir
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the server must refuse to start; it printed:\n%s", out)
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.NotEqual(t, 0, ee.ExitCode())
	require.NoError(t, ctx.Err(), "the server neither started nor exited")
	return string(out)
}

// treeDigest reads the whole tree through a client: for every path its
// data (null told apart from empty), every stat field and its ACL. Two
// digests are equal exactly when a client cannot tell the trees apart.
func treeDigest(t *testing.T, c *zk.Conn) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(p string)
	walk = func(p string) {
		data, st, err := c.Get(p)
		require.NoError(t, err, p)
		acl, ast, err := c.GetACL(p)
		require.NoError(t, err, p)
		require.Equal(t, *st, *ast, p)
		out[p] = fmt.Sprintf("data=%q null=%v stat=%+v acl=%+v", data, data == nil, *st, acl)
		kids, _, err := c.Children(p)
		require.NoError(t, err, p)
		slices.Sort(kids)
		for _, k := range kids {
			if p == "/" {
				walk("/" + k)
			} else {
				walk(p + "/" + k)
			}
		}
	}
	walk("/")
	return out
}

func requireSameTree(t *testing.T, want, got map[string]string) {
	t.Helper()
	var diffs []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			diffs = append(diffs, "missing "+p)
		} else if g != w {
			diffs = append(diffs, fmt.Sprintf("%s:\n  before %s\n  after  %s", p, w, g))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "appeared "+p)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 10 {
		diffs = append(diffs[:10], fmt.Sprintf("... and %d more", len(diffs)-10))
	}
	require.Empty(t, diffs, "the tree differs after the restart")
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
