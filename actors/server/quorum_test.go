package server

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/actors/peer"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/core/datatree"
	"github.com/corral-zk/corral/supervision"
)

// These tests run a three-server ensemble inside the test process: three
// servers (each its own actor system, quorum port and client port on
// loopback) built from ordinary zoo.cfg and myid files, so that a test can
// arm crash hooks inside one of them. The multi-process scenarios, with
// the real binary, are in tests/ensemble and tests/quorum.

const quorumSettle = 30 * time.Second

type ensembleMember struct {
	id   int64
	srv  *Server
	addr string
}

func freeLoopbackPorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		_ = l.Close()
	}
	return ports
}

// startInProcessEnsemble starts n voters from zoo.cfg files.
func startInProcessEnsemble(t *testing.T, n int) []*ensembleMember {
	t.Helper()
	ports := freeLoopbackPorts(t, 3*n)
	var lines []string
	for i := range n {
		lines = append(lines, fmt.Sprintf("server.%d=127.0.0.1:%d:%d;127.0.0.1:%d", i+1, ports[3*i], ports[3*i+1], ports[3*i+2]))
	}
	var members []*ensembleMember
	for i := range n {
		dir := t.TempDir()
		data := filepath.Join(dir, "data")
		require.NoError(t, os.MkdirAll(data, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(data, "myid"), fmt.Appendf(nil, "%d\n", i+1), 0o644))
		cfgText := fmt.Sprintf("tickTime=500\ninitLimit=10\nsyncLimit=5\ndataDir=%s\nadmin.enableServer=false\n"+
			"4lw.commands.whitelist=*\nforceSync=no\n%s\n", data, strings.Join(lines, "\n"))
		path := filepath.Join(dir, "zoo.cfg")
		require.NoError(t, os.WriteFile(path, []byte(cfgText), 0o644))
		cfg, err := config.Load(path)
		require.NoError(t, err)
		srv, err := New(Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Hooks: &supervision.CrashHooks{}})
		require.NoError(t, err)
		members = append(members, &ensembleMember{id: int64(i + 1), srv: srv, addr: fmt.Sprintf("127.0.0.1:%d", ports[3*i+2])})
	}
	for _, m := range members {
		require.NoError(t, m.srv.Start())
		t.Cleanup(m.srv.Stop)
	}
	waitRoles(t, members)
	return members
}

