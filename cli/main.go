package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/corral-zk/corral/client"
)

// Version is printed by the version command; cmd/corral sets it.
var Version = "corral"

// Options are zkCli's command-line options.
type Options struct {
	Server            string        // -server, default localhost:2181
	Timeout           time.Duration // -timeout (ms), default 30000
	ReadOnly          bool          // -r
	WaitForConnection bool          // -waitforconnection
}

// Usage is the text of `corral cli -h`.
const Usage = `usage: corral cli [-server host:port[,host:port...][/chroot]] [-timeout ms] [-r] [-waitforconnection] [cmd args...]

Without a command: an interactive shell (line editing, history, tab
completion of commands and znode paths) when stdin and stdout are a
terminal, otherwise commands are read from stdin one per line. With a
command: run it and exit with zkCli's exit code. Type "help" for the
commands.
`

// argsAction is what parseArgs asks Main to do.
type argsAction int

const (
	runShell argsAction = iota
	showUsage
	badArgs
)

// parseArgs is ZooKeeperMain.MyCommandOptions.parseOptions: options until
// the first word not starting with "-", which starts the command. Unknown
// options are ignored, as zkCli ignores them; an option missing its value
// is reported and the shell starts without a command, as zkCli's does. A
// -timeout that is not a number (zkCli dies of it) is an error.
func parseArgs(args []string, stderr io.Writer) (Options, []string, argsAction) {
	o := Options{Server: "localhost:2181", Timeout: 30 * time.Second}
	for i := 0; i < len(args); i++ {
		opt := args[i]
		value := func() (string, bool) {
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, "Error: no argument found for option "+opt)
				return "", false
			}
			i++
			return args[i], true
		}
		switch opt {
		case "-h", "-help", "--help":
			return o, nil, showUsage
		case "-server":
			if v, ok := value(); ok {
				o.Server = v
			} else {
				return o, nil, runShell
			}
		case "-timeout":
			v, ok := value()
			if !ok {
				return o, nil, runShell
			}
			ms, err := strconv.Atoi(v)
			if err != nil || ms <= 0 {
				fmt.Fprintf(stderr, "Error: -timeout %q is not a number of milliseconds\n", v)
				return o, nil, badArgs
			}
			o.Timeout = time.Duration(ms) * time.Millisecond
		case "-r":
			o.ReadOnly = true
		case "-waitforconnection":
			o.WaitForConnection = true
		case "-client-configuration":
			if _, ok := value(); !ok {
				return o, nil, runShell
			}
			fmt.Fprintln(stderr, "corral cli: -client-configuration (TLS/SASL client settings) is not supported; ignored")
		}
		if !strings.HasPrefix(opt, "-") {
			return o, args[i:], runShell
		}
	}
	return o, nil, runShell
}

// lockedWriter serializes writes from commands and from the watcher.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Main runs `corral cli` with its arguments and returns the exit code:
// one-shot mode exits as zkCli does (0, 1 for a failed command, 127 for an
// unknown one), a session as its last command did.
func Main(args []string, stdin, stdout, stderr *os.File) int {
	out, errw := &lockedWriter{w: stdout}, &lockedWriter{w: stderr}
	o, words, action := parseArgs(args, errw)
	switch action {
	case showUsage:
		io.WriteString(stderr, Usage)
		return 2
	case badArgs:
		return 1
	}
	sh := newShell(out, errw, o)
	fmt.Fprintln(out, "Connecting to "+o.Server)
	if words != nil {
		// One-shot. zkCli dies on a malformed connect string, and with
		// -waitforconnection it connects before running the command.
		if _, err := client.ParseConnectString(o.Server); err != nil {
			fmt.Fprintln(errw, err.Error())
			return 1
		}
		if o.WaitForConnection {
			if !sh.startSession(o.Server) {
				return 1
			}
		} else {
			sh.host, sh.lazy = o.Server, true
		}
		sh.processCmd(words)
		sh.shutdown()
		return sh.exitCode
	}
	if term.IsTerminal(int(stdin.Fd())) && term.IsTerminal(int(stdout.Fd())) {
		return runTerminal(sh, o, stdin, stdout, term.IsTerminal(int(stderr.Fd())))
	}
	if !sh.greetAndConnect(o, "JLine support is disabled") {
		return 1
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		sh.executeLine(sc.Text())
		if sh.quit {
			break
		}
	}
	sh.shutdown()
	return sh.exitCode
}

// greetAndConnect prints zkCli's greeting and opens the first session, in
// zkCli's order: with -waitforconnection it connects (and waits) first.
// The second greeting line tells whether lines are edited ("JLine support
// is enabled", as zkCli says when it can).
func (s *Shell) greetAndConnect(o Options, lineEditing string) bool {
	if o.WaitForConnection && !s.startSession(o.Server) {
		return false
	}
	fmt.Fprintln(s.out, "Welcome to ZooKeeper!")
	fmt.Fprintln(s.out, lineEditing)
	return o.WaitForConnection || s.startSession(o.Server)
}

// startSession opens the first session; a malformed connect string (or a
// -waitforconnection timeout) ends the shell, as it ends zkCli.
func (s *Shell) startSession(server string) bool {
	if err := s.connectToZK(server); err != nil {
		fmt.Fprintln(s.err, wrap(err).msg)
		return false
	}
	return true
}
