package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

// parseInterleaved parses fs from args where flags may come before or
// after the positional arguments (`corral log dump FILE --json`), which
// the flag package alone stops at, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// errUsage is returned after a usage message has been printed: the
// command failed, and there is nothing more to say.
var errUsage = errors.New("bad usage")

// newFlags makes a command's flag set; its usage line is printed on -h
// and on bad usage.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: corral %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// helpOrErr turns -h into success (the usage was printed) and keeps
// other parse errors.
func helpOrErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
