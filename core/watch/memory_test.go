package watch

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryPerWatch reports the live heap cost of 1,000,000 watches in the
// two shapes that bound it: many connections on shared paths, and one
// connection on a million distinct paths (where the path strings, ~20
// bytes each, are paid once per watch).
func TestMemoryPerWatch(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocates ~100 MB")
	}
	cases := []struct {
		name     string
		watchers int
		paths    int
		limit    float64
	}{
		{"1000 watchers x 1000 paths", 1000, 1000, 40},
		{"1 watcher x 1000000 paths", 1, 1_000_000, 90},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			paths := make([]string, c.paths)
			for i := range paths {
				paths[i] = fmt.Sprintf("/app/node-%07d", i)
			}
			before := liveHeap()
			m := NewManager()
			for w := range c.watchers {
				for _, p := range paths {
					m.Add(WatcherID(w), p, Data)
				}
			}
			after := liveHeap()
			n := c.watchers * c.paths
			per := float64(after-before) / float64(n)
			t.Logf("%s: %.1f bytes/watch", c.name, per)
			require.Equal(t, n, m.Count())
			require.Less(t, per, c.limit)
			runtime.KeepAlive(m)
			runtime.KeepAlive(paths)
		})
	}
}
