package watch

import (
	"cmp"
	"slices"
)

// Figures for mntr and the wchs/wchc/wchp four-letter words.
//
// Apache answers wchs, wchc and wchp from its dataWatches table only
// (DataTree.dumpWatchesSummary/dumpWatches/getWatches*), so child watches
// never show there while persistent and recursive watches do; mntr's
// zk_watch_count adds both tables, and Apache 3.8 registers persistent and
// recursive watches in both, so each of those counts twice. The same
// figures are reproduced here (checked against a running 3.8.0).

// Count is zk_watch_count: (watcher, path) pairs in the data table plus
// those in the child table.
func (m *Manager) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dataPairs + m.childPairs
}

// Summary is wchs ("<connections> connections watching <paths> paths /
// Total watches:<total>") over the data table.
func (m *Manager) Summary() (connections, paths, total int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	watching := make(map[uint32]struct{})
	for pid := range m.nextPath {
		e := m.entry(pid)
		watched := false
		for i := range e.len() {
			if r := e.at(i); r.bits&dataBits != 0 {
				watched = true
				watching[r.w] = struct{}{}
			}
		}
		if watched {
			paths++
		}
	}
	return len(watching), paths, m.dataPairs
}

// ByWatcher is wchc: each watcher's data-table paths, sorted.
func (m *Manager) ByWatcher() map[WatcherID][]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[WatcherID][]string{}
	m.eachData(func(w WatcherID, path string) { out[w] = append(out[w], path) })
	for _, paths := range out {
		slices.Sort(paths)
	}
	return out
}

// ByPath is wchp: each data-table path's watchers, sorted.
func (m *Manager) ByPath() map[string][]WatcherID {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string][]WatcherID{}
	m.eachData(func(w WatcherID, path string) { out[path] = append(out[path], w) })
	for _, ws := range out {
		slices.SortFunc(ws, cmp.Compare)
	}
	return out
}

func (m *Manager) eachData(fn func(WatcherID, string)) {
	for pid := range m.nextPath {
		e := m.entry(pid)
		for i := range e.len() {
			if r := e.at(i); r.bits&dataBits != 0 {
				fn(m.watchers[r.w].id, e.path)
			}
		}
	}
}
