package quorum

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/corral-zk/corral/tests/harness"
)

// Timing: 200 ms ticks, so a lost leader is noticed within syncLimit = 1 s
// and sessions can be as short as 400 ms.
const (
	tickTime  = 200
	initLimit = 10
	syncLimit = 5
	settle    = 60 * time.Second
)

func startEnsemble(t *testing.T) *harness.Ensemble {
	t.Helper()
	return harness.StartEnsemble(t, harness.EnsembleOptions{Target: harness.Corral, Voters: 3,
		TickTime: tickTime, InitLimit: initLimit, SyncLimit: syncLimit, StartTimeout: settle})
}

// followersOf lists the running servers other than leader.
func followersOf(ens *harness.Ensemble, leader int) []int {
	var out []int
	for _, id := range ens.IDs() {
		if id != leader && ens.Running(id) {
			out = append(out, id)
		}
	}
	return out
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

// killableDialer dials normally until killed; then it fails every dial and
// closes the connection it made, so the client vanishes without closing
// its session, as a crashed client does.
type killableDialer struct {
	mu     sync.Mutex
	dead   bool
	conns  []net.Conn
	dialer net.Dialer
}

func (d *killableDialer) dial(network, address string, timeout time.Duration) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead {
		return nil, errors.New("client killed")
	}
	d.dialer.Timeout = timeout
	c, err := d.dialer.Dial(network, address)
	if err == nil {
		d.conns = append(d.conns, c)
	}
	return c, err
}

func (d *killableDialer) kill() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dead = true
	for _, c := range d.conns {
		_ = c.Close()
	}
}

// connect dials server addr with the given session timeout and waits for
// the session; the events channel is returned for tests that watch the
// connection's state.
func connect(t *testing.T, addr string, timeout time.Duration, dialer zk.Dialer) (*zk.Conn, <-chan zk.Event) {
	t.Helper()
	// go-zookeeper's option type is unexported: pass a no-op for none.
	dialOpt := func(*zk.Conn) {}
	if dialer != nil {
		dialOpt = zk.WithDialer(dialer)
	}
	c, ev, err := zk.Connect([]string{addr}, timeout, zk.WithLogger(quiet{}), zk.WithLogInfo(false), dialOpt)
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(c.Close)
	if err := harness.WaitSession(c, settle); err != nil {
		t.Fatalf("client of %s: %v", addr, err)
	}
	return c, ev
}

// readOn reads path on server id with a fresh client, after sync.
func readOn(t *testing.T, ens *harness.Ensemble, id int, path string) (bool, *zk.Stat) {
	t.Helper()
	c := ens.ClientTo(t, id)
	defer c.Close()
	if _, err := c.Sync(path); err != nil && !errors.Is(err, zk.ErrNoNode) {
		t.Fatalf("sync on server %d: %v", id, err)
	}
	ok, st, err := c.Exists(path)
	if err != nil {
		t.Fatalf("exists %s on server %d: %v", path, id, err)
	}
	return ok, st
}

// A follower's client stays alive at the leader, which alone expires
// sessions, as long as it is active: its activity reaches the leader in
// PING replies. Once the client vanishes without closing its session, the
// leader expires it and the closeSession txn removes its ephemeral on every
// server, in the same txn (the parent's pzxid is the same everywhere).
func TestSessionsAcrossServers(t *testing.T) {
	ens := startEnsemble(t)
	leader := ens.WaitForLeader(settle)
	f := followersOf(ens, leader)[0]
	dir := fmt.Sprintf("/sessions-%d", time.Now().UnixNano())
	if _, err := ens.ClientTo(t, leader).Create(dir, nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}

	const timeout = 2 * time.Second
	d := &killableDialer{}
	c, _ := connect(t, ens.ClientAddr(f), timeout, d.dial)
	eph := dir + "/eph"
	if _, err := c.Create(eph, []byte("x"), zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create ephemeral through follower %d: %v", f, err)
	}
	// Three timeouts of activity (the client pings every third of its
	// timeout): without the touches the leader would expire it.
	time.Sleep(3 * timeout)
	if c.State() != zk.StateHasSession {
		t.Fatalf("the active client lost its session: state %v", c.State())
	}
	for _, id := range ens.IDs() {
		if ok, _ := readOn(t, ens, id, eph); !ok {
			t.Fatalf("server %d: the ephemeral of an active session is gone", id)
		}
	}

	d.kill()
	killed := time.Now()
	deadline := killed.Add(timeout + 10*time.Second)
	var pzxids []int64
	for _, id := range ens.IDs() {
		for {
			ok, _ := readOn(t, ens, id, eph)
			if !ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("server %d still has the ephemeral %v after its client died", id, time.Since(killed))
			}
			time.Sleep(100 * time.Millisecond)
		}
		_, st := readOn(t, ens, id, dir)
		pzxids = append(pzxids, st.Pzxid)
	}
	t.Logf("ephemeral gone on every server %v after its client died (session timeout %v)", time.Since(killed), timeout)
	for i, p := range pzxids {
		if p != pzxids[0] {
			t.Errorf("server %d: %s pzxid %#x, server 1: %#x; the ephemeral went in different txns", ens.IDs()[i], dir, p, pzxids[0])
		}
	}
}

