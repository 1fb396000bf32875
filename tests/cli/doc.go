// Package cli tests `corral cli` and `corral admin` the way operators use
// them: the real binary against running servers (Corral, and Apache
// ZooKeeper 3.8 from Debian), next to Debian's own zkCli.sh, whose output
// is the reference.
//
//   - TestSession feeds one script of commands on stdin (a session with
//     watches, auth, close and reconnect) to zkCli.sh and to `corral cli`
//     against Apache, and to `corral cli` against Corral; what each command
//     prints on stdout and on stderr must be identical (zxids, times and
//     session ids normalized).
//   - TestOneShot runs single commands as `corral cli -server ... cmd` and
//     `zkCli.sh -server ... cmd`: stdout, stderr and exit code must match.
//   - TestInteractive drives the shell on a pseudo-terminal (tmux): line
//     editing, history recall, Tab completion of paths and commands, redo,
//     and a watch event printed while the prompt waits.
//   - TestAdmin checks `corral admin HOST:PORT CMD` against the servers'
//     four-letter words.
package cli
