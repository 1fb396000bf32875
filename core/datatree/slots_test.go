package datatree

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVisitSlotsVisitsEveryNodeOnce: in chunks of any size, every node of
// a tree that does not change is visited once, freed slots are skipped,
// and what is visited is what Walk reports.
func TestVisitSlotsVisitsEveryNodeOnce(t *testing.T) {
	tree := New()
	z := int64(0)
	for i := range 50 {
		z++
		tree.Apply(createTxn(z, fmt.Sprintf("/n%02d", i), []byte{byte(i)}, 0, -1))
	}
	for i := 0; i < 50; i += 3 {
		z++
		tree.Apply(deleteTxn(z, fmt.Sprintf("/n%02d", i)))
	}
	want := map[string]NodeInfo{}
	tree.Walk(func(p string, n NodeInfo, _ []byte) bool { want[p] = n; return true })
	for _, chunk := range []int{1, 7, 1000} {
		got := map[string]NodeInfo{}
		for from, more := uint32(0), true; more; {
			from, more = tree.VisitSlots(from, chunk, func(p string, n NodeInfo, data []byte) {
				_, dup := got[p]
				require.False(t, dup, "visited twice: %s", p)
				got[p] = n
				if p != "/" && p[1] == 'n' {
					require.Equal(t, []byte{p[3] - '0' + 10*(p[2]-'0')}, data, p)
				}
			})
		}
		require.Equal(t, want, got, "chunk %d", chunk)
	}
}
