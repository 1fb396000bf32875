// Command corral is the Corral server and its tools.
//
// Each subcommand lives in its own file and registers itself in init with
// register, so that adding a tool never touches this file.
package main

import (
	"fmt"
	"os"
	"sort"
)

// command is one `corral <name>` subcommand.
type command struct {
	name    string
	summary string // one line for the usage text, starting with the flags
	run     func(args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; called from init functions.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("corral: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func init() {
	register(command{name: "server", summary: "[--config zoo.cfg]   run a server; with no config: standalone, port 2181, data in ./data", run: runServer})
	register(command{name: "bench", summary: "[flags]   load generator for Corral or Apache ZooKeeper (corral bench -h)", run: runBench})
	register(command{name: "version", summary: "  print the version", run: func([]string) error { fmt.Println(version()); return nil }})
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	name := os.Args[1]
	switch name {
	case "help", "-h", "--help":
		usage()
		return
	case "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "corral: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := c.run(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "corral:", err)
		os.Exit(1)
	}
}

func usage() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprint(os.Stderr, "usage: corral <command> [flags]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %s %s\n", n, commands[n].summary)
	}
}
