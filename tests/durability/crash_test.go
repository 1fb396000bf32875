package durability

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// ledger is what the load sent and what the server acknowledged. A value
// is recorded as sent before the request leaves, so anything the server
// holds afterwards must be in it.
type ledger struct {
	mu    sync.Mutex
	sent  map[string][]byte // create: node name -> data
	acked map[string][]byte
	// counters: per client, the versioned setData history.
	counters []*counter
}

type counter struct {
	path         string
	ackedVersion int32
	ackedData    []byte
	sent         map[int32][][]byte // resulting version -> data sent to produce it
}

func (l *ledger) send(name string, data []byte) {
	l.mu.Lock()
	l.sent[name] = data
	l.mu.Unlock()
}

func (l *ledger) ack(name string) {
	l.mu.Lock()
	l.acked[name] = l.sent[name]
	l.mu.Unlock()
}

// load runs one client until its first error (the server died) or stop:
// creates with unique values, and setData on its own counter with the
// version it expects, so a write can only land where it was meant to.
func load(c *zk.Conn, l *ledger, k, cycle int, stop <-chan struct{}) {
	ctr := l.counters[k]
	_, st, err := c.Get(ctr.path)
	if err != nil {
		return
	}
	version := st.Version
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		if i%2 == 0 {
			name := fmt.Sprintf("c%d-%03d-%05d", k, cycle, i)
			data := []byte("id:" + name)
			l.send(name, data)
			if _, err := c.Create("/crash/"+name, data, 0, openACL); err != nil {
				return
			}
			l.ack(name)
			continue
		}
		data := fmt.Appendf(nil, "v%d-%03d-%05d", k, cycle, i)
		l.mu.Lock()
		ctr.sent[version+1] = append(ctr.sent[version+1], data)
		l.mu.Unlock()
		st, err := c.Set(ctr.path, data, version)
		if err != nil {
			return
		}
		l.mu.Lock()
		ctr.ackedVersion, ctr.ackedData = st.Version, data
		l.mu.Unlock()
		version = st.Version
	}
}

// verify checks the recovered tree against the ledger: every acknowledged
// write is there with its data and version, and nothing is there that was
// never sent. full re-reads every node; otherwise only names of cycle.
func verify(t *testing.T, c *zk.Conn, l *ledger, cycle int, full bool) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	kids, _, err := c.Children("/crash")
	require.NoError(t, err)
	present := map[string]bool{}
	for _, k := range kids {
		present[k] = true
	}
	for name := range l.acked {
		require.True(t, present[name], "acknowledged create of %s is lost (cycle %d)", name, cycle)
	}
	suffix := fmt.Sprintf("-%03d-", cycle)
	for _, name := range kids {
		if strings.HasPrefix(name, "v") {
			continue
		}
		want, ok := l.sent[name]
		require.True(t, ok, "%s appeared but was never sent (cycle %d)", name, cycle)
		if !full && !strings.Contains(name, suffix) {
			continue
		}
		data, st, err := c.Get("/crash/" + name)
		require.NoError(t, err)
		require.Equal(t, want, data, name)
		require.Zero(t, st.Version, name)
	}
	for _, ctr := range l.counters {
		data, st, err := c.Get(ctr.path)
		require.NoError(t, err)
		require.GreaterOrEqual(t, st.Version, ctr.ackedVersion, "%s went back in time (cycle %d)", ctr.path, cycle)
		if st.Version == ctr.ackedVersion {
			require.Equal(t, ctr.ackedData, data, "%s: the acknowledged value is lost (cycle %d)", ctr.path, cycle)
			continue
		}
		ok := false
		for _, d := range ctr.sent[st.Version] {
			ok = ok || bytes.Equal(d, data)
		}
		require.True(t, ok, "%s holds %q at version %d, which was never sent (cycle %d)", ctr.path, data, st.Version, cycle)
		// An unacknowledged write that landed is the new baseline.
		ctr.ackedVersion, ctr.ackedData = st.Version, data
	}
}

// TestAcknowledgedWritesSurviveKill9 runs a concurrent write load (creates
// and versioned setData from several clients, with snapshots every few
// hundred txns) and kills the server with SIGKILL at random moments, 25
// times (CORRAL_SOAK=1: 200). After each restart every acknowledged write
// is present with its data and version, and nothing appears that was never
// sent.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	cycles := 25
	if os.Getenv("CORRAL_SOAK") == "1" {
		cycles = 200
	}
	const clients = 4
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	s := harness.StartCorral(t, harness.Options{Config: map[string]string{"snapCount": "300"}})
	l := &ledger{sent: map[string][]byte{}, acked: map[string][]byte{}}
	setup := connect(t, s.Addr, 10*time.Second)
	_, err := setup.Create("/crash", nil, 0, openACL)
	require.NoError(t, err)
	for k := range clients {
		p := fmt.Sprintf("/crash/v%d", k)
		_, err := setup.Create(p, []byte("start"), 0, openACL)
		require.NoError(t, err)
		l.counters = append(l.counters, &counter{path: p, ackedData: []byte("start"), sent: map[int32][][]byte{}})
	}
	setup.Close()

	acked := 0
	for cycle := range cycles {
		conns := make([]*zk.Conn, clients)
		for k := range conns {
			conns[k] = connect(t, s.Addr, 4*time.Second)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for k, c := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				load(c, l, k, cycle, stop)
			}()
		}
		time.Sleep(time.Duration(20+rng.IntN(200)) * time.Millisecond)
		s.Kill()
		close(stop)
		for _, c := range conns {
			c.Close() // pending requests fail at once instead of waiting for a server
		}
		wg.Wait()
		s.Restart()
		c := connect(t, s.Addr, 10*time.Second)
		verify(t, c, l, cycle, cycle%5 == 4 || cycle == cycles-1)
		c.Close()
		acked = len(l.acked)
	}
	out := s.Output()
	snaps := strings.Count(out, "snapshot written")
	t.Logf("%d cycles, %d acknowledged creates, %d snapshots written, %d counter versions",
		cycles, acked, snaps, l.counters[0].ackedVersion)
	require.Greater(t, acked, cycles*clients, "the load must have done something")
	require.Positive(t, snaps, "snapshots must have been taken during the load")
}
