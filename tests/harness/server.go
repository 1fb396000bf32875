package harness

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/corral-zk/corral/tests/harness/rawzk"
)

// Options configure a server started by StartCorral or StartApache.
type Options struct {
	// TickTime in milliseconds; 0 means DefaultTickTime (2000).
	TickTime int
	// Config holds extra zoo.cfg keys (e.g. "extendedTypesEnabled": "true"),
	// given to both servers; they may override the harness defaults.
	Config map[string]string
	// JVMProps are extra -D system properties for Apache only. Config keys
	// that Apache reads only as bare system properties (znode.container.*,
	// jute.maxbuffer) are passed that way automatically.
	JVMProps map[string]string
	// StartTimeout bounds the wait for the server to answer; 0 means 60s,
	// generous because the JVM shares two cores with parallel test packages.
	StartTimeout time.Duration
}

const (
	stopGrace     = 10 * time.Second // SIGTERM -> SIGKILL
	probeInterval = 50 * time.Millisecond
	tailLines     = 60
)

// Server is a running Corral or Apache ZooKeeper process on a loopback port.
type Server struct {
	Name       string // "corral" or "apache"
	Addr       string // 127.0.0.1:port, the client port
	DataDir    string
	ConfigPath string
	Dir        string // private directory holding config, data and logs

	t        testing.TB
	argv     []string
	opts     Options
	outPath  string   // stdout+stderr of every run, appended
	logPaths []string // further log files worth showing on failure

	mu   sync.Mutex
	cur  *run // the latest process, nil before the first start
	runs int
}

// run is one process of a Server.
type run struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has been waited for
	err    error         // exit status, readable after exited is closed
}

// newServer creates the server's private directory and data dir, registers
// its cleanup, writes zoo.cfg and starts it. argv builds the command line
// once the server's paths are known.
func newServer(t testing.TB, name string, opts Options, argv func(s *Server) []string) *Server {
	t.Helper()
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 60 * time.Second
	}
	dir := t.TempDir()
	s := &Server{
		Name: name, Dir: dir, DataDir: filepath.Join(dir, "data"), ConfigPath: filepath.Join(dir, "zoo.cfg"),
		t: t, opts: opts, outPath: filepath.Join(dir, name+".out"),
	}
	if err := os.MkdirAll(s.DataDir, 0o755); err != nil {
		t.Fatalf("harness: %v", err)
	}
	s.argv = argv(s)
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			s.logTails()
		}
	})
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.pickPortAndStart(); err == nil || !strings.Contains(strings.ToLower(err.Error()), "address already in use") {
			break
		}
	}
	if err != nil {
		t.Fatalf("harness: starting %s: %v", name, err)
	}
	return s
}

func (s *Server) pickPortAndStart() error {
	port, err := freeLoopbackPort()
	if err != nil {
		return err
	}
	s.Addr = fmt.Sprintf("127.0.0.1:%d", port)
	cfg := ZooCfg(s.opts.TickTime, s.DataDir, port, s.opts.Config)
	if err := os.WriteFile(s.ConfigPath, []byte(cfg), 0o644); err != nil {
		return err
	}
	return s.start()
}

// start launches the process and waits until it answers on Addr.
func (s *Server) start() error {
	s.mu.Lock()
	s.runs++
	n := s.runs
	s.mu.Unlock()
	out, err := os.OpenFile(s.outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close() // the child keeps its own descriptor
	fmt.Fprintf(out, "=== harness: run %d of %s on %s: %s\n", n, s.Name, s.Addr, strings.Join(s.argv, " "))
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = out, out
	// Own process group (a ^C meant for go test does not reach it first) and
	// killed by the kernel if the test binary dies, e.g. on -timeout panic,
	// so no server outlives its test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	r := &run{cmd: cmd, exited: make(chan struct{})}
	s.mu.Lock()
	s.cur = r
	s.mu.Unlock()
	go func() {
		r.err = cmd.Wait()
		close(r.exited)
	}()
	deadline := time.Now().Add(s.opts.StartTimeout)
	for {
		select {
		case <-r.exited:
			return fmt.Errorf("%s exited before answering on %s (%v):\n%s", s.Name, s.Addr, r.err, tail(s.outPath, tailLines))
		default:
		}
		if probe(s.Addr) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer on %s within %v:\n%s", s.Name, s.Addr, s.opts.StartTimeout, tail(s.outPath, tailLines))
		}
		time.Sleep(probeInterval)
	}
}

