package trace

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Name is a string of a record (an actor kind, a PID, a message type, a
// packet type, a supervision event or its detail) interned in a ring's
// name table. The ring's slots hold Names, not strings, so that they hold
// no pointer: the collector never scans the ring (64 Ki slots, the largest
// object of a server), no write barrier runs when a record is stored, and
// a slot is two cache lines instead of four.
//
// A Name is its table generation (high 16 bits) and its index in that
// generation (low 16 bits); 0 is the empty string.
type Name uint32

// maxNames bounds one generation of the name table. Names are mostly
// fixed (kinds, message types), but PIDs are not: every session and
// connection actor has its own. When a generation is full a new one
// starts; the previous one is kept for the records that name it, and a
// record older than that (some 64 Ki new actors ago) shows its strings
// empty.
const maxNames = 1 << 16

// fixedNames are interned at the same index in every generation, so that
// Ring.PutHop recognises a reply hop by index alone.
var fixedNames = []string{"", KindConn, ReplyMessage, ReadMessage, EventCrash, EventSupervisor, EventRestart}

const (
	idxConn  = 1
	idxReply = 2
	idxRead  = 3
)

// nameGen is one generation of the table. list only grows (entries are
// appended under nameTable.mu and published by replacing the nameGen, so a
// reader's list never changes under it); ids maps a string to its Name.
type nameGen struct {
	gen  uint32
	list []string
	ids  *sync.Map
	prev *nameGen
}

// nameTable interns strings for one ring.
type nameTable struct {
	mu  sync.Mutex
	cur atomic.Pointer[nameGen]
	// recent caches, by the address of their bytes, strings just
	// interned: a caller that writes its own records (the connection's
	// reader, its PID on every request) passes the same string each time,
	// and finds it here without hashing it.
	recent [recentNames]atomic.Pointer[recentName]
}

// recentName is one entry of nameTable.recent: s interned as n.
type recentName struct {
	s string
	n Name
}

// recentNames sizes nameTable.recent (a power of two).
const recentNames = 256

func (t *nameTable) init() { t.cur.Store(newGen(1, nil)) }

func newGen(gen uint32, prev *nameGen) *nameGen {
	g := &nameGen{gen: gen, ids: &sync.Map{}, list: make([]string, 0, 64)}
	for i, s := range fixedNames {
		g.list = append(g.list, s)
		if i > 0 {
			g.ids.Store(s, Name(gen<<16|uint32(i)))
		}
	}
	if prev != nil {
		// One generation back, not a chain (a copy: prev is published,
		// readers may be walking it).
		p := *prev
		p.prev = nil
		g.prev = &p
	}
	return g
}

// intern returns s's Name in the current generation.
func (t *nameTable) intern(s string) Name {
	g := t.cur.Load()
	switch s { // the fixed names, without a map lookup
	case "":
		return 0
	case KindConn:
		return Name(g.gen<<16 | idxConn)
	case ReplyMessage:
		return Name(g.gen<<16 | idxReply)
	case ReadMessage:
		return Name(g.gen<<16 | idxRead)
	}
	// The cache holds s itself, so equal data pointers (and lengths)
	// mean equal strings.
	slot := &t.recent[(uintptr(unsafe.Pointer(unsafe.StringData(s)))>>4)%recentNames]
	if e := slot.Load(); e != nil && unsafe.StringData(e.s) == unsafe.StringData(s) &&
		len(e.s) == len(s) && uint32(e.n)>>16 == g.gen {
		return e.n
	}
	n := t.internSlow(s)
	slot.Store(&recentName{s: s, n: n})
	return n
}

// internSlow looks s up in the current generation, and adds it.
func (t *nameTable) internSlow(s string) Name {
	g := t.cur.Load()
	if n, ok := g.ids.Load(s); ok {
		return n.(Name)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	g = t.cur.Load()
	if n, ok := g.ids.Load(s); ok {
		return n.(Name)
	}
	if len(g.list) >= maxNames {
		next := g.gen + 1
		if next >= 1<<16 {
			next = 1
		}
		g = newGen(next, g)
	} else {
		c := *g
		g = &c
	}
	n := Name(g.gen<<16 | uint32(len(g.list)))
	g.list = append(g.list, s)
	g.ids.Store(s, n)
	t.cur.Store(g)
	return n
}

// gen is the current generation: a Name of another one must be interned
// again before it is written.
func (t *nameTable) gen() uint32 { return t.cur.Load().gen }

// resolve returns the string n names, "" when its generation is gone.
func (t *nameTable) resolve(n Name) string {
	if n == 0 {
		return ""
	}
	gen, idx := uint32(n)>>16, int(n&0xffff)
	for g := t.cur.Load(); g != nil; g = g.prev {
		if g.gen == gen {
			if idx < len(g.list) {
				return g.list[idx]
			}
			return ""
		}
	}
	return ""
}

// Intern returns s's Name in the ring's name table, for a writer that
// keeps the Names of its strings (Hop): interning costs a map lookup.
// Names are valid while NameGen is unchanged.
func (r *Ring) Intern(s string) Name { return r.names.intern(s) }

// NameGen is the name table's generation: a writer that cached Names must
// intern them again when it changes.
func (r *Ring) NameGen() uint32 { return r.names.gen() }
