package zab

import "testing"

// Transcripts of a leader: every input line is what its host gives it, the
// indented lines below are everything it must ask for in return.

func TestLeaderDiscoverySyncAndBroadcast(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1-1:5 init=5 sync=2
# Alone the leader is no quorum: it proposes epoch 2 (acceptedEpoch+1) and waits.
in 2 FOLLOWERINFO 1:0
# With 2 it has a quorum: acceptedEpoch is written before LEADERINFO leaves.
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
# 2's history equals the leader's: an empty DIFF. The epoch acknowledgements
# form a quorum, so the leader writes currentEpoch and counts itself.
in 2 ACKEPOCH 1:5 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:5
  out 2 NEWLEADER 2:0
# 3 is behind by two txns of the committed window.
in 3 FOLLOWERINFO 1:0
  out 3 LEADERINFO 2:0
in 3 ACKEPOCH 1:3 epoch=1
  out 3 DIFF 1:5
  out 3 PROPOSAL 1:4
  out 3 COMMIT 1:4
  out 3 PROPOSAL 1:5
  out 3 COMMIT 1:5
  out 3 NEWLEADER 2:0
# 2 and the leader hold the history durably: established.
in 2 ACK 2:0
  out 2 UPTODATE -1
  established
# 3 is still syncing, but it is forwarded the proposal behind its NEWLEADER.
propose
  append 2:1
  out 2 PROPOSAL 2:1
  out 3 PROPOSAL 2:1
in 3 ACK 2:0
  out 3 UPTODATE -1
# 3's ACK alone is no quorum; with the leader's own (after its fsync) it is.
in 3 ACK 2:1
persisted 2:1
  apply 2:1
  out 2 COMMIT 2:1
  out 3 COMMIT 2:1
# A late ACK of a committed zxid changes nothing; so does the ACK of epoch<<32
# a learner sends after UPTODATE.
in 2 ACK 2:1
in 2 ACK 2:0
# The leader pings every half tick.
tick
  out 2 PING 2:1
  out 3 PING 2:1
in 2 PING 2:1 touches=0x10:3000,0x11:4000
  touch from=2 session=0x10 timeout=3000
  touch from=2 session=0x11 timeout=4000
`)
}

func TestLeaderSyncModes(t *testing.T) {
	runTranscript(t, `
# The committed window holds the last two txns (2:3, 2:4); the on-disk log
# starts at 1:2 (1:1 was purged).
leader id=1 voters=1,2,3 observers=4,5,6 accepted=2 current=2 log=1:1-1:3,2:1-2:4 window=2 disk=1:2-1:3,2:1-2:4 init=5 sync=2
in 3 FOLLOWERINFO 2:0
  write acceptedEpoch 3
  out 3 LEADERINFO 3:0
# 3 is level with the leader: empty DIFF.
in 3 ACKEPOCH 2:4 epoch=2
  write currentEpoch 3
  out 3 DIFF 2:4
  out 3 NEWLEADER 3:0
in 3 ACK 3:0
  out 3 UPTODATE -1
  established
# 2 comes back holding 2:5 and 2:6, which only it and the old leader logged,
# so they were never committed. The election is over (a summary check would
# refuse it during discovery), so the leader truncates it to its history.
in 2 FOLLOWERINFO 2:0
  out 2 LEADERINFO 3:0
in 2 ACKEPOCH 2:6 epoch=2
  out 2 TRUNC 2:4
  out 2 NEWLEADER 3:0
# 6 holds 2:5 too, but its history starts at a snapshot taken at 2:5 (a SNAP
# from a leader that was never established): it cannot go back to 2:4, so
# it gets a SNAP.
in 6 OBSERVERINFO 2:0
  out 6 LEADERINFO 3:0
in 6 ACKEPOCH 2:5 epoch=2 start=2:5
  out 6 SNAP 3:0
  out 6 NEWLEADER 3:0
# Observer 4 is behind the window; the on-disk log still holds 1:2, so it
# gets a DIFF from the log followed by the window.
in 4 OBSERVERINFO 1:0
  out 4 LEADERINFO 3:0
in 4 ACKEPOCH 1:2 epoch=1
  out 4 DIFF 2:4
  out 4 PROPOSAL 1:3
  out 4 COMMIT 1:3
  out 4 PROPOSAL 2:1
  out 4 COMMIT 2:1
  out 4 PROPOSAL 2:2
  out 4 COMMIT 2:2
  out 4 PROPOSAL 2:3
  out 4 COMMIT 2:3
  out 4 PROPOSAL 2:4
  out 4 COMMIT 2:4
  out 4 NEWLEADER 3:0
# Observer 5 needs 1:1, which the log no longer has: SNAP of the tree as of
# the last committed zxid (3:0 right after establishment).
in 5 OBSERVERINFO 1:0
  out 5 LEADERINFO 3:0
in 5 ACKEPOCH 1:1 epoch=1
  out 5 SNAP 3:0
  out 5 NEWLEADER 3:0
`)
}

func TestLeaderLateLearnerGetsOutstandingProposals(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=5 sync=2
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
  established
propose
  append 2:1
  out 2 PROPOSAL 2:1
propose
  append 2:2
  out 2 PROPOSAL 2:2
persisted 2:2
in 2 ACK 2:1
  apply 2:1
  out 2 COMMIT 2:1
# 3 connects while 2:1 is committed and 2:2 outstanding: a DIFF up to 2:1,
# then 2:2 as a bare PROPOSAL, then NEWLEADER.
in 3 FOLLOWERINFO 1:0
  out 3 LEADERINFO 2:0
in 3 ACKEPOCH 1:1 epoch=1
  out 3 DIFF 2:1
  out 3 PROPOSAL 2:1
  out 3 COMMIT 2:1
  out 3 PROPOSAL 2:2
  out 3 NEWLEADER 2:0
# What happens while 3 syncs is queued for it behind its NEWLEADER.
propose
  append 2:3
  out 2 PROPOSAL 2:3
  out 3 PROPOSAL 2:3
in 2 ACK 2:2
  apply 2:2
  out 2 COMMIT 2:2
  out 3 COMMIT 2:2
in 3 ACK 2:0
  out 3 UPTODATE -1
`)
}

