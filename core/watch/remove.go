package watch

// RemoveWatcher drops every watch of w (its connection closed), in time
// proportional to w's own watches.
func (m *Manager) RemoveWatcher(w WatcherID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	wi, ok := m.byID[w]
	if !ok {
		return
	}
	// clearBits drops the watcher with its last ref; iterate over a copy
	// of the positions because each removal edits them.
	pids := make([]uint32, 0, len(m.watchers[wi].pos))
	for pid := range m.watchers[wi].pos {
		pids = append(pids, pid)
	}
	for _, pid := range pids {
		m.clearBits(pid, int(m.watchers[wi].pos[pid]), allBits)
	}
}

// Remove is removeWatches for one watcher and path: it clears the watches
// watcherType (wire.Watcher*) names, as DataTree.removeWatch of Apache 3.9
// does, and reports whether there was one (false means NOWATCHER). Any
// removes persistent and recursive watches too.
func (m *Manager) Remove(w WatcherID, path string, watcherType int32) bool {
	bits := removeBits(watcherType)
	m.mu.Lock()
	defer m.mu.Unlock()
	pid, pos, ok := m.find(w, path)
	if !ok {
		return false
	}
	return m.clearBits(pid, pos, bits) != 0
}

// Contains is checkWatches: whether w holds a watch of watcherType on path
// (DataTree.containsWatcher of Apache 3.9; Any matches any watch).
func (m *Manager) Contains(w WatcherID, path string, watcherType int32) bool {
	bits := containsBits(watcherType)
	m.mu.Lock()
	defer m.mu.Unlock()
	pid, pos, ok := m.find(w, path)
	if !ok {
		return false
	}
	return m.entry(pid).at(pos).bits&bits != 0
}

// find locates w's ref on path.
func (m *Manager) find(w WatcherID, path string) (pid uint32, pos int, ok bool) {
	wi, ok := m.byID[w]
	if !ok {
		return 0, 0, false
	}
	pid, ok = m.index.Find(path)
	if !ok {
		return 0, 0, false
	}
	p, ok := m.watchers[wi].pos[pid]
	return pid, int(p), ok
}
