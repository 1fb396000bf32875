// Package cli is `corral cli`, a command-line shell that is zkCli.sh
// (Apache ZooKeeper 3.8's ZooKeeperMain) without the JVM: the same
// commands and flags, the same output on the same streams, the same error
// messages and exit codes, so that scripts and operators' habits carry
// over. Each command follows its Java CliCommand step by step, quirks
// included (commons-cli's option parsing and messages, the deprecated
// "cmd path watch" forms, redo's history rewriting, the fall-through of
// the shell's own commands to "Not connected"), because the order of
// checks decides which message a mistake gets.
//
// It runs in three modes, as zkCli does: one command from the command line
// (one-shot), a session read from a pipe, or an interactive session on a
// terminal with line editing, history recall and Tab completion of command
// names and znode paths (terminal.go, complete.go). Watch events are
// printed by the session's watcher as they arrive; on a terminal they
// appear above the prompt, which is redrawn with the half-typed line.
//
// The session is a client.Conn (package client), whose dispatcher delivers
// events before the completion of the call whose reply followed them, so a
// command's own watch events are printed before its result.
package cli
