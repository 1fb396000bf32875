package quorum

// Majority is Apache's QuorumMaj: a quorum is more than half of the voting
// members, whatever the observers do.
type Majority struct {
	members
	half int
}

// NewMajority builds a majority verifier over the given participants and
// observers.
func NewMajority(voters, observers []int64, version int64) (*Majority, error) {
	m, err := newMembers(voters, observers, version)
	if err != nil {
		return nil, err
	}
	if len(m.voters) == 0 {
		return nil, errorf("no voting member")
	}
	return &Majority{members: m, half: len(m.voters) / 2}, nil
}

// ContainsQuorum reports whether more than half of the voters are in ids.
func (q *Majority) ContainsQuorum(ids []int64) bool {
	return len(q.votersIn(ids)) > q.half
}

// Weight is 1 for a voter and 0 for anyone else.
func (q *Majority) Weight(id int64) int64 {
	if q.isVoter[id] {
		return 1
	}
	return 0
}
