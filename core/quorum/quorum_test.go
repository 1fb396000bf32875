package quorum

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/config"
)

func TestMajority(t *testing.T) {
	q, err := NewMajority([]int64{1, 2, 3, 4, 5}, []int64{6, 7}, 0x100)
	require.NoError(t, err)
	cases := []struct {
		ids  []int64
		want bool
	}{
		{nil, false},
		{[]int64{1, 2}, false},
		{[]int64{1, 2, 3}, true},
		{[]int64{5, 4, 1}, true},
		{[]int64{1, 1, 1, 2}, false},           // duplicates count once
		{[]int64{1, 2, 6, 7}, false},           // observers never count
		{[]int64{1, 2, 99}, false},             // nor unknown ids
		{[]int64{1, 2, 3, 4, 5, 6, 7}, true},   // everyone
		{[]int64{6, 7, 8, 9, 10, 11}, false},   // many non-voters
		{[]int64{2, 3, 4, 5}, true},            // four of five
		{[]int64{-1, 0, 1, 2}, false},          // odd ids are ignored too
		{[]int64{3, 3, 4, 4, 5, 5}, true},      // three distinct voters
		{[]int64{1, 2, 3, 6, 6, 6, 6}, true},   // the voters decide
		{[]int64{4, 5, 6, 7, 8, 9, 10}, false}, // two voters only
	}
	for _, c := range cases {
		require.Equal(t, c.want, q.ContainsQuorum(c.ids), "%v", c.ids)
	}
	require.Equal(t, []int64{1, 2, 3, 4, 5}, q.Voters())
	require.Equal(t, []int64{6, 7}, q.Observers())
	require.Equal(t, int64(0x100), q.Version())
	require.True(t, q.IsVoter(3))
	require.False(t, q.IsVoter(6))
	require.Equal(t, int64(1), q.Weight(3))
	require.Equal(t, int64(0), q.Weight(6), "an observer can never be elected")
	require.Equal(t, int64(0), q.Weight(42))

	even, err := NewMajority([]int64{1, 2, 3, 4}, nil, 0)
	require.NoError(t, err)
	require.False(t, even.ContainsQuorum([]int64{1, 2}), "half of an even ensemble is no quorum")
	require.True(t, even.ContainsQuorum([]int64{1, 2, 3}))

	one, err := NewMajority([]int64{7}, []int64{8}, 0)
	require.NoError(t, err)
	require.True(t, one.ContainsQuorum([]int64{7}))
	require.False(t, one.ContainsQuorum([]int64{8}))
}

func TestMajorityRejects(t *testing.T) {
	_, err := NewMajority(nil, []int64{1}, 0)
	require.ErrorContains(t, err, "no voting member")
	_, err = NewMajority([]int64{1, 2}, []int64{2}, 0)
	require.ErrorContains(t, err, "server 2 is both a participant and an observer")
}

// The configuration of Apache's FLEZeroWeightTest: only group 1 weighs
// anything, so a quorum is a majority of servers 0, 1 and 2, and the six
// others vote without counting and can never lead.
func TestHierarchicalZeroWeightGroups(t *testing.T) {
	q, err := NewHierarchical(
		[]int64{0, 1, 2, 3, 4, 5, 6, 7, 8}, nil,
		map[int64][]int64{1: {0, 1, 2}, 2: {3, 4, 5}, 3: {6, 7, 8}},
		map[int64]int64{0: 1, 1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0}, 0)
	require.NoError(t, err)
	require.True(t, q.ContainsQuorum([]int64{0, 1}))
	require.True(t, q.ContainsQuorum([]int64{1, 2}))
	require.False(t, q.ContainsQuorum([]int64{0, 3, 4, 5, 6, 7, 8}))
	require.False(t, q.ContainsQuorum([]int64{2}))
	require.Equal(t, int64(1), q.Weight(2))
	require.Equal(t, int64(0), q.Weight(5))
	require.True(t, q.IsVoter(5), "a zero-weight participant still votes")
}

