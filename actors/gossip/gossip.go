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
	"cmp"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"slices"
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

// rejoinEvery is how often seeds missing from the view are asked again.
// memberlist itself never retries a join: an observer whose seeds were all
// down when it started would otherwise stay alone, and two halves of an
// ensemble started apart would never merge.
const rejoinEvery = 5 * time.Second

// Gossip is one server's membership agent.
type Gossip struct {
	list *memberlist.Memberlist
	cfg  Config

	mu   sync.Mutex
	meta []byte

	// updated wakes the goroutine that spreads a metadata change (Update);
	// done ends the background goroutines. Stop does not wait for them: a
	// join in progress may wait for a TCP timeout, and once memberlist is
	// shut down whatever they call fails at once.
	updated chan struct{}
	done    chan struct{}
	stop    sync.Once
}

// Start binds the election port; the seeds are joined in the background
// (a seed that is down would hold the caller for memberlist's TCP
// timeout), at once and then every rejoinEvery for those missing from the
// view. A server that finds none is alone until another joins it, which
// is not an error.
func Start(cfg Config) (*Gossip, error) {
	host, portStr, err := net.SplitHostPort(cfg.Bind)
	if err != nil {
		return nil, fmt.Errorf("election address %q: %w", cfg.Bind, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("election address %q: bad port", cfg.Bind)
	}
	g := &Gossip{cfg: cfg, updated: make(chan struct{}, 1), done: make(chan struct{})}
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
	// A server that comes back at another address (an observer moved to
	// another host) keeps its name; memberlist refuses the new address
	// while the old one is known, and takes it once the old one has been
	// dead this long.
	mc.DeadNodeReclaimTime = 10 * time.Second
	// memberlist takes IP addresses only, and zoo.cfg names servers by host
	// name as often as by address (containers, Kubernetes pods).
	if host, err = resolveIP(host); err != nil {
		return nil, fmt.Errorf("election address %q: %w", cfg.Bind, err)
	}
	mc.BindAddr, mc.BindPort = host, port
	mc.AdvertisePort = port
	if cfg.Advertise != "" {
		ah, ap, err := net.SplitHostPort(cfg.Advertise)
		if err == nil {
			if mc.AdvertiseAddr, err = resolveIP(ah); err != nil {
				return nil, fmt.Errorf("election address %q: %w", cfg.Advertise, err)
			}
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
	interval := rejoinEvery
	if cfg.Fast {
		interval = time.Second
	}
	go g.rejoin(interval)
	go g.spread()
	return g, nil
}

// rejoin joins the seeds that are not in the view, now and every interval.
func (g *Gossip) rejoin(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		alive := map[string]bool{}
		for _, n := range g.list.Members() {
			alive[n.Address()] = true
		}
		var missing []string
		for _, s := range g.cfg.Seeds {
			if !alive[s] {
				missing = append(missing, s)
			}
		}
		g.Join(missing)
		select {
		case <-g.done:
			return
		case <-t.C:
		}
	}
}

// spread re-advertises this server's metadata after each Update, off the
// caller's goroutine: memberlist's UpdateNode waits for the broadcast.
func (g *Gossip) spread() {
	for {
		select {
		case <-g.done:
			return
		case <-g.updated:
			_ = g.list.UpdateNode(time.Second)
		}
	}
}

// Update changes what this server says about itself without waiting: the
// change is spread in the background, the latest one winning. Actors call
// it (the peer, when its role changes).
func (g *Gossip) Update(m *messages.MemberMeta) error {
	if err := g.store(m); err != nil {
		return err
	}
	select {
	case g.updated <- struct{}{}:
	default: // a spread is pending; it will send the latest metadata
	}
	return nil
}

// Meta is what this server currently says about itself.
func (g *Gossip) Meta() *messages.MemberMeta {
	g.mu.Lock()
	defer g.mu.Unlock()
	m := &messages.MemberMeta{}
	_ = proto.Unmarshal(g.meta, m)
	return m
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

// store makes m what NodeMeta answers from now on.
func (g *Gossip) store(m *messages.MemberMeta) error {
	b, err := encodeMeta(m)
	if err != nil {
		return err
	}
	g.mu.Lock()
	g.meta = b
	g.mu.Unlock()
	return nil
}

func encodeMeta(m *messages.MemberMeta) ([]byte, error) {
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("gossip metadata is %d bytes, more than %d", len(b), memberlist.MetaMaxSize)
	}
	return b, nil
}

// SetMeta changes what this server says about itself and spreads it,
// waiting up to a second for the broadcast (Update does not wait).
func (g *Gossip) SetMeta(m *messages.MemberMeta) error {
	if err := g.store(m); err != nil {
		return err
	}
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

// Node is one member of the view as operators see it.
type Node struct {
	Name    string // memberlist's node name, "sid-<id>"
	Address string // the member's gossip (election port) address
	// State is memberlist's view of it: alive or suspect (members that
	// left or were declared dead are no longer listed).
	State string
	Meta  *messages.MemberMeta
}

// Nodes is the current view with memberlist's own details, sorted by
// server id.
func (g *Gossip) Nodes() []Node {
	var out []Node
	for _, n := range g.list.Members() {
		m := decode(n)
		if m == nil {
			continue
		}
		st := "alive"
		if n.State == memberlist.StateSuspect {
			st = "suspect"
		}
		out = append(out, Node{Name: n.Name, Address: n.Address(), State: st, Meta: m})
	}
	slices.SortFunc(out, func(a, b Node) int { return cmp.Compare(a.Meta.GetSid(), b.Meta.GetSid()) })
	return out
}

// Stop leaves the cluster politely (the others see LEAVE at once rather
// than after a failure timeout) and closes the port.
func (g *Gossip) Stop() {
	g.stop.Do(func() {
		close(g.done)
		_ = g.list.Leave(time.Second)
		_ = g.list.Shutdown()
	})
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

// resolveIP turns a host name into one of its addresses (IPv4 first, as
// Apache with java.net.preferIPv4Stack); addresses and "" pass unchanged.
func resolveIP(host string) (string, error) {
	if host == "" || net.ParseIP(host) != nil {
		return host, nil
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		return "", err
	}
	if len(ips) == 0 {
		return "", fmt.Errorf("%s has no address", host)
	}
	for _, ip := range ips {
		if ip.To4() != nil {
			return ip.String(), nil
		}
	}
	return ips[0].String(), nil
}
