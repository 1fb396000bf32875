// Package quorum tests Corral's ensemble end to end, in CI: a three-server
// ensemble elects a leader (srvr says leader and follower), a kill -9 of
// the leader under a write load loses no acknowledged write (the harness's
// checker), sessions work across servers (touches reported in PING
// replies keep a follower's client alive at the leader; an expired
// session's ephemerals go on every server in the same txn), a follower
// that loses its leader closes its clients' connections, and a leader
// without a quorum steps down. Real `corral server` processes on loopback,
// started from zoo.cfg and myid files (tests/harness), real go-zookeeper
// clients. The scenarios of tests/ensemble, proven on Apache, cover more
// (DIFF/SNAP/TRUNC, partitions, observers); they run on Corral with
// CORRAL_ENSEMBLE=1.
//
// The supervision cases, which need crash hooks armed inside a server,
// are in-process tests in actors/server (quorum_test.go).
package quorum
