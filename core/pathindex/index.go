// Package pathindex is the compact path -> id table shared by the data tree
// and the watch table.
package pathindex

import "hash/maphash"

// Index maps a path to an id. It is an open-addressing table (linear
// probing, backward-shift deletion) whose slots hold only id+1: the key is
// read back from the caller's own record (the key function), so the index
// costs 4 bytes a slot instead of the ~25 of a map[string]uint32 slot, and
// paths are stored once, by the caller. The seed is random per index; it only
// decides slot positions, never anything a caller can observe.
type Index struct {
	slots []uint32 // id+1, 0 = empty; len is a power of two
	count int
	seed  maphash.Seed
	key   func(id uint32) string
}

const minIndexSlots = 16

// New returns an empty index; key(id) must return the path stored for id.
func New(key func(uint32) string) Index {
	return Index{slots: make([]uint32, minIndexSlots), seed: maphash.MakeSeed(), key: key}
}

func (ix *Index) home(path string) int {
	return int(maphash.String(ix.seed, path) & uint64(len(ix.slots)-1))
}

// find returns the id stored for path.
// Find returns the id stored for path.
func (ix *Index) Find(path string) (uint32, bool) {
	mask := len(ix.slots) - 1
	for i := ix.home(path); ; i = (i + 1) & mask {
		s := ix.slots[i]
		if s == 0 {
			return 0, false
		}
		if ix.key(s-1) == path {
			return s - 1, true
		}
	}
}

// insert adds id, whose key must not be present yet.
// Insert adds id, whose path must not be in the index yet.
func (ix *Index) Insert(id uint32) {
	if (ix.count+1)*4 > len(ix.slots)*3 {
		ix.resize(len(ix.slots) * 2)
	}
	ix.place(id)
	ix.count++
}

func (ix *Index) place(id uint32) {
	mask := len(ix.slots) - 1
	i := ix.home(ix.key(id))
	for ix.slots[i] != 0 {
		i = (i + 1) & mask
	}
	ix.slots[i] = id + 1
}

// remove deletes path and reports whether it was present. The entries
// after the hole that would no longer be reachable from their home slot
// are shifted back, so lookups never need tombstones.
// Remove drops path; false when it was not there.
func (ix *Index) Remove(path string) bool {
	mask := len(ix.slots) - 1
	i := ix.home(path)
	for {
		s := ix.slots[i]
		if s == 0 {
			return false
		}
		if ix.key(s-1) == path {
			break
		}
		i = (i + 1) & mask
	}
	ix.slots[i] = 0
	for j := (i + 1) & mask; ix.slots[j] != 0; j = (j + 1) & mask {
		h := ix.home(ix.key(ix.slots[j] - 1))
		// The entry at j may move into the hole at i unless its home lies
		// cyclically in (i, j].
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			ix.slots[i], ix.slots[j] = ix.slots[j], 0
			i = j
		}
	}
	ix.count--
	if len(ix.slots) > minIndexSlots && ix.count*8 < len(ix.slots) {
		ix.resize(len(ix.slots) / 2)
	}
	return true
}

func (ix *Index) resize(n int) {
	old := ix.slots
	ix.slots = make([]uint32, n)
	for _, s := range old {
		if s != 0 {
			ix.place(s - 1)
		}
	}
}

// Len is the number of paths in the index.
func (ix *Index) Len() int { return ix.count }
