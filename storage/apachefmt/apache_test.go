package apachefmt

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// apacheClasspath is zkEnv.sh's CLASSPATH on Debian: the jar's manifest
// pulls in its dependencies. ZOOKEEPER_CLASSPATH overrides it.
func apacheClasspath() string {
	if cp := os.Getenv("ZOOKEEPER_CLASSPATH"); cp != "" {
		return cp
	}
	return "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"
}

type apacheServer struct {
	cmd     *exec.Cmd
	addr    string
	dataDir string
	out     *bytes.Buffer
}

// startApache runs a standalone Apache ZooKeeper (Debian's 3.8 package)
// with snapCount=10 so that a few dozen writes produce several snapshots
// and log files.
func startApache(t *testing.T) *apacheServer {
	t.Helper()
	java, err := exec.LookPath("java")
	jar := strings.Split(apacheClasspath(), ":")
	if err != nil {
		t.Skip("java not installed; install the Debian zookeeper package to run this test")
	}
	if _, err := os.Stat(jar[len(jar)-1]); err != nil {
		t.Skipf("Apache ZooKeeper not installed (%v); apt-get install zookeeper", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	dir := t.TempDir()
	s := &apacheServer{addr: fmt.Sprintf("127.0.0.1:%d", port), dataDir: filepath.Join(dir, "data"), out: &bytes.Buffer{}}
	cfg := fmt.Sprintf("tickTime=2000\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n"+
		"snapCount=10\npreAllocSize=64\nadmin.enableServer=false\nextendedTypesEnabled=true\n", s.dataDir, port)
	cfgPath := filepath.Join(dir, "zoo.cfg")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o644))

	s.cmd = exec.Command(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
		"-cp", apacheClasspath(), "org.apache.zookeeper.server.ZooKeeperServerMain", cfgPath)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	require.NoError(t, s.cmd.Start())
	t.Cleanup(func() { s.kill() })

	// The port opens before the server serves; "srvr" says when it does.
	deadline := time.Now().Add(15 * time.Second)
	for !s.serving() {
		if time.Now().After(deadline) {
			t.Fatalf("Apache ZooKeeper did not start\n%s", s.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

func (s *apacheServer) serving() bool {
	c, err := net.DialTimeout("tcp", s.addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("srvr")); err != nil {
		return false
	}
	out, _ := io.ReadAll(c)
	return bytes.Contains(out, []byte("Zookeeper version"))
}

// kill stops the server abruptly, as a crash would: the log's acknowledged
// entries are fsynced, the rest of the preallocated file stays zero.
func (s *apacheServer) kill() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

func connect(t *testing.T, addr string) *zk.Conn {
	t.Helper()
	c, events, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogger(quietLogger{}))
	require.NoError(t, err)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == zk.StateHasSession {
				go func() {
					for range events {
					}
				}()
				return c
			}
		case <-timeout:
			t.Fatal("no session with Apache ZooKeeper")
		}
	}
}

// walk reads the live tree through the client API.
func walk(t *testing.T, c *zk.Conn) map[string]nodeState {
	t.Helper()
	out := map[string]nodeState{}
	var visit func(p string)
	visit = func(p string) {
		data, st, err := c.Get(p)
		require.NoError(t, err, p)
		acl, _, err := c.GetACL(p)
		require.NoError(t, err, p)
		wacl := make([]wire.ACL, len(acl))
		for i, a := range acl {
			wacl[i] = wire.ACL{Perms: a.Perms, ID: wire.Id{Scheme: a.Scheme, ID: a.ID}}
		}
		out[p] = nodeState{Data: string(data), ACL: fmt.Sprint(wacl), Stat: wire.Stat{
			Czxid: st.Czxid, Mzxid: st.Mzxid, Ctime: st.Ctime, Mtime: st.Mtime, Version: st.Version,
			Cversion: st.Cversion, Aversion: st.Aversion, EphemeralOwner: st.EphemeralOwner,
			DataLength: st.DataLength, NumChildren: st.NumChildren, Pzxid: st.Pzxid,
		}}
		kids, _, err := c.Children(p)
		require.NoError(t, err, p)
		for _, k := range kids {
			visit(path.Join(p, k))
		}
	}
	visit("/")
	return out
}

// versionFiles lists dataDir/version-2 files with the prefix, by zxid.
func versionFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "version-2"))
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix+".") {
			out = append(out, filepath.Join(dir, "version-2", e.Name()))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return int(ZxidFromName(a) - ZxidFromName(b)) })
	return out
}

