package zab

import "github.com/corral-zk/corral/messages"

// Ready is what a core asks its host to do after a Step, Tick or call.
// The host carries out the fields in the order they are declared:
//
//  1. Truncate and InstallSnapshot change what the log holds, before
//     anything is appended behind them.
//  2. AcceptedEpoch and CurrentEpoch are written durably (file + fsync)
//     before any of this Ready's Messages leave: a peer must never see a
//     promise the disk does not hold.
//  3. Entries are appended to the txn log in order. The fsync may finish
//     later; the host reports it with Step(Persisted{UpTo}).
//  4. Apply is handed to the final stage in order.
//  5. Messages are sent, in order per destination. A SNAP message's body
//     is filled in by the host with a snapshot of its tree covering at
//     least the packet's zxid (after the Apply of this Ready).
//  6. The rest (Touches, Requests, SessionChecks, Revalidated, Disconnect,
//     Established, Stop) are notices for other parts of the server.
type Ready struct {
	// Truncate, when set, removes from the log every txn after Zxid (and
	// any snapshot newer than Zxid). A tree holding txns after Zxid
	// (replayed from the log at start-up, Apache's way) is rebuilt from
	// what remains; a tree that holds only committed txns never is, since
	// nothing committed is ever truncated. It is done before the host
	// handles anything else.
	Truncate *Truncation
	// InstallSnapshot, when set, replaces the in-memory tree (and sessions)
	// with the snapshot, and makes it durable as the start of this server's
	// history: the snapshot is written and the old log is dropped. Report
	// completion with Step(SnapshotSaved{Zxid}).
	InstallSnapshot *SnapshotInstall
	// AcceptedEpoch and CurrentEpoch, when set, are the new contents of
	// the acceptedEpoch and currentEpoch files.
	AcceptedEpoch *int64
	CurrentEpoch  *int64
	// Entries are txns to append to the log, in zxid order.
	Entries []*messages.Txn
	// Apply lists committed txns to apply to the tree, in commit order,
	// interleaved with the completions of sync() requests.
	Apply []Apply
	// Messages are packets to send.
	Messages []Message

	// Touches are session touches learners reported in PING replies
	// (leader): the session tracker renews them.
	Touches []Touch
	// Requests are writes (and syncs) forwarded by learners (leader): the
	// prep stage handles them like its own clients' requests, calling
	// Leader.Propose for each txn and Leader.Sync for each sync.
	Requests []LearnerRequest
	// SessionChecks ask the session tracker whether sessions are live
	// (leader); the answer comes back as Step(SessionChecked{...}).
	SessionChecks []SessionCheck
	// Revalidated answers the learner's Revalidate calls (learner).
	Revalidated []Revalidated
	// Disconnect lists learners whose connection the host must close
	// (leader); the learner is forgotten already.
	Disconnect []Disconnect
	// LogReads ask the host to read its txn log for a learner's DIFF
	// (leader with LeaderConfig.LogReads), off the core's goroutine; the
	// answer comes back as Step(LogRead{...}).
	LogReads []LogReadRequest
	// Established is set once: the leader has a quorum of NEWLEADER
	// acknowledgements and may propose; a learner received UPTODATE and
	// may serve clients.
	Established bool
	// Stop is set once, when the core gives up its role: the server goes
	// back to LOOKING and the host builds a new core for its next role.
	Stop *Stop
}

// Truncation is a TRUNC sync: the log keeps txns up to Zxid.
type Truncation struct {
	Zxid int64
}

// SnapshotInstall is a SNAP sync: the leader's tree as of Zxid.
type SnapshotInstall struct {
	Zxid int64
	Data []byte
}

// Apply is one step for the final stage: a committed txn to apply, or
// (SyncDone) the answer to the oldest pending sync() of this server, due
// once every txn before it in Apply is applied.
type Apply struct {
	Txn      *messages.Txn
	SyncDone bool
}

// Message is a packet for server To.
type Message struct {
	To     int64
	Packet *messages.ZabPacket
}

// Touch renews a session on behalf of learner From.
type Touch struct {
	From      int64
	SessionID int64
	Timeout   int32
}

// LearnerRequest is a client request forwarded by learner From.
type LearnerRequest struct {
	From    int64
	Request *messages.ClientRequest
}

// SessionCheck asks whether SessionID (with the timeout its client asked
// for) is live, for learner Learner.
type SessionCheck struct {
	Learner   int64
	SessionID int64
	Timeout   int32
}

// Revalidated is the leader's answer about a session.
type Revalidated struct {
	SessionID int64
	Valid     bool
}

// LogReadRequest asks for the txns of the log from the last one at or
// before From to its end, for learner Learner's sync (its connection Gen).
// The host may refuse (LogRead.OK false) when they weigh more than a
// snapshot would.
type LogReadRequest struct {
	Learner int64
	Gen     uint64
	From    int64
}

// Disconnect closes the connection to learner ID.
type Disconnect struct {
	ID     int64
	Reason string
}

// Stop ends the role.
type Stop struct {
	Reason string
	// DiscardMemory is set when the in-memory tree holds state that is not
	// durable (a SNAP installed but not yet saved): the host must reload
	// the tree from disk. Otherwise the tree is a prefix of the log. The
	// txns of the log after the tree either go to the next core as its
	// Unapplied, or the host replays them into the tree first (Apache's
	// fastForwardDataBase).
	DiscardMemory bool
}

// IsEmpty reports whether r asks for nothing.
func (r *Ready) IsEmpty() bool {
	return r.Truncate == nil && r.InstallSnapshot == nil && r.AcceptedEpoch == nil &&
		r.CurrentEpoch == nil && len(r.Entries) == 0 && len(r.Apply) == 0 &&
		len(r.Messages) == 0 && len(r.Touches) == 0 && len(r.Requests) == 0 &&
		len(r.SessionChecks) == 0 && len(r.Revalidated) == 0 && len(r.Disconnect) == 0 && len(r.LogReads) == 0 &&
		!r.Established && r.Stop == nil
}

// take returns the accumulated Ready and starts a new one.
func (r *Ready) take() Ready {
	out := *r
	*r = Ready{}
	return out
}

func (r *Ready) send(to int64, p *messages.ZabPacket) {
	r.Messages = append(r.Messages, Message{To: to, Packet: p})
}

func int64p(v int64) *int64 { return &v }
