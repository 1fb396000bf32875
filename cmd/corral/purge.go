package main

import (
	"fmt"
	"os"

	"github.com/corral-zk/corral/storage/layout"
	"github.com/corral-zk/corral/storage/purge"
)

func init() {
	register(command{name: "purge", summary: "--data-dir D [--data-log-dir L] [-n count]   remove all but the newest count (>= 3) snapshots and the log they no longer need",
		run: runPurge})
}

// runPurge is `corral purge`, Apache's PurgeTxnLog for Corral's data: safe
// to run while a server uses the directories.
func runPurge(args []string) error {
	fs := newFlags("purge", "purge --data-dir D [--data-log-dir L] [-n count]")
	dataDir := fs.String("data-dir", "", "the server's dataDir (required)")
	dataLogDir := fs.String("data-log-dir", "", "the server's dataLogDir, if it has one")
	n := fs.Int("n", purge.MinRetain, fmt.Sprintf("snapshots to keep, at least %d", purge.MinRetain))
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if *dataDir == "" || len(pos) > 0 {
		fs.Usage()
		return errUsage
	}
	logDir, snapDir := layout.Dirs(*dataDir, *dataLogDir)
	if _, err := os.Stat(snapDir); err != nil {
		return fmt.Errorf("purge: %w (is %s a Corral dataDir?)", err, *dataDir)
	}
	res, err := purge.Run(logDir, snapDir, *n)
	for _, p := range res.Removed {
		fmt.Println("removed", p)
	}
	if err != nil {
		return err
	}
	if len(res.Keep) == 0 {
		fmt.Println("no valid snapshot: nothing removed")
		return nil
	}
	fmt.Printf("kept %d snapshots (oldest at zxid %#x) and the log from zxid %#x; removed %d files\n",
		len(res.Keep), res.Keep[len(res.Keep)-1], res.KeepLogFrom, len(res.Removed))
	return nil
}