// TestReadRealApacheFiles drives a real Apache ZooKeeper 3.8 through every
// txn type, kills it, then rebuilds the tree from its newest valid
// snapshot plus its logs and compares paths, data, stats and ACLs with what
// the live server reported.
func TestReadRealApacheFiles(t *testing.T) {
	srv := startApache(t)
	a := connect(t, srv.addr)
	defer a.Close()
	b := connect(t, srv.addr)

	open := zk.WorldACL(zk.PermAll)
	mustCreate := func(c *zk.Conn, p, data string, flags int32, acl []zk.ACL) string {
		got, err := c.Create(p, []byte(data), flags, acl)
		require.NoError(t, err, p)
		return got
	}
	mustCreate(a, "/app", "root of the app", 0, open)
	for i := range 3 {
		mustCreate(a, "/app/seq-", fmt.Sprintf("seq %d", i), zk.FlagSequence, open)
	}
	mustCreate(a, "/app/eph", "mine", zk.FlagEphemeral, open)
	mustCreate(b, "/app/eph-b", "b's", zk.FlagEphemeral, open)
	bSeq := mustCreate(b, "/app/eph-seq-", "b's seq", zk.FlagEphemeral|zk.FlagSequence, open)
	mustCreate(a, "/secure", "secret", 0, zk.DigestACL(zk.PermAll, "user", "pass"))
	require.NoError(t, a.AddAuth("digest", []byte("user:pass"))) // so walk can read it
	_, err := a.CreateContainer("/box", []byte("container"), zk.FlagContainer, open)
	require.NoError(t, err)
	mustCreate(a, "/box/item", "", 0, open)
	_, err = a.CreateTTL("/ttl", []byte("expires"), zk.FlagTTL, open, time.Hour)
	require.NoError(t, err)
	for i := range 5 {
		_, err = a.Set("/app", []byte(fmt.Sprintf("version %d", i+1)), int32(i))
		require.NoError(t, err)
	}
	_, err = a.SetACL("/app", zk.WorldACL(zk.PermRead|zk.PermWrite|zk.PermCreate|zk.PermDelete), -1)
	require.NoError(t, err)
	mustCreate(a, "/gone", "to delete", 0, open)
	require.NoError(t, a.Delete("/gone", -1))
	_, err = a.Create("/app", nil, 0, open) // error txn: NODEEXISTS
	require.ErrorIs(t, err, zk.ErrNodeExists)
	_, err = a.Multi(
		&zk.CreateRequest{Path: "/multi", Data: []byte("m"), Acl: open},
		&zk.SetDataRequest{Path: "/multi", Data: []byte("m2"), Version: 0},
		&zk.CheckVersionRequest{Path: "/multi", Version: 1},
		&zk.CreateRequest{Path: "/multi/child", Acl: open},
	)
	require.NoError(t, err)
	_, err = a.Multi( // fails on the check: logged as a multi of error txns
		&zk.CreateRequest{Path: "/never", Acl: open},
		&zk.CheckVersionRequest{Path: "/multi", Version: 42},
	)
	require.Error(t, err)
	b.Close() // closeSession with b's ephemerals in paths2Delete
	require.Eventually(t, func() bool {
		ok, _, err := a.Exists("/app/eph-b")
		return err == nil && !ok
	}, 5*time.Second, 20*time.Millisecond)
	for i := range 12 { // enough to roll another snapshot after the above
		mustCreate(a, fmt.Sprintf("/fill-%02d", i), strings.Repeat("x", i), 0, open)
	}

	live := walk(t, a)
	sessionA := a.SessionID()
	time.Sleep(300 * time.Millisecond) // let the snapshot thread finish
	srv.kill()

	seen := map[wire.OpCode]int{}
	var count func(txn *messages.Txn)
	count = func(txn *messages.Txn) {
		seen[wire.OpCode(txn.Type)]++
		if m, ok := txn.Body.(*messages.Txn_Multi); ok {
			for _, sub := range m.Multi.Txns {
				count(sub)
			}
		}
	}
	logs := versionFiles(t, srv.dataDir, "log")
	require.GreaterOrEqual(t, len(logs), 2, "snapCount=10 should have rolled the log")
	var txns []*messages.Txn
	for _, lf := range logs {
		require.NoError(t, ReadLog(lf, func(hdr TxnHeader, txn *messages.Txn) error {
			if len(txns) > 0 {
				require.Greater(t, hdr.Zxid, txns[len(txns)-1].Zxid, "zxids increase across logs")
			}
			require.Equal(t, hdr.Zxid, txn.Zxid)
			count(txn)
			txns = append(txns, txn)
			return nil
		}))
	}

	// Every snapshot plus the txns after it must rebuild the live tree;
	// the oldest ones exercise a long replay, the newest the snapshot
	// itself. Only the newest may be cut short by the kill.
	snaps := versionFiles(t, srv.dataDir, "snapshot")
	require.GreaterOrEqual(t, len(snaps), 3, "snapCount=10 should have produced snapshots")
	var tree *testTree
	for i, sf := range snaps {
		tr := newTestTree()
		snapZxid, err := ReadSnapshot(sf, tr)
		if err != nil && i == len(snaps)-1 {
			t.Logf("newest snapshot unreadable after the kill: %v", err)
			continue
		}
		require.NoError(t, err, sf)
		require.Equal(t, ZxidFromName(sf), snapZxid)
		require.True(t, tr.tail.HasDigest, "3.8 seals a digest after the tree")
		replayed := 0
		for _, txn := range txns {
			if txn.Zxid > snapZxid {
				tr.apply(txn)
				replayed++
			}
		}
		t.Logf("%s: %d nodes, replayed %d txns", filepath.Base(sf), len(tr.nodes), replayed)
		got := tr.state()
		require.Equal(t, len(live), len(got), sf)
		for p, want := range live {
			require.Equal(t, want, got[p], "%s: %s", sf, p)
		}
		require.Equal(t, map[int64]int32{sessionA: 10000}, tr.sessions, "b's session was closed")
		tree = tr
	}
	for _, op := range []wire.OpCode{wire.OpCreateSession, wire.OpCloseSession, wire.OpCreate, wire.OpCreateContainer,
		wire.OpCreateTTL, wire.OpDelete, wire.OpSetData, wire.OpSetACL, wire.OpError, wire.OpMulti, wire.OpCheck} {
		require.Positive(t, seen[op], "no %v txn read", op)
	}

	var closed *messages.CloseSessionTxn
	var failed []int32
	for _, txn := range txns {
		switch body := txn.Body.(type) {
		case *messages.Txn_CloseSession:
			closed = body.CloseSession
		case *messages.Txn_Multi:
			for _, sub := range body.Multi.Txns {
				if e, ok := sub.Body.(*messages.Txn_Error); ok {
					failed = append(failed, e.Error.Err)
				}
			}
		}
	}
	require.NotNil(t, closed)
	require.ElementsMatch(t, []string{"/app/eph-b", bSeq}, closed.PathsToDelete)
	// Apache logs the ops before the failing check as real txns; the
	// reader rewrites them as DataTree does, into ErrorTxn(OK).
	require.Equal(t, []int32{int32(wire.ErrOK), int32(wire.ErrBadVersion)}, failed)

	// On disk the node kind lives in ephemeralOwner (clients see 0).
	require.Equal(t, wire.TTLOwnerMask|3_600_000, tree.nodes["/ttl"].stat.EphemeralOwner)
	require.Equal(t, wire.ContainerEphemeralOwner, tree.nodes["/box"].stat.EphemeralOwner)
	require.Equal(t, sessionA, tree.nodes["/app/eph"].stat.EphemeralOwner)
}
