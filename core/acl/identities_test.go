package acl

import (
	"fmt"
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// The orders below are how Apache's authInfo set
// (Collections.newSetFromMap(new ConcurrentHashMap<Id, Boolean>())) of
// OpenJDK 17 iterates after adding the ids in the order given; each number
// is the index of the id in the input. (Also compared with the JDK on 3,000
// random insert sequences of up to 120 ids, colliding ones included.)
func TestIdentitiesOrderMatchesJava(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []wire.Id
		want []int
	}{
		{
			name: "ip and twenty users: two resizes",
			ids: func() []wire.Id {
				out := []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}
				for i := range 20 {
					out = append(out, wire.Id{Scheme: "digest", ID: fmt.Sprintf("user%02d:hash", i)})
				}
				return out
			}(),
			want: []int{5, 16, 8, 12, 7, 13, 0, 10, 15, 2, 18, 17, 3, 11, 20, 4, 1, 9, 19, 6, 14},
		},
		{
			name: "seventy colliding ids: presize to 128, then a tree bin",
			ids: func() []wire.Id {
				var out []wire.Id
				for i := range 70 {
					s := ""
					for bit := 6; bit >= 0; bit-- {
						if i>>bit&1 == 0 {
							s += "Aa"
						} else {
							s += "BB"
						}
					}
					out = append(out, wire.Id{Scheme: "digest", ID: s})
				}
				return out
			}(),
			want: func() []int {
				var out []int
				for i := 69; i >= 10; i-- {
					out = append(out, i)
				}
				for i := 0; i < 10; i++ {
					out = append(out, i)
				}
				return out
			}(),
		},
		{
			name: "super user, duplicates ignored",
			ids: []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}, {Scheme: "super"}, {Scheme: "digest", ID: "super:g9oN2HttPfn8MMWJZ2r45Np/LIA="},
				{Scheme: "digest", ID: "bob:hash"}, {Scheme: "ip", ID: "127.0.0.1"}, {Scheme: "digest", ID: "bob:hash"}},
			want: []int{2, 1, 3, 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Identities
			added := 0
			for _, id := range tc.ids {
				if s.Add(id) {
					added++
				}
			}
			want := make([]wire.Id, len(tc.want))
			for i, k := range tc.want {
				want[i] = tc.ids[k]
			}
			require.Equal(t, want, s.List())
			require.Equal(t, len(tc.want), added)
			require.Equal(t, len(tc.want), s.Len())
			for _, id := range tc.ids {
				require.True(t, s.Contains(id))
			}
			require.False(t, s.Contains(wire.Id{Scheme: "digest", ID: "nobody:x"}))
		})
	}
}

func TestIdentitiesListIsASnapshot(t *testing.T) {
	var s Identities
	require.Empty(t, s.List())
	s.Add(wire.Id{Scheme: "ip", ID: "127.0.0.1"})
	before := s.List()
	require.False(t, s.Add(wire.Id{Scheme: "ip", ID: "127.0.0.1"}))
	require.Equal(t, before, s.List())
	for i := range 30 {
		s.Add(wire.Id{Scheme: "digest", ID: fmt.Sprintf("u%d:h", i)})
	}
	require.Equal(t, []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}, before, "an earlier list never changes")
	require.Len(t, s.List(), 31)
}