// notServing is what Apache's four-letter words answer while the server is
// listening but not yet serving; "ruok" says "imok" even then.
const notServing = "not currently serving requests"

// probe reports whether a ZooKeeper server serves clients on addr: "ruok"
// -> "imok" and "srvr" not refusing, or, for a server without four-letter
// words, a completed session handshake (closed again at once).
func probe(addr string) bool {
	if reply, err := fourLetter(addr, "ruok", time.Second); err == nil && reply == "imok" {
		srvr, err := fourLetter(addr, "srvr", time.Second)
		return err == nil && !strings.Contains(srvr, notServing)
	} else if err != nil && isRefused(err) {
		return false
	}
	c, err := rawzk.Dial(addr, rawzk.Options{IOTimeout: time.Second, NoPing: true})
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

func fourLetter(addr, cmd string, timeout time.Duration) (string, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(timeout))
	if _, err := nc.Write([]byte(cmd)); err != nil {
		return "", err
	}
	b, err := io.ReadAll(nc)
	return string(b), err
}

// FourLetter sends a four-letter word (ruok, srvr, mntr, ...) and returns
// the whole answer.
func (s *Server) FourLetter(cmd string) (string, error) {
	return fourLetter(s.Addr, cmd, 5*time.Second)
}

func (s *Server) signalAndWait(sig syscall.Signal, grace time.Duration) bool {
	s.mu.Lock()
	r := s.cur
	s.mu.Unlock()
	if r == nil {
		return true
	}
	return signalExit(r.cmd, r.exited, sig, grace)
}

// signalExit sends sig to a process unless it already exited (exited is
// closed once it has been waited for), and waits up to grace for it to
// exit; it reports whether the process is gone.
func signalExit(cmd *exec.Cmd, exited <-chan struct{}, sig syscall.Signal, grace time.Duration) bool {
	select {
	case <-exited:
		return true
	default:
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return true
	case <-time.After(grace):
		return false
	}
}

// Kill stops the server with SIGKILL, as a crash would.
func (s *Server) Kill() {
	if !s.signalAndWait(syscall.SIGKILL, stopGrace) {
		s.t.Errorf("harness: %s survived SIGKILL for %v", s.Name, stopGrace)
	}
}

// Stop asks the server to shut down (SIGTERM) and kills it after a grace
// period. It is a no-op when the server is not running.
func (s *Server) Stop() {
	if !s.signalAndWait(syscall.SIGTERM, stopGrace) {
		s.t.Logf("harness: %s ignored SIGTERM for %v; killing it", s.Name, stopGrace)
		s.Kill()
	}
}

// Restart stops the server if it runs and starts it again on the same port,
// config and data directory.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("harness: restarting %s: %v", s.Name, err)
	}
}

// Output returns everything the server process printed so far (all runs).
func (s *Server) Output() string {
	b, _ := os.ReadFile(s.outPath)
	return string(b)
}

func (s *Server) logTails() {
	for _, p := range append([]string{s.outPath}, s.logPaths...) {
		s.t.Logf("harness: last lines of %s:\n%s", p, tail(p, tailLines))
	}
}

// tail returns the last n lines of a file, or a note why it cannot.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = append([][]byte{[]byte(fmt.Sprintf("... (%d lines omitted)", len(lines)-n))}, lines[len(lines)-n:]...)
	}
	return string(bytes.Join(lines, []byte("\n")))
}
