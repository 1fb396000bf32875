package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// pane is a program running in a tmux pseudo-terminal: the test types
// keys into it and reads the screen as a user would see it.
type pane struct {
	t    *testing.T
	sock string
}

const tmuxPath = "tmux"

// startPane runs argv in a new 160x50 tmux session on a private server.
// The pane stays after the program exits, so its last screen can be
// read.
func startPane(t *testing.T, argv ...string) *pane {
	t.Helper()
	if _, err := exec.LookPath(tmuxPath); err != nil {
		if harness.InCI() {
			t.Fatalf("tmux is missing in CI; run tests/install-deps.sh")
		}
		t.Skip("tmux is missing; run tests/install-deps.sh")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "tmux.conf")
	require.NoError(t, os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g history-limit 10000\n"), 0o644))
	p := &pane{t: t, sock: filepath.Join(dir, "sock")}
	args := append([]string{"-f", conf, "new-session", "-d", "-x", "160", "-y", "50", "-s", "cli", "--"}, argv...)
	p.tmux(args...)
	t.Cleanup(func() { _ = exec.Command(tmuxPath, "-S", p.sock, "kill-server").Run() })
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	cmd := exec.Command(tmuxPath, append([]string{"-S", p.sock}, args...)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// typeText types s literally; keys sends named keys (Enter, Tab, Up, C-u).
func (p *pane) typeText(s string) { p.tmux("send-keys", "-t", "cli", "-l", s) }

func (p *pane) keys(k ...string) { p.tmux(append([]string{"send-keys", "-t", "cli"}, k...)...) }

// screen is everything the pane shows, scrollback included, without
// trailing blank lines.
func (p *pane) screen() string {
	return strings.TrimRight(p.tmux("capture-pane", "-p", "-J", "-t", "cli", "-S", "-"), "\n ")
}

// lastLine is the pane's last non-blank line: the prompt and what is
// being typed.
func (p *pane) lastLine() string {
	s := p.screen()
	return strings.TrimRight(s[strings.LastIndexByte(s, '\n')+1:], " ")
}

// waitFor polls the screen until cond holds (30 s at most: CI machines are shared).
func (p *pane) waitFor(what string, cond func(screen string) bool) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := p.screen()
		if cond(s) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s; the screen shows:\n%s%s", what, s, p.goroutines())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// goroutines makes a shell that seems stuck print its goroutines (Go
// does on SIGQUIT) and returns them, for the failure message.
func (p *pane) goroutines() string {
	pid, err := strconv.Atoi(strings.TrimSpace(p.tmux("display", "-p", "-t", "cli", "#{pane_pid}")))
	if err != nil || strings.TrimSpace(p.tmux("display", "-p", "-t", "cli", "#{pane_dead}")) == "1" {
		return ""
	}
	// The pane runs sh, which runs the shell under test.
	out, err := exec.Command("pgrep", "-P", strconv.Itoa(pid)).Output()
	if err == nil {
		if child, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			pid = child
		}
	}
	if syscall.Kill(pid, syscall.SIGQUIT) != nil {
		return ""
	}
	time.Sleep(time.Second)
	return "\n\nafter SIGQUIT:\n" + p.tmux("capture-pane", "-p", "-J", "-t", "cli", "-S", "-")
}

// waitLast waits until the last line is exactly want.
func (p *pane) waitLast(want string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("the last line to be %q", want), func(string) bool { return p.lastLine() == want })
}

// count is how often a whole line equal to s is on the screen.
func count(screen, s string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.TrimRight(l, " ") == s {
			n++
		}
	}
	return n
}

