package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Debian's Apache ZooKeeper 3.8: the server classpath (zookeeper.jar's
// manifest pulls in jute, netty, ...) plus the slf4j -> log4j binding so the
// server logs through the log4j.properties written next to its data.
var apacheClasspath = []string{
	"/etc/zookeeper/conf",
	"/usr/share/java/zookeeper.jar",
	"/usr/share/java/slf4j-log4j12.jar",
	"/usr/share/java/log4j-1.2.jar",
}

const apacheLog4j = `log4j.rootLogger=WARN, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=${zookeeper.log.dir}/zookeeper.log
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n
`

// server is one Corral or Apache process with its own directory, restarted
// on the same port and data.
type server struct {
	name    string // "corral" or "apache"
	dir     string
	dataDir string
	addr    string
	argv    []string

	cmd     *exec.Cmd
	exited  chan struct{}
	started time.Time // just before the process was started
	logFile string
}

// zooCfg is the one configuration both servers get: standalone, same
// tickTime, fsync on (Apache's default, stated anyway), no connection limit
// (the watch workload opens thousands of sessions from one address), every
// four-letter word (used to see when a server serves), no admin server.
func zooCfg(dataDir string, port int) string {
	return strings.Join([]string{
		"tickTime=2000",
		"dataDir=" + dataDir,
		"clientPort=" + strconv.Itoa(port),
		"clientPortAddress=127.0.0.1",
		"maxClientCnxns=0",
		"forceSync=yes",
		"4lw.commands.whitelist=*",
		"admin.enableServer=false",
	}, "\n") + "\n"
}

// newServer prepares name's directory under parent (removing an old one)
// with a zoo.cfg on a free loopback port.
func newServer(name, parent, corralBin, apacheHeap string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return newServerIn(name, filepath.Join(parent, name), corralBin, apacheHeap, port, nil)
}

// newServerIn prepares dir (removing an old one) for server name on the
// given client port: a zoo.cfg with zooCfg's settings plus extra lines
// (an ensemble member's server.N lines and myid go there; Apache then
// runs QuorumPeerMain instead of ZooKeeperServerMain).
func newServerIn(name, dir, corralBin, apacheHeap string, port int, member *memberCfg) (*server, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	s := &server{name: name, dir: dir, dataDir: filepath.Join(dir, "data"), logFile: filepath.Join(dir, name+".out")}
	if err := os.MkdirAll(s.dataDir, 0o755); err != nil {
		return nil, err
	}
	s.addr = "127.0.0.1:" + strconv.Itoa(port)
	cfg := filepath.Join(dir, "zoo.cfg")
	text := zooCfg(s.dataDir, port)
	apacheMain := "org.apache.zookeeper.server.ZooKeeperServerMain"
	if member != nil {
		text += member.lines
		apacheMain = "org.apache.zookeeper.server.quorum.QuorumPeerMain"
		if err := os.WriteFile(filepath.Join(s.dataDir, "myid"), []byte(strconv.Itoa(member.id)+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		return nil, err
	}
	switch name {
	case "corral":
		s.argv = []string{corralBin, "server", "--config", cfg, "--log-level", "warn"}
	case "apache":
		log4j := filepath.Join(dir, "log4j.properties")
		if err := os.WriteFile(log4j, []byte(apacheLog4j), 0o644); err != nil {
			return nil, err
		}
		s.argv = []string{"/usr/bin/java", "-Xmx" + apacheHeap,
			"-Dzookeeper.log.dir=" + dir, "-Dlog4j.configuration=file:" + log4j,
			"-Dzookeeper.jmx.log4j.disable=true", "-Djava.net.preferIPv4Stack=true",
			"-cp", strings.Join(apacheClasspath, ":"),
			apacheMain, cfg}
	default:
		return nil, fmt.Errorf("unknown server %q", name)
	}
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start launches the process. It dies with this program (Pdeathsig), so
// an interrupted comparison leaves no server behind.
func (s *server) start() error {
	out, err := os.OpenFile(s.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	fmt.Fprintf(out, "=== %s: %s\n", time.Now().Format(time.RFC3339), strings.Join(s.argv, " "))
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.exited) }()
	return nil
}

// waitServing waits until the server serves clients: "srvr" answers and
// does not say "not currently serving requests" (Apache says so while it
// loads its data).
func (s *server) waitServing(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited at start; see %s", s.name, s.logFile)
		default:
		}
		if out, err := fourLetter(s.addr, "srvr"); err == nil && strings.Contains(out, "Mode:") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not serve on %s after %v; see %s", s.name, s.addr, timeout, s.logFile)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fourLetter(addr, cmd string) (string, error) {
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := nc.Write([]byte(cmd)); err != nil {
		return "", err
	}
	b, err := io.ReadAll(nc)
	return string(b), err
}

// kill9 kills the server's process group at once (SIGKILL) and waits for
// it to exit.
func (s *server) kill9() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.exited
}

// stop asks the server to shut down (SIGTERM) and kills it after grace.
func (s *server) stop(grace time.Duration) {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(grace):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

// memory reads the process's resident set (VmRSS) and its peak (VmHWM)
// from /proc, in bytes.
func (s *server) memory() (rss, peak int64, err error) {
	if s.cmd == nil {
		return 0, 0, errors.New("not running")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 || fields[2] != "kB" {
			continue
		}
		kb, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("no VmRSS for %s (pid %d)", s.name, s.cmd.Process.Pid)
	}
	return rss, peak, sc.Err()
}

// diskUsage is the space the data directory takes on disk (allocated
// blocks, so preallocated log segments count as what they occupy).
func (s *server) diskUsage() (int64, error) {
	var total int64
	err := filepath.WalkDir(s.dataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		}
		return nil
	})
	return total, err
}
