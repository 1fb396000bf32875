// Package importer tests `corral import` against real Apache ZooKeeper 3.8
// data: Debian's Apache server writes a varied tree through go-zookeeper
// (with a tiny snapCount, so the data spans many fuzzy snapshots and log
// files), is stopped, and its data directory is imported with the real
// `corral` binary. Corral started on the result must serve the same tree
// as Apache itself restarted on its own directory: every path, data, ACL
// and stat field, the ephemerals of the sessions still alive, and the
// zxid sequence continued. The same Apache directory, copied and damaged,
// checks that the importer refuses what Apache would refuse and reads
// what Apache would read. The dump tools run on the same files.
package importer