// An ACK given on a connection that ended does not count: the learner may
// be truncated below it when it comes back (found by the randomized test,
// where a learner truncated, relogged, crashed before its fsync and left a
// txn committed on fewer disks than a quorum).
func TestLeaderForgetsAcksOfALostConnection(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=5 sync=2
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
  established
propose
  append 2:1
  out 2 PROPOSAL 2:1
in 2 ACK 2:1
lost 2
# 2 comes back holding 2:1, which is not committed: it is truncated to the
# committed history and gets 2:1 again.
in 2 FOLLOWERINFO 2:0
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 2:1 epoch=-1
  out 2 TRUNC 1:1
  out 2 PROPOSAL 2:1
  out 2 NEWLEADER 2:0
# The leader's own ACK and 2's old one would make a quorum; the old one is void.
persisted 2:1
in 2 ACK 2:0
  out 2 UPTODATE -1
in 2 ACK 2:1
  apply 2:1
  out 2 COMMIT 2:1
`)
}

func TestLeaderRefusesFollowerAhead(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1-1:3 init=5 sync=2
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
# 2 logged 1:4 and 1:5, which this leader never saw: the election picked a
# leader less recent than a quorum member. Syncing 2 would throw them away.
in 2 ACKEPOCH 1:5 epoch=1
  disconnect 2 follower is ahead of the leader
# 3 had already accepted epoch 2: its ACKEPOCH says -1 and does not count.
in 3 FOLLOWERINFO 2:0
  out 3 LEADERINFO 2:0
in 3 ACKEPOCH 1:3 epoch=-1
# No quorum acknowledges the epoch within initLimit: back to election.
tick 11
  stop timeout while waiting for epoch to be acked by quorum
propose
  error zab: stopped
`)
}

