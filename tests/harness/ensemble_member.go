package harness

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// member is one server process of an Ensemble: its addresses, files and the
// process currently running (if any). Unlike Server, starting a member does
// not wait for it to serve: a quorum server serves only once enough of its
// peers run, so the ensemble starts them all and then waits.
type member struct {
	id                                   int
	observer                             bool
	host                                 string // the address every port of this server binds
	clientPort, quorumPort, electionPort int
	adminPort                            int // 0: no AdminServer

	dir     string // private directory: zoo.cfg, data/, logs
	dataDir string
	cfgPath string
	outPath string // stdout+stderr of every run, appended
	logPath string // the server's own log file (Apache's zookeeper.log); outPath for Corral
	argv    []string

	mu      sync.Mutex
	cur     *memberRun
	runs    int
	stopped bool // the harness signalled the current run: its exit is expected
}

// memberRun is one process of a member.
type memberRun struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has been waited for
	err    error         // exit status, readable after exited is closed
}

func (m *member) clientAddr() string { return fmt.Sprintf("%s:%d", m.host, m.clientPort) }

// running reports whether the member's latest process is still alive.
func (m *member) running() bool {
	m.mu.Lock()
	r := m.cur
	m.mu.Unlock()
	if r == nil {
		return false
	}
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// crashed reports whether the current run exited without the harness
// asking it to, and how.
func (m *member) crashed() (bool, error) {
	m.mu.Lock()
	stopped := m.stopped
	m.mu.Unlock()
	exited, err := m.exitedRun()
	return exited && !stopped, err
}

// exitedRun returns the latest run's exit error when it has exited.
func (m *member) exitedRun() (bool, error) {
	m.mu.Lock()
	r := m.cur
	m.mu.Unlock()
	if r == nil {
		return false, nil
	}
	select {
	case <-r.exited:
		return true, r.err
	default:
		return false, nil
	}
}

// launch starts the member's process and returns at once.
func (m *member) launch() error {
	if m.running() {
		return fmt.Errorf("server %d is already running", m.id)
	}
	m.mu.Lock()
	m.runs++
	n := m.runs
	m.mu.Unlock()
	out, err := os.OpenFile(m.outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close() // the child keeps its own descriptor
	fmt.Fprintf(out, "=== harness: run %d of server %d (%s): %s\n", n, m.id, m.clientAddr(), strings.Join(m.argv, " "))
	cmd := exec.Command(m.argv[0], m.argv[1:]...)
	cmd.Dir = m.dir
	cmd.Stdout, cmd.Stderr = out, out
	// Own process group, and killed by the kernel if the test binary dies
	// (e.g. a -timeout panic), so that no server outlives its test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	r := &memberRun{cmd: cmd, exited: make(chan struct{})}
	go func() {
		r.err = cmd.Wait()
		close(r.exited)
	}()
	m.mu.Lock()
	m.cur = r
	m.stopped = false
	m.mu.Unlock()
	return nil
}

// signal sends sig to the running process and waits up to grace for it to
// exit; it reports whether the process is gone.
func (m *member) signal(sig syscall.Signal, grace time.Duration) bool {
	m.mu.Lock()
	r := m.cur
	m.stopped = true
	m.mu.Unlock()
	if r == nil {
		return true
	}
	return signalExit(r.cmd, r.exited, sig, grace)
}

// logSize is the current size of the member's log, a mark for logSince.
func (m *member) logSize() int64 {
	st, err := os.Stat(m.logPath)
	if err != nil {
		return 0
	}
	return st.Size()
}

// logSince returns what the member logged after mark.
func (m *member) logSince(mark int64) string {
	b, err := os.ReadFile(m.logPath)
	if err != nil || int64(len(b)) < mark {
		return string(b)
	}
	return string(b[mark:])
}
