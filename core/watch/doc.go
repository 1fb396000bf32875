// Package watch is the watch table: which connection watches which path,
// and who must be told when a txn changes the tree.
//
// It reproduces Apache ZooKeeper's pair of WatchManagers (dataWatches and
// childWatches) and the way DataTree drives them, folded into one table
// whose entries carry a small set of mode bits per (watcher, path):
//
//   - Data: a one-shot data watch (getData, exists), Apache's dataWatches;
//   - Child: a one-shot child watch (getChildren), Apache's childWatches;
//   - Persistent: addWatch PERSISTENT, kept in both tables;
//   - PersistentRecursive: addWatch PERSISTENT_RECURSIVE, kept in the data
//     table only (as Apache 3.9 does; 3.8 put it in both, to no effect on
//     what fires).
//
// A watcher may hold several modes on one path at once, as since Apache
// 3.9 (ZOOKEEPER-4466). Apache 3.8 kept a single mode per (watcher, path)
// and table, so there a later getData watch silently replaced a persistent
// watch on the same path (which then stopped firing after one event), and
// a later persistent watch turned a pending one-shot watch into a
// persistent one. That is a bug clients cannot rely on; the 3.9 behaviour
// is the one implemented: when both are present the watcher gets one
// event, the one-shot part is consumed and the persistent part stays.
//
// The Manager is safe for concurrent use: session actors add watches under
// the tree's read lock, so that a watch is registered atomically with the
// read that set it, while the final stage triggers them under the write
// lock. One mutex guards the table; every operation is short.
package watch