func TestLeaderRefusesBadLearnerInfo(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=5 sync=2 cfg=3
in 2 FOLLOWERINFO 1:0 cfg=5
  disconnect 2 follower is ahead of the leader (has a later activated configuration)
in 3 FOLLOWERINFO 1:0 sid=9
  disconnect 3 learner info does not name the sender
in 2 FOLLOWERINFO 1:0 cfg=3
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
# Anything but ACKEPOCH, ACK and (once synced) PING/REVALIDATE/REQUEST ends the connection.
in 2 PING 0
  disconnect 2 PING before NEWLEADER was acknowledged
# A packet from a connection already dropped is ignored.
in 2 ACKEPOCH 1:1 epoch=1
`)
}

func TestLeaderTimeouts(t *testing.T) {
	t.Run("epoch", func(t *testing.T) {
		runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=2 sync=1
# initLimit=2 tickTimes = 4 ticks.
tick 4
tick
  stop timeout while waiting for epoch from quorum
tick
`)
	})
	t.Run("newleader", func(t *testing.T) {
		runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=2 sync=1
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
tick 5
  stop timeout while waiting for NEWLEADER to be acked by quorum
`)
	})
}

func TestLeaderObserversDoNotCount(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 observers=4 accepted=1 current=1 log=1:1-1:2 init=5 sync=2
# An observer's connection is no part of the epoch quorum...
in 4 OBSERVERINFO 1:0
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
  out 4 LEADERINFO 2:0
# ... nor its epoch acknowledgement ...
in 4 ACKEPOCH 1:2 epoch=1
in 2 ACKEPOCH 1:2 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:2
  out 2 NEWLEADER 2:0
  out 4 DIFF 1:2
  out 4 NEWLEADER 2:0
# ... nor its NEWLEADER acknowledgement.
in 4 ACK 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
  out 4 UPTODATE -1
  established
# Observers get no PROPOSAL, and their ACKs count for nothing.
propose
  append 2:1
  out 2 PROPOSAL 2:1
in 4 ACK 2:1
persisted 2:1
# Voter 2 completes the quorum; the observer learns the txn by INFORM.
in 2 ACK 2:1
  apply 2:1
  out 2 COMMIT 2:1
  out 4 INFORM 2:1
`)
}

func TestLeaderCommitsInZxidOrder(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3,4,5 accepted=1 current=1 log=1:1 init=5 sync=2
in 2 FOLLOWERINFO 1:0
in 3 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
  out 3 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
in 3 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
  out 3 DIFF 1:1
  out 3 NEWLEADER 2:0
in 4 FOLLOWERINFO 1:0
  out 4 LEADERINFO 2:0
in 4 ACKEPOCH 1:1 epoch=1
  out 4 DIFF 1:1
  out 4 NEWLEADER 2:0
in 2 ACK 2:0
in 3 ACK 2:0
  out 2 UPTODATE -1
  out 3 UPTODATE -1
  established
in 4 ACK 2:0
  out 4 UPTODATE -1
propose
  append 2:1
  out 2 PROPOSAL 2:1
  out 3 PROPOSAL 2:1
  out 4 PROPOSAL 2:1
propose
  append 2:2
  out 2 PROPOSAL 2:2
  out 3 PROPOSAL 2:2
  out 4 PROPOSAL 2:2
# 2:2 gathers a quorum of voters (1, 2, 4) while 2:1 has only 1 and 2.
# (A correct follower never acknowledges 2:2 without 2:1; the rule must
# hold anyway.) Nothing commits: commits go out in zxid order only.
persisted 2:2
in 2 ACK 2:1
in 2 ACK 2:2
in 4 ACK 2:2
in 3 ACK 2:1
  apply 2:1
  apply 2:2
  out 2 COMMIT 2:1
  out 3 COMMIT 2:1
  out 4 COMMIT 2:1
  out 2 COMMIT 2:2
  out 3 COMMIT 2:2
  out 4 COMMIT 2:2
`)
}

func TestLeaderStepsDownWithoutQuorum(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 observers=4 accepted=1 current=1 log=1:1 init=5 sync=2
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
in 3 FOLLOWERINFO 1:0
  out 3 LEADERINFO 2:0
in 3 ACKEPOCH 1:1 epoch=1
  out 3 DIFF 1:1
  out 3 NEWLEADER 2:0
in 4 OBSERVERINFO 1:0
  out 4 LEADERINFO 2:0
in 4 ACKEPOCH 1:1 epoch=1
  out 4 DIFF 1:1
  out 4 NEWLEADER 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
  established
in 3 ACK 2:0
  out 3 UPTODATE -1
in 4 ACK 2:0
  out 4 UPTODATE -1
# syncLimit=2 tickTimes = 4 ticks. 3 falls silent at tick 0; 2 answers
# until tick 2; observer 4 keeps answering.
tick
  out 2 PING 2:0
  out 3 PING 2:0
  out 4 PING 2:0
in 2 PING 2:0
in 4 PING 2:0
tick
  out 2 PING 2:0
  out 3 PING 2:0
  out 4 PING 2:0
in 2 PING 2:0
in 4 PING 2:0
tick 3
  out 2 PING 2:0
  out 3 PING 2:0
  out 4 PING 2:0
  out 2 PING 2:0
  out 3 PING 2:0
  out 4 PING 2:0
  out 2 PING 2:0
  out 4 PING 2:0
  disconnect 3 no packet from the learner within its deadline
in 4 PING 2:0
# 2 falls silent too: at tick 7 it is past its deadline, and at the next
# full tick the leader and an observer are no quorum.
tick 3
  out 2 PING 2:0
  out 4 PING 2:0
  out 4 PING 2:0
  disconnect 2 no packet from the learner within its deadline
  stop not sufficient followers synced, only synced with sids: [1 4]
propose
  error zab: stopped
`)
}

