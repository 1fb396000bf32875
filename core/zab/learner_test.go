package zab

import "testing"

// Transcripts of a learner (follower or observer), leader id 1.

func TestFollowerDiffSyncAndBroadcast(t *testing.T) {
	runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:3 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
# A new epoch: acceptedEpoch is written before ACKEPOCH reports the history.
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:3 epoch=1
# The DIFF and its txns are only taken in: nothing changes before NEWLEADER.
in 1 DIFF 1:5
in 1 PROPOSAL 1:4
in 1 COMMIT 1:4
in 1 PROPOSAL 1:5
in 1 COMMIT 1:5
# NEWLEADER: the history is logged first ...
in 1 NEWLEADER 2:0
  append 1:4 1:5
# ... and only once it is durable is currentEpoch written and NEWLEADER
# acknowledged.
persisted 1:5
  write currentEpoch 2
  out 1 ACK 2:0
# UPTODATE: the leader is established, so the history is committed by a
# quorum; now the txns are applied (the tree holds only committed txns).
in 1 UPTODATE -1
  apply 1:4
  apply 1:5
  out 1 ACK 2:0
  established
# Broadcast: a proposal is logged, acknowledged once durable.
in 1 PROPOSAL 2:1
  append 2:1
# A COMMIT ahead of the local fsync waits: the tree never runs ahead of the log.
in 1 COMMIT 2:1
persisted 2:1
  apply 2:1
  out 1 ACK 2:1
in 1 PING 2:1
  out 1 PING 2:1
`)
}

func TestFollowerTruncSync(t *testing.T) {
	runTranscript(t, `
follower id=2 leader=1 accepted=2 current=2 last=2:6 init=5 sync=2
  out 1 FOLLOWERINFO 2:0 sid=2
in 1 LEADERINFO 3:0
  write acceptedEpoch 3
  out 1 ACKEPOCH 2:6 epoch=2
# 2:5 and 2:6 were never committed: the log is cut back to 2:4 at NEWLEADER,
# before anything else, and there is nothing more to wait for.
in 1 TRUNC 2:4
in 1 PROPOSAL 3:1
in 1 NEWLEADER 3:0
  truncate 2:4
  append 3:1
persisted 3:1
  write currentEpoch 3
  out 1 ACK 3:0
  out 1 ACK 3:1
`)
}

func TestFollowerRefusesImpossibleTrunc(t *testing.T) {
	runTranscript(t, `
follower id=2 leader=1 accepted=2 current=2 last=2:6 start=2:5 init=5 sync=2
# The log starts at a snapshot taken at 2:5: ACKEPOCH says so.
  out 1 FOLLOWERINFO 2:0 sid=2
in 1 LEADERINFO 3:0
  write acceptedEpoch 3
  out 1 ACKEPOCH 2:6 epoch=2 start=2:5
in 1 TRUNC 2:4
  stop protocol error: TRUNC to 2:4 outside the log (2:5 to 2:6)
`)
	runTranscript(t, `
follower id=2 leader=1 accepted=2 current=2 last=2:4 init=5 sync=2
  out 1 FOLLOWERINFO 2:0 sid=2
in 1 LEADERINFO 3:0
  write acceptedEpoch 3
  out 1 ACKEPOCH 2:4 epoch=2
in 1 TRUNC 2:6
  stop protocol error: TRUNC to 2:6 outside the log (0:0 to 2:4)
`)
}

func TestObserverSyncAndInform(t *testing.T) {
	runTranscript(t, `
observer id=4 leader=1 accepted=1 current=1 last=1:2 init=5 sync=2
  out 1 OBSERVERINFO 1:0 sid=4
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:2 epoch=1
in 1 DIFF 1:3
in 1 PROPOSAL 1:3
in 1 COMMIT 1:3
# An observer acknowledges NEWLEADER too (the leader does not count it).
in 1 NEWLEADER 2:0
  append 1:3
persisted 1:3
  write currentEpoch 2
  out 1 ACK 2:0
in 1 UPTODATE -1
  apply 1:3
  out 1 ACK 2:0
  established
# After sync an observer ignores PROPOSAL and COMMIT, takes INFORM, and
# never acknowledges a txn.
in 1 PROPOSAL 2:1
in 1 COMMIT 2:1
in 1 INFORM 2:1
  append 2:1
persisted 2:1
  apply 2:1
in 1 INFORM 2:1
in 1 PING 2:1
  out 1 PING 2:1
`)
}

func TestLearnerEpochAnswers(t *testing.T) {
	t.Run("already accepted", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=2 current=1 last=1:5 init=5 sync=2
  out 1 FOLLOWERINFO 2:0 sid=2
# Epoch 2 was accepted before (this leader's previous attempt): nothing is
# written and the reply says -1, so it does not count as an acknowledgement.
in 1 LEADERINFO 2:0
  out 1 ACKEPOCH 1:5 epoch=-1
`)
	})
	t.Run("older epoch", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=3 current=1 last=1:5 init=5 sync=2
  out 1 FOLLOWERINFO 3:0 sid=2
in 1 LEADERINFO 2:0
  stop leader's epoch 2 is less than accepted epoch 3
in 1 DIFF 1:5
  error zab: stopped
`)
	})
}

func TestLearnerTimeouts(t *testing.T) {
	t.Run("initLimit before NEWLEADER", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:5 init=2 sync=1
  out 1 FOLLOWERINFO 1:0 sid=2
tick 3
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:5 epoch=1
# initLimit=2 tickTimes = 4 ticks of silence.
tick 3
tick
  stop no packet from the leader within initLimit
`)
	})
	t.Run("syncLimit after NEWLEADER", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:5 init=5 sync=1
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:5 epoch=1
in 1 DIFF 1:5
in 1 NEWLEADER 2:0
  write currentEpoch 2
  out 1 ACK 2:0
tick
# A PING during sync is not answered, but it is a sign of life.
in 1 PING 2:0
tick
tick
  stop no packet from the leader within syncLimit
`)
	})
	t.Run("connection closed", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:5 init=5 sync=1
  out 1 FOLLOWERINFO 1:0 sid=2
leader-lost
  stop connection to the leader closed
`)
	})
}

