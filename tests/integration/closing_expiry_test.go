package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/corral-zk/corral/wire"
	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// TestNoEphemeralAfterExpiryClose is the race of issue 2: the server
// expires a session (its closeSession is on its way through the pipeline)
// while the session's client, unaware, keeps creating ephemerals. Every
// create that reaches the prep stage after the close must be refused
// (SESSIONEXPIRED, as Apache's closing session): applied after the close,
// its ephemeral would outlive the session for ever.
//
// To hit the window between the expiry decision and the session's end, the
// session first holds many ephemerals (its close takes a while to prepare,
// write and apply), goes quiet, and starts creating just after the tick at
// which the table expires it: its deadline is a bucket of tickTime computed
// from its last touch, and the manager polls the table every tickTime/4. A
// round where no create reached prep after the close (the session was
// rescued by a touch, or closed before the creates) proves nothing and is
// tried again with a new session, a bounded number of times.
func TestNoEphemeralAfterExpiryClose(t *testing.T) {
	e := start(t)
	// The observer's session has the longest timeout allowed: the
	// pipeline is busy with thousands of ephemerals, and the observer
	// must not be the one that expires.
	observer, events, err := zk.Connect([]string{e.addr}, 4*time.Second, zk.WithLogger(quiet{}))
	require.NoError(t, err)
	t.Cleanup(observer.Close)
	waitConnected(t, events)
	open := []wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "world", ID: "anyone"}}}
	const (
		held    = 20000
		timeout = 400 // minSessionTimeout of start()
		tick    = 200 // tickTime of start()
	)
	conclusive := 0
	for round := 0; round < 4 && conclusive == 0; round++ {
		r := dialRaw(t, e.addr)
		_ = r.nc.SetDeadline(time.Now().Add(60 * time.Second))
		resp := r.connect(0, nil, timeout)
		require.Equal(t, int32(timeout), resp.TimeOut)
		parent := fmt.Sprintf("/held-%d", round)
		h, _ := r.request(1, wire.OpCreate, &wire.CreateRequest{Path: parent, ACL: open})
		require.Equal(t, wire.ErrOK, h.Err)
		var frames []byte
		for i := range held {
			frames = append(frames, requestFrame(int32(2+i), wire.OpCreate,
				&wire.CreateRequest{Path: fmt.Sprintf("%s/e%05d", parent, i), ACL: open, Flags: wire.ModeEphemeral})...)
		}
		_, err = r.nc.Write(frames)
		require.NoError(t, err)
		for range held {
			body, err := r.fr.ReadFrame()
			require.NoError(t, err)
			var rh wire.ReplyHeader
			rh.Decode(wire.NewDecoder(body))
			require.Equal(t, wire.ErrOK, rh.Err)
		}

		// One read after a pause longer than the touch interval
		// (tickTime/4): the session's last touch is between its sending
		// and its answer.
		time.Sleep((tick/4 + 25) * time.Millisecond)
		sent := time.Now().UnixMilli()
		h, _ = r.request(int32(2+held), wire.OpExists, &wire.PathWatchRequest{Path: parent})
		require.Equal(t, wire.ErrOK, h.Err)
		answered := time.Now().UnixMilli()
		if (sent+timeout)/tick != (answered+timeout)/tick {
			continue // the deadline bucket is not known: try again
		}
		bucket := ((sent+timeout)/tick + 1) * tick
		// The manager polls every tick/4 ms: the session is closing by
		// bucket + tick/4; start a little after.
		at := time.UnixMilli(bucket + tick/4 + 10)
		time.Sleep(time.Until(at))

		closedByServer := blast(r, parent, open, int32(3+held))
		if !closedByServer {
			// A touch rescued the session: it lives on. Let it expire
			// before the next round, whose count of txns it would spoil.
			require.Eventually(t, func() bool {
				kids, _, err := observer.Children(parent)
				return err == nil && len(kids) == 0
			}, 10*time.Second, 20*time.Millisecond)
			continue
		}

		// The session is gone: sync() orders the observer's reads after
		// everything the server applied, then nothing of it may remain.
		_, err = observer.Sync("/")
		require.NoError(t, err)
		kids, stat, err := observer.Children(parent)
		require.NoError(t, err)
		require.Empty(t, kids, "ephemerals outlived their session's close")
		// The close was the last change of the parent's children (a
		// refused create changes nothing), so its zxid is the parent's
		// pzxid. Every request prepared after it used a zxid, refused
		// or not: a marker created now tells how many did.
		marker, err := observer.Create(fmt.Sprintf("/marker-%d", round), nil, 0, zk.WorldACL(zk.PermAll))
		require.NoError(t, err)
		_, mstat, err := observer.Exists(marker)
		require.NoError(t, err)
		after := mstat.Czxid - stat.Pzxid - 1
		t.Logf("round %d: %d creates reached the server after the session's close", round, after)
		if after > 0 {
			conclusive++
		}
	}
	require.NotZero(t, conclusive, "no create reached the server after its session's close in any round")
}

// blast sends an ephemeral create every half millisecond until the server
// closes the connection or 2 s pass, and reports whether the server closed
// it. Answers are read and dropped: a refused create's answer is usually
// lost with the connection, which the server closes once the close is
// applied.
func blast(r *rawClient, parent string, open []wire.ACL, xid int32) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, err := r.fr.ReadFrame(); err != nil {
				return
			}
		}
	}()
	end := time.Now().Add(2 * time.Second)
	for time.Now().Before(end) {
		select {
		case <-done:
			return true
		default:
		}
		f := requestFrame(xid, wire.OpCreate, &wire.CreateRequest{
			Path: fmt.Sprintf("%s/late%06d", parent, xid), ACL: open, Flags: wire.ModeEphemeral})
		if _, err := r.nc.Write(f); err != nil {
			<-done
			return true
		}
		xid++
		time.Sleep(500 * time.Microsecond)
	}
	_ = r.nc.Close()
	<-done
	return false
}
