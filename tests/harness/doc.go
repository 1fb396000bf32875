// Package harness runs the real things Corral must be compatible with: the
// Corral binary, Apache ZooKeeper 3.8 from Debian (the behavioural oracle),
// Debian's zkCli.sh and the python kazoo client. Every process it starts
// listens on loopback only, is bounded by timeouts, and is stopped in
// t.Cleanup, with its output shown when the test failed.
//
// The tools come from Debian packages installed by tests/install-deps.sh;
// RequireCClient and RequireCurator (clients.go) probe for the C client and
// Curator that tests/clients drives.
// Outside CI a missing tool skips the test with the install command; in CI
// (CI set) it fails, so that a broken image never turns into a green run.
package harness
