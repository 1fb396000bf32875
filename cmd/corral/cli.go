package main

import (
	"os"

	"github.com/corral-zk/corral/cli"
)

func init() {
	register(command{name: "cli", summary: "[-server host:port] [cmd args]   zkCli-compatible shell; one-shot with a command (corral cli -h)", run: runCli})
}

// runCli is `corral cli`: it exits with the shell's own exit code (zkCli's:
// 1 for a failed command, 127 for an unknown one), not through main's
// error path.
func runCli(args []string) error {
	cli.Version = version()
	os.Exit(cli.Main(args, os.Stdin, os.Stdout, os.Stderr))
	return nil
}
