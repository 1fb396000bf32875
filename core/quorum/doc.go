// Package quorum decides which sets of servers form a quorum, the
// counterpart of Apache ZooKeeper's QuorumVerifier with its two static
// implementations, QuorumMaj (a majority of the voting members) and
// QuorumHierarchical (group.N / weight.N: more than half of the weight of a
// group, in more than half of the groups).
//
// Leader election (core/election) and the Zab leader (ACK and epoch
// quorums) both ask a Verifier, so that a hierarchical or weighted
// ensemble is counted the same way everywhere. A Verifier is immutable
// after construction and safe for concurrent use.
//
// Two deliberate differences from Apache, both on inputs Apache never
// produces in a working ensemble:
//   - ContainsQuorum ignores ids that are not voting members. Apache's
//     verifiers assume the caller filtered them (SyncedLearnerTracker.addAck
//     does); filtering here makes the verifier safe to use directly.
//   - Weight is 0 for every id that is not a voting member (an observer or
//     an unknown id). Apache's QuorumMaj answers 1 for anyone and
//     QuorumHierarchical throws on an id without a weight; Apache relies on
//     validVoter checks elsewhere to keep observers from being elected,
//     and a weight of 0 states the same rule where it is used.
package quorum
