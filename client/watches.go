package client

import (
	"sort"

	"github.com/corral-zk/corral/wire"
)

// watchKind is one of the client's watch registries (Apache's
// ZKWatchManager keeps one map per kind).
type watchKind int

const (
	watchData watchKind = iota
	watchExist
	watchChild
	watchPersistent
	watchRecursive
	numWatchKinds
)

// watchTable is the client's record of the watches it has set, kept as
// Apache's ZKWatchManager keeps it for a client whose every watch goes to
// the default watcher: which paths hold a watch of which kind. It decides
// whether a notification is delivered (Apache delivers an event only to
// watchers it has registered), which one-shot watches a notification
// consumes, what removeWatches removes locally, and what SetWatches
// re-registers after a reconnect. It is pure: the Conn calls it under its
// lock.
type watchTable struct {
	paths [numWatchKinds]map[string]struct{}
}

func newWatchTable() *watchTable {
	w := &watchTable{}
	for i := range w.paths {
		w.paths[i] = map[string]struct{}{}
	}
	return w
}

func (w *watchTable) add(k watchKind, path string) { w.paths[k][path] = struct{}{} }

func (w *watchTable) has(k watchKind, path string) bool {
	_, ok := w.paths[k][path]
	return ok
}

// take removes a one-shot watch and reports whether it was there.
func (w *watchTable) take(k watchKind, path string) bool {
	if _, ok := w.paths[k][path]; ok {
		delete(w.paths[k], path)
		return true
	}
	return false
}

// trigger consumes the watches a notification of type typ on path fires and
// reports whether any watch (one-shot or persistent) matched, i.e. whether
// Apache's client would deliver the event (ZKWatchManager.materialize).
func (w *watchTable) trigger(typ int32, path string) bool {
	hit := false
	switch typ {
	case wire.EventNodeDataChanged, wire.EventNodeCreated:
		hit = w.take(watchData, path)
		hit = w.take(watchExist, path) || hit
	case wire.EventNodeChildrenChanged:
		hit = w.take(watchChild, path)
	case wire.EventNodeDeleted:
		hit = w.take(watchData, path)
		hit = w.take(watchExist, path) || hit
		hit = w.take(watchChild, path) || hit
	default:
		return false // Apache logs and drops event types it cannot route
	}
	return w.persistentHit(path) || hit
}

// persistentHit reports a persistent watch on path or a recursive watch on
// path or any of its ancestors.
func (w *watchTable) persistentHit(path string) bool {
	if w.has(watchPersistent, path) {
		return true
	}
	for p := path; ; p = parentPath(p) {
		if w.has(watchRecursive, p) {
			return true
		}
		if p == "/" {
			return false
		}
	}
}

func parentPath(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "/"
}

// remove applies the local half of removeWatches(path, typ, local) once
// the server answered rc, exactly as Apache's ZKWatchManager.removeWatcher
// with a null watcher: it returns the event types to report to the watcher
// (ChildWatchRemoved, DataWatchRemoved, PersistentWatchRemoved, in that
// order, each at most once) and the code the call ends with.
func (w *watchTable) remove(path string, typ int32, local bool, rc wire.ErrCode) ([]int32, wire.ErrCode) {
	var kinds []watchKind
	var contains []watchKind
	switch typ {
	case wire.WatcherChildren:
		kinds = []watchKind{watchChild}
		contains = []watchKind{watchChild, watchPersistent, watchRecursive}
	case wire.WatcherData:
		kinds = []watchKind{watchData, watchExist}
		contains = []watchKind{watchData, watchExist, watchPersistent, watchRecursive}
	default: // WatcherAny
		kinds = []watchKind{watchChild, watchData, watchExist, watchPersistent, watchRecursive}
		contains = kinds
	}
	found := false
	for _, k := range contains {
		found = found || w.has(k, path)
	}
	if !found {
		return nil, wire.ErrNoWatcher
	}
	if !local && rc != wire.ErrOK {
		return nil, rc
	}
	var child, data, persistent bool
	for _, k := range kinds {
		if !w.take(k, path) {
			continue
		}
		switch k {
		case watchChild:
			child = true
		case watchData, watchExist:
			data = true
		default:
			persistent = true
		}
	}
	var events []int32
	if child {
		events = append(events, wire.EventChildWatchRemoved)
	}
	if data {
		events = append(events, wire.EventDataWatchRemoved)
	}
	if persistent {
		events = append(events, EventPersistentWatchRemoved)
	}
	if len(events) == 0 {
		return nil, wire.ErrNoWatcher
	}
	return events, wire.ErrOK
}

// list returns the sorted paths of one kind, for SetWatches.
func (w *watchTable) list(k watchKind) []string {
	out := make([]string, 0, len(w.paths[k]))
	for p := range w.paths[k] {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// empty reports whether no watch of any kind is registered.
func (w *watchTable) empty() bool {
	for _, m := range w.paths {
		if len(m) > 0 {
			return false
		}
	}
	return true
}

// setWatchesMaxLength bounds the path bytes of one SetWatches request, as
// Apache's ClientCnxn.SET_WATCHES_MAX_LENGTH does, so that a client with
// very many watches never sends a frame above jute.maxbuffer.
const setWatchesMaxLength = 128 * 1024

// setWatches builds the requests that re-register every watch after a
// reconnect, with paths mapped to server paths by toServer. Like Apache's
// client it uses SetWatches (opcode 101) when no persistent watch exists,
// for servers older than 3.6, and SetWatches2 otherwise.
func (w *watchTable) setWatches(relativeZxid int64, toServer func(string) string) []wire.Record {
	if w.empty() {
		return nil
	}
	var lists [numWatchKinds][]string
	for k := range lists {
		for _, p := range w.list(watchKind(k)) {
			lists[k] = append(lists[k], toServer(p))
		}
	}
	var out []wire.Record
	var batch [numWatchKinds][]string
	size := 0
	flush := func() {
		if len(batch[watchPersistent]) == 0 && len(batch[watchRecursive]) == 0 {
			out = append(out, &wire.SetWatches{RelativeZxid: relativeZxid, DataWatches: nonNil(batch[watchData]),
				ExistWatches: nonNil(batch[watchExist]), ChildWatches: nonNil(batch[watchChild])})
		} else {
			out = append(out, &wire.SetWatches2{RelativeZxid: relativeZxid, DataWatches: nonNil(batch[watchData]),
				ExistWatches: nonNil(batch[watchExist]), ChildWatches: nonNil(batch[watchChild]),
				PersistentWatches: nonNil(batch[watchPersistent]), PersistentRecursiveWatches: nonNil(batch[watchRecursive])})
		}
		batch = [numWatchKinds][]string{}
		size = 0
	}
	for k := range lists {
		for _, p := range lists[k] {
			if size > 0 && size+len(p) > setWatchesMaxLength {
				flush()
			}
			batch[k] = append(batch[k], p)
			size += len(p)
		}
	}
	flush()
	return out
}

// nonNil turns a nil list into an empty one: jute would encode nil as a
// null vector, which servers reject in SetWatches.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
