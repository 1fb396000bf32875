package quorum

import "slices"

// Hierarchical is Apache's QuorumHierarchical: servers are split into
// disjoint groups (group.N=1:2:3) and weighted (weight.N, 1 by default for
// a participant). A set is a quorum when it holds more than half of the
// weight of a group in more than half of the groups whose weight is not 0.
//
// A participant of weight 0 counts for nothing in a quorum and is never
// elected leader; that is how Apache deployments keep a server voting-only.
type Hierarchical struct {
	members
	serverGroup map[int64]int64 // sid -> gid
	serverWght  map[int64]int64 // sid -> weight
	groupWeight map[int64]int64 // gid -> total weight of its servers
	numGroups   int             // groups whose weight is not 0
}

// NewHierarchical builds a hierarchical verifier. groups maps N of
// group.N to its server ids; weights maps N of weight.N to the weight.
// As Apache, every participant must be in exactly one group, a server in
// no more than one, and a group member that is not a participant needs an
// explicit weight. Negative weights are refused.
func NewHierarchical(voters, observers []int64, groups map[int64][]int64, weights map[int64]int64, version int64) (*Hierarchical, error) {
	m, err := newMembers(voters, observers, version)
	if err != nil {
		return nil, err
	}
	if len(m.voters) == 0 {
		return nil, errorf("no voting member")
	}
	q := &Hierarchical{
		members:     m,
		serverGroup: map[int64]int64{},
		serverWght:  map[int64]int64{},
		groupWeight: map[int64]int64{},
	}
	gids := make([]int64, 0, len(groups))
	for gid := range groups {
		gids = append(gids, gid)
	}
	slices.Sort(gids) // deterministic error messages
	for _, gid := range gids {
		for _, sid := range groups[gid] {
			if other, dup := q.serverGroup[sid]; dup {
				return nil, errorf("server %d is in group %d and group %d", sid, other, gid)
			}
			q.serverGroup[sid] = gid
		}
	}
	for sid, w := range weights {
		if w < 0 {
			return nil, errorf("weight.%d is negative (%d)", sid, w)
		}
		q.serverWght[sid] = w
	}
	for _, sid := range m.voters {
		if _, ok := q.serverGroup[sid]; !ok {
			return nil, errorf("server %d is not in a group", sid)
		}
		if _, ok := q.serverWght[sid]; !ok {
			q.serverWght[sid] = 1
		}
	}
	for sid, gid := range q.serverGroup {
		w, ok := q.serverWght[sid]
		if !ok {
			return nil, errorf("server %d of group %d is not a participant and has no weight.%d", sid, gid, sid)
		}
		q.groupWeight[gid] += w
	}
	for _, gid := range gids {
		if q.groupWeight[gid] != 0 {
			q.numGroups++
		}
	}
	if q.numGroups == 0 {
		return nil, errorf("every group weighs 0, so no quorum is possible")
	}
	return q, nil
}

// ContainsQuorum adds up the weight of the voters in ids per group and
// reports whether more than half of the non-zero groups got more than half
// of their weight.
func (q *Hierarchical) ContainsQuorum(ids []int64) bool {
	in := q.votersIn(ids)
	if len(in) == 0 {
		return false
	}
	expansion := map[int64]int64{}
	for _, sid := range in {
		expansion[q.serverGroup[sid]] += q.serverWght[sid]
	}
	majGroups := 0
	for gid, w := range expansion {
		if w > q.groupWeight[gid]/2 {
			majGroups++
		}
	}
	return majGroups > q.numGroups/2
}

// Weight is a voter's weight.N (1 by default) and 0 for anyone else.
func (q *Hierarchical) Weight(id int64) int64 {
	if !q.isVoter[id] {
		return 0
	}
	return q.serverWght[id]
}
