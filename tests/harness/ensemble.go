package harness

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Target is the implementation an ensemble runs. The same scenarios run on
// both: on Apache ZooKeeper first, which proves the scenario and the
// harness, then on Corral.
type Target int

const (
	// Apache is Apache ZooKeeper 3.8 from Debian (QuorumPeerMain).
	Apache Target = iota + 1
	// Corral is `corral server --config zoo.cfg`, built by BuildCorral.
	Corral
)

func (t Target) String() string {
	switch t {
	case Apache:
		return "apache"
	case Corral:
		return "corral"
	}
	return fmt.Sprintf("Target(%d)", int(t))
}

// Network is how an ensemble's servers are wired.
type Network int

const (
	// Loopback gives every server its own 127.A.B.<id> address (A and B
	// random per ensemble) and free ports on it. Needs no privileges, but
	// cannot partition.
	Loopback Network = iota
	// Namespaces puts every server in its own network namespace (see
	// netFault), on ports 2181 (client), 2888 (quorum), 3888 (election) of
	// 10.A.B.<id>; Partition and Heal work. Needs root.
	Namespaces
)

// EnsembleOptions describe an ensemble. The zero values of the tuning
// fields mean Apache's defaults as its sample zoo.cfg sets them.
type EnsembleOptions struct {
	Target    Target
	Voters    int // participants: server ids 1..Voters
	Observers int // observers: server ids Voters+1..Voters+Observers
	Network   Network

	TickTime  int // ms; 0 means DefaultTickTime
	InitLimit int // ticks; 0 means 10
	SyncLimit int // ticks; 0 means 5
	SnapCount int // txns between snapshots; 0 leaves it out (Apache: 100000)
	// Extra are more zoo.cfg lines ("key=value"), appended to every
	// server's file.
	Extra []string
	// AdminServer turns the AdminServer on in every server, each on its
	// own address and port (AdminURL); off, as by default, no server binds
	// one (Apache's default would take port 8080 on every server).
	AdminServer bool
	// PerServer, when set, gives more zoo.cfg lines for server id only
	// (ports bound on that server's own address, say), after Extra.
	PerServer func(id int, host string) []string

	// JVMProps are extra -D properties for Apache (e.g. zookeeper.forceSync,
	// which the harness sets to "no" unless overridden here).
	JVMProps map[string]string
	// JVMFlags replace the harness's fast-startup JVM flags (C1 only, serial
	// GC) when not nil; measurements want the JVM's defaults ([]string{}).
	JVMFlags []string
	// Heap is Apache's -Xmx; "" means 256m.
	Heap string

	// StartTimeout bounds the wait for the first leader and every server
	// serving; 0 means 120s, generous because JVMs share two cores with
	// parallel test packages.
	StartTimeout time.Duration
}

// Ensemble is a running quorum of Corral or Apache ZooKeeper servers,
// started from ordinary zoo.cfg and myid files. Servers are named by their
// ids, 1..N, as in zoo.cfg and myid. Every process is killed in t.Cleanup,
// the network (Namespaces) is removed after them, and when the test failed
// the tail of every server's log is printed.
//
// Its methods fail the test they are bound to; a subtest that shares an
// ensemble made by its parent binds it to itself with For, since a test
// may only be failed from its own goroutine.
type Ensemble struct {
	*ensemble
	t testing.TB
}

// ensemble is what every binding of an Ensemble shares.
type ensemble struct {
	Target Target
	Dir    string // private directory holding every server's directory

	opts    EnsembleOptions
	members []*member // members[id-1]
	net     *netFault // nil for Loopback

	clientLog *lockedLog // go-zookeeper's messages, for failure reports
}

// For returns the same ensemble bound to t: its methods then fail t.
func (e *Ensemble) For(t testing.TB) *Ensemble {
	return &Ensemble{ensemble: e.ensemble, t: t}
}

// StartEnsemble writes the zoo.cfg and myid files, starts every server and
// waits until one leader is elected and every server serves.
func StartEnsemble(t testing.TB, opts EnsembleOptions) *Ensemble {
	t.Helper()
	e := NewEnsemble(t, opts)
	e.StartAll()
	e.WaitForLeader(e.opts.StartTimeout)
	e.WaitAllServing(e.opts.StartTimeout)
	return e
}

