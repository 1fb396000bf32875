package datatree

import (
	"encoding/binary"
	"unsafe"
)

// arena holds every node's path and data bytes (its "blob") in large
// slabs of plain bytes instead of one allocation per node.
//
// Why: with a blob per node a million znodes were a million small heap
// objects, each rounded up to its size class (a 15-byte path plus 100
// bytes of data took 128), and each node held a slice header (a pointer)
// that the garbage collector had to follow on every cycle. Slabs are
// pointer-free, so the node chunks hold no pointers either: the collector
// marks the whole tree in a few thousand steps instead of a million, and
// the blobs cost their length plus an 8-byte header.
//
// Immutability, which readers rely on (they keep paths and data after
// releasing the read lock), holds because a slab's bytes are never
// written twice: blobs are only appended after the slab's last one, a
// freed blob's bytes are left as they are, and a slab is never reused: a
// slab whose live bytes fall below half is compacted by copying its live
// blobs to the slab being filled and dropping it; the garbage collector
// frees it once no reader holds a slice of it. A blob of a slab's size or
// more gets a slab of its own, dropped when it is freed.
//
// The cost: a path or data slice a caller keeps pins its whole slab
// (64 KiB) until it lets go, where a per-node blob pinned only itself.
type arena struct {
	slabs [][]byte // by slab number; 0 is never used (a zero blobRef means no blob), nil = dropped
	live  []int    // bytes of live blobs, headers included, per slab
	spare []uint32 // numbers of dropped slabs, reused for new ones
	cur   uint32   // the slab blobs are appended to; 0 before the first
	todo  []uint32 // slabs to compact once the current operation is done
	busy  bool     // compacting: new candidates go to todo

	// owner returns the node whose blob reference is stored for id, so
	// that compaction can tell live blobs from dead ones and move them.
	owner func(id uint32) *blobRef
}

// blobRef locates a blob: its slab and the offset of its header.
type blobRef struct{ slab, off uint32 }

const (
	slabSize = 64 << 10
	// blobHeader precedes every blob: the owning node id and the blob's
	// length, little-endian uint32s. The id lets compaction find the node
	// that a blob belongs to without any index.
	blobHeader = 8
)

func newArena(owner func(uint32) *blobRef) arena {
	return arena{slabs: make([][]byte, 1), live: make([]int, 1), owner: owner}
}

// bytes is the blob r refers to, capacity-limited so that an append by a
// reader can never write into the slab.
func (a *arena) bytes(r blobRef) []byte {
	s := a.slabs[r.slab]
	n := binary.LittleEndian.Uint32(s[r.off+4:])
	start := r.off + blobHeader
	return s[start : start+n : start+n]
}

// blobLen is the length of the blob r refers to.
func (a *arena) blobLen(r blobRef) int {
	return int(binary.LittleEndian.Uint32(a.slabs[r.slab][r.off+4:]))
}

// str is the first n bytes of the blob as a string, without copying (the
// bytes are immutable, see the type's comment).
func (a *arena) str(r blobRef, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&a.slabs[r.slab][r.off+blobHeader], n)
}

// put stores a new blob, head followed by tail, for node id. It never
// moves other blobs (a slab it retires is compacted at the next free), so
// head may be a view of the blob it replaces.
func (a *arena) put(id uint32, head string, tail []byte) blobRef {
	n := blobHeader + len(head) + len(tail)
	var r blobRef
	if n > slabSize/2 {
		// A large blob gets a slab of its own: appending it to the
		// current slab would leave most of that slab unused.
		r = blobRef{slab: a.newSlab(make([]byte, 0, n))}
	} else {
		if a.cur == 0 || len(a.slabs[a.cur])+n > slabSize {
			a.retire()
			a.cur = a.newSlab(make([]byte, 0, slabSize))
		}
		r = blobRef{slab: a.cur, off: uint32(len(a.slabs[a.cur]))}
	}
	s := a.slabs[r.slab]
	s = binary.LittleEndian.AppendUint32(s, id)
	s = binary.LittleEndian.AppendUint32(s, uint32(len(head)+len(tail)))
	s = append(s, head...)
	s = append(s, tail...)
	a.slabs[r.slab] = s
	a.live[r.slab] += n
	return r
}

// free forgets the blob r refers to; its node must already refer to
// another blob or none (compaction would otherwise move it). Compaction
// happens here, so blobRefs read before a free may be stale after it.
func (a *arena) free(r blobRef) {
	s := r.slab
	a.live[s] -= blobHeader + a.blobLen(r)
	switch {
	case a.live[s] == 0 && s != a.cur:
		a.drop(s)
	case s != a.cur && a.live[s]*2 < cap(a.slabs[s]):
		a.todo = append(a.todo, s)
	}
	a.compactPending()
}

func (a *arena) newSlab(b []byte) uint32 {
	if k := len(a.spare); k > 0 {
		s := a.spare[k-1]
		a.spare = a.spare[:k-1]
		a.slabs[s], a.live[s] = b, 0
		return s
	}
	a.slabs = append(a.slabs, b)
	a.live = append(a.live, 0)
	return uint32(len(a.slabs) - 1)
}

func (a *arena) drop(s uint32) {
	a.slabs[s], a.live[s] = nil, 0
	a.spare = append(a.spare, s)
}

// retire stops appending to the current slab; one left less than half
// live (blobs freed while it was filling) is compacted.
func (a *arena) retire() {
	s := a.cur
	a.cur = 0
	if s == 0 {
		return
	}
	if a.live[s] == 0 {
		a.drop(s)
	} else if a.live[s]*2 < slabSize {
		a.todo = append(a.todo, s)
	}
}

// compactPending compacts the slabs queued in todo. Moving blobs can
// retire the current slab and queue it in turn; the loop (not recursion)
// takes care of that.
func (a *arena) compactPending() {
	if a.busy {
		return
	}
	a.busy = true
	for len(a.todo) > 0 {
		s := a.todo[len(a.todo)-1]
		a.todo = a.todo[:len(a.todo)-1]
		if a.slabs[s] == nil || s == a.cur || a.live[s]*2 >= cap(a.slabs[s]) {
			continue // dropped, filling again, or queued twice
		}
		a.compact(s)
	}
	a.busy = false
}

// compact moves the live blobs of slab s to the current slab and drops s.
// A blob is live when the node named in its header still refers to it.
func (a *arena) compact(s uint32) {
	b := a.slabs[s]
	for off := 0; off < len(b); {
		id := binary.LittleEndian.Uint32(b[off:])
		n := int(binary.LittleEndian.Uint32(b[off+4:]))
		if ref := a.owner(id); ref.slab == s && ref.off == uint32(off) {
			blob := b[off+blobHeader : off+blobHeader+n]
			a.live[s] -= blobHeader + n
			*ref = a.put(id, "", blob)
		}
		off += blobHeader + n
	}
	a.drop(s)
}

// stats are the arena's slab count and bytes: allocated, appended, live.
func (a *arena) stats() (slabs int, capacity, used, live int64) {
	for i, s := range a.slabs {
		if s == nil {
			continue
		}
		slabs++
		capacity += int64(cap(s))
		used += int64(len(s))
		live += int64(a.live[i])
	}
	return
}
