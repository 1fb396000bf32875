package zab

import "errors"

var (
	// ErrStopped is returned by every call on a core that has stopped
	// (Ready.Stop was reported): the host must build a new one for the next
	// role.
	ErrStopped = errors.New("zab: stopped")
	// ErrNotEstablished is returned by Propose and Sync before the leader
	// has a quorum of NEWLEADER acknowledgements.
	ErrNotEstablished = errors.New("zab: leader not established")
	// ErrNotServing is returned by a learner's client-facing calls before
	// UPTODATE.
	ErrNotServing = errors.New("zab: learner not serving")
	// ErrZxidRollover is returned by Propose when the counter would reach
	// 0xffffffff: the leader stops so that a new epoch starts.
	ErrZxidRollover = errors.New("zab: zxid counter rolled over, a new epoch is needed")
	// ErrZxidMismatch is returned by Propose for a txn that carries a zxid
	// other than the next one.
	ErrZxidMismatch = errors.New("zab: txn zxid is not the next zxid")
	// ErrBadConfig is returned by the constructors for inconsistent
	// configurations.
	ErrBadConfig = errors.New("zab: bad configuration")
)
