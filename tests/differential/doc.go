// Package differential runs one scripted client scenario against Apache
// ZooKeeper 3.8 and against the server under test, records a normalized
// transcript of every request and what came back (error code, result,
// watch events and their order), and requires the two transcripts to be
// identical. Apache is the oracle: whatever it answers is, by definition,
// what Corral must answer.
//
// The scenario uses go-zookeeper for ordinary operations and the harness's
// raw jute client (rawzk) for what go-zookeeper cannot do: malformed paths
// (it validates them client-side), multiRead, getEphemerals,
// getAllChildrenNumber, whoAmI, per-op results of a failed multi (it drops
// the body when the reply header carries an error), and the exact order of
// notifications and replies on one connection.
//
// Set CORRAL_TARGET=apache to run Apache against Apache, which validates the
// scenario and the harness themselves.
package differential