func TestLearnerServingCalls(t *testing.T) {
	runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:5 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
forward create
  error zab: learner not serving
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:5 epoch=1
in 1 DIFF 1:5
in 1 NEWLEADER 2:0
  write currentEpoch 2
  out 1 ACK 2:0
in 1 UPTODATE -1
  out 1 ACK 2:0
  established
forward create
  out 1 REQUEST 0:0 create
forward sync
  out 1 REQUEST 0:0 sync
# Touches accumulate and leave with the next PING reply, sorted by session.
touch 0x21 4000
touch 0x20 3000
touch 0x21 5000
in 1 PING 2:0
  out 1 PING 2:0 touches=0x20:3000,0x21:5000
in 1 PING 2:0
  out 1 PING 2:0
revalidate 0x30 5000
  out 1 REVALIDATE 0:0 session=0x30 timeout=5000 valid=false
in 1 REVALIDATE 0 session=0x30 valid=true
  revalidated session=0x30 valid=true
# An answer nobody asked for (a previous connection's) is dropped.
in 1 REVALIDATE 0 session=0x31 valid=true
# The SYNC answer waits behind the commit received before it.
in 1 PROPOSAL 2:1
  append 2:1
in 1 COMMIT 2:1
in 1 SYNC 0
persisted 2:1
  apply 2:1
  apply sync-done
  out 1 ACK 2:1
# A SYNC with no sync forwarded is ignored.
in 1 SYNC 0
`)
}

func TestLearnerRejectsBrokenStreams(t *testing.T) {
	const head = `
follower id=2 leader=1 accepted=1 current=1 last=1:3 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:3 epoch=1
in 1 DIFF 1:5
`
	cases := map[string]string{
		// ZOOKEEPER-4785-style race: a COMMIT that arrives before its
		// proposal is never applied blindly; the role ends and the next
		// sync repairs it.
		"commit before its proposal": `
in 1 COMMIT 1:4
  stop protocol error: COMMIT 1:4 for a proposal never received
`,
		// A duplicate proposal is dropped: it is logged once, applied once.
		"duplicate proposal": `
in 1 PROPOSAL 1:4
in 1 PROPOSAL 1:4
in 1 COMMIT 1:4
in 1 COMMIT 1:4
in 1 NEWLEADER 2:0
  append 1:4
persisted 1:4
  write currentEpoch 2
  out 1 ACK 2:0
in 1 UPTODATE -1
  apply 1:4
  out 1 ACK 2:0
  established
`,
		"gap inside an epoch": `
in 1 PROPOSAL 1:4
in 1 PROPOSAL 1:6
  stop protocol error: proposal 1:6 after 1:4 leaves a gap
`,
		"commit out of order": `
in 1 PROPOSAL 1:4
in 1 PROPOSAL 1:5
in 1 COMMIT 1:5
  stop protocol error: COMMIT 1:5 but the next uncommitted proposal is 1:4
`,
		"NEWLEADER of another epoch": `
in 1 NEWLEADER 3:0
  stop protocol error: NEWLEADER 3:0 in phase syncing (epoch 2)
`,
		"UPTODATE before the NEWLEADER ACK": `
in 1 PROPOSAL 1:4
in 1 NEWLEADER 2:0
  append 1:4
in 1 UPTODATE -1
  stop protocol error: UPTODATE in phase accepting-newleader
`,
		"reconfig packets are not supported": `
in 1 COMMITANDACTIVATE 1:4
  stop protocol error: unexpected COMMITANDACTIVATE
`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { runTranscript(t, head+body) })
	}
}

// ZOOKEEPER-3911 and ZOOKEEPER-4394: a follower joining an established
// leader gets, before NEWLEADER, committed txns and an outstanding
// proposal. All of them are durable before currentEpoch and the NEWLEADER
// ACK; the outstanding one is acknowledged right after; its COMMIT, which
// may come before UPTODATE, finds it.
func TestFollowerPersistsSyncBeforeNewLeaderAck(t *testing.T) {
	runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:3 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:3 epoch=1
in 1 DIFF 2:1
in 1 PROPOSAL 1:4
in 1 COMMIT 1:4
in 1 PROPOSAL 2:1
in 1 COMMIT 2:1
# 2:2 is outstanding at the leader: forwarded before NEWLEADER, no COMMIT.
in 1 PROPOSAL 2:2
in 1 NEWLEADER 2:0
  append 1:4 2:1 2:2
# Part of the sync on disk is not enough.
persisted 2:1
persisted 2:2
  write currentEpoch 2
  out 1 ACK 2:0
  out 1 ACK 2:2
in 1 COMMIT 2:2
in 1 UPTODATE -1
  apply 1:4
  apply 2:1
  apply 2:2
  out 1 ACK 2:0
  established
`)
}

