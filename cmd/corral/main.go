// Command corral is the Corral server and its tools.
//
//	corral server [--config zoo.cfg]   run a server (standalone on :2181 with data in ./data by default)
//	corral version
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "server":
		err = runServer(os.Args[2:])
	case "bench":
		err = runBench(os.Args[2:])
	case "version", "--version":
		fmt.Println(version())
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "corral: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "corral:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: corral <command> [flags]

commands:
  server [--config zoo.cfg]   run a server; with no config: standalone, port 2181, data in ./data
  bench [flags]               load generator for Corral or Apache ZooKeeper (corral bench -h)
  version                     print the version
`)
}
