// Package zab is the pure core of Corral's quorum protocol: Zab discovery,
// synchronization and broadcast, the counterpart of Apache ZooKeeper's
// Leader, LearnerHandler, Learner, Follower and Observer. Leader election
// is core/election's; this package starts once a server knows whether it
// leads or follows.
//
// # Shape
//
// The cores are deterministic state machines in the etcd-io/raft style.
// They hold no sockets, goroutines, clocks or disks: a host feeds them
// events with Step, time with Tick, and calls (Propose, Sync, Forward, ...);
// after each it takes Ready, the batch of things to do: packets to send,
// txns to append to the log, committed txns to apply, epoch files to
// write, a log truncation or a snapshot to install, and notices for the
// rest of the server. Disk completions come back as events (Persisted,
// SnapshotSaved), never assumed. Ready's doc comment gives the order in
// which the host carries out its fields; it is what makes the cores'
// durability rules hold.
//
// The leader reads its own log (for a DIFF reaching back before its
// in-memory committed window) either through LogReader, called during the
// step, or, with LeaderConfig.LogReads, not at all: it asks the host in
// Ready.LogReads and plans that learner's sync when Step(LogRead) brings
// the txns, so the host reads the files off the core's goroutine. It
// judges quorums only through Quorum (core/quorum's Verifier satisfies it).
//
// # Driving a leader (the peer actor and its LearnerHandler actors)
//
// The peer actor that won the election builds a Leader from its epoch
// files and log (NewLeader) and owns it: every Step, Tick and call runs in
// that actor, followed by Ready. A LearnerHandler actor per accepted
// connection only moves bytes: it turns each packet it reads into
// Step(Receive{From, Packet}) on the peer actor, writes the packets the
// peer actor routes to it (Ready.Messages with To = its learner, in
// order), fills a SNAP packet's snapshot from the tree, and reports its
// connection's end as Step(LearnerLost{ID}). A LearnerHandler that crashes
// is that: its supervisor restarts it, the learner reconnects, and the
// core syncs it again (a FOLLOWERINFO from a known learner replaces the
// old connection). The peer actor:
//
//   - calls Tick every tickTime/2 (TicksPerTickTime);
//   - writes Ready.AcceptedEpoch/CurrentEpoch durably before sending
//     Ready.Messages;
//   - gives Ready.Entries to the storage actor and, once fsynced, steps
//     Persisted{UpTo}: that is the leader's own ACK;
//   - gives Ready.Apply to the final stage (committed txns in order, and
//     SyncDone for the leader's own clients' sync());
//   - gives Ready.Requests (writes forwarded by learners) to prep, whose
//     txns come back through Propose and whose syncs through Sync;
//   - gives Ready.Touches and Ready.SessionChecks to the session tracker,
//     whose answers come back as Step(SessionChecked{...});
//   - closes the connections in Ready.Disconnect;
//   - starts serving clients on Ready.Established, and on Ready.Stop stops
//     serving, closes every learner connection and goes back to LOOKING.
//
// Both cores take the log's tail that the tree does not hold as
// Unapplied, so that a host can keep only committed txns in its tree
// (docs/ENSEMBLE.md) and let the core apply the tail once a history
// commits it; a host that replays its whole log at start-up, as Apache
// does, passes nothing.
//
// # Driving a learner (the peer actor of a follower or observer)
//
// A server that follows builds a Learner (NewLearner) after connecting to
// the leader; each packet read becomes Step(Receive), a closed connection
// Step(LeaderLost{}). The peer actor handles Ready as above, plus
// Ready.Truncate (truncate the log, before anything else) and Ready.InstallSnapshot (replace the tree, save the snapshot as
// the start of the log, then Step(SnapshotSaved)). Writes from its
// clients go through Forward, session reconnections through Revalidate
// (answered in Ready.Revalidated), session activity through Touch (carried
// by the next PING reply). On Ready.Established it serves clients; on
// Ready.Stop it stops serving, reloads its tree from disk if
// Stop.DiscardMemory, and goes back to LOOKING.
//
// # Time
//
// A Tick is half a tickTime. The leader pings every Tick and checks every
// full tickTime that a quorum of voters was heard from within syncLimit,
// stepping down otherwise; before it is established each of its waits
// (epoch, epoch acknowledgements, NEWLEADER acknowledgements) is bounded
// by initLimit. A learner gives up a leader silent for initLimit before
// NEWLEADER and syncLimit after.
//
// # Where it differs from Apache 3.8
//
// The decisions are Apache's (LearnerHandler.syncFollower's DIFF/TRUNC/SNAP
// choice is replayed case by case from Apache's LearnerHandlerTest), with
// these deliberate differences, each closing a way to lose or corrupt data:
//
//   - A learner takes the whole sync in and changes nothing until
//     NEWLEADER; then it truncates or installs the snapshot, logs every txn
//     it received, and only once all of it is durable (the snapshot
//     included) writes currentEpoch and acknowledges NEWLEADER. Apache
//     reached the same rule through ZOOKEEPER-3911, -3642, -4643, -4646
//     and -4785; observers follow it too here.
//   - A learner applies a committed txn only once its own log holds it and
//     UPTODATE said the leader is established, so its tree never runs ahead
//     of its log and never takes a txn a quorum did not commit (Apache
//     applies the sync's txns in memory during a SNAP or TRUNC sync); only
//     a SNAP, installed at NEWLEADER, can bring such txns, and a TRUNC never
//     reaches below it (next point). A Stop says when the tree holds a
//     snapshot that is not durable yet (DiscardMemory).
//   - ACKEPOCH carries the learner's log start (the snapshot its log begins
//     from); a TRUNC below it becomes a SNAP. Apache would truncate the log
//     and keep a newer snapshot holding txns that were never committed.
//   - A learner's ACKs of still outstanding proposals are forgotten when
//     its connection ends: back, it may be truncated below them and relog
//     them, and a crash before its next fsync would leave a txn committed
//     on fewer disks than a quorum if the old ACKs still counted.
//
// # What is not here
//
// Dynamic reconfiguration (COMMITANDACTIVATE, INFORMANDACTIVATE) is not
// supported: those packet types exist in messages.ZabType for the
// numbering, and a learner that receives one ends its role. The observer
// master (observers syncing from a follower) is not supported either.
package zab
