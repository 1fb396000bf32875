package durability

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/wire"
)

// populate builds a tree that exercises everything a snapshot and the log
// must carry: null, empty and binary data, many versions, sequential
// names, deletions (cversion, pzxid), ephemerals, a container, a TTL node,
// digest and world ACLs changed by setACL, and multis.
func populate(t *testing.T, c *zk.Conn, rng *rand.Rand, n int) {
	t.Helper()
	must := func(_ any, err error) { t.Helper(); require.NoError(t, err) }
	require.NoError(t, c.AddAuth("digest", []byte("alice:secret")))
	alice := zk.DigestACL(zk.PermAll, "alice", "secret")
	must(c.Create("/app", []byte("hello"), 0, openACL))
	must(c.Create("/app/null", nil, 0, openACL))
	must(c.Create("/app/empty", []byte{}, 0, openACL))
	must(c.Create("/app/private", []byte{0, 1, 2, 255}, 0, alice))
	must(c.Create("/app/eph", []byte("mine"), zk.FlagEphemeral, openACL))
	must(c.Create("/app/eph-seq-", nil, zk.FlagEphemeralSequential, openACL))
	must(c.CreateContainer("/box", nil, zk.FlagContainer, openACL))
	must(c.Create("/box/item", []byte("x"), 0, openACL))
	must(c.CreateTTL("/ttl", []byte("lives an hour"), zk.FlagTTL, openACL, time.Hour))
	must(c.SetACL("/app/empty", append(alice, zk.WorldACL(zk.PermRead)...), 0))
	for i := range n {
		switch rng.IntN(6) {
		case 0, 1:
			must(c.Create(fmt.Sprintf("/app/n%04d", i), fmt.Appendf(nil, "v%d", rng.IntN(1000)), 0, openACL))
		case 2:
			must(c.Create("/app/seq-", nil, zk.FlagSequence, openACL))
		case 3:
			must(c.Set("/app", fmt.Appendf(nil, "hello %d", i), -1))
		case 4:
			kids, _, err := c.Children("/app")
			require.NoError(t, err)
			for _, k := range kids {
				if strings.HasPrefix(k, "seq-") || strings.HasPrefix(k, "n0") {
					require.NoError(t, c.Delete("/app/"+k, -1))
					break
				}
			}
		case 5:
			p := fmt.Sprintf("/app/m%04d", i)
			_, err := c.Multi(
				&zk.CreateRequest{Path: p, Data: []byte("multi"), Acl: openACL},
				&zk.SetDataRequest{Path: p, Data: nil, Version: 0},
				&zk.SetDataRequest{Path: "/app/null", Data: nil, Version: -1},
			)
			require.NoError(t, err)
		}
	}
}

// TestRestartGivesBackTheSameTree: a digest of the whole tree read through
// a client (paths, data, every stat field, ACLs) is the same before the
// server goes down and after it recovered, with no snapshot (the whole log
// is replayed) and with many snapshots taken while writing (the newest
// snapshot plus the log after it), after a clean stop and after kill -9.
func TestRestartGivesBackTheSameTree(t *testing.T) {
	for _, snaps := range []bool{false, true} {
		for _, kill := range []bool{false, true} {
			name := fmt.Sprintf("snapshots=%v/kill9=%v", snaps, kill)
			t.Run(name, func(t *testing.T) {
				snapCount := "1000000"
				if snaps {
					snapCount = "40"
				}
				s := harness.StartCorral(t, harness.Options{Config: map[string]string{
					"snapCount": snapCount, "extendedTypesEnabled": "true"}})
				owner := connect(t, s.Addr, 20*time.Second)
				populate(t, owner, rand.New(rand.NewPCG(7, uint64(len(name)))), 200)
				reader := connect(t, s.Addr, 10*time.Second)
				require.NoError(t, reader.AddAuth("digest", []byte("alice:secret")))
				before := treeDigest(t, reader)
				if snaps {
					require.NotEmpty(t, listFiles(t, snapDir(s), "snapshot."))
				} else {
					require.Empty(t, listFiles(t, snapDir(s), "snapshot."))
				}
				reader.Close()
				if kill {
					s.Kill()
				} else {
					s.Stop()
				}
				s.Restart()
				out := s.Output()
				i := strings.LastIndex(out, "recovered state from disk")
				require.GreaterOrEqual(t, i, 0, "no recovery summary in the log")
				summary := out[i:]
				summary = summary[:strings.IndexByte(summary, '\n')]
				t.Log(summary)
				require.Equal(t, !snaps, strings.Contains(summary, `snapshot="" `), summary)

				// The owner's session comes back with its ephemerals once
				// its client reconnects.
				waitFor(t, 15*time.Second, "the owner to reconnect", func() bool { return owner.State() == zk.StateHasSession })
				reader = connect(t, s.Addr, 10*time.Second)
				require.NoError(t, reader.AddAuth("digest", []byte("alice:secret")))
				requireSameTree(t, before, treeDigest(t, reader))

				// The zxid continues where it was.
				last := int64(0)
				for _, v := range before {
					var st zk.Stat
					if i := strings.Index(v, "stat="); i >= 0 {
						_, _ = fmt.Sscanf(v[i:], "stat={Czxid:%d Mzxid:%d", &st.Czxid, &st.Mzxid)
					}
					last = max(last, st.Czxid, st.Mzxid)
				}
				_, err := owner.Create("/after", nil, 0, openACL)
				require.NoError(t, err)
				_, st, err := owner.Get("/after")
				require.NoError(t, err)
				require.Greater(t, st.Czxid, last)
			})
		}
	}
}