// NewEnsemble prepares an ensemble (network, directories, zoo.cfg, myid)
// without starting any server; StartAll or Start start them.
func NewEnsemble(t testing.TB, opts EnsembleOptions) *Ensemble {
	t.Helper()
	if opts.Voters < 1 {
		t.Fatalf("harness: an ensemble needs at least one voter, got %d", opts.Voters)
	}
	if opts.Observers < 0 {
		t.Fatalf("harness: %d observers", opts.Observers)
	}
	if opts.TickTime == 0 {
		opts.TickTime = DefaultTickTime
	}
	if opts.InitLimit == 0 {
		opts.InitLimit = 10
	}
	if opts.SyncLimit == 0 {
		opts.SyncLimit = 5
	}
	if opts.Heap == "" {
		opts.Heap = "256m"
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 120 * time.Second
	}
	var bin string
	switch opts.Target {
	case Apache:
		RequireApache(t)
	case Corral:
		bin = BuildCorral(t)
	default:
		t.Fatalf("harness: EnsembleOptions.Target must be Apache or Corral, got %v", opts.Target)
	}
	e := &Ensemble{ensemble: &ensemble{Target: opts.Target, Dir: t.TempDir(), opts: opts}, t: t}
	e.clientLog = openClientLog(t, e.Dir)
	n := opts.Voters + opts.Observers
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}

	hosts := make([]string, n)
	switch opts.Network {
	case Namespaces:
		RequireNetns(t)
		nf, err := newNetFault(ids)
		if err != nil {
			t.Fatalf("harness: setting up network namespaces: %v", err)
		}
		e.net = nf
		t.Cleanup(func() {
			if err := nf.teardown(); err != nil {
				t.Errorf("%v", err)
			}
		})
		for i, id := range ids {
			hosts[i] = nf.Addr(id)
		}
	case Loopback:
		a, b := 1+rand.IntN(254), rand.IntN(256)
		for i, id := range ids {
			hosts[i] = fmt.Sprintf("127.%d.%d.%d", a, b, id)
		}
	default:
		t.Fatalf("harness: unknown Network %d", opts.Network)
	}

	for i, id := range ids {
		m := &member{id: id, observer: id > opts.Voters, host: hosts[i]}
		if e.net != nil {
			m.clientPort, m.quorumPort, m.electionPort = 2181, 2888, 3888
			if opts.AdminServer {
				m.adminPort = 8080
			}
		} else {
			ports, err := freePorts(m.host, 4)
			if err != nil {
				t.Fatalf("harness: %v", err)
			}
			m.clientPort, m.quorumPort, m.electionPort = ports[0], ports[1], ports[2]
			if opts.AdminServer {
				m.adminPort = ports[3]
			}
		}
		m.dir = filepath.Join(e.Dir, fmt.Sprintf("s%d", id))
		m.dataDir = filepath.Join(m.dir, "data")
		m.cfgPath = filepath.Join(m.dir, "zoo.cfg")
		m.outPath = filepath.Join(m.dir, opts.Target.String()+".out")
		e.members = append(e.members, m)
	}
	for _, m := range e.members {
		if err := os.MkdirAll(m.dataDir, 0o755); err != nil {
			t.Fatalf("harness: %v", err)
		}
		if err := os.WriteFile(filepath.Join(m.dataDir, "myid"), []byte(fmt.Sprintf("%d\n", m.id)), 0o644); err != nil {
			t.Fatalf("harness: %v", err)
		}
		if err := os.WriteFile(m.cfgPath, []byte(e.zooCfg(m)), 0o644); err != nil {
			t.Fatalf("harness: %v", err)
		}
		var prefix []string
		if e.net != nil {
			prefix = e.net.ExecPrefix(m.id)
		}
		switch opts.Target {
		case Apache:
			m.argv = append(prefix, e.apacheArgv(m)...)
		case Corral:
			m.logPath = m.outPath
			m.argv = append(prefix, bin, "server", "--config", m.cfgPath)
		}
	}
	// Registered after the network's teardown, so it runs before it.
	t.Cleanup(func() {
		for _, m := range e.members {
			if !m.signal(syscall.SIGKILL, stopGrace) {
				t.Errorf("harness: server %d survived SIGKILL for %v", m.id, stopGrace)
			}
		}
		if t.Failed() {
			e.logTails(t)
		}
	})
	return e
}

