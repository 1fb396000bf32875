package server

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/purge/purgetest"
	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
)

func listPrefix(t *testing.T, dir, prefix string) []string {
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) && !strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestAutopurgeKeepsRetainCountSnapshots(t *testing.T) {
	cfg := config.Default()
	cfg.AdminEnableServer = false
	cfg.DataDir = t.TempDir()
	cfg.DataLogDir = cfg.DataDir
	cfg.ClientPort = 0
	cfg.ClientPortAddress = "127.0.0.1"
	cfg.SnapRetainCount = 3
	cfg.PurgeInterval = 50 * time.Millisecond
	dir, _ := layout.Dirs(cfg.DataDir, "")
	h := purgetest.New(t, dir, dir)
	zxids := h.Rounds(6, 10)
	require.NoError(t, h.Log.Close())
	require.Len(t, listPrefix(t, dir, "snapshot."), 6)

	srv, err := New(Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(srv.Stop)

	// The first purge runs at start. The three newest snapshots stay (and
	// any the server takes meanwhile, which are newer). Segments log.1,
	// log.11 and log.21 hold only txns before the oldest kept snapshot
	// (zxid 40); so does log.31 (31..40), since log.41 starts right after.
	has := func(names []string, name string) bool { return slices.Contains(names, name) }
	require.Eventually(t, func() bool {
		snaps, segs := listPrefix(t, dir, "snapshot."), listPrefix(t, dir, "log.")
		for _, z := range zxids[:3] {
			if has(snaps, snapshot.SnapshotName(z)) {
				return false
			}
		}
		for _, z := range []int64{1, 11, 21, 31} {
			if has(segs, txnlog.SegmentName(z)) {
				return false
			}
		}
		return true
	}, 10*time.Second, 20*time.Millisecond, "old snapshots and segments are purged")
	snaps, segs := listPrefix(t, dir, "snapshot."), listPrefix(t, dir, "log.")
	for _, z := range zxids[3:] {
		require.True(t, has(snaps, snapshot.SnapshotName(z)), "snapshot %#x kept; have %v", z, snaps)
	}
	for _, z := range []int64{41, 51} {
		require.True(t, has(segs, txnlog.SegmentName(z)), "segment %#x kept; have %v", z, segs)
	}
}

// TestAutopurgeUnderLoad runs the server's own snapshots (every 10 to 20
// txns) with a purge every 50 ms while a client writes, then restarts the
// server on what the purges left: every write must come back.
func TestAutopurgeUnderLoad(t *testing.T) {
	cfg := config.Default()
	cfg.AdminEnableServer = false
	cfg.DataDir = t.TempDir()
	cfg.DataLogDir = cfg.DataDir
	cfg.ClientPort = 0
	cfg.ClientPortAddress = "127.0.0.1"
	cfg.SnapCount = 20
	cfg.SnapRetainCount = 3
	cfg.PurgeInterval = 50 * time.Millisecond
	dir, _ := layout.Dirs(cfg.DataDir, "")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	srv, err := New(Options{Config: cfg, Logger: logger})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	c, events, err := zk.Connect([]string{srv.Addr().String()}, 5*time.Second, zk.WithLogger(quietZK{}))
	require.NoError(t, err)
	go func() {
		for range events {
		}
	}()
	const writes = 400
	for i := range writes {
		_, err := c.Create(fmt.Sprintf("/n%04d", i), []byte(fmt.Sprint(i)), 0, zk.WorldACL(zk.PermAll))
		require.NoError(t, err)
	}
	// Eventually three snapshots are left, and the log from the newest
	// segment that starts at or before the oldest snapshot's zxid+1 on.
	zxidOf := func(name string) int64 {
		v, err := strconv.ParseUint(name[strings.IndexByte(name, '.')+1:], 16, 64)
		require.NoError(t, err)
		return int64(v)
	}
	require.Eventually(t, func() bool {
		snaps, segs := listPrefix(t, dir, "snapshot."), listPrefix(t, dir, "log.")
		if len(snaps) != 3 || len(segs) == 0 {
			return false
		}
		keepFrom := zxidOf(snaps[0]) + 1 // ReadDir sorts; fixed-width hex sorts like the number
		return zxidOf(segs[0]) <= keepFrom && (len(segs) == 1 || zxidOf(segs[1]) > keepFrom)
	}, 10*time.Second, 20*time.Millisecond, "the server's snapshots and segments are purged")
	c.Close()
	srv.Stop()

	srv, err = New(Options{Config: cfg, Logger: logger})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(srv.Stop)
	c, events, err = zk.Connect([]string{srv.Addr().String()}, 5*time.Second, zk.WithLogger(quietZK{}))
	require.NoError(t, err)
	defer c.Close()
	go func() {
		for range events {
		}
	}()
	kids, _, err := c.Children("/")
	require.NoError(t, err)
	require.Len(t, kids, writes+1, "every node and /zookeeper after the restart")
	for _, i := range []int{0, writes / 2, writes - 1} {
		data, _, err := c.Get(fmt.Sprintf("/n%04d", i))
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint(i), string(data))
	}
}

type quietZK struct{}

func (quietZK) Printf(string, ...any) {}
