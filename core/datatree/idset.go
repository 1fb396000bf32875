package datatree

// idSet is a set of node ids sized for the common case: most parents have
// a handful of children and most sessions a handful of ephemerals, so a
// small set is a plain slice (4 bytes an id, insertion order, linear
// removal); past smallSetMax it becomes a map so that a parent with a
// million children still adds and removes in O(1).
type idSet struct {
	list []uint32
	m    map[uint32]struct{}
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
		return len(s.m)
	}
	return len(s.list)
}

func (s *idSet) has(id uint32) bool {
	if s.m != nil {
		_, ok := s.m[id]
		return ok
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
		if _, ok := s.m[id]; ok {
			return false
		}
		s.m[id] = struct{}{}
		return true
	}
	if s.has(id) {
		return false
	}
	if len(s.list) < smallSetMax {
		s.list = append(s.list, id)
		return true
	}
	s.m = make(map[uint32]struct{}, 2*smallSetMax)
	for _, v := range s.list {
		s.m[v] = struct{}{}
	}
	s.m[id] = struct{}{}
	s.list = nil
	return true
}

// remove deletes id and reports whether it was present. The slice form
// keeps the order of the remaining ids.
func (s *idSet) remove(id uint32) bool {
	if s.m != nil {
		if _, ok := s.m[id]; !ok {
			return false
		}
		delete(s.m, id)
		if len(s.m) <= smallSetBack {
			list := make([]uint32, 0, len(s.m))
			for v := range s.m {
				list = append(list, v)
			}
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
// in insertion order, the map form in no particular order.
func (s *idSet) each(fn func(uint32) bool) {
	if s.m != nil {
		for v := range s.m {
			if !fn(v) {
				return
			}
		}
		return
	}
	for _, v := range s.list {
		if !fn(v) {
			return
		}
	}
}