// waitRoles waits until one member leads and the others follow, all
// serving, and returns the leader.
func waitRoles(t *testing.T, members []*ensembleMember) *ensembleMember {
	t.Helper()
	deadline := time.Now().Add(quorumSettle)
	for {
		var leader *ensembleMember
		leaders, followers := 0, 0
		for _, m := range members {
			switch m.srv.quorum.peer.Mode() {
			case peer.ModeLeader:
				leaders++
				leader = m
			case peer.ModeFollower:
				followers++
			}
		}
		if leaders == 1 && followers == len(members)-1 {
			return leader
		}
		if time.Now().After(deadline) {
			t.Fatalf("no leader with %d followers after %v: %s", len(members)-1, quorumSettle, modes(members))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func modes(members []*ensembleMember) string {
	var parts []string
	for _, m := range members {
		mode := string(m.srv.quorum.peer.Mode())
		if mode == "" {
			mode = "not serving"
		}
		parts = append(parts, fmt.Sprintf("%d=%s", m.id, mode))
	}
	return strings.Join(parts, " ")
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}

// writeLoad keeps creating znodes through clients of every member until
// stopped, and records those acknowledged.
type writeLoad struct {
	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	acked []string
	n     atomic.Int64
}

func startLoad(t *testing.T, members []*ensembleMember, dir string) *writeLoad {
	t.Helper()
	var servers []string
	for _, m := range members {
		servers = append(servers, m.addr)
	}
	setup, _, err := zk.Connect(servers, 4*time.Second, zk.WithLogger(quietLog{}))
	require.NoError(t, err)
	defer setup.Close()
	_, err = setup.Create(dir, nil, 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	l := &writeLoad{stop: make(chan struct{})}
	for w := range 3 {
		c, _, err := zk.Connect([]string{members[w%len(members)].addr}, 4*time.Second, zk.WithLogger(quietLog{}))
		require.NoError(t, err)
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer c.Close()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				p := fmt.Sprintf("%s/w%d-%06d", dir, w, i)
				if _, err := c.Create(p, []byte(p), 0, zk.WorldACL(zk.PermAll)); err == nil {
					l.mu.Lock()
					l.acked = append(l.acked, p)
					l.mu.Unlock()
					l.n.Add(1)
				} else {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	return l
}

// waitMore waits until n more writes were acknowledged.
func (l *writeLoad) waitMore(t *testing.T, n int64) {
	t.Helper()
	target := l.n.Load() + n
	deadline := time.Now().Add(quorumSettle)
	for l.n.Load() < target {
		if time.Now().After(deadline) {
			t.Fatalf("writes stalled at %d acknowledged", l.n.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *writeLoad) finish() []string {
	close(l.stop)
	l.wg.Wait()
	return l.acked
}

// checkEverywhere checks that every acknowledged znode is on every member
// once they all applied the same history.
func checkEverywhere(t *testing.T, members []*ensembleMember, acked []string) {
	t.Helper()
	deadline := time.Now().Add(quorumSettle)
	for {
		last := members[0].srv.DB().LastApplied()
		same := true
		for _, m := range members[1:] {
			same = same && m.srv.DB().LastApplied() == last
		}
		if same {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("members did not converge on one last zxid")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, m := range members {
		missing := 0
		m.srv.DB().View(func(tr *datatree.Tree) {
			for _, p := range acked {
				if _, ok := tr.Lookup(p); !ok {
					missing++
				}
			}
		})
		require.Zerof(t, missing, "server %d lacks %d of %d acknowledged writes", m.id, missing, len(acked))
	}
}

// A learner handler that crashes closes only its learner's link: the leader
// keeps leading in the same epoch, the learner re-registers and is synced
// again, and no acknowledged write is lost.
func TestLearnerHandlerCrashClosesOnlyItsLink(t *testing.T) {
	members := startInProcessEnsemble(t, 3)
	leader := waitRoles(t, members)
	epoch := leader.srv.quorum.peer.Epoch()
	load := startLoad(t, members, "/lh")
	load.waitMore(t, 50)
	before := lookings(members)

	leader.srv.Hooks().Arm("learnerhandler", 1)
	deadline := time.Now().Add(quorumSettle)
	for leader.srv.Hooks().Pending("learnerhandler") > 0 {
		require.Truef(t, time.Now().Before(deadline), "the armed crash never fired")
		time.Sleep(10 * time.Millisecond)
	}
	// The learner whose link closed went LOOKING once and rejoined; the
	// leader and the other learner carried on.
	deadline = time.Now().Add(quorumSettle)
	for lookings(members)-before != 1 {
		require.Truef(t, time.Now().Before(deadline), "no learner went back to LOOKING")
		time.Sleep(10 * time.Millisecond)
	}
	load.waitMore(t, 100)
	again := waitRoles(t, members)
	require.Equal(t, leader.id, again.id, "the leader changed")
	require.Equal(t, epoch, leader.srv.quorum.peer.Epoch(), "the leader's role restarted (new epoch)")
	require.Equal(t, int64(1), lookings(members)-before, "more than the crashed link's learner went LOOKING")
	checkEverywhere(t, members, load.finish())
}

// lookings counts the LOOKING rounds of every member.
func lookings(members []*ensembleMember) int64 {
	var n int64
	for _, m := range members {
		n += m.srv.quorum.peer.Lookings()
	}
	return n
}

// A crash in a role actor leaves the role's state unknown, so the role
// ends and the server goes back to LOOKING: a follower rejoins the same
// leader; a leader's crash makes a new election and a new epoch. Writes
// resume and none acknowledged is lost.
func TestRoleCrashGoesBackToLooking(t *testing.T) {
	members := startInProcessEnsemble(t, 3)
	leader := waitRoles(t, members)
	load := startLoad(t, members, "/role")
	load.waitMore(t, 50)

	var follower *ensembleMember
	for _, m := range members {
		if m != leader {
			follower = m
			break
		}
	}
	epoch := leader.srv.quorum.peer.Epoch()
	rounds := follower.srv.quorum.peer.Lookings()
	follower.srv.Hooks().Arm("learner", 1)
	// The hook fires on the follower's next learner message; under load the
	// follower may lag behind the writes, so wait for the crash itself.
	deadline := time.Now().Add(quorumSettle)
	for follower.srv.Hooks().Pending("learner") > 0 {
		require.Truef(t, time.Now().Before(deadline), "the armed crash never fired")
		time.Sleep(10 * time.Millisecond)
	}
	load.waitMore(t, 100)
	// At least once: on a loaded machine its first attempt to rejoin can
	// time out (initLimit) and take another round.
	require.GreaterOrEqual(t, follower.srv.quorum.peer.Lookings(), rounds+1, "the crashed follower did not go LOOKING")
	require.Equal(t, leader.id, waitRoles(t, members).id, "a follower's crash changed the leader")
	require.Equal(t, epoch, leader.srv.quorum.peer.Epoch())

	leader.srv.Hooks().Arm("leader", 1)
	deadline = time.Now().Add(quorumSettle)
	for leader.srv.Hooks().Pending("leader") > 0 {
		require.Truef(t, time.Now().Before(deadline), "the armed crash never fired")
		time.Sleep(10 * time.Millisecond)
	}
	load.waitMore(t, 100)
	next := waitRoles(t, members)
	require.Greater(t, next.srv.quorum.peer.Epoch(), epoch, "the leader's crash did not start a new epoch")
	checkEverywhere(t, members, load.finish())
}
