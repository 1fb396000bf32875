// Package clients runs Apache ZooKeeper's own client libraries other than
// the Java one zkCli.sh uses, as unchanged processes, against Apache
// ZooKeeper 3.8 and against Corral, and requires the same normalized
// transcript from both (and checks its key facts on their own, so that two
// equally wrong answers do not pass):
//
//   - the C client (libzookeeper-mt, Debian's zookeeper-bin and
//     libzookeeper-mt-dev): cclient/scenario.c, compiled by the test with
//     gcc, covers every create mode, versions, watches of every kind,
//     removeWatches, ACLs and digest auth, sync, multi, a reconnect through a
//     cut TCP proxy (SetWatches with 64 watches, auth re-sent), session
//     expiry while cut off, chroot, 1 MB data and an over-limit request,
//     bad session passwords and auth failure;
//   - cli_mt, the C client's shell, in one-shot mode (-c): create, create2,
//     get, set, ls, ls2, sync, delete and their error codes;
//   - Curator 5.4 (Debian's libcurator-*-java): curator/Recipes.java,
//     compiled by the test with javac, runs InterProcessMutex, LeaderLatch,
//     DistributedAtomicLong, SharedCount, CuratorCache, PersistentNode,
//     transactions, namespaces and creatingParentsIfNeeded.
//
// The programs print markers (#z zxid, #s session, #o ephemeralOwner, #t
// time) that Normalize replaces by names of first appearance.
package clients