// zooCfg renders server m's zoo.cfg: the same server.N lines in every file,
// observers marked in them and by peerType, the four-letter words the
// harness uses, no AdminServer unless asked for (each on its own port).
func (e *Ensemble) zooCfg(m *member) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tickTime=%d\n", e.opts.TickTime)
	fmt.Fprintf(&b, "initLimit=%d\n", e.opts.InitLimit)
	fmt.Fprintf(&b, "syncLimit=%d\n", e.opts.SyncLimit)
	fmt.Fprintf(&b, "dataDir=%s\n", m.dataDir)
	b.WriteString("4lw.commands.whitelist=srvr,mntr,stat,ruok\n")
	if m.adminPort != 0 {
		fmt.Fprintf(&b, "admin.enableServer=true\nadmin.serverAddress=%s\nadmin.serverPort=%d\n", m.host, m.adminPort)
	} else {
		b.WriteString("admin.enableServer=false\n")
	}
	if e.opts.Voters == 1 {
		b.WriteString("standaloneEnabled=false\n") // a quorum of one, not a standalone server
	}
	if e.opts.SnapCount > 0 {
		fmt.Fprintf(&b, "snapCount=%d\n", e.opts.SnapCount)
	}
	if m.observer {
		b.WriteString("peerType=observer\n")
	}
	for _, s := range e.members {
		role := ""
		if s.observer {
			role = ":observer"
		}
		fmt.Fprintf(&b, "server.%d=%s:%d:%d%s;%s\n", s.id, s.host, s.quorumPort, s.electionPort, role, s.clientAddr())
	}
	for _, l := range e.opts.Extra {
		b.WriteString(l + "\n")
	}
	if e.opts.PerServer != nil {
		for _, l := range e.opts.PerServer(m.id, m.host) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func (e *Ensemble) apacheArgv(m *member) []string {
	log4j := filepath.Join(m.dir, "log4j.properties")
	if err := os.WriteFile(log4j, []byte(apacheLog4j), 0o644); err != nil {
		e.t.Fatalf("harness: %v", err)
	}
	m.logPath = filepath.Join(m.dir, "zookeeper.log")
	props := map[string]string{
		"zookeeper.log.dir":           m.dir,
		"zookeeper.log.file":          "zookeeper.log",
		"log4j.configuration":         "file:" + log4j,
		"zookeeper.jmx.log4j.disable": "true",
		"zookeeper.forceSync":         "no", // tests never survive a power cut; fsync only slows them
		"java.net.preferIPv4Stack":    "true",
	}
	for k, v := range e.opts.JVMProps {
		props[k] = v
	}
	flags := fastJVMFlags
	if e.opts.JVMFlags != nil {
		flags = e.opts.JVMFlags
	}
	argv := append([]string{JavaPath, "-Xmx" + e.opts.Heap}, flags...)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		argv = append(argv, fmt.Sprintf("-D%s=%s", k, props[k]))
	}
	return append(argv, "-cp", strings.Join(apacheClasspath, ":"),
		"org.apache.zookeeper.server.quorum.QuorumPeerMain", m.cfgPath)
}

