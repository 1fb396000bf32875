package election

import "fmt"

// State is a server's election state, numbered as Apache's
// QuorumPeer.ServerState (the ordinal its notifications carry).
type State int32

const (
	// Looking: electing a leader.
	Looking State = iota
	// Following: a voter that elected someone else.
	Following
	// Leading: elected.
	Leading
	// Observing: an observer that learned the leader.
	Observing
)

func (s State) String() string {
	switch s {
	case Looking:
		return "LOOKING"
	case Following:
		return "FOLLOWING"
	case Leading:
		return "LEADING"
	case Observing:
		return "OBSERVING"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

func (s State) valid() bool { return s >= Looking && s <= Observing }