// ZOOKEEPER-3642: a SNAP is durable before NEWLEADER is acknowledged, and
// nothing is logged behind a snapshot that is not durable.
func TestFollowerSnapSync(t *testing.T) {
	runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:2 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:2 epoch=1
in 1 SNAP 2:3 snap=tree@2:3
# 2:4 is outstanding at the leader, forwarded behind the snapshot.
in 1 PROPOSAL 2:4
in 1 NEWLEADER 2:0
  install 2:3 tree@2:3
# A live proposal after NEWLEADER waits too: a log must never hold txns
# after a hole, and the snapshot is the start of this server's history.
in 1 PROPOSAL 2:5
persisted 2:5
snapshot-saved 2:3
  append 2:4 2:5
persisted 2:4
  write currentEpoch 2
  out 1 ACK 2:0
  out 1 ACK 2:4
persisted 2:5
  out 1 ACK 2:5
in 1 COMMIT 2:4
in 1 UPTODATE -1
  apply 2:4
  out 1 ACK 2:0
  established
`)
}

// ZOOKEEPER-3642, the other half: a learner that loses its leader with a
// snapshot installed but not saved tells its host to reload the tree from
// disk, so that it never reports (or serves) a history it does not hold.
func TestFollowerLosesLeaderDuringSnapSync(t *testing.T) {
	t.Run("snapshot installed, not saved", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:2 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:2 epoch=1
in 1 SNAP 1:9 snap=tree@1:9
in 1 NEWLEADER 2:0
  install 1:9 tree@1:9
leader-lost
  stop connection to the leader closed [discard]
`)
	})
	t.Run("snapshot received, not installed", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:2 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:2 epoch=1
# Nothing changes before NEWLEADER: losing the leader here changes nothing.
in 1 SNAP 1:9 snap=tree@1:9
leader-lost
  stop connection to the leader closed
`)
	})
	t.Run("snapshot saved", func(t *testing.T) {
		runTranscript(t, `
follower id=2 leader=1 accepted=1 current=1 last=1:2 init=5 sync=2
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:2 epoch=1
in 1 SNAP 1:9 snap=tree@1:9
in 1 NEWLEADER 2:0
  install 1:9 tree@1:9
snapshot-saved 1:9
  write currentEpoch 2
  out 1 ACK 2:0
leader-lost
  stop connection to the leader closed
`)
	})
}

// A host whose tree holds only committed txns passes its log's tail as
// Unapplied: the sync decides what becomes of it.
func TestLearnerUnappliedTail(t *testing.T) {
	const head = `
follower id=2 leader=1 accepted=1 current=1 last=1:3 unapplied=1:2-1:3 init=5 sync=2
# The tree holds 1:1; 1:2 and 1:3 are logged, not known to be committed.
  out 1 FOLLOWERINFO 1:0 sid=2
in 1 LEADERINFO 2:0
  write acceptedEpoch 2
  out 1 ACKEPOCH 1:3 epoch=1
`
	t.Run("DIFF keeps it", func(t *testing.T) {
		runTranscript(t, head+`
in 1 DIFF 1:4
in 1 PROPOSAL 1:4
in 1 COMMIT 1:4
in 1 NEWLEADER 2:0
  append 1:4
persisted 1:4
  write currentEpoch 2
  out 1 ACK 2:0
in 1 UPTODATE -1
  apply 1:2
  apply 1:3
  apply 1:4
  out 1 ACK 2:0
  established
`)
	})
	t.Run("TRUNC keeps what it does not cut", func(t *testing.T) {
		runTranscript(t, head+`
in 1 TRUNC 1:2
in 1 NEWLEADER 2:0
  truncate 1:2
  write currentEpoch 2
  out 1 ACK 2:0
in 1 UPTODATE -1
  apply 1:2
  out 1 ACK 2:0
  established
`)
	})
	t.Run("SNAP replaces it", func(t *testing.T) {
		runTranscript(t, head+`
in 1 SNAP 1:5 snap=tree@1:5
in 1 NEWLEADER 2:0
  install 1:5 tree@1:5
snapshot-saved 1:5
  write currentEpoch 2
  out 1 ACK 2:0
in 1 UPTODATE -1
  out 1 ACK 2:0
  established
`)
	})
}
