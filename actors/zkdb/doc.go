// Package zkdb is the in-memory database one server serves from: the data
// tree and the watch table behind one read-write lock, plus the registry of
// connections that watch events are delivered to.
//
// Concurrency is the point of this package. The final stage is the only
// writer: it applies txns under the write lock and enqueues the watch events
// they trigger before it releases the lock. Session actors read under the
// read lock, in parallel on every core, and register watches under that same
// read lock. So a read that observes a change is always ordered after the
// event of that change in every watcher's connection queue: a client sees a
// watch event before any reply that reflects the change.
//
// An event is only enqueued for a watcher whose connection may READ the
// node it is about (Apache's CVE-2024-23944 fix, see mayNotify): each
// trigger carries that node's ACL, and the connection's identities, which
// its session actor publishes in the registry, are read at delivery.
package zkdb
