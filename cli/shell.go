package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corral-zk/corral/client"
	"github.com/corral-zk/corral/wire"
)

// Shell is zkCli's ZooKeeperMain: the session, the numbered history, the
// printwatches switch and the exit code, and the rules by which a line
// becomes a command. Its output goes to two writers, like System.out and
// System.err, which must be safe for concurrent use: watch events are
// printed from the client's dispatch goroutine while commands run.
type Shell struct {
	out, err io.Writer

	timeout           time.Duration
	readOnly          bool
	waitForConnection bool
	// lazy delays the first connection until a command needs the server,
	// which one-shot mode uses so that a command answered locally
	// (history, a usage error) prints no connection event, every time.
	lazy bool

	// mu guards the fields the prompt shows (zk, host, commandCount,
	// lazy) against the watcher, which rebuilds the prompt on its own
	// goroutine; the shell's goroutine is their only writer.
	mu           sync.Mutex
	zk           *client.Conn
	host         string
	commandCount int

	history  map[int]string
	exitCode int
	quit     bool

	printWatches atomic.Bool
	exiting      atomic.Bool // set at exit: the Closed event of the shell's own close is not printed

	// stateChanged is called from the watcher on every event, before the
	// event is printed, so an interactive prompt can show the new state.
	stateChanged func()

	latchMu sync.Mutex
	latch   chan struct{} // -waitforconnection: closed on SyncConnected
}

// newShell makes a shell printing to out and err.
func newShell(out, err io.Writer, o Options) *Shell {
	s := &Shell{out: out, err: err, timeout: o.Timeout, readOnly: o.ReadOnly,
		waitForConnection: o.WaitForConnection, history: map[int]string{}}
	s.printWatches.Store(true)
	return s
}

var ctx = context.Background()

// watcher is ZooKeeperMain.MyWatcher, the default watcher of every
// session the shell opens.
func (s *Shell) watcher(ev client.Event) {
	if s.stateChanged != nil {
		s.stateChanged()
	}
	ownClose := s.exiting.Load() && ev.Type == wire.EventNone && ev.State == wire.StateClosed
	if s.printWatches.Load() && !ownClose {
		// printMessage prints "\n" + msg for each of the two lines.
		io.WriteString(s.out, "\nWATCHER::\n\n"+ev.String()+"\n")
	}
	if ev.Type == wire.EventNone && ev.State == wire.StateSyncConnected {
		s.latchMu.Lock()
		if s.latch != nil {
			close(s.latch)
			s.latch = nil
		}
		s.latchMu.Unlock()
	}
}

// connectToZK is ZooKeeperMain.connectToZK: close the current session if
// it is alive and open one to newHost; with -waitforconnection, wait for
// it for the session timeout.
func (s *Shell) connectToZK(newHost string) error { return s.open(newHost, s.waitForConnection) }

func (s *Shell) open(newHost string, wait bool) error {
	if s.zk != nil && s.zk.State().IsAlive() {
		s.zk.Close()
	}
	s.mu.Lock()
	s.host = newHost
	s.mu.Unlock()
	var latch chan struct{}
	if wait {
		latch = make(chan struct{})
		s.latchMu.Lock()
		s.latch = latch
		s.latchMu.Unlock()
	}
	zk, err := client.New(newHost, client.Options{SessionTimeout: s.timeout, ReadOnly: s.readOnly, Watcher: s.watcher})
	s.mu.Lock()
	s.zk = zk // nil when the connect string is malformed
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if latch != nil {
		select {
		case <-latch:
		case <-time.After(s.timeout):
			zk.Close()
			return &client.Error{Code: wire.ErrConnectionLoss}
		}
	}
	return nil
}

// c is the session a command operates on. In lazy (one-shot) mode the
// first operation opens it, so that a command that never reaches the
// server prints no connection event.
func (s *Shell) c() *client.Conn {
	if s.zk == nil && s.lazy {
		s.setLazy(false)
		_ = s.open(s.host, false) // cannot fail: Main checked the connect string
	}
	return s.zk
}

// cpath is c for a command on path: in lazy (one-shot) mode a path the
// client would refuse anyway (client.ValidatePath) is refused before the
// session opens, so that the command prints its error and no connection
// event, every time (zkCli's one-shot `get nopath` never connects).
func (s *Shell) cpath(path string) (*client.Conn, error) {
	if s.zk == nil && s.lazy {
		if err := client.ValidatePath(path); err != nil {
			return nil, err
		}
	}
	return s.c(), nil
}

