// Package datatree is the pure core of the znode tree: Apache ZooKeeper's
// DataTree, applied one txn at a time by the single writer (the final
// stage) and read by many session actors.
//
// The semantics follow DataTree.processTxn of Apache 3.8 rule for rule,
// including the parts that only matter when a log is replayed over a fuzzy
// snapshot (create of an existing node answers NODEEXISTS but still raises
// the parent's cversion; delete of a missing node still raises the
// parent's pzxid). The txn carries every decision of the prep stage
// (versions, parent cversion, ephemeral owner), so Apply never checks
// business rules: it only reports what processTxn reports.
//
// Two forms of a node's Stat exist, exactly as in Apache:
//
//   - the persisted form (StatPersisted) stores in Cversion the number of
//     child creations and in EphemeralOwner the raw owner word (a session
//     id, the container marker or a TTL encoding). Lookup and Walk return
//     it, because the prep stage derives sequential suffixes and the next
//     parent cversion from it and snapshots store it;
//   - the client form (DataNode.copyStat) reports cversion as
//     2*creations-numChildren, i.e. creations plus deletions, and hides the
//     container/TTL owner words behind 0. Every read (GetData, Exists,
//     GetChildren, GetACL) and Result.Stat use it.
//
// Tree does no locking. The actor shell guards it with a sync.RWMutex:
// Apply under the write lock, reads under the read lock. Values returned by
// reads never alias memory a later Apply changes in place: node data and
// path bytes are immutable once stored (setData stores a new blob, and the
// arena never writes a byte twice) and
// cached ACL lists are never modified, only dropped, so readers may encode
// them after releasing the lock. They must treat them as read-only.
//
// Memory is the design driver (a million znodes must cost a fraction of
// Apache's footprint): nodes live in fixed-size chunks addressed by a
// uint32 id and hold no pointers, a node's path and data are one blob in
// an arena of pointer-free slabs (arena.go), the path index is an
// open-addressing table of ids, children are sets of ids (a slice, or an
// open-addressing table when large), and ACL lists are interned and
// reference counted (Apache's ReferenceCountedACLCache). Being
// pointer-free, the tree costs the garbage collector almost nothing to
// mark, however many znodes it holds (memory_test.go measures both).
package datatree