// Three groups of three with unit weights: two servers in each of two
// groups make a quorum, even though that is only four servers of nine.
func TestHierarchicalGroups(t *testing.T) {
	q, err := NewHierarchical(
		[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, []int64{10},
		map[int64][]int64{1: {1, 2, 3}, 2: {4, 5, 6}, 3: {7, 8, 9}}, nil, 7)
	require.NoError(t, err)
	cases := []struct {
		ids  []int64
		want bool
	}{
		{[]int64{1, 2, 4, 5}, true},
		{[]int64{1, 2, 3, 4}, false},       // one group only
		{[]int64{1, 2, 3, 4, 7}, false},    // one group with a majority
		{[]int64{1, 4, 7, 2, 5}, true},     // two groups with a majority
		{[]int64{1, 2, 3, 4, 5, 6}, true},  // two whole groups
		{[]int64{1, 2, 4, 5, 10}, true},    // the observer does not matter
		{[]int64{1, 2, 4, 10}, false},      // nor does it help
		{[]int64{}, false},                 // empty
		{[]int64{1, 4, 7}, false},          // one of each group
		{[]int64{1, 1, 2, 4, 4, 5}, true},  // duplicates count once
		{[]int64{1, 1, 4, 4, 7, 7}, false}, // duplicates count once
	}
	for _, c := range cases {
		require.Equal(t, c.want, q.ContainsQuorum(c.ids), "%v", c.ids)
	}
	require.Equal(t, int64(0), q.Weight(10))
	require.Equal(t, int64(7), q.Version())
}

// Weights inside a group: a heavy server is a group majority on its own.
func TestHierarchicalWeights(t *testing.T) {
	q, err := NewHierarchical(
		[]int64{1, 2, 3, 4, 5}, nil,
		map[int64][]int64{1: {1, 2, 3}, 2: {4, 5}},
		map[int64]int64{1: 3}, 0) // group 1 weighs 3+1+1 = 5
	require.NoError(t, err)
	// Two groups: a quorum needs a majority in both (2 > 2/2).
	require.False(t, q.ContainsQuorum([]int64{1}))
	require.True(t, q.ContainsQuorum([]int64{1, 4, 5}))
	require.False(t, q.ContainsQuorum([]int64{2, 3, 4, 5}), "2 of 5 is no majority of group 1")
	require.False(t, q.ContainsQuorum([]int64{1, 4}), "1 of 2 is no majority of group 2")
	require.Equal(t, int64(3), q.Weight(1))
	require.Equal(t, int64(1), q.Weight(2), "a participant weighs 1 by default")
}

func TestHierarchicalRejects(t *testing.T) {
	cases := []struct {
		name    string
		voters  []int64
		groups  map[int64][]int64
		weights map[int64]int64
		msg     string
	}{
		{"two groups", []int64{1, 2}, map[int64][]int64{1: {1, 2}, 2: {2}}, nil, "server 2 is in group 1 and group 2"},
		{"twice in a group", []int64{1, 2}, map[int64][]int64{1: {1, 2, 1}}, nil, "server 1 is in group 1 and group 1"},
		{"no group", []int64{1, 2, 3}, map[int64][]int64{1: {1, 2}}, nil, "server 3 is not in a group"},
		{"weights only", []int64{1, 2}, nil, map[int64]int64{1: 2}, "server 1 is not in a group"},
		{"unweighted stranger", []int64{1, 2}, map[int64][]int64{1: {1, 2, 9}}, nil, "server 9 of group 1 is not a participant and has no weight.9"},
		{"negative", []int64{1, 2}, map[int64][]int64{1: {1, 2}}, map[int64]int64{2: -1}, "weight.2 is negative"},
		{"all zero", []int64{1, 2}, map[int64][]int64{1: {1, 2}}, map[int64]int64{1: 0, 2: 0}, "every group weighs 0"},
		{"nobody", nil, map[int64][]int64{1: {1}}, map[int64]int64{1: 1}, "no voting member"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewHierarchical(c.voters, nil, c.groups, c.weights, 0)
			require.ErrorContains(t, err, c.msg)
		})
	}
}