func (s *Shell) setLazy(v bool) {
	s.mu.Lock()
	s.lazy = v
	s.mu.Unlock()
}

// prompt is ZooKeeperMain.getPrompt.
func (s *Shell) prompt() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	state := "CLOSED"
	if s.zk != nil {
		state = s.zk.State().String()
	} else if s.lazy {
		state = "CONNECTING"
	}
	return "[zk: " + s.host + "(" + state + ") " + strconv.Itoa(s.commandCount) + "] "
}

// executeLine is ZooKeeperMain.executeLine: a non-empty line is split,
// numbered into the history, and run. (A line of blanks splits into one
// blank word, an unknown command, as in zkCli.)
func (s *Shell) executeLine(line string) {
	if line == "" {
		return
	}
	words := splitLine(line)
	s.history[s.commandCount] = line
	s.processCmd(words)
	s.mu.Lock()
	s.commandCount++
	s.mu.Unlock()
}

// processCmd is ZooKeeperMain.processCmd: run, and record the exit code
// (0 on success, the error's otherwise, whose message goes to stderr).
func (s *Shell) processCmd(words []string) {
	err := s.processZKCmd(words)
	if s.quit {
		return // quit exits with the code of the command before it
	}
	if err == nil {
		s.exitCode = 0
		return
	}
	ce := wrap(err)
	s.exitCode = ce.code
	fmt.Fprintln(s.err, ce.msg)
}

// processZKCmd is ZooKeeperMain.processZKCmd, including its quirks: the
// shell commands fall through to the "Not connected" check, and a redo
// runs the old line as a nested command (whose failure is printed, while
// the redo itself succeeds).
func (s *Shell) processZKCmd(words []string) error {
	if len(words) < 1 {
		printUsage(s.err)
		return malformed("No command entered")
	}
	cmd := words[0]
	if !isCommand(cmd) {
		printUsage(s.err)
		return &cliError{msg: "Command not found: Command not found " + cmd, code: 127}
	}
	switch {
	case cmd == "quit":
		if s.zk == nil && s.lazy {
			// zkCli's session would be connected by now, and closing it
			// prints SyncConnected and Closed; so connect first.
			s.setLazy(false)
			_ = s.open(s.host, true)
		}
		if s.zk != nil {
			s.zk.Close()
		}
		s.quit = true
		return nil
	case cmd == "redo" && len(words) >= 2:
		i, err := decodeInt(words[1])
		if err != nil {
			return err
		}
		if s.commandCount <= i || i < 0 {
			return malformed("Command index out of range")
		}
		line := s.history[i]
		again := splitLine(line)
		if len(again) > 0 && again[0] == "redo" {
			return malformed("No redoing redos")
		}
		s.history[s.commandCount] = line
		s.processCmd(again)
		if s.quit {
			return nil
		}
	case cmd == "history":
		for i := s.commandCount - 10; i <= s.commandCount; i++ {
			if i < 0 {
				continue
			}
			h, ok := s.history[i]
			if !ok {
				h = "null"
			}
			fmt.Fprintf(s.out, "%d - %s\n", i, h)
		}
	case cmd == "printwatches":
		if len(words) == 1 {
			state := "off"
			if s.printWatches.Load() {
				state = "on"
			}
			fmt.Fprintf(s.out, "printwatches is %s\n", state)
		} else {
			s.printWatches.Store(words[1] == "on")
		}
	case cmd == "connect":
		host := s.host
		if len(words) >= 2 {
			host = words[1]
		}
		s.setLazy(false)
		if err := s.connectToZK(host); err != nil {
			return err
		}
	}

	// Below commands all need a live connection (one still to be opened
	// in lazy mode counts).
	if !s.lazy && (s.zk == nil || !s.zk.State().IsAlive()) {
		fmt.Fprintln(s.out, "Not connected")
		return nil
	}
	if c, ok := commands[cmd]; ok {
		_, err := c.run(s, words)
		return err
	}
	return nil
}

// shutdown ends the shell's session. zkCli exits without closing it, and
// the session lingers on the server until it expires; closing it releases
// its ephemerals at once. The Closed event this causes is not printed
// (zkCli prints none), but events that arrived before are, every time:
// Close returns once they have been delivered.
func (s *Shell) shutdown() {
	s.exiting.Store(true)
	if s.zk != nil {
		s.zk.Close()
	}
}
