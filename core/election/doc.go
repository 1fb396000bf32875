// Package election is the pure core of Fast Leader Election, Apache
// ZooKeeper's FastLeaderElection (3.8) as a deterministic state machine in
// the etcd-io/raft style: no goroutines, clocks, sockets or randomness.
// Inputs are Start, Step (a received notification) and Tick; outputs are
// collected with Ready and acknowledged with Advance.
//
// # The rules, as Apache
//
//   - Votes are ordered by (peerEpoch, zxid, sid); a candidate of weight 0
//     (every observer, and a weight.N=0 participant of a hierarchical
//     quorum) never wins. A server proposes itself, adopts any better vote
//     it hears of in its round and tells every voter when its vote
//     changes.
//   - The election epoch (logical clock, one per election round) is not
//     the peer epoch (the Zab epoch of a candidate's history). A LOOKING
//     notification of a later round makes a server jump to that round,
//     forget the votes it counted and re-vote; one of an earlier round is
//     ignored, but answered with our vote so that the sender catches up.
//   - Once a quorum (of the quorum.Verifier, so possibly hierarchical)
//     votes like us, we wait FinalizeWaitTicks more. A better vote in that
//     window resumes the election; any other notification is dropped and
//     the wait starts over. If the window passes quietly we decide.
//   - FOLLOWING and LEADING notifications are votes cast in an election
//     that is over. A quorum of them for one leader, which must itself
//     have said it is LEADING (or be us), is joined at once: that is how a
//     restarted server or a late observer finds the running leader.
//   - A decided server answers every LOOKING voter with the vote it
//     decided (and state FOLLOWING, LEADING or OBSERVING); any server
//     answers a LOOKING non-voter (an observer) at once with its current
//     vote. Observers never vote: they send their proposal to the voters,
//     count the answers, and end OBSERVING.
//   - Without a decision, notifications are sent again after
//     MinNotificationTicks of silence, then after twice as long, and so
//     on up to MaxNotificationTicks.
//
// One quirk of Apache is kept: a LOOKING voter answers an observer with
// its last decided vote, not its current proposal, so an observer may
// briefly follow a stale leader, and start again when it cannot reach it.
//
// Two answers Apache sends are not sent, because their receiver
// discards them and, in Apache, answers them, starting an endless
// exchange at network speed (found by the randomized test): an answer to
// an observer that is no longer LOOKING (Apache answers any non-voter,
// and a decided observer answers any LOOKING voter), and an observer's
// answer to a voter of an earlier round (voters never count what an
// observer says, and answer it). No decision depends on them.
//
// Fast Leader Election alone does not guarantee that every server deciding
// in one round picks the same leader: a server whose finalizeWait passes
// before a better vote reaches it (lost, slow, or from a server that
// started late) decides on the best vote it had. Zab makes this safe: a
// leader only leads with a quorum of followers connected to it, and a
// server that cannot reach its leader, or a leader without a quorum,
// starts a new election (the shell calls Start). The tests show both.
//
// Not supported: dynamic reconfiguration (the configuration version is
// carried in every notification but a newer one is not acted on) and the
// two-server oracle (QuorumOracleMaj).
//
// # Driving it from an actor
//
// The election actor owns one Election and is its only caller:
//
//   - On start, and whenever the server's role ends (the leader is lost,
//     the follower cannot sync, the leader loses its quorum), call
//     Start(lastLoggedZxid, currentEpoch) with values read from the data
//     tree and the currentEpoch file.
//   - For every notification received from another server, call
//     Step(FromProto(msg)). The sender id travels in the message.
//   - On a timer, call Tick. The tick period sets the time scale:
//     with 50 ms ticks, Apache's defaults are FinalizeWaitTicks 4 (200 ms),
//     MinNotificationTicks 4 (200 ms) and MaxNotificationTicks 1200
//     (60 s).
//   - After each of these calls, if HasReady(), take Ready(): send each
//     Message (Proto of its Notification) to Message.To, or, when
//     Broadcast, to every voter of the configuration except this server;
//     sending is best effort, a message that cannot be delivered is
//     dropped. If Ready.Decision is set, start the role it names with its
//     leader. Then call Advance.
//   - Once the role serves in the new Zab epoch (leader: a quorum
//     acknowledged NEWLEADER; learner: UPTODATE), call UpdatePeerEpoch so
//     that late joiners see it.
//
// Keep the actor alive while the server leads or follows: a decided
// Election keeps answering LOOKING servers, which is how they join.
package election
