package harness

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// zkCliTimeout bounds one zkCli.sh run. A batch normally takes about a
// second; the client retries forever when nobody answers, hence the bound.
const zkCliTimeout = 90 * time.Second

// cliSeparator is a command that zkCli answers locally, without the server,
// with a line no other command prints; ZkCliEach puts it after every command
// to split the output.
const (
	cliSeparator     = "redo 999999"
	cliSeparatorLine = "Command index out of range"
)

// ZkCli runs the commands through one Debian zkCli.sh process (batched on
// stdin: one JVM start instead of one per command) against addr, and returns
// its stdout and stderr, merged in order, with the start-up and logging noise
// removed. Watch notifications appear as "WatchedEvent ..." lines wherever
// the client's event thread happened to print them.
func ZkCli(t testing.TB, addr string, commands ...string) string {
	t.Helper()
	return cleanZkCli(runZkCli(t, addr, commands))
}

// CliRun is the output of ZkCliEach.
type CliRun struct {
	// Outputs holds what each command printed, in command order, each line
	// ending in "\n" (empty when the command printed nothing).
	Outputs []string
	// Events holds the "WatchedEvent ..." lines of node events in arrival
	// order. They are kept apart because zkCli prints them from another
	// thread, so their place among command outputs is a race.
	Events []string
}

// ZkCliEach is ZkCli with the output split per command.
func ZkCliEach(t testing.TB, addr string, commands ...string) CliRun {
	t.Helper()
	batch := make([]string, 0, 2*len(commands))
	for _, c := range commands {
		batch = append(batch, c, cliSeparator)
	}
	out := cleanZkCli(runZkCli(t, addr, batch))
	run, ok := splitZkCli(out, len(commands))
	if !ok {
		t.Fatalf("harness: zkCli output does not split into %d commands:\n%s", len(commands), out)
	}
	return run
}

func runZkCli(t testing.TB, addr string, commands []string) string {
	t.Helper()
	RequireApache(t)
	for _, c := range commands {
		if strings.Contains(c, "\n") {
			t.Fatalf("harness: zkCli command %q contains a newline", c)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), zkCliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ZkCliPath, "-server", addr)
	cmd.Stdin = strings.NewReader(strings.Join(commands, "\n") + "\n")
	cmd.Env = append(os.Environ(), "CLIENT_JVMFLAGS="+strings.Join(fastJVMFlags, " ")+" -Djava.net.preferIPv4Stack=true")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out // one pipe keeps stdout/stderr lines in order
	cmd.WaitDelay = 5 * time.Second
	// zkCli exits 1 when the last command failed; that is output, not a
	// harness failure. A timeout or a failure to run it is.
	err := cmd.Run()
	var exit *exec.ExitError
	if ctx.Err() != nil || (err != nil && !errors.As(err, &exit)) {
		t.Fatalf("harness: zkCli.sh -server %s: %v\ncommands: %q\noutput:\n%s", addr, err, commands, out.String())
	}
	return out.String()
}

// cleanZkCli drops zkCli's start-up banner, SLF4J warnings and connection
// state notifications, and reduces each node notification to its
// "WatchedEvent ..." line. zkCli prints notifications as "\nWATCHER::" and
// "\n<event>", so exactly the blank line before each of those goes too;
// other blank lines are command output (e.g. `get` of empty data).
func cleanZkCli(raw string) string {
	lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	var out []string
	for i, l := range lines {
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		switch {
		case l == "" && (next == "WATCHER::" || strings.HasPrefix(next, "WatchedEvent ")):
		case l == "WATCHER::":
		case strings.HasPrefix(l, "WatchedEvent ") && strings.Contains(l, " type:None "):
		case strings.HasPrefix(l, "SLF4J: "):
		case strings.HasPrefix(l, "Connecting to "), l == "Welcome to ZooKeeper!", strings.HasPrefix(l, "JLine support is "):
		default:
			out = append(out, l)
		}
	}
	return strings.TrimLeft(strings.Join(out, "\n"), "\n")
}

// splitZkCli cuts cleaned ZkCliEach output at the separator lines into n
// command outputs, pulling node notifications out into Events.
func splitZkCli(out string, n int) (CliRun, bool) {
	run := CliRun{Outputs: make([]string, 0, n)}
	var cur strings.Builder
	for _, l := range strings.Split(out, "\n") {
		switch {
		case l == cliSeparatorLine:
			run.Outputs = append(run.Outputs, cur.String())
			cur.Reset()
		case strings.HasPrefix(l, "WatchedEvent "):
			run.Events = append(run.Events, l)
		default:
			cur.WriteString(l + "\n")
		}
	}
	// After the last separator only the final newline may remain.
	rest := strings.TrimSpace(cur.String())
	return run, len(run.Outputs) == n && rest == ""
}
