package observers

import "time"

// Timing of the ensembles: as tests/ensemble, a short tick so that a lost
// leader is noticed within syncLimit×tickTime = 2 s, while client sessions
// (at most 20 ticks = 10 s) outlive a failover.
const (
	tickTime  = 500
	initLimit = 20
	syncLimit = 4
	// settle bounds a wait for the ensemble to reach a state. Generous:
	// the machine is shared with other test packages.
	settle = 90 * time.Second
)
