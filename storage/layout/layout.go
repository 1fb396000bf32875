// Package layout names the directories Corral keeps its files in, so that
// the server, its recovery and the offline tools (dump, purge, import) can
// never disagree about where the transaction log and the snapshots live.
//
// Corral writes into a sub-directory "corral-v1" of dataDir (snapshots)
// and of dataLogDir, or dataDir when dataLogDir is empty (log segments):
//
//	<dataDir>/corral-v1/snapshot.<zxid>      snapshots (storage/snapshot)
//	<dataLogDir>/corral-v1/log.<zxid>        log segments (storage/txnlog)
//
// The name keeps Corral's files apart from Apache ZooKeeper's "version-2",
// so both can share a dataDir during a migration, and the "v1" leaves room
// for a future incompatible layout to live next to this one. With no
// dataLogDir, snapshots and segments share one directory (their names
// never collide).
package layout

import "path/filepath"

// SubDir is the directory Corral creates in dataDir and dataLogDir.
const SubDir = "corral-v1"

// Dirs returns the directory of the transaction log segments and the
// directory of the snapshots. An empty dataLogDir means dataDir, as in
// zoo.cfg.
func Dirs(dataDir, dataLogDir string) (logDir, snapDir string) {
	if dataLogDir == "" {
		dataLogDir = dataDir
	}
	return filepath.Join(dataLogDir, SubDir), filepath.Join(dataDir, SubDir)
}
