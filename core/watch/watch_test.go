package watch

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func sorted(ds []Delivery) []Delivery {
	sort.Slice(ds, func(i, j int) bool { return ds[i].Watcher < ds[j].Watcher })
	return ds
}

func TestTriggerRules(t *testing.T) {
	cases := []struct {
		name  string
		kind  Kind
		watch string
		path  string
		event int32
		fires bool
		stays bool
	}{
		{"data watch on create", Data, "/a", "/a", wire.EventNodeCreated, true, false},
		{"data watch on change", Data, "/a", "/a", wire.EventNodeDataChanged, true, false},
		{"data watch on delete", Data, "/a", "/a", wire.EventNodeDeleted, true, false},
		{"data watch ignores child change", Data, "/a", "/a", wire.EventNodeChildrenChanged, false, true},
		{"child watch on child change", Child, "/a", "/a", wire.EventNodeChildrenChanged, true, false},
		{"child watch on delete", Child, "/a", "/a", wire.EventNodeDeleted, true, false},
		{"child watch ignores data change", Child, "/a", "/a", wire.EventNodeDataChanged, false, true},
		{"persistent fires on child change and stays", Persistent, "/a", "/a", wire.EventNodeChildrenChanged, true, true},
		{"persistent fires on data change and stays", Persistent, "/a", "/a", wire.EventNodeDataChanged, true, true},
		{"persistent does not fire for a child path", Persistent, "/a", "/a/b", wire.EventNodeCreated, false, true},
		{"recursive fires for descendants", PersistentRecursive, "/a", "/a/b/c", wire.EventNodeCreated, true, true},
		{"recursive fires on the path", PersistentRecursive, "/a", "/a", wire.EventNodeDataChanged, true, true},
		{"recursive never fires child changes", PersistentRecursive, "/a", "/a", wire.EventNodeChildrenChanged, false, true},
		{"recursive on root", PersistentRecursive, "/", "/x", wire.EventNodeDeleted, true, true},
		{"recursive not for siblings", PersistentRecursive, "/a", "/ab", wire.EventNodeCreated, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewManager()
			m.Add(7, c.watch, c.kind)
			ds := m.Trigger(c.path, c.event, 1)
			if c.fires {
				require.Equal(t, []Delivery{{Watcher: 7, Type: c.event, Path: c.path}}, ds)
			} else {
				require.Empty(t, ds)
			}
			require.Equal(t, c.stays, m.Count() == 1)
		})
	}
}

func TestOneDeliveryPerWatcher(t *testing.T) {
	m := NewManager()
	m.Add(1, "/a", Data)
	m.Add(1, "/a", Child)
	m.Add(1, "/", PersistentRecursive)
	m.Add(2, "/a", Child)
	ds := sorted(m.Trigger("/a", wire.EventNodeDeleted, 5))
	require.Equal(t, []Delivery{{1, wire.EventNodeDeleted, "/a"}, {2, wire.EventNodeDeleted, "/a"}}, ds)
	require.Equal(t, 1, m.Count(), "only the recursive watch remains")
}

func TestRemoveAndContains(t *testing.T) {
	m := NewManager()
	m.Add(1, "/a", Data)
	m.Add(1, "/a", Persistent)
	require.True(t, m.Contains(1, "/a", wire.WatcherData))
	require.False(t, m.Contains(1, "/a", wire.WatcherChildren))
	require.False(t, m.Remove(1, "/a", wire.WatcherChildren))
	require.True(t, m.Remove(1, "/a", wire.WatcherData))
	require.True(t, m.Contains(1, "/a", wire.WatcherPersistent))
	require.True(t, m.Remove(1, "/a", wire.WatcherAny))
	require.Equal(t, 0, m.Count())
	require.False(t, m.Contains(1, "/a", wire.WatcherAny))
}

func TestRemoveWatcher(t *testing.T) {
	m := NewManager()
	for i := 0; i < 10; i++ {
		m.Add(1, fmt.Sprintf("/p%d", i), Data)
		m.Add(2, fmt.Sprintf("/p%d", i), Child)
	}
	m.RemoveWatcher(1)
	c, p, total := m.Summary()
	require.Equal(t, 1, c)
	require.Equal(t, 10, p)
	require.Equal(t, 10, total)
	require.Len(t, m.ByWatcher()[2], 10)
	require.Equal(t, []WatcherID{2}, m.ByPath()["/p3"])
}

func TestConcurrentUse(t *testing.T) {
	m := NewManager()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				m.Add(WatcherID(w), fmt.Sprintf("/n%d", i%50), Data)
				m.Trigger(fmt.Sprintf("/n%d", i%50), wire.EventNodeDataChanged, int64(i))
			}
		}(w)
	}
	wg.Wait()
}

// TestMemoryPerWatch reports the cost of 1,000,000 watches (1000 watchers x
// 1000 paths) and keeps it bounded.
func TestMemoryPerWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("memory measurement")
	}
	paths := make([]string, 1000)
	for i := range paths {
		paths[i] = fmt.Sprintf("/app/config/node-%04d", i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := NewManager()
	for w := 0; w < 1000; w++ {
		for _, p := range paths {
			m.Add(WatcherID(w), p, Data)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / 1e6
	t.Logf("1,000,000 watches: %.1f bytes per watch", per)
	require.Equal(t, 1_000_000, m.Count())
	require.Less(t, per, 160.0)
	runtime.KeepAlive(m)
}
