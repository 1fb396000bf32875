package main

import (
	"fmt"

	"github.com/corral-zk/corral/storage/importer"
)

func init() {
	register(command{name: "import", summary: "--zk-data-dir DIR [--zk-data-log-dir DIR] --data-dir OUT [--data-log-dir L]   migrate a stopped Apache ZooKeeper's data",
		run: runImport})
}

// runImport is `corral import`: Apache's version-2 snapshot and logs, read
// as Apache restores them, become a Corral data directory.
func runImport(args []string) error {
	fs := newFlags("import", "import --zk-data-dir DIR [--zk-data-log-dir DIR] --data-dir OUT [--data-log-dir L]")
	zkData := fs.String("zk-data-dir", "", "Apache's dataDir (or its version-2 directory); Apache must be stopped")
	zkLog := fs.String("zk-data-log-dir", "", "Apache's dataLogDir, if it has one")
	out := fs.String("data-dir", "", "Corral's dataDir; its corral-v1/ must be empty or absent")
	outLog := fs.String("data-log-dir", "", "Corral's dataLogDir, if it will have one")
	ext := fs.Bool("extended-types", false, "Apache ran with zookeeper.extendedTypesEnabled=true (TTL nodes)")
	trust := fs.Bool("trust-empty-snapshot", false, "with no snapshot, replay the logs over an empty tree (zookeeper.snapshot.trust.empty)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if *zkData == "" || *out == "" || len(pos) > 0 {
		fs.Usage()
		return errUsage
	}
	res, err := importer.Import(importer.Options{ZKDataDir: *zkData, ZKDataLogDir: *zkLog, DataDir: *out, DataLogDir: *outLog,
		ExtendedTypesEnabled: *ext, TrustEmptySnapshot: *trust})
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Println("warning: skipped a snapshot that does not read:", s)
	}
	if res.Snapshot != "" {
		fmt.Printf("snapshot %s (zxid %#x)\n", res.Snapshot, res.SnapshotZxid)
	}
	for _, l := range res.Logs {
		fmt.Println("log", l)
	}
	for _, p := range res.DeadEphemerals {
		fmt.Println("removed ephemeral of an expired session (as Apache does at start):", p)
	}
	fmt.Printf("imported %d znodes and %d sessions, %d txns replayed, last zxid %#x, in %v\nwrote %s\n",
		res.Nodes, len(res.Sessions), res.Replayed, res.LastZxid, res.Took.Round(1e6), res.Output)
	return nil
}