// Any two quorums share a voter of non-zero weight: the property that
// makes elections and commits safe. Checked over every pair of subsets.
func TestQuorumsIntersect(t *testing.T) {
	maj, err := NewMajority([]int64{1, 2, 3, 4, 5, 6}, []int64{7}, 0)
	require.NoError(t, err)
	hier, err := NewHierarchical([]int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, nil,
		map[int64][]int64{1: {1, 2, 3}, 2: {4, 5}, 3: {6, 7, 8, 9}},
		map[int64]int64{1: 2, 6: 0, 7: 3}, 0)
	require.NoError(t, err)
	for name, q := range map[string]Verifier{"majority": maj, "hierarchical": hier} {
		ids := append(q.Voters(), q.Observers()...)
		var quorums [][]int64
		for mask := 0; mask < 1<<len(ids); mask++ {
			var set []int64
			for i, id := range ids {
				if mask&(1<<i) != 0 {
					set = append(set, id)
				}
			}
			if q.ContainsQuorum(set) {
				quorums = append(quorums, set)
			}
		}
		require.NotEmpty(t, quorums, name)
		for _, a := range quorums {
			for _, b := range quorums {
				shared := false
				for _, x := range a {
					for _, y := range b {
						if x == y && q.Weight(x) > 0 {
							shared = true
						}
					}
				}
				require.True(t, shared, "%s: quorums %v and %v share no weighted voter", name, a, b)
			}
		}
	}
}

func parseConfig(t *testing.T, lines ...string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "myid"), []byte("1"), 0o644))
	text := "tickTime=2000\ninitLimit=5\nsyncLimit=2\ndataDir=" + dir + "\n" + strings.Join(lines, "\n") + "\n"
	c, err := config.Parse(strings.NewReader(text), "")
	require.NoError(t, err)
	return c
}

func TestFromConfigMajority(t *testing.T) {
	c := parseConfig(t,
		"server.1=127.0.0.1:2888:3888",
		"server.2=127.0.0.1:2889:3889",
		"server.3=127.0.0.1:2890:3890",
		"server.4=127.0.0.1:2891:3891:observer",
		"version=1f")
	q, err := FromConfig(c)
	require.NoError(t, err)
	require.IsType(t, &Majority{}, q)
	require.Equal(t, []int64{1, 2, 3}, q.Voters())
	require.Equal(t, []int64{4}, q.Observers())
	require.Equal(t, int64(0x1f), q.Version())
	require.True(t, q.ContainsQuorum([]int64{2, 3}))
	require.False(t, q.ContainsQuorum([]int64{3, 4}))
}

func TestFromConfigHierarchical(t *testing.T) {
	c := parseConfig(t,
		"server.1=127.0.0.1:2888:3888",
		"server.2=127.0.0.1:2889:3889",
		"server.3=127.0.0.1:2890:3890",
		"server.4=127.0.0.1:2891:3891",
		"server.5=127.0.0.1:2892:3892",
		"group.1=1:2:3",
		"group.2=4:5",
		"weight.4=0",
		"weight.5=0")
	q, err := FromConfig(c)
	require.NoError(t, err)
	require.IsType(t, &Hierarchical{}, q)
	require.True(t, q.ContainsQuorum([]int64{1, 2}), "group 2 weighs 0, so group 1 decides alone")
	require.False(t, q.ContainsQuorum([]int64{3, 4, 5}))
	require.Equal(t, int64(0), q.Weight(4))

	// A weight.N key alone makes the configuration hierarchical, as in
	// Apache, and then every participant needs a group.
	c = parseConfig(t,
		"server.1=127.0.0.1:2888:3888",
		"server.2=127.0.0.1:2889:3889",
		"server.3=127.0.0.1:2890:3890",
		"weight.1=2")
	_, err = FromConfig(c)
	require.ErrorContains(t, err, "server 1 is not in a group")

	c = parseConfig(t,
		"server.1=127.0.0.1:2888:3888",
		"server.2=127.0.0.1:2889:3889",
		"server.3=127.0.0.1:2890:3890",
		"group.1=1:2:x")
	_, err = FromConfig(c)
	require.ErrorContains(t, err, `group.1=1:2:x: "x" is not a server id`)
}
