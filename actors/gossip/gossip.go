// Package gossip runs memberlist on a server's election port so that the
// servers of an ensemble, and observers that were never configured, find
// each other and learn who is up.
//
// Gossip is a hint, never a decision. memberlist's view is only eventually
// consistent and its callbacks run on its own goroutines, so this package
// only turns them into protobuf MemberEvent messages for the peer actor;
// the voting set changes only through a committed configuration, and a
// server is considered down for Zab only by Zab's own timeouts.
package gossip

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/corral-zk/corral/messages"
	"github.com/hashicorp/memberlist"
	"google.golang.org/protobuf/proto"
)

// Config says where this server gossips and whom it asks first.
type Config struct {
	// Bind is "host:electionPort"; Advertise the address the others use
	// (empty: Bind).
	Bind, Advertise string
	// Seeds are the election addresses of the configured servers.
	Seeds []string
	// Meta is what this server says about itself.
	Meta *messages.MemberMeta
	// Events receives every change of the view. It is called from
	// memberlist's goroutines and must not block (send to an actor).
	Events func(*messages.MemberEvent)
	Logger *slog.Logger
	// Fast shortens probe and gossip intervals (tests and loopback).
	Fast bool
}

// Gossip is one server's membership agent.
type Gossip struct {
	list *memberlist.Memberlist
	cfg  Config

	mu   sync.Mutex
	meta []byte
}

// Start binds the election port and joins whichever seeds answer; a server
// that finds none is alone until another joins it, which is not an error.
func Start(cfg Config) (*Gossip, error) {
	host, portStr, err := net.SplitHostPort(cfg.Bind)
	if err != nil {
		return nil, fmt.Errorf("election address %q: %w", cfg.Bind, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("election address %q: bad port", cfg.Bind)
	}
	g := &Gossip{cfg: cfg}
	if err := g.SetMeta(cfg.Meta); err != nil {
		return nil, err
	}
	mc := memberlist.DefaultLANConfig()
	if cfg.Fast {
		mc = memberlist.DefaultLocalConfig()
		mc.ProbeInterval = 200 * time.Millisecond
		mc.ProbeTimeout = 100 * time.Millisecond
		mc.GossipInterval = 50 * time.Millisecond
		mc.PushPullInterval = 2 * time.Second
	}
	mc.Name = "sid-" + strconv.FormatInt(cfg.Meta.GetSid(), 10)
	mc.BindAddr, mc.BindPort = host, port
	mc.AdvertisePort = port
	if cfg.Advertise != "" {
		ah, ap, err := net.SplitHostPort(cfg.Advertise)
		if err == nil {
			mc.AdvertiseAddr = ah
			mc.AdvertisePort, _ = strconv.Atoi(ap)
		}
	} else if host != "" && host != "0.0.0.0" && host != "::" {
		mc.AdvertiseAddr = host
	}
	mc.Delegate = g
	mc.Events = g
	mc.Logger = log.New(io.Discard, "", 0)
	if cfg.Logger != nil {
		mc.Logger = slog.NewLogLogger(cfg.Logger.With("lib", "memberlist").Handler(), slog.LevelDebug)
	}
	list, err := memberlist.Create(mc)
	if err != nil {
		return nil, fmt.Errorf("election port: cannot start gossip on %s: %w", cfg.Bind, err)
	}
	g.list = list
	g.Join(cfg.Seeds)
	return g, nil
}

// Join asks the given addresses to let this server in; unreachable ones are
// skipped (they will join us when they start).
func (g *Gossip) Join(seeds []string) int {
	var others []string
	self := g.list.LocalNode().Address()
	for _, s := range seeds {
		if s != self && s != g.cfg.Bind {
			others = append(others, s)
		}
	}
	if len(others) == 0 {
		return 0
	}
	n, _ := g.list.Join(others)
	return n
}

// SetMeta changes what this server says about itself and spreads it.
func (g *Gossip) SetMeta(m *messages.MemberMeta) error {
	b, err := proto.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > memberlist.MetaMaxSize {
		return fmt.Errorf("gossip metadata is %d bytes, more than %d", len(b), memberlist.MetaMaxSize)
	}
	g.mu.Lock()
	g.meta = b
	g.mu.Unlock()
	if g.list != nil {
		return g.list.UpdateNode(time.Second)
	}
	return nil
}

// Members is the current view, this server included.
func (g *Gossip) Members() []*messages.MemberMeta {
	var out []*messages.MemberMeta
	for _, n := range g.list.Members() {
		if m := decode(n); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Stop leaves the cluster politely (the others see LEAVE at once rather
// than after a failure timeout) and closes the port.
func (g *Gossip) Stop() {
	_ = g.list.Leave(time.Second)
	_ = g.list.Shutdown()
}

func decode(n *memberlist.Node) *messages.MemberMeta {
	m := &messages.MemberMeta{}
	if proto.Unmarshal(n.Meta, m) != nil || m.Sid == 0 {
		return nil
	}
	return m
}

func (g *Gossip) emit(kind messages.MemberEvent_Kind, n *memberlist.Node) {
	m := decode(n)
	if m == nil || g.cfg.Events == nil {
		return
	}
	g.cfg.Events(&messages.MemberEvent{Kind: kind, Member: m, Address: n.Address()})
}

// NotifyJoin implements memberlist.EventDelegate.
func (g *Gossip) NotifyJoin(n *memberlist.Node) { g.emit(messages.MemberEvent_JOIN, n) }

// NotifyLeave implements memberlist.EventDelegate.
func (g *Gossip) NotifyLeave(n *memberlist.Node) { g.emit(messages.MemberEvent_LEAVE, n) }

// NotifyUpdate implements memberlist.EventDelegate.
func (g *Gossip) NotifyUpdate(n *memberlist.Node) { g.emit(messages.MemberEvent_UPDATE, n) }

// NodeMeta implements memberlist.Delegate.
func (g *Gossip) NodeMeta(limit int) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.meta
}

// NotifyMsg implements memberlist.Delegate; Corral sends no user messages
// over gossip (Zab traffic has its own transport).
func (g *Gossip) NotifyMsg([]byte) {}

// GetBroadcasts implements memberlist.Delegate.
func (g *Gossip) GetBroadcasts(overhead, limit int) [][]byte { return nil }

// LocalState implements memberlist.Delegate.
func (g *Gossip) LocalState(join bool) []byte { return nil }

// MergeRemoteState implements memberlist.Delegate.
func (g *Gossip) MergeRemoteState(buf []byte, join bool) {}
