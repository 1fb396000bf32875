package pathindex

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The path index against a map model, through growth, deletion with
// backward shifts and shrinking.
func TestPathIndexMatchesMap(t *testing.T) {
	keys := []string{}
	ix := New(func(id uint32) string { return keys[id] })
	model := map[string]uint32{}
	rng := rand.New(rand.NewPCG(7, 7))
	for step := range 20000 {
		k := fmt.Sprintf("/k%d", rng.IntN(3000))
		if _, ok := model[k]; ok && step%3 != 0 {
			require.True(t, ix.Remove(k))
			delete(model, k)
			continue
		}
		if _, ok := model[k]; !ok {
			keys = append(keys, k)
			id := uint32(len(keys) - 1)
			ix.Insert(id)
			model[k] = id
		}
	}
	require.Equal(t, len(model), ix.Len())
	for k, id := range model {
		got, ok := ix.Find(k)
		require.True(t, ok, k)
		require.Equal(t, id, got)
	}
	for i := range 3000 {
		k := fmt.Sprintf("/k%d", i)
		_, inModel := model[k]
		_, inIndex := ix.Find(k)
		require.Equal(t, inModel, inIndex, k)
	}
	for k := range model {
		require.True(t, ix.Remove(k))
	}
	require.False(t, ix.Remove("/k1"))
	require.Equal(t, minIndexSlots, len(ix.slots), "shrinks back when emptied")
}
