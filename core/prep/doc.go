// Package prep is the pure core of the prep stage (Apache's
// PrepRequestProcessor): it turns one client write into the txn that every
// replica will apply, giving it the next zxid and deciding everything that
// depends on the current state (sequence names, new versions, the parent's
// cversion, the ephemerals a closing session leaves behind, the error code
// of a request that cannot succeed).
//
// Writes are pipelined: the prep stage runs ahead of the stage that applies
// txns to the data tree, so the tree alone would answer "does /a exist?"
// wrongly for a create of /a that is prepared but not yet applied. Like
// Apache's outstandingChanges, the core keeps a change record per path
// touched by a prepared txn and reads through them before the tree. A
// record becomes useless once the tree has applied its txn
// (View.LastApplied() >= record zxid); it is then ignored on lookup and
// dropped by a sweep that does a bounded amount of work per Prepare, so the
// record map only holds the in-flight window.
//
// Determinism: the core has no clock, goroutine or I/O. Time, the tree view
// and the session's identities are arguments, and map iteration never
// decides an output (closeSession paths are sorted).
//
// Failure atomicity: Prepare only reads core state until its final commit
// step, which installs the new zxid and the change records of the request in
// one go. A panic anywhere before the commit (say, a View bug) leaves the
// core exactly as it was, with the zxid unconsumed; a failed multi is rolled
// back by simply not committing its records.
package prep
