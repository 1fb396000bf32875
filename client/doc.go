// Package client is a ZooKeeper client built on the wire package's jute
// codec: session establishment and resumption, pings, request/reply
// matching, watch bookkeeping and event delivery, auth re-sent on
// reconnect, and reconnection across the servers of a connect string
// (with chroot).
//
// Why not go-zookeeper, which the tests use as a "real client": `corral
// cli` must behave as zkCli.sh, and zkCli is the Java client. go-zookeeper
// has no whoAmI, getEphemerals, getAllChildrenNumber or addWatch, it
// delivers watch events per call on channels instead of to one default
// watcher (zkCli prints every event, including watches re-registered after
// a reconnect, from that watcher), and its errors are not the Java
// client's. This package follows the Java client where a shell can observe
// it: the same client-side path and ACL checks with Apache's messages
// (ValidatePath, Error), the same opcodes per call, the same rules for
// which reply records a watch, which notification is delivered and which
// watches removeWatches removes (with the *WatchRemoved events), the
// same session states and events (Disconnected, Expired, AuthFailed,
// Closed), and the same failure codes for calls cut off by a lost
// connection (CONNECTIONLOSS, SESSIONEXPIRED, AUTHFAILED).
//
// One guarantee goes beyond the Java client's synchronous API: events and
// call completions are delivered through one ordered queue, so when a call
// returns, every event that arrived before its reply has already been given
// to the Watcher. A shell therefore prints a watch event triggered by its
// own write before the write's result, every time.
package client
