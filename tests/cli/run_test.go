package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness"
	"github.com/corral-zk/corral/tests/harness/transcript"
)

// result is what one run of a shell printed, and how it exited.
type result struct {
	stdout, stderr string
	code           int
}

// shell is a zkCli-compatible command-line client to run.
type shell struct {
	name string
	argv func(addr string, args []string) []string
	env  []string
}

// zkCliJVMFlags are the harness's start-up-friendly JVM flags for zkCli.sh
// (most of its second is spent starting the JVM).
const zkCliJVMFlags = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -Djava.net.preferIPv4Stack=true"

func zkCli(t *testing.T) shell {
	harness.RequireApache(t)
	return shell{
		name: "zkCli.sh",
		argv: func(addr string, args []string) []string {
			return append([]string{harness.ZkCliPath, "-server", addr}, args...)
		},
		env: []string{"CLIENT_JVMFLAGS=" + zkCliJVMFlags},
	}
}

func corralCli(t *testing.T) shell {
	bin := harness.BuildCorral(t)
	return shell{
		name: "corral cli",
		argv: func(addr string, args []string) []string {
			return append([]string{bin, "cli", "-server", addr}, args...)
		},
	}
}

// run starts sh against addr with args, stdin as its input, and waits (at
// most 90 s: a shell that hangs fails the test instead of the run).
func (sh shell) run(t *testing.T, addr, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	argv := sh.argv(addr, args)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), sh.env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: dropSLF4J(errb.String())}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s %q timed out\nstdout:\n%s\nstderr:\n%s", sh.name, args, r.stdout, r.stderr)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %q: %v", sh.name, args, err)
	}
	return r
}

// dropSLF4J removes the warnings Debian's zkCli prints because no SLF4J
// binding is on its class path.
func dropSLF4J(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, "SLF4J: ") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// Separators put after every command of a piped session, so that its
// output can be cut per command on each stream: printwatches prints
// "printwatches is on|off" on stdout (then "Not connected" when the
// session is gone), and an out-of-range redo prints "Command index out of
// range" on stderr. Both are answered by the shell itself.
const (
	sepOut = "printwatches"
	sepErr = "redo 999999"
)

var sepOutLine = regexp.MustCompile(`^printwatches is (on|off)$`)

// session is a piped run cut into per-command outputs.
type session struct {
	out, err []string   // what each command printed on stdout / stderr
	events   [][]string // the watch and session events printed during each command
	greeting []string   // the lines before the first command's output
}

// allEvents flattens the events in arrival order.
func (s session) allEvents() []string {
	var all []string
	for _, e := range s.events {
		all = append(all, e...)
	}
	return all
}

// runSession runs cmds through sh's stdin, with separators, and cuts the
// output per command.
func runSession(t *testing.T, sh shell, addr string, cmds []string) session {
	t.Helper()
	var in strings.Builder
	for _, c := range cmds {
		in.WriteString(c + "\n" + sepOut + "\n" + sepErr + "\n")
	}
	r := sh.run(t, addr, in.String())
	s, err := cutSession(r, len(cmds))
	if err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", sh.name, err, r.stdout, r.stderr)
	}
	return s
}

// cutSession splits a piped run at the separators. Event notifications
// ("\nWATCHER::" and "\nWatchedEvent ...", printed by zkCli from another
// thread) are taken out of the text and kept per command.
func cutSession(r result, n int) (session, error) {
	s := session{out: make([]string, 0, n), err: make([]string, 0, n), events: make([][]string, 0, n)}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	var cur strings.Builder
	var evs []string
	greeting := true
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		switch {
		case greeting && (strings.HasPrefix(l, "Connecting to ") || l == "Welcome to ZooKeeper!" || strings.HasPrefix(l, "JLine support is ")):
			s.greeting = append(s.greeting, l)
		case l == "" && (next == "WATCHER::" || strings.HasPrefix(next, "WatchedEvent ")):
		case l == "WATCHER::":
		case strings.HasPrefix(l, "WatchedEvent "):
			evs = append(evs, l)
		case sepOutLine.MatchString(l):
			greeting = false
			if next == "Not connected" {
				i++
			}
			s.out = append(s.out, cur.String())
			s.events = append(s.events, evs)
			cur.Reset()
			evs = nil
		default:
			greeting = false
			cur.WriteString(l + "\n")
		}
	}
	if len(s.out) != n {
		return s, errors.New("stdout has " + strconv.Itoa(len(s.out)) + " separators, want " + strconv.Itoa(n))
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		return s, errors.New("stdout continues after the last separator: " + rest)
	}
	s.events[n-1] = append(s.events[n-1], evs...) // events printed after the last separator
	cur.Reset()
	for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if l == "Command index out of range" {
			s.err = append(s.err, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(l + "\n")
	}
	if len(s.err) != n {
		return s, errors.New("stderr has " + strconv.Itoa(len(s.err)) + " separators, want " + strconv.Itoa(n))
	}
	return s, nil
}

