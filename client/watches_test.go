package client

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// TestWatchTableTrigger follows ZKWatchManager.materialize: which
// notification consumes which one-shot watch, and that persistent and
// recursive (ancestor) watches deliver without being consumed.
func TestWatchTableTrigger(t *testing.T) {
	w := newWatchTable()
	require.False(t, w.trigger(wire.EventNodeDataChanged, "/a"), "no watch: not delivered")

	w.add(watchData, "/a")
	w.add(watchChild, "/a")
	require.True(t, w.trigger(wire.EventNodeDataChanged, "/a"))
	require.False(t, w.trigger(wire.EventNodeDataChanged, "/a"), "a data watch fires once")
	require.True(t, w.trigger(wire.EventNodeChildrenChanged, "/a"))
	require.False(t, w.trigger(wire.EventNodeChildrenChanged, "/a"))

	w.add(watchExist, "/b")
	require.True(t, w.trigger(wire.EventNodeCreated, "/b"))
	w.add(watchData, "/b")
	w.add(watchChild, "/b")
	require.True(t, w.trigger(wire.EventNodeDeleted, "/b"))
	require.True(t, w.empty(), "a deletion consumes data and child watches")

	w.add(watchPersistent, "/p")
	w.add(watchRecursive, "/r")
	for i := 0; i < 2; i++ {
		require.True(t, w.trigger(wire.EventNodeDataChanged, "/p"))
		require.True(t, w.trigger(wire.EventNodeDeleted, "/r/x/y"), "a recursive watch covers descendants")
		require.True(t, w.trigger(wire.EventNodeCreated, "/r"))
	}
	require.False(t, w.trigger(wire.EventNodeDataChanged, "/p/child"), "a persistent watch is not recursive")
	require.False(t, w.trigger(wire.EventDataWatchRemoved, "/p"), "unroutable types are dropped")

	w.add(watchRecursive, "/")
	require.True(t, w.trigger(wire.EventNodeDataChanged, "/anything"))
}

// TestWatchTableRemove follows ZKWatchManager.removeWatcher with a null
// watcher (zkCli's removewatches), as observed with zkCli.sh 3.8: the
// events reported, and NOWATCHER when nothing matches.
func TestWatchTableRemove(t *testing.T) {
	w := newWatchTable()
	ev, rc := w.remove("/a", wire.WatcherAny, false, wire.ErrOK)
	require.Nil(t, ev)
	require.Equal(t, wire.ErrNoWatcher, rc)

	w.add(watchData, "/a")
	w.add(watchChild, "/a")
	ev, rc = w.remove("/a", wire.WatcherData, false, wire.ErrOK)
	require.Equal(t, []int32{wire.EventDataWatchRemoved}, ev)
	require.Equal(t, wire.ErrOK, rc)
	ev, rc = w.remove("/a", wire.WatcherData, false, wire.ErrOK)
	require.Nil(t, ev)
	require.Equal(t, wire.ErrNoWatcher, rc)

	// A server error wins unless the removal is local.
	ev, rc = w.remove("/a", wire.WatcherChildren, false, wire.ErrConnectionLoss)
	require.Nil(t, ev)
	require.Equal(t, wire.ErrConnectionLoss, rc)
	require.True(t, w.has(watchChild, "/a"))
	ev, rc = w.remove("/a", wire.WatcherChildren, true, wire.ErrConnectionLoss)
	require.Equal(t, []int32{wire.EventChildWatchRemoved}, ev)
	require.Equal(t, wire.ErrOK, rc)

	// Children: a persistent watch passes the "contains" check but is not
	// removed, so the call ends in NOWATCHER (zkCli: `removewatches /a -c`
	// after `addWatch /a`).
	w.add(watchPersistent, "/a")
	ev, rc = w.remove("/a", wire.WatcherChildren, false, wire.ErrOK)
	require.Nil(t, ev)
	require.Equal(t, wire.ErrNoWatcher, rc)

	w.add(watchRecursive, "/a")
	w.add(watchExist, "/a")
	w.add(watchChild, "/a")
	ev, rc = w.remove("/a", wire.WatcherAny, false, wire.ErrOK)
	require.Equal(t, []int32{wire.EventChildWatchRemoved, wire.EventDataWatchRemoved, EventPersistentWatchRemoved}, ev)
	require.Equal(t, wire.ErrOK, rc)
	require.True(t, w.empty())
}

func TestWatchTableSetWatches(t *testing.T) {
	w := newWatchTable()
	require.Nil(t, w.setWatches(5, func(p string) string { return p }))
	w.add(watchData, "/d")
	w.add(watchExist, "/e")
	w.add(watchChild, "/c")
	chroot := func(p string) string { return "/root" + p }
	recs := w.setWatches(7, chroot)
	require.Equal(t, []any{&wire.SetWatches{RelativeZxid: 7, DataWatches: []string{"/root/d"},
		ExistWatches: []string{"/root/e"}, ChildWatches: []string{"/root/c"}}}, toAny(recs))

	w.add(watchRecursive, "/r")
	recs = w.setWatches(7, chroot)
	require.Equal(t, []any{&wire.SetWatches2{RelativeZxid: 7, DataWatches: []string{"/root/d"},
		ExistWatches: []string{"/root/e"}, ChildWatches: []string{"/root/c"}, PersistentWatches: []string{},
		PersistentRecursiveWatches: []string{"/root/r"}}}, toAny(recs))

	// Many long paths are split into requests of at most 128 KiB of paths.
	w = newWatchTable()
	long := "/" + strings.Repeat("x", 1000)
	for i := 0; i < 300; i++ {
		w.add(watchData, long+string(rune('a'+i%26))+strings.Repeat("y", i/26))
	}
	recs = w.setWatches(1, func(p string) string { return p })
	require.Len(t, recs, 3)
	total := 0
	for _, r := range recs {
		size := 0
		for _, p := range r.(*wire.SetWatches).DataWatches {
			size += len(p)
		}
		require.LessOrEqual(t, size, setWatchesMaxLength)
		total += len(r.(*wire.SetWatches).DataWatches)
	}
	require.Equal(t, 300, total)
}

func toAny(rs []wire.Record) []any {
	out := make([]any, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}
