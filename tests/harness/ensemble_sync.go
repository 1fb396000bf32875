package harness

import (
	"fmt"
	"strings"
)

// SyncKind is how a learner caught up with its leader when it (re)joined.
type SyncKind string

const (
	// SyncDiff: the leader sent the proposals the learner missed.
	SyncDiff SyncKind = "DIFF"
	// SyncSnap: the learner was too far behind and got a whole snapshot.
	SyncSnap SyncKind = "SNAP"
	// SyncTrunc: the learner held proposals that were never committed and
	// cut its log back to the leader's history.
	SyncTrunc SyncKind = "TRUNC"
)

// apacheSyncLines are the lines Apache's Learner.syncWithLeader (3.8) logs
// when the leader tells it how to sync.
var apacheSyncLines = map[SyncKind]string{
	SyncDiff:  "Getting a diff from the leader",
	SyncSnap:  "Getting a snapshot from leader",
	SyncTrunc: "Truncating log to get in sync with the leader",
}

// syncLogLines are the lines a learner logs when the leader tells it how
// to sync, per target. Corral's learner (actors/learner) logs Apache's
// phrases; should it ever change them, change them here too, or the
// catch-up scenarios fail.
var syncLogLines = map[Target]map[SyncKind]string{
	Apache: apacheSyncLines,
	Corral: apacheSyncLines,
}

// LogMark is a position in a server's log, to look only at what it logged
// afterwards.
type LogMark struct {
	id     int
	offset int64
}

// MarkLog returns the current end of server id's log.
func (e *Ensemble) MarkLog(id int) LogMark {
	return LogMark{id: id, offset: e.member(id).logSize()}
}

// LogSince returns what the server logged after mark.
func (e *Ensemble) LogSince(mark LogMark) string {
	return e.member(mark.id).logSince(mark.offset)
}

// SyncsSince lists, in order, how the server synced with a leader after
// mark, read from its log. It is an error when the target's log lines are
// not known.
func (e *Ensemble) SyncsSince(mark LogMark) ([]SyncKind, error) {
	lines := syncLogLines[e.Target]
	if len(lines) == 0 {
		return nil, fmt.Errorf("harness: the log lines %v learners print for DIFF/SNAP/TRUNC are not known (syncLogLines in tests/harness/ensemble_sync.go)", e.Target)
	}
	var kinds []SyncKind
	for _, line := range strings.Split(e.LogSince(mark), "\n") {
		for _, kind := range []SyncKind{SyncDiff, SyncSnap, SyncTrunc} {
			if pat, ok := lines[kind]; ok && strings.Contains(line, pat) {
				kinds = append(kinds, kind)
			}
		}
	}
	return kinds, nil
}
