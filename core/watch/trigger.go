package watch

import "github.com/corral-zk/corral/wire"

// Delivery is one event to send to one watcher.
type Delivery struct {
	Watcher WatcherID
	Type    int32 // wire.EventNode*
	Path    string
	// Zxid is the txn that caused the event; Apache 3.9 sends it in the
	// notification header, 3.8 sends -1. The session layer chooses.
	Zxid int64
}

// Trigger fires the watches an event on path sets off, removes the one-shot
// ones it consumed and returns the deliveries (nil if none), each watcher
// at most once. The rules are Apache's, i.e. what DataTree.createNode,
// deleteNode and setData ask of WatchManager.triggerWatch:
//
//   - NodeCreated, NodeDataChanged: the data table on path (every data,
//     persistent or recursive watch there fires; data watches are consumed)
//     and recursive watches on every ancestor;
//   - NodeDeleted: the same, then the child table on path (child and
//     persistent watches) for the watchers not already told; both tables'
//     one-shot watches are consumed, even for a watcher that was told by
//     the data table;
//   - NodeChildrenChanged (path is the parent): the child table on path
//     only; recursive watches never see this event.
//
// Other event types fire nothing. Deliveries come in table order (data
// table before child table, path before ancestors) and, within a path, in
// the order the watchers were added, except after removals reorder them.
func (m *Manager) Trigger(path string, eventType int32, zxid int64) []Delivery {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := firing{m: m, typ: eventType, path: path, zxid: zxid}
	switch eventType {
	case wire.EventNodeCreated, wire.EventNodeDataChanged:
		f.dataTable()
	case wire.EventNodeDeleted:
		f.dataTable()
		f.childTable()
	case wire.EventNodeChildrenChanged:
		f.childTable()
	}
	return f.out
}

// firing collects the deliveries of one Trigger call.
type firing struct {
	m    *Manager
	typ  int32
	path string
	zxid int64
	out  []Delivery
	seen map[uint32]struct{} // built once out is long enough to make scanning it slow
}

const seenScanMax = 16

func (f *firing) told(wi uint32) bool {
	if f.seen != nil {
		_, ok := f.seen[wi]
		return ok
	}
	id := f.m.watchers[wi].id
	for _, d := range f.out {
		if d.Watcher == id {
			return true
		}
	}
	return false
}

func (f *firing) tell(wi uint32) {
	f.out = append(f.out, Delivery{Watcher: f.m.watchers[wi].id, Type: f.typ, Path: f.path, Zxid: f.zxid})
	if f.seen != nil {
		f.seen[wi] = struct{}{}
	} else if len(f.out) > seenScanMax {
		f.seen = make(map[uint32]struct{}, 2*len(f.out))
		for _, d := range f.out {
			f.seen[f.m.byID[d.Watcher]] = struct{}{}
		}
	}
}

// dataTable is dataWatches.triggerWatch(path).
func (f *firing) dataTable() {
	m := f.m
	if pid, ok := m.index.Find(f.path); ok {
		f.fireAt(pid, dataBits, dataStd, false)
	}
	if m.recursives == 0 {
		return
	}
	for p := f.path; p != "/"; {
		p = parentOf(p)
		pid, ok := m.index.Find(p)
		if !ok {
			continue
		}
		e := m.entry(pid)
		for i := range e.len() {
			if r := e.at(i); r.bits&recursive != 0 && !f.told(r.w) {
				f.tell(r.w)
			}
		}
	}
}

// childTable is childWatches.triggerWatch(path), suppressing the watchers
// the data table already told (deleteNode's WatcherOrBitSet).
func (f *firing) childTable() {
	if pid, ok := f.m.index.Find(f.path); ok {
		f.fireAt(pid, childBits, childStd, len(f.out) > 0)
	}
}

// fireAt tells every watcher of entry pid holding one of the fire bits,
// then clears the consume bits. Telling goes in position order; clearing
// goes backwards because removing a ref moves the last one into its place.
func (f *firing) fireAt(pid uint32, fire, consume uint8, dedupe bool) {
	m := f.m
	e := m.entry(pid)
	n := e.len()
	for i := range n {
		if r := e.at(i); r.bits&fire != 0 && !(dedupe && f.told(r.w)) {
			f.tell(r.w)
		}
	}
	for i := n - 1; i >= 0; i-- {
		m.clearBits(pid, i, consume)
	}
}

// parentOf is the parent path ("/a" -> "/", "/a/b" -> "/a").
func parentOf(path string) string {
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '/' {
			return path[:i]
		}
	}
	return "/"
}
