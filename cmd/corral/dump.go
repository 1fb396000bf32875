package main

import (
	"io"
	"os"

	"github.com/corral-zk/corral/storage/snapshot"
	"github.com/corral-zk/corral/storage/txnlog"
)

func init() {
	register(dumpCommand("log", "print a txn log segment, Corral's or Apache's (log.<zxid>), one line per txn",
		"one JSON object per txn", txnlog.Dump))
	register(dumpCommand("snapshot", "print a snapshot, Corral's or Apache's (snapshot.<zxid>[.gz]): nodes with stat, sessions",
		"one JSON object per session and node, then a summary", snapshot.Dump))
}

// dumpCommand is `corral NAME dump FILE [--json]`: Apache's LogFormatter
// and SnapshotFormatter, for Corral's files and Apache's alike (the dump
// functions tell them apart by magic).
func dumpCommand(name, summary, jsonHelp string, dump func(w io.Writer, path string, asJSON bool) error) command {
	return command{name: name, summary: "dump FILE [--json]   " + summary, run: func(args []string) error {
		fs := newFlags(name, name+" dump FILE [--json]")
		asJSON := fs.Bool("json", false, jsonHelp)
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return helpOrErr(err)
		}
		if len(pos) != 2 || pos[0] != "dump" {
			fs.Usage()
			return errUsage
		}
		return dump(os.Stdout, pos[1], *asJSON)
	}}
}