// freePorts asks the kernel for n distinct unused ports on host.
func freePorts(host string, n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("no free port on %s: %w", host, err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func (e *Ensemble) member(id int) *member {
	e.t.Helper()
	if id < 1 || id > len(e.members) {
		e.t.Fatalf("harness: no server %d in an ensemble of %d", id, len(e.members))
	}
	return e.members[id-1]
}

// IDs lists every server id, voters first.
func (e *Ensemble) IDs() []int {
	ids := make([]int, len(e.members))
	for i := range ids {
		ids[i] = i + 1
	}
	return ids
}

// Voters lists the participants' ids.
func (e *Ensemble) Voters() []int { return e.IDs()[:e.opts.Voters] }

// Observers lists the observers' ids.
func (e *Ensemble) Observers() []int { return e.IDs()[e.opts.Voters:] }

// IsObserver reports whether server id is an observer.
func (e *Ensemble) IsObserver(id int) bool { return e.member(id).observer }

// ClientAddr is server id's client address, host:port.
func (e *Ensemble) ClientAddr(id int) string { return e.member(id).clientAddr() }

// Servers lists every server's client address, for a client's server list.
func (e *Ensemble) Servers() []string {
	addrs := make([]string, len(e.members))
	for i, m := range e.members {
		addrs[i] = m.clientAddr()
	}
	return addrs
}

// AdminURL is server id's AdminServer base URL ("http://host:port"), ""
// unless EnsembleOptions.AdminServer is set.
func (e *Ensemble) AdminURL(id int) string {
	m := e.member(id)
	if m.adminPort == 0 {
		return ""
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(m.host, strconv.Itoa(m.adminPort)))
}

// ConnString is the connect string naming every server.
func (e *Ensemble) ConnString() string { return strings.Join(e.Servers(), ",") }

// DataDir is server id's dataDir.
func (e *Ensemble) DataDir(id int) string { return e.member(id).dataDir }

// ConfigPath is server id's zoo.cfg.
func (e *Ensemble) ConfigPath(id int) string { return e.member(id).cfgPath }

// StartAll starts every server that is not running, without waiting.
func (e *Ensemble) StartAll() {
	e.t.Helper()
	for _, m := range e.members {
		if !m.running() {
			e.Start(m.id)
		}
	}
}

// Start starts server id again (same config, same data) and returns without
// waiting: a server serves only once it found a quorum, so a test that
// restarts several servers starts them all and then calls WaitServing.
func (e *Ensemble) Start(id int) {
	e.t.Helper()
	if err := e.member(id).launch(); err != nil {
		e.t.Fatalf("harness: starting server %d: %v", id, err)
	}
}

// Restart stops server id (SIGTERM) and starts it again without waiting.
func (e *Ensemble) Restart(id int) {
	e.t.Helper()
	e.Stop(id)
	e.Start(id)
}

// Stop asks server id to shut down (SIGTERM) and kills it after a grace
// period; a no-op when it is not running.
func (e *Ensemble) Stop(id int) {
	e.t.Helper()
	m := e.member(id)
	if !m.signal(syscall.SIGTERM, stopGrace) {
		e.t.Logf("harness: server %d ignored SIGTERM for %v; killing it", id, stopGrace)
		e.Kill9(id)
	}
}

// Kill9 kills the servers with SIGKILL, as a crash would, all at once,
// and returns once every one of them is dead.
func (e *Ensemble) Kill9(ids ...int) {
	e.t.Helper()
	var wg sync.WaitGroup
	survived := make([]bool, len(ids))
	for i, id := range ids {
		m := e.member(id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			survived[i] = !m.signal(syscall.SIGKILL, stopGrace)
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if survived[i] {
			e.t.Fatalf("harness: server %d survived SIGKILL for %v", id, stopGrace)
		}
	}
}

// Running reports whether server id's process is alive.
func (e *Ensemble) Running(id int) bool { return e.member(id).running() }

// FourLetter sends a four-letter word to server id (srvr, mntr, stat and
// ruok are whitelisted) and returns the whole answer.
func (e *Ensemble) FourLetter(id int, cmd string) (string, error) {
	return fourLetter(e.ClientAddr(id), cmd, 2*time.Second)
}

// Mode is server id's role as its srvr answer states it: "leader",
// "follower", "observer" (or "standalone"); an error when the server is down
// or not serving (looking for a leader, or syncing with it).
func (e *Ensemble) Mode(id int) (string, error) {
	out, err := e.FourLetter(id, "srvr")
	if err != nil {
		return "", err
	}
	if strings.Contains(out, notServing) {
		return "", fmt.Errorf("server %d: %s", id, notServing)
	}
	for _, line := range strings.Split(out, "\n") {
		if mode, ok := strings.CutPrefix(line, "Mode: "); ok {
			return strings.TrimSpace(mode), nil
		}
	}
	return "", fmt.Errorf("server %d: no Mode line in srvr's answer %q", id, out)
}

// Leaders lists the running servers among ids (all when none are given)
// that say they lead. More than one is possible for a moment: a leader cut
// off from its quorum leads on until syncLimit ticks pass.
func (e *Ensemble) Leaders(ids ...int) []int {
	if len(ids) == 0 {
		ids = e.IDs()
	}
	var leaders []int
	for _, id := range ids {
		if !e.Running(id) {
			continue
		}
		if mode, err := e.Mode(id); err == nil && mode == "leader" {
			leaders = append(leaders, id)
		}
	}
	return leaders
}

// Leader returns the id of the one server that says it leads, or false when
// none or several do.
func (e *Ensemble) Leader() (int, bool) {
	l := e.Leaders()
	if len(l) != 1 {
		return 0, false
	}
	return l[0], true
}

// WaitForLeader waits until exactly one server leads and returns its id.
// A server says "leader" only once a quorum has synced with it.
func (e *Ensemble) WaitForLeader(timeout time.Duration) int {
	e.t.Helper()
	return e.WaitForLeaderAmong(timeout, e.IDs()...)
}

// WaitForLeaderAmong waits until exactly one of ids leads (what servers
// outside ids say is ignored: e.g. a partitioned former leader) and returns
// its id. It fails the test on timeout, with every server's mode, and when a
// server started by the ensemble has exited.
func (e *Ensemble) WaitForLeaderAmong(timeout time.Duration, ids ...int) int {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		e.failOnUnexpectedExit()
		if l := e.Leaders(ids...); len(l) == 1 {
			return l[0]
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("harness: no single leader among servers %v after %v: %s", ids, timeout, e.Modes())
		}
		time.Sleep(probeInterval)
	}
}

// Modes describes every server's state, for failure messages.
func (e *Ensemble) Modes() string {
	var parts []string
	for _, m := range e.members {
		state := "stopped"
		if m.running() {
			if mode, err := e.Mode(m.id); err == nil {
				state = mode
			} else {
				state = "not serving"
			}
		} else if exited, err := m.exitedRun(); exited {
			state = fmt.Sprintf("exited (%v)", err)
		}
		parts = append(parts, fmt.Sprintf("%d=%s", m.id, state))
	}
	return strings.Join(parts, " ")
}

// Serving reports whether server id answers clients now.
func (e *Ensemble) Serving(id int) bool {
	return e.Running(id) && probe(e.ClientAddr(id))
}

// WaitServing waits until server id serves clients.
func (e *Ensemble) WaitServing(id int, timeout time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for !e.Serving(id) {
		if !e.Running(id) {
			_, err := e.member(id).exitedRun()
			e.t.Fatalf("harness: server %d is not running (%v) while waited for:\n%s", id, err, tail(e.member(id).outPath, tailLines))
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("harness: server %d does not serve after %v: %s", id, timeout, e.Modes())
		}
		time.Sleep(probeInterval)
	}
}

// WaitAllServing waits until every running server serves clients.
func (e *Ensemble) WaitAllServing(timeout time.Duration) {
	e.t.Helper()
	for _, m := range e.members {
		if m.running() {
			e.WaitServing(m.id, timeout)
		}
	}
}

// failOnUnexpectedExit fails the test when a server exited on its own: the
// harness only stops servers through Stop and Kill9, which wait, so a
// process found dead here crashed or refused its configuration.
func (e *Ensemble) failOnUnexpectedExit() {
	e.t.Helper()
	for _, m := range e.members {
		if crashed, err := m.crashed(); crashed {
			e.t.Fatalf("harness: server %d exited on its own (%v):\n%s", m.id, err, tail(m.outPath, tailLines))
		}
	}
}

// Partition cuts the ensemble's network into groups (server ids): servers
// talk only within their group, a server in no group talks to nobody. The
// test's clients still reach every server. Needs Network: Namespaces.
func (e *Ensemble) Partition(groups ...[]int) {
	e.t.Helper()
	if e.net == nil {
		e.t.Fatalf("harness: Partition needs EnsembleOptions.Network = Namespaces")
	}
	if err := e.net.Partition(groups); err != nil {
		e.t.Fatalf("harness: %v", err)
	}
}

// Heal ends every partition.
func (e *Ensemble) Heal() {
	e.t.Helper()
	if e.net == nil {
		e.t.Fatalf("harness: Heal needs EnsembleOptions.Network = Namespaces")
	}
	if err := e.net.Heal(); err != nil {
		e.t.Fatalf("harness: %v", err)
	}
}

// Output returns everything server id printed (all runs) and, for Apache,
// its log file.
func (e *Ensemble) Output(id int) string {
	m := e.member(id)
	b, _ := os.ReadFile(m.outPath)
	if m.logPath != m.outPath {
		l, _ := os.ReadFile(m.logPath)
		b = append(b, l...)
	}
	return string(b)
}

func (e *ensemble) logTails(t testing.TB) {
	for _, m := range e.members {
		paths := []string{m.outPath}
		if m.logPath != m.outPath {
			paths = append(paths, m.logPath)
		}
		for _, p := range paths {
			t.Logf("harness: last lines of server %d's %s:\n%s", m.id, p, tail(p, tailLines))
		}
	}
	if e.clientLog != nil {
		t.Logf("harness: last lines of the clients' log %s:\n%s", e.clientLog.path, tail(e.clientLog.path, tailLines))
	}
}