// TestSessionSurvivesRestart: session passwords are an HMAC under the
// secret kept in dataDir, and sessions are in the log and snapshots with
// their timeouts, so a client that reconnects within its timeout after a
// restart keeps its session and its ephemerals, with go-zookeeper's own
// reconnect and with an explicit resume (id + password) after kill -9.
func TestSessionSurvivesRestart(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{TickTime: 500, Config: map[string]string{"snapCount": "20"}})
	c := connect(t, s.Addr, 6*time.Second)
	id := c.SessionID()
	_, err := c.Create("/mine", []byte("ephemeral"), zk.FlagEphemeral, openACL)
	require.NoError(t, err)

	raw, err := rawzk.Dial(s.Addr, rawzk.Options{SessionTimeout: 6 * time.Second, NoPing: true})
	require.NoError(t, err)
	rep, err := raw.Call(wire.OpCreate, rawzk.CreateRequest("/raw", nil, []wire.ACL{{Perms: wire.PermAll,
		ID: wire.Id{Scheme: "world", ID: "anyone"}}}, wire.ModeEphemeral))
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, rep.Err)
	// Enough writes for a snapshot, so the sessions come back from one.
	for i := range 30 {
		_, err := c.Create(fmt.Sprintf("/n%d", i), nil, 0, openACL)
		require.NoError(t, err)
	}
	raw.Abandon()

	s.Kill()
	s.Restart()
	resumed, err := rawzk.Dial(s.Addr, rawzk.Options{SessionID: raw.SessionID, Passwd: raw.Passwd,
		SessionTimeout: 6 * time.Second})
	require.NoError(t, err, "the session's password must still be accepted after a restart")
	defer resumed.Close()
	require.Equal(t, raw.SessionID, resumed.SessionID)

	waitFor(t, 15*time.Second, "go-zookeeper to reconnect", func() bool { return c.State() == zk.StateHasSession })
	require.Equal(t, id, c.SessionID(), "the client keeps its session")
	// Past the timeout, both ephemerals are still there: their sessions
	// are alive.
	time.Sleep(7 * time.Second)
	other := connect(t, s.Addr, 10*time.Second)
	for _, p := range []string{"/mine", "/raw"} {
		_, st, err := other.Get(p)
		require.NoError(t, err, p)
		require.NotZero(t, st.EphemeralOwner, p)
	}
	_, err = c.Create("/still-works", nil, 0, openACL)
	require.NoError(t, err)
}

// TestSessionsExpireAfterRestart: a session whose client does not come
// back after a restart expires after its timeout, and its ephemerals are
// deleted by a closeSession txn that goes through the pipeline into the
// log (not by a local shortcut at start-up).
func TestSessionsExpireAfterRestart(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{TickTime: 500})
	raw, err := rawzk.Dial(s.Addr, rawzk.Options{SessionTimeout: 6 * time.Second, NoPing: true})
	require.NoError(t, err)
	rep, err := raw.Call(wire.OpCreate, rawzk.CreateRequest("/gone", nil, []wire.ACL{{Perms: wire.PermAll,
		ID: wire.Id{Scheme: "world", ID: "anyone"}}}, wire.ModeEphemeral))
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, rep.Err)
	raw.Abandon()
	s.Kill()
	restarted := time.Now()
	s.Restart()

	c := connect(t, s.Addr, 5*time.Second)
	_, _, err = c.Get("/gone")
	require.NoError(t, err, "right after the restart the session is still alive")
	waitFor(t, 20*time.Second, "the session to expire", func() bool {
		ok, _, err := c.Exists("/gone")
		require.NoError(t, err)
		return !ok
	})
	require.GreaterOrEqual(t, time.Since(restarted), 6*time.Second, "expired before its timeout")

	s.Stop()
	var closes int
	for _, seg := range listFiles(t, logDir(s), "log.") {
		for _, e := range readEntries(t, seg) {
			if e.txn.GetSessionId() == raw.SessionID && wire.OpCode(e.txn.GetType()) == wire.OpCloseSession {
				require.Equal(t, []string{"/gone"}, e.txn.GetCloseSession().GetPathsToDelete())
				closes++
			}
		}
	}
	require.Equal(t, 1, closes, "the expiry must be one closeSession txn in the log")
}

// TestFsyncSettings: fsync.warningthresholdms logs a slow fsync with its
// duration (0 makes every fsync "slow"), and forceSync=no is accepted with
// a warning that it is unsafe.
func TestFsyncSettings(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{Config: map[string]string{"fsync.warningthresholdms": "0"}})
	c := connect(t, s.Addr, 5*time.Second)
	_, err := c.Create("/x", nil, 0, openACL)
	require.NoError(t, err)
	waitFor(t, 5*time.Second, "a slow-fsync warning", func() bool {
		return strings.Contains(s.Output(), "fsync is slow") && strings.Contains(s.Output(), "duration=")
	})

	u := harness.StartCorral(t, harness.Options{Config: map[string]string{"forceSync": "no"}})
	require.Contains(t, u.Output(), "forceSync=no")
	c = connect(t, u.Addr, 5*time.Second)
	_, err = c.Create("/y", []byte("z"), 0, openACL)
	require.NoError(t, err)
	u.Kill() // the process dies, the kernel keeps the written pages
	u.Restart()
	c = connect(t, u.Addr, 5*time.Second)
	data, _, err := c.Get("/y")
	require.NoError(t, err)
	require.Equal(t, []byte("z"), data)
}