// waitDisconnected waits until the client reports losing its server and
// returns how long after start that was.
func waitDisconnected(t *testing.T, ev <-chan zk.Event, start time.Time, within time.Duration) time.Duration {
	t.Helper()
	timer := time.After(within)
	for {
		select {
		case e := <-ev:
			if e.Type == zk.EventSession && e.State == zk.StateDisconnected {
				return time.Since(start)
			}
		case <-timer:
			t.Fatalf("the client was not disconnected within %v", within)
		}
	}
}

// waitNotServing waits until server id says it does not serve.
func waitNotServing(t *testing.T, ens *harness.Ensemble, id int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if _, err := ens.Mode(id); err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %d still serves %v later: %s", id, within, ens.Modes())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A server cut off from the quorum stops serving and closes its clients'
// connections, so they move to a server that serves: a follower whose
// leader and other follower died goes LOOKING; a leader whose followers
// died steps down within syncLimit.
func TestServersWithoutQuorumStopServing(t *testing.T) {
	ens := startEnsemble(t)
	// syncLimit ticks to notice, plus the time to close connections.
	bound := time.Duration(syncLimit*tickTime)*time.Millisecond + 3*time.Second

	t.Run("follower", func(t *testing.T) {
		leader := ens.WaitForLeader(settle)
		fs := followersOf(ens, leader)
		c, ev := connect(t, ens.ClientAddr(fs[0]), 4*time.Second, nil)
		if _, err := c.Create(fmt.Sprintf("/f-%d", time.Now().UnixNano()), nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		ens.Kill9(leader, fs[1])
		took := waitDisconnected(t, ev, killed, bound)
		waitNotServing(t, ens, fs[0], bound)
		t.Logf("follower %d closed its client's connection %v after losing leader %d and follower %d", fs[0], took, leader, fs[1])
		ens.Start(leader)
		ens.Start(fs[1])
		ens.WaitForLeader(settle)
		ens.WaitAllServing(settle)
	})

	t.Run("leader", func(t *testing.T) {
		leader := ens.WaitForLeader(settle)
		fs := followersOf(ens, leader)
		c, ev := connect(t, ens.ClientAddr(leader), 4*time.Second, nil)
		if _, err := c.Create(fmt.Sprintf("/l-%d", time.Now().UnixNano()), nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		ens.Kill9(fs...)
		took := waitDisconnected(t, ev, killed, bound)
		waitNotServing(t, ens, leader, bound)
		t.Logf("leader %d stepped down and closed its client's connection %v after losing followers %v", leader, took, fs)
	})
}

// The leader is killed (-9) while clients write through every server: the
// others elect a new leader and writes resume; the old leader comes back
// as a follower and catches up; every acknowledged write is on every
// server, in one order, and nothing else is.
func TestLeaderKilledUnderLoad(t *testing.T) {
	ens := startEnsemble(t)
	leader := ens.WaitForLeader(settle)
	for _, id := range followersOf(ens, leader) {
		if mode, err := ens.Mode(id); err != nil || mode != "follower" {
			t.Fatalf("server %d: mode %q (%v), want follower", id, mode, err)
		}
	}
	chk := harness.NewChecker(t, ens, harness.CheckerOptions{})
	chk.Start()
	chk.WaitAcked(time.Time{}, 300, settle)
	killed := time.Now()
	ens.Kill9(leader)
	next := ens.WaitForLeaderAmong(settle, followersOf(ens, leader)...)
	chk.WaitAcked(killed, 200, settle)
	if first, ok := chk.FirstAckAfter(killed); ok {
		t.Logf("leader %d killed; %d leads; first write acknowledged %v after the kill", leader, next, first.Sub(killed).Round(time.Millisecond))
	}
	ens.Start(leader)
	ens.WaitServing(leader, settle)
	if mode, err := ens.Mode(leader); err != nil || mode != "follower" {
		t.Errorf("the restarted former leader %d is %q (%v), want follower", leader, mode, err)
	}
	chk.WaitAcked(time.Now(), 100, settle)
	n := chk.Verify()
	t.Logf("verified %d acknowledged writes (%s)", n, chk.Summary())
}
