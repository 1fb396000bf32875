package quorum

import "slices"

// Verifier is Apache's QuorumVerifier, reduced to what the protocol cores
// need.
type Verifier interface {
	// ContainsQuorum reports whether the voting members among ids form a
	// quorum. Duplicates count once; ids of non-voters are ignored.
	ContainsQuorum(ids []int64) bool
	// Weight is the server's weight: 0 means it may vote (hierarchical
	// only) but can never be elected leader, and every non-voter weighs 0.
	Weight(id int64) int64
	// IsVoter reports whether id is a voting member (a participant).
	IsVoter(id int64) bool
	// Voters lists the voting members, sorted.
	Voters() []int64
	// Observers lists the observing members, sorted.
	Observers() []int64
	// Version is the configuration version (zoo.cfg's "version" key).
	Version() int64
}

// members holds what both verifiers share: who votes and who observes.
type members struct {
	voters    []int64 // sorted, distinct
	observers []int64 // sorted, distinct
	isVoter   map[int64]bool
	version   int64
}

func newMembers(voters, observers []int64, version int64) (members, error) {
	m := members{
		voters:    sortedSet(voters),
		observers: sortedSet(observers),
		isVoter:   make(map[int64]bool, len(voters)),
		version:   version,
	}
	for _, id := range m.voters {
		m.isVoter[id] = true
	}
	for _, id := range m.observers {
		if m.isVoter[id] {
			return members{}, errorf("server %d is both a participant and an observer", id)
		}
	}
	return m, nil
}

func (m *members) IsVoter(id int64) bool { return m.isVoter[id] }
func (m *members) Voters() []int64       { return slices.Clone(m.voters) }
func (m *members) Observers() []int64    { return slices.Clone(m.observers) }
func (m *members) Version() int64        { return m.version }

// votersIn returns the distinct voting members among ids.
func (m *members) votersIn(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if m.isVoter[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func sortedSet(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
