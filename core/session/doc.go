// Package session is the pure core of Corral's session tracker, the
// counterpart of Apache ZooKeeper's SessionTrackerImpl and ExpiryQueue.
//
// It decides which session ids exist, how long each may stay silent, which
// server owns it, and when it expires. It never reads a clock, starts a
// goroutine or touches a socket: the owning actor passes the current time in
// milliseconds to every call that needs it and turns the ids returned by
// Expired into closeSession transactions. That keeps expiry deterministic and
// testable tick by tick, and lets a replica replay the same decisions.
//
// The table is not safe for concurrent use; it belongs to a single actor.
package session
