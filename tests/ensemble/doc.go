// Package ensemble holds the multi-process ensemble scenarios of issue 4:
// real servers started from zoo.cfg and myid files (tests/harness
// StartEnsemble), real go-zookeeper clients, faults by kill -9 and by
// network partitions between per-server network namespaces, and a write
// checker that finds every acknowledged write on every server in one order.
//
// Every scenario runs on Apache ZooKeeper 3.8 first, which proves the
// scenario and the harness, and on Corral once its ensemble is wired: set
// CORRAL_ENSEMBLE=1, or flip corralEnsembleReady in targets_test.go.
//
// The partition scenarios need root (network namespaces, iptables); CI runs
// as root, and there a missing capability fails the tests instead of
// skipping them.
package ensemble