// TestInteractive drives `corral cli` on a pseudo-terminal: the prompt and
// its state, line editing, history recall, Tab completion, the history and
// redo commands, a watch event printed while a line is half typed, close
// and connect, and quit's exit status.
func TestInteractive(t *testing.T) {
	target := startTarget(t)
	bin := harness.BuildCorral(t)
	p := startPane(t, "/bin/sh", "-c", `"$0" "$@"; echo "[exit $?]"`, bin, "cli", "-server", target.Addr)
	prompt := func(state string, n int) string { return fmt.Sprintf("[zk: %s(%s) %d]", target.Addr, state, n) }

	// The connection event is printed above the prompt, which then shows
	// the new state.
	p.waitLast(prompt("CONNECTED", 0))
	require.Contains(t, p.screen(), "Welcome to ZooKeeper!\nJLine support is enabled\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n")

	p.typeText("create /app hello")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 1))
	require.Contains(t, p.screen(), "\nCreated /app\n")

	// Line editing: Home, arrows, insertion in the middle, ^U.
	p.typeText("gt /app")
	p.keys("Home", "Right")
	p.typeText("e")
	p.keys("End")
	p.waitLast(prompt("CONNECTED", 1) + " get /app")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 2))
	require.Equal(t, 1, count(p.screen(), "hello"))
	p.typeText("garbage typed by mistake")
	p.keys("C-u")
	p.typeText("ls /")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 3))
	require.Equal(t, 1, count(p.screen(), "[app, zookeeper]"))

	// History recall: Up twice brings back "get /app".
	p.keys("Up")
	p.waitLast(prompt("CONNECTED", 3) + " ls /")
	p.keys("Up")
	p.waitLast(prompt("CONNECTED", 3) + " get /app")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 4))
	require.Equal(t, 2, count(p.screen(), "hello"))

	// Tab completes a path, then lists an ambiguous one.
	p.typeText("create /app/alpha")
	p.keys("Enter")
	p.typeText("create /app/alpine")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 6))
	p.typeText("ls /app/al")
	p.keys("Tab")
	p.waitLast(prompt("CONNECTED", 6) + " ls /app/alp")
	p.keys("Tab")
	p.waitFor("the candidates", func(s string) bool { return strings.Contains(s, "\nalpha   alpine\n") })
	p.waitLast(prompt("CONNECTED", 6) + " ls /app/alp")
	p.typeText("h")
	p.keys("Tab")
	p.waitLast(prompt("CONNECTED", 6) + " ls /app/alpha")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 7))
	// ... and a command name.
	p.typeText("getAllC")
	p.keys("Tab")
	p.waitLast(prompt("CONNECTED", 7) + " getAllChildrenNumber")
	p.typeText(" /ap")
	p.keys("Tab", "Enter")
	p.waitLast(prompt("CONNECTED", 8))
	require.Contains(t, p.screen(), prompt("CONNECTED", 7)+" getAllChildrenNumber /app\n2\n")

	// history and redo.
	p.typeText("history")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 9))
	require.Contains(t, p.screen(), "\n0 - create /app hello\n1 - get /app\n2 - ls /\n3 - get /app\n4 - create /app/alpha\n")
	require.Contains(t, p.screen(), "\n7 - getAllChildrenNumber /app\n8 - history\n")
	p.typeText("redo 1")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 10))
	require.Equal(t, 3, count(p.screen(), "hello"))

	// A watch event arrives while a line is half typed: it is printed
	// above a fresh prompt that still holds the typed text.
	p.typeText("get -w /app")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 11))
	p.typeText("ls /ap")
	p.waitLast(prompt("CONNECTED", 11) + " ls /ap")
	c, _, err := zk.Connect([]string{target.Addr}, 10*time.Second, zk.WithLogger(quiet{}))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Set("/app", []byte("changed"), -1)
	require.NoError(t, err)
	p.waitFor("the watch event", func(s string) bool {
		return strings.Contains(s, "\nWATCHER::\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/app\n")
	})
	p.waitLast(prompt("CONNECTED", 11) + " ls /ap")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 12))
	require.Contains(t, p.screen(), prompt("CONNECTED", 11)+" ls /ap\nNode does not exist: /ap\n")

	// close and connect show in the prompt's state.
	p.typeText("close")
	p.keys("Enter")
	p.waitLast(prompt("CLOSED", 13))
	p.typeText("ls /")
	p.keys("Enter")
	p.waitLast(prompt("CLOSED", 14))
	require.Contains(t, p.screen(), prompt("CLOSED", 13)+" ls /\nNot connected\n")
	p.typeText("connect " + target.Addr)
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 15))

	// quit ends the shell with the last command's status (0).
	p.typeText("get /nope")
	p.keys("Enter")
	p.waitLast(prompt("CONNECTED", 16))
	p.typeText("quit")
	p.keys("Enter")
	// The pane's shell prints the exit status (tmux's own record of it is
	// not reliable in tmux 3.3).
	exited := regexp.MustCompile(`\n\[exit (\d+)\]`)
	p.waitFor("the shell to exit", func(s string) bool { return exited.MatchString(s) })
	status, err := strconv.Atoi(exited.FindStringSubmatch(p.screen())[1])
	require.NoError(t, err)
	require.Equal(t, 1, status, "quit exits with the status of the command before it (get /nope failed)")
	require.Contains(t, p.screen(), "] quit\n\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n[exit 1]")
}
