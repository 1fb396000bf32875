package watch

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// check verifies the table's internal invariants: every ref is listed in
// its watcher's positions and nowhere else, counters match, no empty
// entry or watcher lingers, the index finds every live path.
func check(t *testing.T, m *Manager) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	data, child, rec, refs := 0, 0, 0, 0
	livePaths := 0
	for pid := range m.nextPath {
		e := m.entry(pid)
		if e.len() == 0 {
			require.Nil(t, e.rest)
			continue
		}
		livePaths++
		got, ok := m.index.Find(e.path)
		require.True(t, ok, e.path)
		require.Equal(t, uint32(pid), got)
		for i := range e.len() {
			r := e.at(i)
			require.NotZero(t, r.bits)
			require.Equal(t, uint32(i), m.watchers[r.w].pos[uint32(pid)], "position of watcher %d on %s", r.w, e.path)
			refs++
			if r.bits&dataBits != 0 {
				data++
			}
			if r.bits&countedChildBits != 0 {
				child++
			}
			if r.bits&recursive != 0 {
				rec++
			}
		}
	}
	require.Equal(t, livePaths, m.index.Len())
	positions := 0
	for w, wi := range m.byID {
		require.Equal(t, w, m.watchers[wi].id)
		require.NotEmpty(t, m.watchers[wi].pos)
		positions += len(m.watchers[wi].pos)
	}
	require.Equal(t, refs, positions)
	require.Equal(t, data, m.dataPairs)
	require.Equal(t, child, m.childPairs)
	require.Equal(t, rec, m.recursives)
}

func TestTriggerRules(t *testing.T) {
	created, deleted, changed, children := wire.EventNodeCreated, wire.EventNodeDeleted, wire.EventNodeDataChanged, wire.EventNodeChildrenChanged
	cases := []struct {
		name  string
		kind  Kind
		watch string
		path  string
		event int32
		fires bool
		stays bool
	}{
		{"data watch on create", Data, "/a", "/a", created, true, false},
		{"data watch on change", Data, "/a", "/a", changed, true, false},
		{"data watch on delete", Data, "/a", "/a", deleted, true, false},
		{"data watch ignores child change", Data, "/a", "/a", children, false, true},
		{"data watch is not for a child", Data, "/a", "/a/b", created, false, true},
		{"child watch on child change", Child, "/a", "/a", children, true, false},
		{"child watch on delete", Child, "/a", "/a", deleted, true, false},
		{"child watch ignores data change", Child, "/a", "/a", changed, false, true},
		{"child watch ignores create", Child, "/a", "/a", created, false, true},
		{"persistent on create", Persistent, "/a", "/a", created, true, true},
		{"persistent on data change", Persistent, "/a", "/a", changed, true, true},
		{"persistent on child change", Persistent, "/a", "/a", children, true, true},
		{"persistent on delete", Persistent, "/a", "/a", deleted, true, true},
		{"persistent is not for a child path", Persistent, "/a", "/a/b", created, false, true},
		{"recursive on the path", PersistentRecursive, "/a", "/a", changed, true, true},
		{"recursive on delete of the path", PersistentRecursive, "/a", "/a", deleted, true, true},
		{"recursive for a descendant's create", PersistentRecursive, "/a", "/a/b/c", created, true, true},
		{"recursive for a descendant's delete", PersistentRecursive, "/a", "/a/b", deleted, true, true},
		{"recursive never sees child changes", PersistentRecursive, "/a", "/a", children, false, true},
		{"recursive never sees a descendant's child changes", PersistentRecursive, "/a", "/a/b", children, false, true},
		{"recursive on root", PersistentRecursive, "/", "/x", deleted, true, true},
		{"recursive not for a sibling with a common prefix", PersistentRecursive, "/a", "/ab", created, false, true},
		{"recursive not for the parent", PersistentRecursive, "/a/b", "/a", changed, false, true},
		{"other event types fire nothing", Persistent, "/a", "/a", wire.EventDataWatchRemoved, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewManager()
			require.True(t, m.Add(7, c.watch, c.kind))
			ds := m.Trigger(c.path, c.event, 42)
			if c.fires {
				require.Equal(t, []Delivery{{Watcher: 7, Type: c.event, Path: c.path, Zxid: 42}}, ds)
			} else {
				require.Nil(t, ds)
			}
			require.Equal(t, c.stays, m.Contains(7, c.watch, wire.WatcherAny))
			check(t, m)
		})
	}
}

