package client

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/wire"
)

// recorder is a Watcher that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []Event
	signal chan struct{}
}

func newRecorder() *recorder { return &recorder{signal: make(chan struct{}, 1)} }

func (r *recorder) watch(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.String()
	}
	return out
}

// waitFor waits until the events seen so far end with want.
func (r *recorder) waitFor(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		got := r.all()
		if len(got) >= len(want) && equal(got[len(got)-len(want):], want) {
			return
		}
		select {
		case <-r.signal:
		case <-deadline:
			t.Fatalf("events %q do not end with %q", got, want)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const (
	evConnected    = "WatchedEvent state:SyncConnected type:None path:null"
	evDisconnected = "WatchedEvent state:Disconnected type:None path:null"
)

func dial(t *testing.T, addr string, opts Options) (*Conn, *recorder) {
	t.Helper()
	rec := newRecorder()
	opts.Watcher = rec.watch
	c, err := New(addr, opts)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c, rec
}

var bg = context.Background()

// TestOperations runs every operation against a real Corral server, with
// the Java client's error messages and watch behaviour.
func TestOperations(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{Config: map[string]string{"extendedTypesEnabled": "true"}})
	c, rec := dial(t, s.Addr, Options{})

	p, err := c.Create(bg, "/c", []byte("v0"), OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	require.Equal(t, "/c", p)
	rec.waitFor(t, evConnected)
	require.Equal(t, StateConnected, c.State())
	require.NotZero(t, c.SessionID())

	_, err = c.Create(bg, "/c", nil, OpenACL, wire.ModePersistent)
	require.EqualError(t, err, "KeeperErrorCode = NodeExists for /c")
	_, err = c.Create(bg, "/c/x", nil, nil, wire.ModePersistent)
	require.EqualError(t, err, "KeeperErrorCode = InvalidACL")
	_, err = c.Create(bg, "c", nil, OpenACL, wire.ModePersistent)
	require.EqualError(t, err, "Path must start with / character")
	p, err = c.Create(bg, "/c/s-", nil, OpenACL, wire.ModePersistentSequential)
	require.NoError(t, err)
	require.Equal(t, "/c/s-0000000000", p)
	p, st, err := c.CreateTTL(bg, "/c/ttl", []byte("t"), OpenACL, wire.ModePersistentWithTTL, 60000)
	require.NoError(t, err)
	require.Equal(t, "/c/ttl", p)
	require.Equal(t, int32(1), st.DataLength)
	_, _, err = c.CreateTTL(bg, "/c/ttl0", nil, OpenACL, wire.ModePersistentWithTTL, 0)
	require.EqualError(t, err, "ttl must be positive and cannot be larger than: 1099511627775")
	_, err = c.Create(bg, "/c/e", nil, OpenACL, wire.ModeEphemeral)
	require.NoError(t, err)

	// A data watch fires, and the event is delivered before the write that
	// triggered it returns.
	data, st, err := c.GetData(bg, "/c", true)
	require.NoError(t, err)
	require.Equal(t, "v0", string(data))
	require.Equal(t, int32(0), st.Version)
	st, err = c.SetData(bg, "/c", []byte("v1"), 0)
	require.NoError(t, err)
	require.Equal(t, int32(1), st.Version)
	require.Equal(t, "WatchedEvent state:SyncConnected type:NodeDataChanged path:/c", last(rec.all()))
	_, err = c.SetData(bg, "/c", []byte("v2"), 0)
	require.EqualError(t, err, "KeeperErrorCode = BadVersion for /c")

	// exists on a missing node leaves an exists watch; on a present one a
	// data watch.
	stp, err := c.Exists(bg, "/later", true)
	require.NoError(t, err)
	require.Nil(t, stp)
	_, err = c.Create(bg, "/later", nil, OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	require.Equal(t, "WatchedEvent state:SyncConnected type:NodeCreated path:/later", last(rec.all()))

	kids, err := c.GetChildren(bg, "/later", true)
	require.NoError(t, err)
	require.Empty(t, kids)
	_, err = c.Create(bg, "/later/k", nil, OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	require.Equal(t, "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/later", last(rec.all()))
	kids, st, err = c.GetChildren2(bg, "/c", false)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"s-0000000000", "ttl", "e"}, kids)
	require.Equal(t, int32(3), st.NumChildren)

	acl, _, err := c.GetACL(bg, "/c")
	require.NoError(t, err)
	require.Equal(t, OpenACL, acl)
	_, err = c.Create(bg, "/ro", nil, OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	_, err = c.SetACL(bg, "/ro", []wire.ACL{{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}}}, -1)
	require.NoError(t, err)
	_, err = c.SetData(bg, "/ro", nil, -1)
	require.EqualError(t, err, "KeeperErrorCode = NoAuth for /ro")
	_, err = c.SetACL(bg, "/ro", nil, -1)
	require.EqualError(t, err, "KeeperErrorCode = InvalidACL")

	require.NoError(t, c.Sync(bg, "/c"))
	who, err := c.WhoAmI(bg)
	require.NoError(t, err)
	require.Equal(t, []wire.ClientInfo{{AuthScheme: "ip", User: "127.0.0.1"}}, who)
	eph, err := c.GetEphemerals(bg, "/")
	require.NoError(t, err)
	require.Equal(t, []string{"/c/e"}, eph)
	n, err := c.GetAllChildrenNumber(bg, "/c")
	require.NoError(t, err)
	require.Equal(t, int32(3), n)

	// Persistent recursive watch: fires for descendants, stays, and its
	// removal is reported.
	require.NoError(t, c.AddWatch(bg, "/later", wire.AddWatchPersistentRecursive))
	for i := 0; i < 2; i++ {
		_, err = c.SetData(bg, "/later/k", []byte{byte(i)}, -1)
		require.NoError(t, err)
		require.Equal(t, "WatchedEvent state:SyncConnected type:NodeDataChanged path:/later/k", last(rec.all()))
	}
	require.NoError(t, c.RemoveWatches(bg, "/later", wire.WatcherAny, false))
	require.Equal(t, "WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/later", last(rec.all()))
	err = c.RemoveWatches(bg, "/later", wire.WatcherAny, false)
	require.EqualError(t, err, "KeeperErrorCode = No such watcher for /later")

	_, err = c.Multi(bg, []wire.MultiOp{
		{Type: wire.OpDelete, Op: &wire.DeleteRequest{Path: "/later/k", Version: -1}},
		{Type: wire.OpDelete, Op: &wire.DeleteRequest{Path: "/later", Version: -1}},
	})
	require.NoError(t, err)
	res, err := c.Multi(bg, []wire.MultiOp{{Type: wire.OpDelete, Op: &wire.DeleteRequest{Path: "/later", Version: -1}}})
	require.EqualError(t, err, "KeeperErrorCode = NoNode")
	require.Len(t, res, 1)
	require.EqualError(t, c.Delete(bg, "/c", -1), "KeeperErrorCode = Directory not empty for /c")

	cfg, _, err := c.GetConfig(bg, false)
	require.NoError(t, err)
	require.NotNil(t, cfg)

	// A chrooted session sees /c as its root.
	cr, _ := dial(t, s.Addr+"/c", Options{})
	kids, err = cr.GetChildren(bg, "/", false)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"s-0000000000", "ttl", "e"}, kids)
	_, err = cr.SetData(bg, "/ttl", []byte("x"), -1)
	require.NoError(t, err)
	p, err = cr.Create(bg, "/s-", nil, OpenACL, wire.ModePersistentSequential)
	require.NoError(t, err)
	require.Equal(t, "/s-0000000003", p, "the created path comes back without the chroot")
	require.EqualError(t, cr.Delete(bg, "/nope", -1), "KeeperErrorCode = NoNode for /nope")

	// Close ends the session at once: the ephemeral is gone for others.
	require.NoError(t, c.Close())
	rec.waitFor(t, "WatchedEvent state:Closed type:None path:null")
	require.Equal(t, StateClosed, c.State())
	stp, err = cr.Exists(bg, "/e", false)
	require.NoError(t, err)
	require.Nil(t, stp, "the closed session's ephemeral must be gone")
	_, _, err = c.GetData(bg, "/c", false)
	require.EqualError(t, err, "KeeperErrorCode = Session expired for /c")
	require.NoError(t, c.Close(), "closing twice is harmless")
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// TestReconnectResumesSession breaks the connection under a live session:
// the client reconnects with the same session, re-sends its auth and
// re-registers its watches, which then fire.
func TestReconnectResumesSession(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	px := newProxy(t, s.Addr)
	c, rec := dial(t, px.addr(), Options{SessionTimeout: 10 * time.Second})
	other, _ := dial(t, s.Addr, Options{})

	_, err := c.Create(bg, "/w", []byte("a"), OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	_, _, err = c.GetData(bg, "/w", true)
	require.NoError(t, err)
	_, err = c.Exists(bg, "/missing", true)
	require.NoError(t, err)
	require.NoError(t, c.AddWatch(bg, "/tree", wire.AddWatchPersistentRecursive))
	c.AddAuth("digest", []byte("u:p"))
	sid := c.SessionID()

	px.cut()
	rec.waitFor(t, evDisconnected, evConnected)
	require.Equal(t, sid, c.SessionID(), "the session must be resumed, not replaced")

	who, err := c.WhoAmI(bg)
	require.NoError(t, err)
	require.Contains(t, who, wire.ClientInfo{AuthScheme: "digest", User: "u"}, "auth must be re-sent after a reconnect")

	_, err = other.SetData(bg, "/w", []byte("b"), -1)
	require.NoError(t, err)
	rec.waitFor(t, "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w")
	_, err = other.Create(bg, "/missing", nil, OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	rec.waitFor(t, "WatchedEvent state:SyncConnected type:NodeCreated path:/missing")
	_, err = other.Create(bg, "/tree", nil, OpenACL, wire.ModePersistent)
	require.NoError(t, err)
	rec.waitFor(t, "WatchedEvent state:SyncConnected type:NodeCreated path:/tree")
}

// TestFailover: with two servers in the connect string (here two proxies
// to one server), the client connects through whichever answers and moves
// the session to the other when its server goes away.
func TestFailover(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	a, b := newProxy(t, s.Addr), newProxy(t, s.Addr)
	a.setRefuse(true)
	c, rec := dial(t, a.addr()+","+b.addr(), Options{SessionTimeout: 10 * time.Second})
	// A call made while a connection attempt fails gets CONNECTIONLOSS, as
	// in the Java client; wait for the session instead.
	rec.waitFor(t, evConnected)
	_, err := c.Create(bg, "/f", nil, OpenACL, wire.ModeEphemeral)
	require.NoError(t, err)
	require.Equal(t, b.addr(), c.Server())
	sid := c.SessionID()

	a.setRefuse(false)
	b.setRefuse(true)
	b.cut()
	rec.waitFor(t, evDisconnected, evConnected)
	require.Equal(t, a.addr(), c.Server())
	require.Equal(t, sid, c.SessionID())
	st, err := c.Exists(bg, "/f", false)
	require.NoError(t, err)
	require.Equal(t, sid, st.EphemeralOwner, "the ephemeral still belongs to the moved session")
}

// TestExpiry keeps the client away from the server longer than its
// session timeout: it fails calls with CONNECTIONLOSS meanwhile and, once
// back, learns that the session expired.
func TestExpiry(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{TickTime: 100})
	px := newProxy(t, s.Addr)
	c, rec := dial(t, px.addr(), Options{SessionTimeout: 400 * time.Millisecond})
	_, err := c.Create(bg, "/e", nil, OpenACL, wire.ModeEphemeral)
	require.NoError(t, err)
	require.Equal(t, 400*time.Millisecond, c.SessionTimeout())

	px.setRefuse(true)
	px.cut()
	rec.waitFor(t, evDisconnected)
	_, _, err = c.GetData(bg, "/e", false)
	require.EqualError(t, err, "KeeperErrorCode = ConnectionLoss for /e")
	// Wait until the server has expired the session: its ephemeral goes.
	other, _ := dial(t, s.Addr, Options{})
	require.Eventually(t, func() bool {
		st, err := other.Exists(bg, "/e", false)
		return err == nil && st == nil
	}, 20*time.Second, 20*time.Millisecond)
	px.setRefuse(false)
	rec.waitFor(t, "WatchedEvent state:Expired type:None path:null")
	require.Equal(t, StateClosed, c.State())
	_, _, err = c.GetData(bg, "/e", false)
	require.EqualError(t, err, "KeeperErrorCode = Session expired for /e")
	require.NoError(t, c.Close())
}

// TestUnreachableServer: calls fail with CONNECTIONLOSS once a connection
// attempt fails, as zkCli's do ("KeeperErrorCode = ConnectionLoss for /").
func TestUnreachableServer(t *testing.T) {
	c, rec := dial(t, "127.0.0.1:1", Options{})
	start := time.Now()
	_, err := c.GetChildren(bg, "/", false)
	require.EqualError(t, err, "KeeperErrorCode = ConnectionLoss for /")
	require.Less(t, time.Since(start), 5*time.Second)
	require.Equal(t, StateConnecting, c.State())
	require.NoError(t, c.Close())
	require.Empty(t, rec.all()[:len(rec.all())-1], "no session events before Closed")
}

// TestAuthFailed: an unknown scheme ends the session as in Apache.
func TestAuthFailed(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	c, rec := dial(t, s.Addr, Options{})
	_, err := c.Exists(bg, "/", false)
	require.NoError(t, err)
	c.AddAuth("nosuchscheme", []byte("x"))
	rec.waitFor(t, "WatchedEvent state:AuthFailed type:None path:null")
	require.Equal(t, StateAuthFailed, c.State())
	_, err = c.Exists(bg, "/", false)
	require.True(t, errors.Is(err, wire.ErrAuthFailed), "got %v", err)
	require.NoError(t, c.Close())
	require.False(t, strings.Contains(strings.Join(rec.all(), "\n"), "Closed"), "a dead session reports no Closed event")
}

// TestContextCancel: a call abandoned by its context returns at once.
func TestContextCancel(t *testing.T) {
	c, _ := dial(t, "127.0.0.1:1", Options{SessionTimeout: time.Hour})
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := c.GetChildren(ctx, "/", false)
	require.ErrorIs(t, err, context.Canceled)
}
