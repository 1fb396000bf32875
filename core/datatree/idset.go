package datatree

// idSet is a set of node ids sized for the common case: most parents have
// a handful of children and most sessions a handful of ephemerals, so a
// small set is a plain slice (4 bytes an id, insertion order, linear
// removal); past smallSetMax it becomes a hash set (idHash) so that a
// parent with a million children still adds and removes in O(1).
type idSet struct {
	list []uint32
	m    *idHash
}

const (
	smallSetMax = 64
	// smallSetBack is where a map shrinks back to a slice; the gap to
	// smallSetMax keeps a set hovering at the limit from converting on
	// every add/remove.
	smallSetBack = smallSetMax / 4
)

func (s *idSet) len() int {
	if s.m != nil {
		return s.m.count
	}
	return len(s.list)
}

func (s *idSet) has(id uint32) bool {
	if s.m != nil {
		return s.m.has(id)
	}
	for _, v := range s.list {
		if v == id {
			return true
		}
	}
	return false
}

// add inserts id and reports whether it was absent.
func (s *idSet) add(id uint32) bool {
	if s.m != nil {
		return s.m.add(id)
	}
	if s.has(id) {
		return false
	}
	if len(s.list) < smallSetMax {
		s.list = append(s.list, id)
		return true
	}
	s.m = newIDHash(4 * smallSetMax)
	for _, v := range s.list {
		s.m.add(v)
	}
	s.m.add(id)
	s.list = nil
	return true
}

// remove deletes id and reports whether it was present. The slice form
// keeps the order of the remaining ids.
func (s *idSet) remove(id uint32) bool {
	if s.m != nil {
		if !s.m.remove(id) {
			return false
		}
		if s.m.count <= smallSetBack {
			list := make([]uint32, 0, s.m.count)
			s.m.each(func(v uint32) bool { list = append(list, v); return true })
			s.list, s.m = list, nil
		}
		return true
	}
	for i, v := range s.list {
		if v == id {
			s.list = append(s.list[:i], s.list[i+1:]...)
			if len(s.list) == 0 {
				s.list = nil
			}
			return true
		}
	}
	return false
}

// each calls fn for every id until fn returns false. The slice form visits
// in insertion order, the hash form in slot order.
func (s *idSet) each(fn func(uint32) bool) {
	if s.m != nil {
		s.m.each(fn)
		return
	}
	for _, v := range s.list {
		if !fn(v) {
			return
		}
	}
}

// idHash is the large form of idSet: open addressing with linear probing
// and backward-shift deletion, slots holding id+1 (0 = empty). It costs 4
// bytes a slot at a load between 3/16 and 3/4, where a Go
// map[uint32]struct{} costs about 9 bytes a slot (a key padded to 8 bytes
// plus a control byte) at up to 7/8: 5 to 11 bytes per child against 10
// to 20, which is a twentieth of a flat tree's memory per znode.
type idHash struct {
	slots []uint32
	count int
}

func newIDHash(n int) *idHash { return &idHash{slots: make([]uint32, n)} }

// home spreads ids over the table (Fibonacci hashing: consecutive ids,
// the common case, land far apart).
func (h *idHash) home(id uint32) int {
	return int((uint64(id) * 0x9E3779B97F4A7C15) >> 32 & uint64(len(h.slots)-1))
}

func (h *idHash) has(id uint32) bool {
	mask := len(h.slots) - 1
	for i := h.home(id); ; i = (i + 1) & mask {
		switch h.slots[i] {
		case 0:
			return false
		case id + 1:
			return true
		}
	}
}

func (h *idHash) add(id uint32) bool {
	if h.has(id) {
		return false
	}
	if (h.count+1)*4 > len(h.slots)*3 {
		h.resize(len(h.slots) * 2)
	}
	h.place(id)
	h.count++
	return true
}

func (h *idHash) place(id uint32) {
	mask := len(h.slots) - 1
	i := h.home(id)
	for h.slots[i] != 0 {
		i = (i + 1) & mask
	}
	h.slots[i] = id + 1
}

func (h *idHash) remove(id uint32) bool {
	mask := len(h.slots) - 1
	i := h.home(id)
	for {
		switch h.slots[i] {
		case 0:
			return false
		case id + 1:
		default:
			i = (i + 1) & mask
			continue
		}
		break
	}
	h.slots[i] = 0
	for j := (i + 1) & mask; h.slots[j] != 0; j = (j + 1) & mask {
		k := h.home(h.slots[j] - 1)
		// The entry at j may move into the hole at i unless its home lies
		// cyclically in (i, j].
		if (j > i && (k <= i || k > j)) || (j < i && k <= i && k > j) {
			h.slots[i], h.slots[j] = h.slots[j], 0
			i = j
		}
	}
	h.count--
	if len(h.slots) > 4*smallSetMax && h.count*16 < len(h.slots)*3 {
		h.resize(len(h.slots) / 2)
	}
	return true
}

func (h *idHash) resize(n int) {
	old := h.slots
	h.slots = make([]uint32, n)
	for _, v := range old {
		if v != 0 {
			h.place(v - 1)
		}
	}
}

func (h *idHash) each(fn func(uint32) bool) {
	for _, v := range h.slots {
		if v != 0 && !fn(v-1) {
			return
		}
	}
}
