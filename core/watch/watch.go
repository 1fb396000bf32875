// Package watch is the watch table: who watches which path how, and who gets
// which event when a txn triggers a path (Apache's WatchManager with its
// persistent and recursive modes).
//
// It is safe for concurrent use: readers register watches under the data
// tree's read lock, in parallel, and the single writer triggers them under
// the tree's write lock.
package watch

import (
	"sort"
	"sync"

	"github.com/corral-zk/corral/wire"
)

// WatcherID identifies a watcher: a client connection.
type WatcherID uint64

// Kind is how a path is watched.
type Kind uint8

const (
	// Data is a one-shot getData/exists watch (Apache keeps exist watches
	// with data watches).
	Data Kind = 1 << iota
	// Child is a one-shot getChildren watch.
	Child
	// Persistent fires on every event of the path and stays.
	Persistent
	// PersistentRecursive fires on created/deleted/changed events of the
	// path and all its descendants, and stays.
	PersistentRecursive
)

// Delivery is one event for one watcher.
type Delivery struct {
	Watcher WatcherID
	Type    int32
	Path    string
}

// Manager is the watch table. Each (watcher, path) pair costs one small map
// entry per side; kinds are bits of one byte.
type Manager struct {
	mu        sync.Mutex
	byPath    map[string]map[WatcherID]Kind
	byWatcher map[WatcherID]map[string]Kind
	recursive int // number of (watcher,path) pairs with PersistentRecursive
	total     int // number of (watcher,path,kind) watches
}

// NewManager returns an empty table.
func NewManager() *Manager {
	return &Manager{byPath: map[string]map[WatcherID]Kind{}, byWatcher: map[WatcherID]map[string]Kind{}}
}

// Add registers a watch.
func (m *Manager) Add(w WatcherID, path string, k Kind) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ws := m.byPath[path]
	if ws == nil {
		ws = map[WatcherID]Kind{}
		m.byPath[path] = ws
	}
	old := ws[w]
	if old&k != 0 {
		return
	}
	ws[w] = old | k
	ps := m.byWatcher[w]
	if ps == nil {
		ps = map[string]Kind{}
		m.byWatcher[w] = ps
	}
	ps[path] = old | k
	m.total++
	if k == PersistentRecursive {
		m.recursive++
	}
}

// set stores the kinds of (w, path), removing empty entries; caller holds mu.
func (m *Manager) set(w WatcherID, path string, old, k Kind) {
	m.total -= bits(old) - bits(k)
	if old&PersistentRecursive != 0 && k&PersistentRecursive == 0 {
		m.recursive--
	}
	if k == 0 {
		if ws := m.byPath[path]; ws != nil {
			delete(ws, w)
			if len(ws) == 0 {
				delete(m.byPath, path)
			}
		}
		if ps := m.byWatcher[w]; ps != nil {
			delete(ps, path)
			if len(ps) == 0 {
				delete(m.byWatcher, w)
			}
		}
		return
	}
	m.byPath[path][w] = k
	m.byWatcher[w][path] = k
}

func bits(k Kind) int {
	n := 0
	for k != 0 {
		n += int(k & 1)
		k >>= 1
	}
	return n
}

// Trigger returns the deliveries for an event on path and removes the
// one-shot watches it consumed. A watcher gets at most one delivery.
func (m *Manager) Trigger(path string, eventType int32, zxid int64) []Delivery {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Delivery
	var seen map[WatcherID]struct{}
	if ws := m.byPath[path]; ws != nil {
		for w, k := range ws {
			fire := false
			nk := k
			switch eventType {
			case wire.EventNodeCreated, wire.EventNodeDataChanged:
				if k&Data != 0 {
					fire, nk = true, nk&^Data
				}
			case wire.EventNodeDeleted:
				if k&(Data|Child) != 0 {
					fire, nk = true, nk&^(Data|Child)
				}
			case wire.EventNodeChildrenChanged:
				if k&Child != 0 {
					fire, nk = true, nk&^Child
				}
			}
			if k&Persistent != 0 {
				fire = true
			}
			if k&PersistentRecursive != 0 && eventType != wire.EventNodeChildrenChanged {
				fire = true
			}
			if nk != k {
				m.set(w, path, k, nk)
			}
			if fire {
				out = append(out, Delivery{Watcher: w, Type: eventType, Path: path})
				if m.recursive > 0 {
					if seen == nil {
						seen = map[WatcherID]struct{}{}
					}
					seen[w] = struct{}{}
				}
			}
		}
	}
	if m.recursive == 0 || eventType == wire.EventNodeChildrenChanged {
		return out
	}
	// Recursive watches on the ancestors.
	for p := parent(path); p != ""; p = parent(p) {
		for w, k := range m.byPath[p] {
			if k&PersistentRecursive == 0 {
				continue
			}
			if _, dup := seen[w]; dup {
				continue
			}
			if seen == nil {
				seen = map[WatcherID]struct{}{}
			}
			seen[w] = struct{}{}
			out = append(out, Delivery{Watcher: w, Type: eventType, Path: path})
		}
		if p == "/" {
			break
		}
	}
	return out
}

func parent(p string) string {
	if p == "/" || p == "" {
		return ""
	}
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "/"
}

// RemoveWatcher drops every watch of a watcher (its connection closed).
func (m *Manager) RemoveWatcher(w WatcherID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for path, k := range m.byWatcher[w] {
		m.set(w, path, k, 0)
	}
}

// kindsOf maps a WatcherType (removeWatches/checkWatches) to kinds.
func kindsOf(watcherType int32) Kind {
	switch watcherType {
	case wire.WatcherChildren:
		return Child
	case wire.WatcherData:
		return Data
	case wire.WatcherAny:
		return Data | Child | Persistent | PersistentRecursive
	case wire.WatcherPersistent:
		return Persistent
	case wire.WatcherPersistentRecursive:
		return PersistentRecursive
	}
	return 0
}

// Remove drops w's watches of the given WatcherType on path; false when it
// had none (NOWATCHER).
func (m *Manager) Remove(w WatcherID, path string, watcherType int32) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.byPath[path][w]
	sel := kindsOf(watcherType)
	if k&sel == 0 {
		return false
	}
	m.set(w, path, k, k&^sel)
	return true
}

// Contains reports whether w has a watch of the given WatcherType on path.
func (m *Manager) Contains(w WatcherID, path string, watcherType int32) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byPath[path][w]&kindsOf(watcherType) != 0
}

// Count is the number of watches (a (watcher,path) pair with a data and a
// child watch counts twice, as in Apache's two tables).
func (m *Manager) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total
}

// Summary is wchs: connections with watches, watched paths, watches.
func (m *Manager) Summary() (conns, paths, total int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.byWatcher), len(m.byPath), m.total
}

// ByWatcher is wchc: each watcher's watched paths, sorted.
func (m *Manager) ByWatcher() map[WatcherID][]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[WatcherID][]string, len(m.byWatcher))
	for w, ps := range m.byWatcher {
		l := make([]string, 0, len(ps))
		for p := range ps {
			l = append(l, p)
		}
		sort.Strings(l)
		out[w] = l
	}
	return out
}

// ByPath is wchp: each watched path's watchers, sorted.
func (m *Manager) ByPath() map[string][]WatcherID {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]WatcherID, len(m.byPath))
	for p, ws := range m.byPath {
		l := make([]WatcherID, 0, len(ws))
		for w := range ws {
			l = append(l, w)
		}
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		out[p] = l
	}
	return out
}
