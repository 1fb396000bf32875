package durability

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/wire"
)

// lastRun is the output of the server's latest process.
func lastRun(s *harness.Server) string {
	out := s.Output()
	return out[strings.LastIndex(out, "=== harness: run"):]
}

func createMany(t *testing.T, c *zk.Conn, prefix string, n int) {
	t.Helper()
	for i := range n {
		p := fmt.Sprintf("%s%04d", prefix, i)
		_, err := c.Create(p, []byte("data of "+p), 0, openACL)
		require.NoError(t, err)
	}
}

// TestTornTailIsCutWithAWarning truncates the last log segment in the
// middle of a random entry, as a crash during a write leaves it: the
// server starts, warns naming the file and the offset it cut at, keeps
// every complete entry and drops the partial one, and numbering continues
// after the last entry kept.
func TestTornTailIsCutWithAWarning(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	s := harness.StartCorral(t, harness.Options{})
	c := connect(t, s.Addr, 10*time.Second)
	_, err := c.Create("/torn", nil, 0, openACL)
	require.NoError(t, err)
	for round := range 4 {
		createMany(t, c, fmt.Sprintf("/torn/r%d-", round), 60)
		c.Close()
		if round%2 == 0 {
			s.Stop()
		} else {
			s.Kill()
		}
		segs := listFiles(t, logDir(s), "log.")
		last := segs[len(segs)-1]
		entries := readEntries(t, last)
		require.NotEmpty(t, entries)
		k := len(entries)/2 + rng.IntN(len(entries)-len(entries)/2)
		cut := entries[k].start + 1 + rng.Int64N(entries[k].end-entries[k].start-1)
		require.NoError(t, os.Truncate(last, cut))

		partial, err := os.ReadFile(last)
		require.NoError(t, err)
		partial = partial[entries[k].start:]

		s.Restart()
		out := lastRun(s)
		if bytes.Count(partial, []byte{0}) == len(partial) {
			// Cut inside the high (zero) bytes of the length: what is
			// left reads as preallocation padding, nothing to warn about.
			require.NotContains(t, out, "torn write")
		} else {
			require.Contains(t, out, "cutting off a torn write")
			require.Contains(t, out, last)
			require.Contains(t, out, fmt.Sprintf("offset=%d", entries[k].start))
		}

		c = connect(t, s.Addr, 10*time.Second)
		for i, e := range entries {
			cr := e.txn.GetCreate()
			if cr == nil || e.txn.GetType() == int32(wire.OpError) {
				continue
			}
			data, _, err := c.Get(cr.GetPath())
			if i < k {
				require.NoError(t, err, "complete entry %d (%s) lost", i, cr.GetPath())
				require.Equal(t, cr.GetData(), data)
			} else {
				require.ErrorIs(t, err, zk.ErrNoNode, "entry %d (%s) was cut off but is present", i, cr.GetPath())
			}
		}
		_, err = c.Create(fmt.Sprintf("/torn/after%d", round), nil, 0, openACL)
		require.NoError(t, err)
		_, st, err := c.Get(fmt.Sprintf("/torn/after%d", round))
		require.NoError(t, err)
		require.Greater(t, st.Czxid, entries[k-1].txn.GetZxid(), "the zxid continues after the last entry kept")
		require.LessOrEqual(t, st.Czxid, entries[k].txn.GetZxid()+1, "the cut entries' zxids are reused")
	}
}

// flip inverts one byte of a file and returns a function that restores it.
func flip(t *testing.T, path string, off int64) func() {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[off] ^= 0x5a
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return func() {
		b[off] ^= 0x5a
		require.NoError(t, os.WriteFile(path, b, 0o644))
	}
}

// TestDamageRefusesToStart flips one byte in the middle of a log segment
// (the last one, where damage must not pass for a torn tail, and an older
// one) and of the newest snapshot: the server refuses to start, exits
// non-zero with a message naming the file and the byte offset, and leaves
// the file alone. With the byte restored it starts and serves the data.
func TestDamageRefusesToStart(t *testing.T) {
	s := harness.StartCorral(t, harness.Options{Config: map[string]string{"snapCount": "40"}})
	c := connect(t, s.Addr, 10*time.Second)
	createMany(t, c, "/d", 150)
	c.Close()
	s.Stop()
	// The log rolls at a random point of every snapCount txns, so the last
	// segment can hold a single txn; the "last segment" case needs one in
	// its middle. A roll needs more than snapCount/2 (20) txns after the
	// previous one, so 5 more creates cannot roll again.
	want := 151 // /d0000..d0149 and /zookeeper
	if segs := listFiles(t, logDir(s), "log."); len(readEntries(t, segs[len(segs)-1])) < 3 {
		want += 5 // and /e0000..e0004
		s.Restart()
		c := connect(t, s.Addr, 10*time.Second)
		createMany(t, c, "/e", 5)
		c.Close()
		s.Stop()
	}
	segs := listFiles(t, logDir(s), "log.")
	snaps := listFiles(t, snapDir(s), "snapshot.")
	require.Greater(t, len(segs), 2)
	require.NotEmpty(t, snaps)

	segmentCase := func(path string) func(t *testing.T) {
		return func(t *testing.T) {
			entries := readEntries(t, path)
			require.Greater(t, len(entries), 2)
			e := entries[len(entries)/2]
			restore := flip(t, path, e.start+8+(e.end-e.start-8)/2)
			before, err := os.ReadFile(path)
			require.NoError(t, err)
			out := startFails(t, s)
			require.Contains(t, out, fmt.Sprintf("%s: corrupt at byte offset %d", path, e.start))
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, before, after, "a refused start must not change the damaged file")
			restore()
		}
	}
	t.Run("last segment", segmentCase(segs[len(segs)-1]))
	t.Run("older segment", segmentCase(segs[0]))
	t.Run("newest snapshot", func(t *testing.T) {
		newest := snaps[len(snaps)-1]
		fi, err := os.Stat(newest)
		require.NoError(t, err)
		restore := flip(t, newest, fi.Size()/2)
		out := startFails(t, s)
		require.Contains(t, out, newest+": corrupt at byte offset ")
		restore()
	})

	s.Restart()
	c = connect(t, s.Addr, 10*time.Second)
	kids, _, err := c.Children("/")
	require.NoError(t, err)
	require.Len(t, kids, want)
}
