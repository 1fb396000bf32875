package recovery

import (
	"slices"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/wire"
)

// Sessions is the set of live sessions as the log defines it: a
// createSession txn opens a session with its negotiated timeout and a
// closeSession txn ends it. Both changes are idempotent, which is what lets
// a fuzzy snapshot's session list be brought up to date by replaying the
// log after the snapshot's zxid (Apache's sessionsWithTimeouts plays the
// same role). The sync stage keeps one for the durable log and hands a
// copy to each snapshot; recovery rebuilds it from the snapshot and the
// log.
type Sessions map[int64]int32

// Apply updates the set with one txn; txns of other types change nothing.
func (s Sessions) Apply(txn *messages.Txn) {
	switch wire.OpCode(txn.GetType()) {
	case wire.OpCreateSession:
		s[txn.GetSessionId()] = txn.GetCreateSession().GetTimeout()
	case wire.OpCloseSession:
		delete(s, txn.GetSessionId())
	}
}

// List returns the sessions sorted by id, in the form a snapshot request
// carries them.
func (s Sessions) List() []*messages.SessionTimeout {
	out := make([]*messages.SessionTimeout, 0, len(s))
	for id, timeout := range s {
		out = append(out, &messages.SessionTimeout{SessionId: id, TimeoutMs: timeout})
	}
	slices.SortFunc(out, func(a, b *messages.SessionTimeout) int {
		switch {
		case a.SessionId < b.SessionId:
			return -1
		case a.SessionId > b.SessionId:
			return 1
		}
		return 0
	})
	return out
}
