package zab

import "github.com/corral-zk/corral/messages"

// Event is an input to Step. The host turns what happens around a core
// (packets, disk completions, lost connections, answers from other parts of
// the server) into events; time enters through Tick instead.
type Event interface{ isEvent() }

// Receive delivers a packet that arrived from server From.
type Receive struct {
	From   int64
	Packet *messages.ZabPacket
}

// Persisted reports that every txn the core handed out in Ready.Entries with
// a zxid <= UpTo is durable (fsynced). It is a watermark: reporting a lower
// value than before changes nothing.
type Persisted struct {
	UpTo int64
}

// SnapshotSaved reports that the snapshot of Ready.InstallSnapshot with this
// zxid is durable, so the learner's history now starts there (learners).
type SnapshotSaved struct {
	Zxid int64
}

// LearnerLost reports that the connection to learner ID closed (leaders).
type LearnerLost struct {
	ID int64
}

// LeaderLost reports that the connection to the leader closed (learners).
type LeaderLost struct{}

// SessionChecked answers a Ready.SessionChecks entry: whether the session
// is live. When it is, the host has already made Learner its owner
// (leaders).
type SessionChecked struct {
	Learner   int64
	SessionID int64
	Valid     bool
}

// LogRead answers a Ready.LogReads entry (leaders): Txns are the logged
// txns from the last one at or before the request's From to the end of the
// log, in zxid order; OK is false when the host read nothing usable (the
// log starts after From, the txns weigh more than a snapshot, an error):
// the learner then gets a SNAP. Learner and Gen are the request's.
type LogRead struct {
	Learner int64
	Gen     uint64
	Txns    []*messages.Txn
	OK      bool
}

func (LogRead) isEvent() {}

func (Receive) isEvent()        {}
func (Persisted) isEvent()      {}
func (SnapshotSaved) isEvent()  {}
func (LearnerLost) isEvent()    {}
func (LeaderLost) isEvent()     {}
func (SessionChecked) isEvent() {}