var authFailedFor = regexp.MustCompile(`^KeeperErrorCode = AuthFailed for \S+\n$`)

var (
	zxidLine  = regexp.MustCompile(`(?m)^(cZxid|mZxid|pZxid) = 0x([0-9a-f]+)$`)
	timeLine  = regexp.MustCompile(`(?m)^(ctime|mtime) = (.+)$`)
	ownerLine = regexp.MustCompile(`(?m)^ephemeralOwner = 0x([0-9a-f]+)$`)
)

// normalize rewrites what differs legitimately between two runs: zxids and
// session ids (named in order of appearance by n, so equalities must
// match), times (except the epoch, which the system nodes show), and the
// server's address.
func normalize(n *transcript.Normalizer, addr, s string) string {
	s = strings.ReplaceAll(s, addr, "ADDR")
	s = zxidLine.ReplaceAllStringFunc(s, func(l string) string {
		m := zxidLine.FindStringSubmatch(l)
		v, _ := strconv.ParseUint(m[2], 16, 64)
		return m[1] + " = " + n.Zxid(int64(v))
	})
	s = timeLine.ReplaceAllStringFunc(s, func(l string) string {
		m := timeLine.FindStringSubmatch(l)
		if strings.HasPrefix(m[2], "Thu Jan 01 00:00:00 ") && strings.HasSuffix(m[2], " 1970") {
			return m[1] + " = epoch"
		}
		if _, err := time.Parse("Mon Jan 02 15:04:05 MST 2006", m[2]); err != nil {
			return m[1] + " = BAD DATE " + m[2]
		}
		return m[1] + " = t"
	})
	return ownerLine.ReplaceAllStringFunc(s, func(l string) string {
		v, _ := strconv.ParseUint(ownerLine.FindStringSubmatch(l)[1], 16, 64)
		return "ephemeralOwner = " + n.Owner(int64(v))
	})
}

// transcriptOf renders a session for comparison: per command, the command,
// its normalized stdout and stderr. A command that ran into an auth
// failure racing with it ("KeeperErrorCode = AuthFailed for ...") and one
// that found the session already dead ("Not connected") are rendered
// alike: which one happens depends on timing, in zkCli as in corral cli.
//
// For the steps in racyDeath the output may also be empty: when the
// separator before such a step still found the session alive and the step
// itself found it dead, its "Not connected" directly follows the
// separator's line and cutSession cannot tell it from the separator's own
// (seen once in CI with zkCli.sh).
func transcriptOf(cmds []string, s session, addr string) string {
	n := transcript.NewNormalizer()
	var b strings.Builder
	for i, c := range cmds {
		b.WriteString("> " + strings.ReplaceAll(c, addr, "ADDR") + "\n")
		dead := s.out[i] == "Not connected\n" && s.err[i] == "" || s.out[i] == "" && authFailedFor.MatchString(s.err[i])
		if dead || racyDeath[i] && s.out[i] == "" && s.err[i] == "" {
			b.WriteString("dead session\n")
			continue
		}
		if s.out[i] != "" {
			b.WriteString(indent("out| ", normalize(n, addr, s.out[i])))
		}
		if s.err[i] != "" {
			b.WriteString(indent("err| ", normalize(n, addr, s.err[i])))
		}
	}
	return b.String()
}

func indent(prefix, s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString(prefix + strings.TrimSuffix(l, "\n") + "\n")
	}
	return b.String()
}
