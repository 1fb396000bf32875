package bench

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/wire"
)

// zkConnect opens a go-zookeeper session: an independent client used to
// check what the bench client claims to have done.
func zkConnect(t *testing.T, addr string) *zk.Conn {
	t.Helper()
	c, _, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogger(quietLogger{}))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	_, _, err = c.Exists("/") // waits for the session
	require.NoError(t, err)
	return c
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// TestConnPipelinesInOrder sends many requests before flushing once and
// checks every callback gets the reply to its own request, in order: the
// FIFO matching of replies to calls is the heart of the client.
func TestConnPipelinesInOrder(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	c, err := Dial(s.Addr, DialOptions{})
	require.NoError(t, err)
	defer c.Close()
	require.NotZero(t, c.SessionID)

	const n = 500
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		req := &wire.CreateRequest{Path: "/p" + strconv.Itoa(i), Data: []byte("v" + strconv.Itoa(i)), ACL: openACL}
		require.NoError(t, c.Send(wire.OpCreate, req, func(rep Reply) {
			defer wg.Done() // callbacks run on the reader goroutine: assert, not require
			assert.Equal(t, wire.ErrOK, rep.Err)
			assert.Positive(t, rep.Latency)
			var cr wire.CreateResponse
			assert.NoError(t, wire.Unmarshal(rep.Body, &cr))
			mu.Lock()
			got = append(got, cr.Path)
			mu.Unlock()
		}))
	}
	require.NoError(t, c.Flush())
	wg.Wait()
	require.Len(t, got, n)
	for i, p := range got {
		require.Equal(t, "/p"+strconv.Itoa(i), p)
	}

	// The data really is on the server, as another client sees it.
	z := zkConnect(t, s.Addr)
	data, _, err := z.Get("/p499")
	require.NoError(t, err)
	require.Equal(t, "v499", string(data))

	// An error reply reaches the callback with its code.
	rep, err := c.Call(wire.OpCreate, &wire.CreateRequest{Path: "/p0", ACL: openACL}, 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, wire.ErrNodeExists, rep.Err)
}

// TestConnWatchEventsAndClose checks notifications reach OnEvent and that
// Close ends the session on the server at once (its ephemeral disappears
// without waiting for the session timeout).
func TestConnWatchEventsAndClose(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	events := make(chan Event, 4)
	c, err := Dial(s.Addr, DialOptions{OnEvent: func(ev Event) { events <- ev }})
	require.NoError(t, err)
	rep, err := c.Call(wire.OpCreate, &wire.CreateRequest{Path: "/eph", ACL: openACL, Flags: 1}, 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, rep.Err)
	rep, err = c.Call(wire.OpGetData, &wire.PathWatchRequest{Path: "/eph", Watch: true}, 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, wire.ErrOK, rep.Err)

	z := zkConnect(t, s.Addr)
	_, err = z.Set("/eph", []byte("x"), -1)
	require.NoError(t, err)
	select {
	case ev := <-events:
		require.Equal(t, wire.EventNodeDataChanged, ev.Type)
		require.Equal(t, "/eph", ev.Path)
		require.False(t, ev.At.IsZero())
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}

	exists, _, ew, err := z.ExistsW("/eph")
	require.NoError(t, err)
	require.True(t, exists)
	require.NoError(t, c.Close())
	select {
	case ev := <-ew:
		require.Equal(t, zk.EventNodeDeleted, ev.Type, "closeSession deletes the ephemeral at once")
	case <-time.After(5 * time.Second):
		t.Fatal("the ephemeral outlived Close: no closeSession was sent")
	}
	require.ErrorIs(t, c.Send(wire.OpGetData, &wire.PathWatchRequest{Path: "/"}, func(Reply) {}), ErrConnClosed)
}

// TestConnLossFailsPendingCalls kills the server with requests in flight:
// every callback must still fire (with CONNECTIONLOSS), or a run would
// wait forever for its slots.
func TestConnLossFailsPendingCalls(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{})
	c, err := Dial(s.Addr, DialOptions{})
	require.NoError(t, err)
	defer c.Abort()
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[wire.ErrCode]int{}
	const n = 2000
	value := make([]byte, 1000)
	refused := 0
	for i := range n {
		wg.Add(1)
		err := c.Send(wire.OpSetData, &wire.SetDataRequest{Path: "/", Data: value, Version: -1}, func(rep Reply) {
			mu.Lock()
			codes[rep.Err]++
			mu.Unlock()
			wg.Done()
		})
		if err != nil { // once the reader has seen the loss, Send refuses at once
			require.ErrorIs(t, err, ErrConnClosed)
			require.Greater(t, i, n/2)
			refused++
			wg.Done()
		}
		if i == n/2 {
			require.NoError(t, c.Flush())
			s.Kill()
		}
	}
	_ = c.Flush() // may fail: the server is gone
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("callbacks of pending calls never fired")
	}
	mu.Lock()
	defer mu.Unlock()
	require.Positive(t, codes[wire.ErrConnectionLoss], "requests after the kill are lost: %v", codes)
	total := 0
	for _, k := range codes {
		total += k
	}
	require.Equal(t, n, total+refused, "every request sent gets exactly one callback")
	<-c.Done()
}
