package watch

import (
	"github.com/corral-zk/corral/core/pathindex"
	"strings"
	"sync"
)

// Manager is the watch table. The zero value is not usable; call
// NewManager.
//
// Layout, chosen for memory (a million watches must stay well under 100
// bytes each): paths are interned once in dense chunks of entries found
// through an open-addressing index; an entry lists its watchers as 8-byte
// refs (internal watcher number + mode bits), the first one inline since
// most paths have a single watcher; each watcher keeps a map from entry
// id to its ref's position in that entry, so dropping a connection costs
// O(its own watches) and one-shot removal is O(1).
type Manager struct {
	mu sync.Mutex

	index     pathindex.Index
	chunks    [][]pathEntry // entry storage, chunkSize entries each; ids never move
	nextPath  uint32        // first entry id never handed out
	freePaths []uint32

	byID         map[WatcherID]uint32
	watchers     []watcherEntry
	freeWatchers []uint32

	dataPairs  int // refs with a data bit: Apache's dataWatches.size()
	childPairs int // refs Apache 3.8 holds in childWatches: its size()
	recursives int // refs with the recursive bit; 0 lets triggers skip ancestors
}

// ref is one watcher's modes on one path.
type ref struct {
	w    uint32 // index into Manager.watchers
	bits uint8  // never 0 while stored
}

type pathEntry struct {
	path  string
	first ref    // bits 0: the entry is free
	rest  *[]ref // further watchers, nil while there is at most one
}

type watcherEntry struct {
	id  WatcherID
	pos map[uint32]uint32 // entry id -> position of this watcher's ref in it
}

// NewManager returns an empty table.
func NewManager() *Manager {
	m := &Manager{byID: map[WatcherID]uint32{}}
	m.index = pathindex.New(func(id uint32) string { return m.entry(id).path })
	return m
}

// Entries live in fixed-size chunks rather than one growing slice, so a
// million paths never cost a 32 MB copy on growth nor its spare capacity.
const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	chunkMask  = chunkSize - 1
)

func (m *Manager) entry(pid uint32) *pathEntry { return &m.chunks[pid>>chunkShift][pid&chunkMask] }

func (e *pathEntry) len() int {
	switch {
	case e.first.bits == 0:
		return 0
	case e.rest == nil:
		return 1
	}
	return 1 + len(*e.rest)
}

func (e *pathEntry) at(i int) *ref {
	if i == 0 {
		return &e.first
	}
	return &(*e.rest)[i-1]
}

func (e *pathEntry) push(r ref) int {
	n := e.len()
	switch {
	case n == 0:
		e.first = r
	case e.rest == nil:
		e.rest = &[]ref{r}
	default:
		*e.rest = append(*e.rest, r)
	}
	return n
}

// Add registers a watch and reports whether it added anything new (a
// watcher that already holds this kind on the path is left as it is).
func (m *Manager) Add(w WatcherID, path string, kind Kind) bool {
	bits := kind.bits()
	if bits == 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	wi := m.watcher(w)
	pid, ok := m.index.Find(path)
	if !ok {
		pid = m.newPath(path)
	}
	e := m.entry(pid)
	if pos, ok := m.watchers[wi].pos[pid]; ok {
		r := e.at(int(pos))
		if r.bits|bits == r.bits {
			return false
		}
		m.setBits(r, r.bits|bits)
		return true
	}
	r := ref{w: wi}
	m.setBits(&r, bits)
	m.watchers[wi].pos[pid] = uint32(e.push(r))
	return true
}

// watcher returns the internal number of w, registering it if new.
func (m *Manager) watcher(w WatcherID) uint32 {
	if wi, ok := m.byID[w]; ok {
		return wi
	}
	var wi uint32
	if n := len(m.freeWatchers); n > 0 {
		wi = m.freeWatchers[n-1]
		m.freeWatchers = m.freeWatchers[:n-1]
	} else {
		wi = uint32(len(m.watchers))
		m.watchers = append(m.watchers, watcherEntry{})
	}
	m.watchers[wi] = watcherEntry{id: w, pos: map[uint32]uint32{}}
	m.byID[w] = wi
	return wi
}

// newPath interns a path. The string is copied so that a watch never pins
// the request buffer it was decoded from.
func (m *Manager) newPath(path string) uint32 {
	var pid uint32
	if n := len(m.freePaths); n > 0 {
		pid = m.freePaths[n-1]
		m.freePaths = m.freePaths[:n-1]
	} else {
		pid = m.nextPath
		m.nextPath++
		if int(pid>>chunkShift) == len(m.chunks) {
			m.chunks = append(m.chunks, make([]pathEntry, chunkSize))
		}
	}
	*m.entry(pid) = pathEntry{path: strings.Clone(path)}
	m.index.Insert(pid)
	return pid
}

// setBits changes a ref's bits and keeps the counters in step.
func (m *Manager) setBits(r *ref, bits uint8) {
	m.dataPairs += delta(r.bits&dataBits != 0, bits&dataBits != 0)
	m.childPairs += delta(r.bits&countedChildBits != 0, bits&countedChildBits != 0)
	m.recursives += delta(r.bits&recursive != 0, bits&recursive != 0)
	r.bits = bits
}

func delta(was, is bool) int {
	switch {
	case was && !is:
		return -1
	case is && !was:
		return 1
	}
	return 0
}

// clearBits removes bits from the ref at position i of entry pid and drops
// the ref, the entry and the watcher as they become empty. It reports the
// bits that were actually set among those asked.
func (m *Manager) clearBits(pid uint32, i int, bits uint8) uint8 {
	e := m.entry(pid)
	r := e.at(i)
	had := r.bits & bits
	if had == 0 {
		return 0
	}
	n := e.len() // before the bits change: a first ref with no bits reads as an empty entry
	m.setBits(r, r.bits&^bits)
	if r.bits != 0 {
		return had
	}
	wi := r.w
	m.unlink(pid, i, n)
	delete(m.watchers[wi].pos, pid)
	if len(m.watchers[wi].pos) == 0 {
		m.dropWatcher(wi)
	}
	if e.len() == 0 {
		m.index.Remove(e.path)
		*e = pathEntry{}
		m.freePaths = append(m.freePaths, pid)
	}
	return had
}

// unlink removes position i from an entry of n refs by moving the last
// ref into it (and telling the moved watcher its new position).
func (m *Manager) unlink(pid uint32, i, n int) {
	e := m.entry(pid)
	last := n - 1
	if i != last {
		moved := *e.at(last)
		*e.at(i) = moved
		m.watchers[moved.w].pos[pid] = uint32(i)
	}
	switch {
	case last == 0:
		e.first = ref{}
	case last == 1:
		e.rest = nil
	default:
		rest := (*e.rest)[:last-1]
		if c := cap(rest); c > 8 && len(rest) < c/4 {
			rest = append([]ref(nil), rest...)
		}
		*e.rest = rest
	}
}

func (m *Manager) dropWatcher(wi uint32) {
	delete(m.byID, m.watchers[wi].id)
	m.watchers[wi] = watcherEntry{}
	m.freeWatchers = append(m.freeWatchers, wi)
}
