package watch

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// Remove and Contains per WatcherType, as DataTree.removeWatch and
// containsWatcher of Apache 3.9 (3.8 knows only types 1-3).
func TestRemoveAndContains(t *testing.T) {
	all := []Kind{Data, Child, Persistent, PersistentRecursive}
	cases := []struct {
		name     string
		has      []Kind
		typ      int32
		contains bool
		removed  bool
		left     []Kind // kinds still there after Remove
	}{
		{"children removes the child watch", []Kind{Data, Child}, wire.WatcherChildren, true, true, []Kind{Data}},
		{"children leaves persistent", []Kind{Persistent}, wire.WatcherChildren, false, false, []Kind{Persistent}},
		{"data removes the data watch", []Kind{Data, Persistent}, wire.WatcherData, true, true, []Kind{Persistent}},
		{"data does not match a recursive watch", []Kind{PersistentRecursive}, wire.WatcherData, false, false, []Kind{PersistentRecursive}},
		{"persistent removes it from both tables", []Kind{Persistent, Child}, wire.WatcherPersistent, true, true, []Kind{Child}},
		{"persistent is not recursive", []Kind{PersistentRecursive}, wire.WatcherPersistent, false, false, []Kind{PersistentRecursive}},
		{"recursive", []Kind{PersistentRecursive, Data}, wire.WatcherPersistentRecursive, true, true, []Kind{Data}},
		{"any removes everything", all, wire.WatcherAny, true, true, nil},
		{"any removes a lone persistent watch", []Kind{Persistent}, wire.WatcherAny, true, true, nil},
		{"any removes a lone recursive watch", []Kind{PersistentRecursive}, wire.WatcherAny, true, true, nil},
		{"unknown type", all, 9, false, false, all},
		{"nothing there", nil, wire.WatcherAny, false, false, nil},
	}
	types := map[Kind]int32{Data: wire.WatcherData, Child: wire.WatcherChildren, Persistent: wire.WatcherPersistent, PersistentRecursive: wire.WatcherPersistentRecursive}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewManager()
			for _, k := range c.has {
				m.Add(1, "/a", k)
			}
			m.Add(2, "/a", Data) // another watcher is never affected
			require.Equal(t, c.contains, m.Contains(1, "/a", c.typ))
			require.Equal(t, c.removed, m.Remove(1, "/a", c.typ))
			for _, k := range all {
				want := false
				for _, l := range c.left {
					want = want || l == k
				}
				require.Equal(t, want, m.Contains(1, "/a", types[k]), "kind %d after remove", k)
			}
			require.True(t, m.Contains(2, "/a", wire.WatcherData))
			require.False(t, m.Remove(3, "/a", wire.WatcherAny))
			require.False(t, m.Remove(1, "/other", wire.WatcherAny))
			check(t, m)
		})
	}
}

func TestRemoveWatcher(t *testing.T) {
	m := NewManager()
	for i := range 10 {
		p := fmt.Sprintf("/p%d", i)
		m.Add(1, p, Data)
		m.Add(1, p, Persistent)
		m.Add(2, p, Data)
		m.Add(3, p, Child)
	}
	m.Add(1, "/", PersistentRecursive)
	m.RemoveWatcher(1)
	m.RemoveWatcher(99) // unknown: nothing happens
	check(t, m)
	c, p, total := m.Summary()
	require.Equal(t, 1, c, "watcher 3 has child watches only, which wchs does not show")
	require.Equal(t, 10, p)
	require.Equal(t, 10, total)
	require.Equal(t, 20, m.Count())
	require.Len(t, m.ByWatcher()[2], 10)
	require.Equal(t, []WatcherID{2}, m.ByPath()["/p3"])
	require.Nil(t, m.Trigger("/p1/x", wire.EventNodeCreated, 1), "the recursive watch went too")

	m.RemoveWatcher(2)
	m.RemoveWatcher(3)
	check(t, m)
	require.Equal(t, 0, m.Count())
	require.Empty(t, m.ByWatcher())
	// Entries and watcher slots are reused.
	m.Add(4, "/p1", Data)
	check(t, m)
	require.Equal(t, 1, m.Count())
}

// The figures a running Apache 3.8.0 gave for one connection holding a
// child watch on /a, a data watch on /qa, a persistent watch on /bench and
// a recursive one on /zookeeper: wchs "1 connections watching 3 paths,
// Total watches:3", wchc/wchp without /a, mntr zk_watch_count 6.
func TestReportsFollowApache(t *testing.T) {
	m := NewManager()
	m.Add(0x1000009770c0004, "/a", Child)
	m.Add(0x1000009770c0004, "/qa", Data)
	m.Add(0x1000009770c0004, "/bench", Persistent)
	m.Add(0x1000009770c0004, "/zookeeper", PersistentRecursive)
	c, p, total := m.Summary()
	require.Equal(t, [3]int{1, 3, 3}, [3]int{c, p, total})
	require.Equal(t, map[WatcherID][]string{0x1000009770c0004: {"/bench", "/qa", "/zookeeper"}}, m.ByWatcher())
	require.Equal(t, map[string][]WatcherID{
		"/bench": {0x1000009770c0004}, "/qa": {0x1000009770c0004}, "/zookeeper": {0x1000009770c0004},
	}, m.ByPath())
	require.Equal(t, 6, m.Count())
}

func TestAddUnknownKind(t *testing.T) {
	m := NewManager()
	require.False(t, m.Add(1, "/a", Kind(0)))
	require.False(t, m.Add(1, "/a", Kind(99)))
	require.Equal(t, 0, m.Count())
	check(t, m)
}