func TestLeaderDropsFollowerThatDoesNotAck(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=5 sync=2
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
in 3 FOLLOWERINFO 1:0
  out 3 LEADERINFO 2:0
in 3 ACKEPOCH 1:1 epoch=1
  out 3 DIFF 1:1
  out 3 NEWLEADER 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
  established
in 3 ACK 2:0
  out 3 UPTODATE -1
propose
  append 2:1
  out 2 PROPOSAL 2:1
  out 3 PROPOSAL 2:1
persisted 2:1
in 2 ACK 2:1
  apply 2:1
  out 2 COMMIT 2:1
  out 3 COMMIT 2:1
# 3 answers pings but never acknowledges 2:1 (Apache's SyncLimitCheck):
# syncLimit after the proposal was sent, it is dropped.
tick
  out 2 PING 2:1
  out 3 PING 2:1
in 2 PING 2:1
in 3 PING 2:1
tick 2
  out 2 PING 2:1
  out 3 PING 2:1
  out 2 PING 2:1
  out 3 PING 2:1
in 2 PING 2:1
in 3 PING 2:1
tick
  out 2 PING 2:1
  disconnect 3 proposal 2:1 not acknowledged within syncLimit
`)
}

func TestLeaderSyncRevalidateAndRequests(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1 init=5 sync=2
sync 2
  error zab: leader not established
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 1:1 epoch=1
  write currentEpoch 2
  out 2 DIFF 1:1
  out 2 NEWLEADER 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
  established
# Forwarded requests go to the prep stage.
in 2 REQUEST 0 req=sync
  request from=2 sync
# With nothing outstanding a sync is answered at once: to learner 2 by SYNC,
# to the leader's own client by sync-done.
sync 2
  out 2 SYNC 0:0
sync 1
  apply sync-done
in 2 REQUEST 0 req=setData
  request from=2 setData
propose
  append 2:1
  out 2 PROPOSAL 2:1
# Syncs made after a proposal wait for its commit and follow its COMMIT.
sync 2
sync 1
persisted 2:1
in 2 ACK 2:1
  apply 2:1
  apply sync-done
  out 2 COMMIT 2:1
  out 2 SYNC 0:0
# A client brings session 0x21 to learner 2: the session tracker is asked.
in 2 REVALIDATE 0 session=0x21 timeout=5000
  check-session learner=2 session=0x21 timeout=5000
session-checked 2 0x21 true
  out 2 REVALIDATE 0:0 session=0x21 timeout=0 valid=true
# A learner that reconnects is a new connection: a sync pending for the old
# one is not answered to the new one.
propose
  append 2:2
  out 2 PROPOSAL 2:2
sync 2
lost 2
in 2 FOLLOWERINFO 2:0
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 2:1 epoch=2
  out 2 DIFF 2:1
  out 2 PROPOSAL 2:2
  out 2 NEWLEADER 2:0
in 2 ACK 2:0
  out 2 UPTODATE -1
in 2 ACK 2:2
persisted 2:2
  apply 2:2
  out 2 COMMIT 2:2
`)
}

// A leader whose tree holds only committed txns (1:1-1:3) and whose log
// runs on (1:4, 1:5) applies the tail once established. Until then, a SNAP
// is its tree followed by the tail as txns.
func TestLeaderUnappliedTail(t *testing.T) {
	runTranscript(t, `
leader id=1 voters=1,2,3 accepted=1 current=1 log=1:1-1:5 window=2 disk=none unapplied=1:4-1:5 applied=1:3 init=5 sync=2
in 2 FOLLOWERINFO 1:0
  write acceptedEpoch 2
  out 2 LEADERINFO 2:0
in 2 ACKEPOCH 0:0 epoch=0
  write currentEpoch 2
  out 2 SNAP 1:3
  out 2 PROPOSAL 1:4
  out 2 COMMIT 1:4
  out 2 PROPOSAL 1:5
  out 2 COMMIT 1:5
  out 2 NEWLEADER 2:0
in 2 ACK 2:0
  apply 1:4
  apply 1:5
  out 2 UPTODATE -1
  established
# Established: the tree holds the whole history, a SNAP is the tree alone.
in 3 FOLLOWERINFO 1:0
  out 3 LEADERINFO 2:0
in 3 ACKEPOCH 0:0 epoch=0
  out 3 SNAP 2:0
  out 3 NEWLEADER 2:0
`)
}
