package harness

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// ClientSessionTimeout is the session timeout the ensemble's clients ask
// for. Servers cap it at 20 ticks, so it outlives a failover only when
// tickTime is at least 500 ms.
const ClientSessionTimeout = 10 * time.Second

// clientConnectTimeout bounds the wait for a new client's first session.
const clientConnectTimeout = 30 * time.Second

// Client connects a go-zookeeper client whose server list names every
// server (it picks one at random and moves to another when it loses it) and
// waits for its session. It is closed in t.Cleanup.
func (e *Ensemble) Client(t testing.TB) *zk.Conn {
	t.Helper()
	return e.connect(t, e.Servers(), nil, nil)
}

// ClientTo connects a go-zookeeper client to server id only.
func (e *Ensemble) ClientTo(t testing.TB, id int) *zk.Conn {
	t.Helper()
	return e.connect(t, []string{e.ClientAddr(id)}, nil, nil)
}

// DialClient connects to servers without waiting for a session: for a
// client that must be made while no server serves. The caller closes it.
func (e *Ensemble) DialClient(servers []string) (*zk.Conn, error) {
	return e.dial(servers, nil, nil)
}

// DialClientWith is DialClient with go-zookeeper's host provider and
// dialer replaced (either may be nil): e.g. a client that retries sooner
// than go-zookeeper's one second after trying every server.
func (e *Ensemble) DialClientWith(servers []string, hosts zk.HostProvider, dialer zk.Dialer) (*zk.Conn, error) {
	return e.dial(servers, hosts, dialer)
}

// dial connects a client that logs to the ensemble's clients.log, with an
// optional host provider and dialer (go-zookeeper's option type is
// unexported, so options cannot be passed through as a list).
func (e *Ensemble) dial(servers []string, hosts zk.HostProvider, dialer zk.Dialer) (*zk.Conn, error) {
	hostOpt, dialOpt := func(*zk.Conn) {}, func(*zk.Conn) {}
	if hosts != nil {
		hostOpt = zk.WithHostProvider(hosts)
	}
	if dialer != nil {
		dialOpt = zk.WithDialer(dialer)
	}
	c, _, err := zk.Connect(servers, ClientSessionTimeout,
		zk.WithLogger(e.clientLogger()), zk.WithLogInfo(false), hostOpt, dialOpt)
	return c, err
}

func (e *Ensemble) connect(t testing.TB, servers []string, hosts zk.HostProvider, dialer zk.Dialer) *zk.Conn {
	t.Helper()
	c, err := e.dial(servers, hosts, dialer)
	if err != nil {
		t.Fatalf("harness: zk.Connect(%v): %v", servers, err)
	}
	t.Cleanup(c.Close)
	if err := WaitSession(c, clientConnectTimeout); err != nil {
		t.Fatalf("harness: client of %v: %v (%s)", servers, err, e.Modes())
	}
	return c
}

// WaitSession waits until c has a session.
func WaitSession(c *zk.Conn, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for c.State() != zk.StateHasSession {
		if time.Now().After(deadline) {
			return fmt.Errorf("no session after %v (state %v)", timeout, c.State())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// MovableClient is a client whose server list names every server, as a
// production client's does, that the test can also move to a chosen server
// with MoveTo: the client reconnects there with its session, as it would
// after losing its server.
type MovableClient struct {
	*zk.Conn
	e     *Ensemble
	hosts *steeredHosts
	dial  *trackingDialer
}

// MovableClient connects a MovableClient and waits for its session.
func (e *Ensemble) MovableClient(t testing.TB) *MovableClient {
	t.Helper()
	e = e.For(t)
	m := &MovableClient{e: e, hosts: &steeredHosts{}, dial: &trackingDialer{}}
	m.Conn = e.connect(t, e.Servers(), m.hosts, m.dial.dial)
	return m
}

// MoveTo makes the client drop its connection and reconnect to server id,
// keeping its session, and waits until it has. Afterwards the client picks
// servers from the whole list again when it loses this one.
func (m *MovableClient) MoveTo(id int, timeout time.Duration) error {
	addr := m.e.ClientAddr(id)
	m.hosts.steer(addr)
	defer m.hosts.steer("")
	session := m.SessionID()
	deadline := time.Now().Add(timeout)
	for m.Server() != addr || m.State() != zk.StateHasSession {
		m.dial.closeCurrent()
		if time.Now().After(deadline) {
			return fmt.Errorf("client did not move to server %d within %v (on %s, state %v)", id, timeout, m.Server(), m.State())
		}
		time.Sleep(20 * time.Millisecond)
		for i := 0; i < 25 && m.Server() == addr && m.State() != zk.StateHasSession; i++ {
			time.Sleep(20 * time.Millisecond) // a handshake in progress: let it finish
		}
	}
	if m.SessionID() != session {
		return fmt.Errorf("client moved to server %d with a new session 0x%x (was 0x%x)", id, m.SessionID(), session)
	}
	return nil
}

// ServerID is the id of the server the client is connected to now, 0 when
// it is not connected.
func (m *MovableClient) ServerID() int {
	if m.State() != zk.StateHasSession {
		return 0
	}
	addr := m.Server()
	for _, id := range m.e.IDs() {
		if m.e.ClientAddr(id) == addr {
			return id
		}
	}
	return 0
}

// steeredHosts is a zk.HostProvider that goes round the server list
// (starting with the preferred server, if any), or to one server only while
// steered there.
type steeredHosts struct {
	mu      sync.Mutex
	servers []string
	next    int
	tried   int    // servers tried since the last successful connection
	target  string // while set, the only server tried
	prefer  string // the server tried first, if any
}

func (h *steeredHosts) Init(servers []string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.servers = append([]string(nil), servers...)
	for i, s := range h.servers {
		if s == h.prefer {
			h.next = i
		}
	}
	return nil
}

func (h *steeredHosts) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.servers)
}

func (h *steeredHosts) Next() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tried++
	if h.target != "" {
		return h.target, h.tried > 1
	}
	s := h.servers[h.next%len(h.servers)]
	h.next++
	return s, h.tried > len(h.servers)
}

func (h *steeredHosts) Connected() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tried = 0
}

func (h *steeredHosts) steer(addr string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.target = addr
	h.tried = 0
}

// trackingDialer dials as go-zookeeper does and remembers the connection,
// so that the test can cut it.
type trackingDialer struct {
	mu  sync.Mutex
	cur net.Conn
}

func (d *trackingDialer) dial(network, address string, timeout time.Duration) (net.Conn, error) {
	c, err := net.DialTimeout(network, address, timeout)
	if err == nil {
		d.mu.Lock()
		d.cur = c
		d.mu.Unlock()
	}
	return c, err
}

func (d *trackingDialer) closeCurrent() {
	d.mu.Lock()
	c := d.cur
	d.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// lockedLog is the ensemble's clients' log file: go-zookeeper logs from its
// own goroutines, also after a test ended, when t.Logf would panic.
type lockedLog struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

func (l *lockedLog) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		fmt.Fprintf(l.f, time.Now().Format("15:04:05.000 ")+format+"\n", args...)
	}
}

func (e *Ensemble) clientLogger() zk.Logger { return e.clientLog }

// openClientLog opens the ensemble's clients.log for as long as t runs.
func openClientLog(t testing.TB, dir string) *lockedLog {
	path := filepath.Join(dir, "clients.log")
	l := &lockedLog{path: path}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	l.f = f
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.f.Close()
		l.f = nil
	})
	return l
}
