package datatree

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

// TestArenaChurn drives the tree through creates, setData and deletes of
// values from empty to several slabs long, so that slabs fill, are
// retired, compacted and dropped many times over, and checks after every
// step that every node reads back exactly what a plain map says, that the
// arena's live-byte accounting equals the blobs the nodes refer to, and
// that data handed to readers earlier never changed (readers keep it after
// releasing the lock, so compaction must copy, never overwrite).
func TestArenaChurn(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tree := New()
	mustCreate(t, tree, 1, "/a", nil, 0)
	model := map[string][]byte{}
	type kept struct {
		got, want []byte
	}
	var held []kept
	zxid := int64(1)
	value := func() []byte {
		var n int
		switch r := rng.IntN(100); {
		case r < 5:
			return nil
		case r < 90:
			n = rng.IntN(300)
		case r < 98:
			n = slabSize/4 + rng.IntN(slabSize/4) // shares a slab with few others
		default:
			n = slabSize + rng.IntN(slabSize) // a slab of its own
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	cversion := int32(1)
	for step := range 20000 {
		zxid++
		path := fmt.Sprintf("/a/n%d", rng.IntN(400))
		_, exists := model[path]
		switch op := rng.IntN(10); {
		case !exists:
			v := value()
			cversion++
			r := tree.Apply(createTxn(zxid, path, v, 0, cversion))
			require.Equal(t, wire.ErrOK, r.Err)
			model[path] = v
		case op < 6:
			v := value()
			r := tree.Apply(setDataTxn(zxid, path, v, 0))
			require.Equal(t, wire.ErrOK, r.Err)
			model[path] = v
		default:
			r := tree.Apply(deleteTxn(zxid, path))
			require.Equal(t, wire.ErrOK, r.Err)
			delete(model, path)
		}
		if step%97 == 0 {
			for p, want := range model {
				got, _, code := tree.GetData(p)
				require.Equal(t, wire.ErrOK, code)
				held = append(held, kept{got, bytes.Clone(want)})
				break
			}
		}
		if step%500 == 0 || step == 19999 {
			checkArena(t, tree, model)
			for _, h := range held {
				require.Equal(t, h.want, h.got, "data handed to a reader changed")
			}
		}
	}
	_, _, used, _ := tree.blobs.stats()
	require.Positive(t, used)
}

// checkArena compares every node with the model and the arena's
// accounting with the blobs the nodes hold.
func checkArena(t *testing.T, tree *Tree, model map[string][]byte) {
	t.Helper()
	for p, want := range model {
		got, st, code := tree.GetData(p)
		require.Equal(t, wire.ErrOK, code, p)
		require.Equal(t, want == nil, got == nil, "null data of %s", p)
		require.Equal(t, want, got, p)
		require.Equal(t, int32(len(want)), st.DataLength)
	}
	live := make(map[uint32]int)
	for id := range tree.next {
		n := tree.node(id)
		if n.blob.slab == 0 {
			continue
		}
		require.NotNil(t, tree.blobs.slabs[n.blob.slab], "node %d refers to a dropped slab", id)
		live[n.blob.slab] += blobHeader + tree.blobLen(n)
	}
	for s, b := range tree.blobs.slabs {
		if b == nil {
			require.Zero(t, tree.blobs.live[s])
			continue
		}
		require.Equal(t, live[uint32(s)], tree.blobs.live[s], "live bytes of slab %d", s)
		if uint32(s) != tree.blobs.cur && len(tree.blobs.todo) == 0 && cap(b) == slabSize {
			// Every shared slab but the one being filled is at least half
			// live: compaction keeps the waste bounded.
			require.GreaterOrEqual(t, 2*tree.blobs.live[s], cap(b), "slab %d", s)
		}
	}
}

// TestIDSetAgainstMap checks idSet in both forms (and the moves between
// them) against a map through random adds and removes over a range of ids
// wide enough to grow the hash form past several resizes and back.
func TestIDSetAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s idSet
	model := map[uint32]bool{}
	for step := range 100000 {
		// Phases that mostly add, then mostly remove, so the set crosses
		// smallSetMax and the hash form's resize points both ways.
		addBias := 7
		if step/10000%2 == 1 {
			addBias = 3
		}
		id := uint32(rng.IntN(5000)) * 7
		if rng.IntN(10) < addBias {
			require.Equal(t, !model[id], s.add(id))
			model[id] = true
		} else {
			require.Equal(t, model[id], s.remove(id))
			delete(model, id)
		}
		require.Equal(t, len(model), s.len())
		if step%1000 == 0 {
			seen := map[uint32]bool{}
			s.each(func(v uint32) bool {
				require.True(t, model[v], "unexpected %d", v)
				require.False(t, seen[v], "twice %d", v)
				seen[v] = true
				return true
			})
			require.Len(t, seen, len(model))
			for v := range model {
				require.True(t, s.has(v))
			}
			require.False(t, s.has(3)) // never added: not a multiple of 7
		}
	}
}