// A watcher is told once per Trigger call, whatever it holds; consumed
// one-shot watches go even when the event reached the watcher through
// another watch (deleteNode's suppression happens after removal).
func TestOneDeliveryPerWatcher(t *testing.T) {
	m := NewManager()
	m.Add(1, "/a", Data)
	m.Add(1, "/a", Child)
	m.Add(1, "/", PersistentRecursive)
	m.Add(2, "/a", Child)
	m.Add(3, "/a", Persistent)
	m.Add(3, "/a", Child)
	ds := m.Trigger("/a", wire.EventNodeDeleted, 5)
	require.Equal(t, []Delivery{
		{1, wire.EventNodeDeleted, "/a", 5},
		{3, wire.EventNodeDeleted, "/a", 5},
		{2, wire.EventNodeDeleted, "/a", 5},
	}, ds, "data table first (path, then ancestors), then the child table")
	require.True(t, m.Contains(1, "/", wire.WatcherPersistentRecursive))
	require.False(t, m.Contains(1, "/a", wire.WatcherAny))
	require.False(t, m.Contains(2, "/a", wire.WatcherAny))
	require.False(t, m.Contains(3, "/a", wire.WatcherChildren), "consumed although 3 was told by its persistent watch")
	require.True(t, m.Contains(3, "/a", wire.WatcherPersistent))
	check(t, m)
}

// Apache 3.9 semantics (ZOOKEEPER-4466): standard and persistent watches of
// one watcher on one path coexist; an event consumes the standard one and
// keeps the persistent one, with a single delivery.
func TestStandardAndPersistentOnOnePath(t *testing.T) {
	cases := []struct {
		name  string
		first Kind
		then  Kind
		event int32
	}{
		{"getData after addWatch", Persistent, Data, wire.EventNodeDataChanged},
		{"addWatch after getData", Data, Persistent, wire.EventNodeDataChanged},
		{"getChildren after addWatch", Persistent, Child, wire.EventNodeChildrenChanged},
		{"exists after recursive", PersistentRecursive, Data, wire.EventNodeCreated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewManager()
			m.Add(1, "/a", c.first)
			require.True(t, m.Add(1, "/a", c.then))
			require.False(t, m.Add(1, "/a", c.then), "already there")
			require.Len(t, m.Trigger("/a", c.event, 1), 1)
			require.Len(t, m.Trigger("/a", c.event, 2), 1, "the persistent part still fires")
			require.False(t, m.Contains(1, "/a", wire.WatcherData))
			require.False(t, m.Contains(1, "/a", wire.WatcherChildren))
			check(t, m)
		})
	}
}

func TestRecursiveAncestors(t *testing.T) {
	m := NewManager()
	m.Add(1, "/", PersistentRecursive)
	m.Add(2, "/a", PersistentRecursive)
	m.Add(3, "/a/b", PersistentRecursive)
	m.Add(4, "/a/b/c", Data)
	m.Add(2, "/a/b/c", Data)
	ds := m.Trigger("/a/b/c", wire.EventNodeDataChanged, 9)
	require.Equal(t, []Delivery{
		{4, wire.EventNodeDataChanged, "/a/b/c", 9},
		{2, wire.EventNodeDataChanged, "/a/b/c", 9},
		{3, wire.EventNodeDataChanged, "/a/b/c", 9},
		{1, wire.EventNodeDataChanged, "/a/b/c", 9},
	}, ds, "path first, then ancestors from the nearest; 2 told once")
	require.Nil(t, m.Trigger("/a/b", wire.EventNodeChildrenChanged, 10))
	check(t, m)
}

// Many watchers on one path, past the point where deduplication switches
// to a map.
func TestManyWatchersOnOnePath(t *testing.T) {
	m := NewManager()
	for w := range WatcherID(100) {
		m.Add(w, "/hot", Data)
		if w%2 == 0 {
			m.Add(w, "/", PersistentRecursive)
		}
		if w%3 == 0 {
			m.Add(w, "/hot", Child)
		}
	}
	ds := m.Trigger("/hot", wire.EventNodeDeleted, 1)
	require.Len(t, ds, 100)
	seen := map[WatcherID]bool{}
	for _, d := range ds {
		require.False(t, seen[d.Watcher])
		seen[d.Watcher] = true
	}
	require.Equal(t, 100, m.Count(), "the 50 recursive watches on / are left; Apache 3.8 counts each in both tables")
	check(t, m)
}

func TestTriggerOnUnwatchedPath(t *testing.T) {
	m := NewManager()
	m.Add(1, "/x", Data)
	for _, ev := range []int32{wire.EventNodeCreated, wire.EventNodeDeleted, wire.EventNodeDataChanged, wire.EventNodeChildrenChanged} {
		require.Nil(t, m.Trigger("/y", ev, 1), fmt.Sprint(ev))
	}
	require.Equal(t, 1, m.Count())
}
