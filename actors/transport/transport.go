// Package transport carries Corral's inter-server messages: protoactor
// remote (gRPC streams) on each server's quorum port, so that an actor on
// one server sends a protobuf message from messages/ to a named actor on
// another exactly as it would locally.
//
// Port map (zoo.cfg `server.N=host:quorumPort:electionPort`):
//
//	quorumPort    protoactor remote: election notifications and every Zab
//	              packet (PROPOSAL, ACK, COMMIT, PING, ...)
//	electionPort  memberlist gossip (TCP and UDP): who is up, observers that
//	              join by themselves; never the voting set
//
// Ordering: protoactor keeps one gRPC stream per (sender system, receiver
// address) pair, so messages from one server to another arrive in the order
// they were sent, as over Apache's TCP sockets. What a stream can do that a
// socket cannot is lose messages silently around a reconnect; the Zab shells
// therefore watch the remote actor (a lost endpoint delivers Terminated) and
// number their packets, and treat a gap as a lost connection.
package transport

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// MaxMessage bounds one inter-server message. Snapshots are sent in chunks
// far below it; the limit only refuses a peer that sends garbage.
const MaxMessage = 64 << 20

// Transport is this server's endpoint for inter-server messages.
type Transport struct {
	system *actor.ActorSystem
	remote *remote.Remote
	self   int64
	// cancel ends the waits of connections being opened (connect.go).
	cancel context.CancelFunc
	mu     sync.RWMutex
	peers  map[int64]string // sid -> "host:quorumPort"
	// configured are the servers of zoo.cfg: Learn never moves them.
	configured map[int64]bool
}

// Config says where this server listens and where its peers are.
type Config struct {
	// Self is this server's id (myid).
	Self int64
	// Bind is the address to listen on ("host:port"); the host may be a
	// wildcard.
	Bind string
	// Advertise is the address the peers use for this server (its
	// server.N host and quorum port); empty means Bind.
	Advertise string
	// Peers maps every other server's id to its advertised address.
	Peers map[int64]string
}

// Start listens on cfg.Bind. It returns an error, not a panic, when the port
// is taken.
func Start(system *actor.ActorSystem, cfg Config) (t *Transport, err error) {
	host, portStr, err := net.SplitHostPort(cfg.Bind)
	if err != nil {
		return nil, fmt.Errorf("quorum address %q: %w", cfg.Bind, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("quorum address %q: bad port", cfg.Bind)
	}
	// protoactor's Start panics when it cannot listen; probe first so the
	// common case (port in use) is an ordinary error naming the port.
	if ln, lerr := net.Listen("tcp", cfg.Bind); lerr != nil {
		return nil, fmt.Errorf("quorum port: cannot listen on %s: %w", cfg.Bind, lerr)
	} else {
		_ = ln.Close()
	}
	closing, cancel := context.WithCancel(context.Background())
	dial, retries := connectOptions(closing)
	dial = append(dial, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessage),
		grpc.MaxCallSendMsgSize(MaxMessage)))
	opts := []remote.ConfigOption{
		remote.WithServerOptions(grpc.MaxRecvMsgSize(MaxMessage)),
		remote.WithDialOptions(dial...),
		remote.WithEndpointWriterBatchSize(256),
		retries,
	}
	if cfg.Advertise != "" {
		opts = append(opts, remote.WithAdvertisedHost(cfg.Advertise))
	}
	r := remote.NewRemote(system, remote.Configure(host, port, opts...))
	defer func() {
		if p := recover(); p != nil {
			cancel()
			t, err = nil, fmt.Errorf("quorum port %s: %v", cfg.Bind, p)
		}
	}()
	r.Start()
	peers := make(map[int64]string, len(cfg.Peers))
	configured := make(map[int64]bool, len(cfg.Peers))
	for id, a := range cfg.Peers {
		peers[id] = a
		configured[id] = true
	}
	return &Transport{system: system, remote: r, self: cfg.Self, cancel: cancel, peers: peers, configured: configured}, nil
}

// Address is this server's advertised address.
func (t *Transport) Address() string { return t.system.Address() }

// Self is this server's id.
func (t *Transport) Self() int64 { return t.self }

// PID names actor `name` on server sid (this server included). ok is false
// for a server that is not in the configuration.
func (t *Transport) PID(sid int64, name string) (*actor.PID, bool) {
	if sid == t.self {
		return actor.NewPID(t.system.Address(), name), true
	}
	t.mu.RLock()
	a, ok := t.peers[sid]
	t.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return actor.NewPID(a, name), true
}

// SetPeer adds or moves a server (a committed reconfig, or an observer that
// announced itself).
func (t *Transport) SetPeer(sid int64, addr string) {
	t.mu.Lock()
	t.peers[sid] = addr
	t.mu.Unlock()
}

// Learn records the address of a server that is not in this server's
// configuration: an observer that joined by itself, learned from the
// sender of its messages or from gossip. A configured server's address is
// never changed this way (a message naming a voter's id cannot redirect
// the voter's traffic), nor is this server's. It reports whether the
// address is new.
func (t *Transport) Learn(sid int64, addr string) bool {
	if sid == t.self || addr == "" || addr == t.system.Address() {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.configured[sid] || t.peers[sid] == addr {
		return false
	}
	t.peers[sid] = addr
	return true
}

// Configured reports whether sid is a server of this server's zoo.cfg.
func (t *Transport) Configured(sid int64) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.configured[sid]
}

// Peers returns the ids of the other servers, in no particular order.
func (t *Transport) Peers() []int64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	ids := make([]int64, 0, len(t.peers))
	for id := range t.peers {
		ids = append(ids, id)
	}
	return ids
}

// Stop closes the listener and every stream.
func (t *Transport) Stop() {
	t.cancel()
	t.remote.Shutdown(true)
}
