// Package kazoo runs python kazoo (Debian's python3-kazoo), a widely used
// client with its own recipes, against Corral and Apache ZooKeeper: basic
// CRUD, ephemeral and sequential nodes, a watch, and the Lock recipe
// contended by two sessions.
package kazoo
